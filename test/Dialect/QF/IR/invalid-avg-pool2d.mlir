// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @rank(%x: tensor<7x7x8x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.avg_pool2d' op input must be NHWC (rank 4)}}
  %y = qf.avg_pool2d %x {kernel = array<i64: 7, 7>, strides = array<i64: 1, 1>} : (tensor<7x7x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1x8x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @kernel(%x: tensor<1x7x7x8x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.avg_pool2d' op kernel must be two positive values [h, w]}}
  %y = qf.avg_pool2d %x {kernel = array<i64: 0, 7>, strides = array<i64: 1, 1>} : (tensor<1x7x7x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @shape(%x: tensor<1x7x7x8x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.avg_pool2d' op result shape 1x2x2x8 does not match the pooling's shape 1x1x1x8}}
  %y = qf.avg_pool2d %x {kernel = array<i64: 7, 7>, strides = array<i64: 1, 1>} : (tensor<1x7x7x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x2x8x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @per_axis(%x: tensor<1x7x7x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qf.avg_pool2d' op input must be quantized per tensor}}
  %y = qf.avg_pool2d %x {kernel = array<i64: 7, 7>, strides = array<i64: 1, 1>} : (tensor<1x7x7x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>) -> tensor<1x1x1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @too_big(%x: tensor<1x3x3x2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.avg_pool2d' op the kernel is larger than the input}}
  %y = qf.avg_pool2d %x {kernel = array<i64: 4, 4>, strides = array<i64: 1, 1>} : (tensor<1x3x3x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1x1x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @negative_padding(%x: tensor<1x7x7x2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.avg_pool2d' op padding must be four non-negative values [top, bottom, left, right]}}
  %y = qf.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, padding = array<i64: 1, -1, 1, 1>} : (tensor<1x7x7x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x7x7x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @padding_only_window(%x: tensor<1x7x7x2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.avg_pool2d' op padding must be smaller than the kernel on each side}}
  %y = qf.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 2, 0>} : (tensor<1x7x7x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x6x8x2x!quant.uniform<i8:f32, 0.1>>
  return
}
