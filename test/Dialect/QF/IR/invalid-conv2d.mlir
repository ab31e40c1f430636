// RUN: qforge-opt %s -split-input-file -verify-diagnostics
// The checks qf.conv2d shares with qf.matmul (operand types, bias, clamp) are
// exercised in invalid-matmul.mlir; this file covers the convolution's own.

func.func @input_rank(%x: tensor<8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op input must be NHWC (rank 4), got rank 3}}
  %y = qf.conv2d %x, %w : (tensor<8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x2xi32>
  return
}

// -----

func.func @filter_rank(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<3x3x4x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op filter must be OHWI (rank 4), got rank 3}}
  %y = qf.conv2d %x, %w : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<3x3x4x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x2xi32>
  return
}

// -----

func.func @result_rank(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op result must be NHWC (rank 4), got rank 3}}
  %y = qf.conv2d %x, %w : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) -> tensor<6x6x2xi32>
  return
}

// -----

func.func @strides(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op strides must be two positive values [h, w]}}
  %y = qf.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x2xi32>
  return
}

// -----

func.func @dilations(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op dilations must be two positive values [h, w]}}
  %y = qf.conv2d %x, %w {dilations = array<i64: 1>} : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x2xi32>
  return
}

// -----

func.func @padding(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op padding must be four non-negative values [top, bottom, left, right]}}
  %y = qf.conv2d %x, %w {padding = array<i64: 1, 1>} : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x2xi32>
  return
}

// -----

func.func @groups(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op groups must be positive, got 0}}
  %y = qf.conv2d %x, %w {groups = 0 : i64} : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x2xi32>
  return
}

// -----

func.func @input_not_per_tensor(%x: tensor<1x8x8x2x!quant.uniform<u8:f32:3, {0.05:128, 0.05:128}>>, %w: tensor<2x3x3x2x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op input must be quantized per tensor}}
  %y = qf.conv2d %x, %w : (tensor<1x8x8x2x!quant.uniform<u8:f32:3, {0.05:128, 0.05:128}>>, tensor<2x3x3x2x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x2xi32>
  return
}

// -----

func.func @filter_axis(%x: tensor<1x8x8x2x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<2x3x3x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qf.conv2d' op filter must be quantized along axis 0 (its output channels), not axis 3}}
  %y = qf.conv2d %x, %w : (tensor<1x8x8x2x!quant.uniform<u8:f32, 0.05:128>>, tensor<2x3x3x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>) -> tensor<1x6x6x2xi32>
  return
}

// -----

func.func @input_channels_vs_groups(%x: tensor<1x8x8x6x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<4x3x3x1x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op input has 6 channels, not a multiple of groups = 4}}
  %y = qf.conv2d %x, %w {groups = 4 : i64} : (tensor<1x8x8x6x!quant.uniform<u8:f32, 0.05:128>>, tensor<4x3x3x1x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x4xi32>
  return
}

// -----

func.func @output_channels_vs_groups(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<6x3x3x1x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op filter has 6 output channels, not a multiple of groups = 4}}
  %y = qf.conv2d %x, %w {groups = 4 : i64} : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<6x3x3x1x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x6xi32>
  return
}

// -----

func.func @filter_channels(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<4x3x3x4x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op filter takes 4 input channels per group but the input has 4 channels in 2 groups}}
  %y = qf.conv2d %x, %w {groups = 2 : i64} : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<4x3x3x4x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x6x6x4xi32>
  return
}

// -----

func.func @kernel_too_large(%x: tensor<1x4x4x1x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op the dilated kernel is larger than the padded input}}
  %y = qf.conv2d %x, %w {dilations = array<i64: 2, 2>} : (tensor<1x4x4x1x!quant.uniform<u8:f32, 0.05:128>>, tensor<1x3x3x1x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x1x1x1xi32>
  return
}

// -----

func.func @result_shape(%x: tensor<1x9x9x1x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.02>>) {
  // expected-error @+1 {{'qf.conv2d' op result shape 1x5x5x1 does not match the convolution's shape 1x4x5x1}}
  %y = qf.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 1, 1>} : (tensor<1x9x9x1x!quant.uniform<u8:f32, 0.05:128>>, tensor<1x3x3x1x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x5x5x1xi32>
  return
}

// -----

func.func @bias_shape(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, %w: tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>, %b: tensor<1x2xi32>) {
  // expected-error @+1 {{'qf.conv2d' op bias has shape 1x2 but there are 2 output channels}}
  %y = qf.conv2d %x, %w bias %b : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<2x3x3x4x!quant.uniform<i8:f32, 0.02>>, tensor<1x2xi32>) -> tensor<1x6x6x2xi32>
  return
}
