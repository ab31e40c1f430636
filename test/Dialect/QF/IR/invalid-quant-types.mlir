// RUN: qforge-opt %s -split-input-file -verify-diagnostics
// The checks every qf op applies to its quantized tensors, shown on
// qf.quantize's result.

func.func @any_type_not_supported(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.quantize' op result has element type '!quant.any<i8:f32>'; qf supports !quant.uniform per tensor, per axis or per block}}
  %q = qf.quantize %x : tensor<4xf32> -> tensor<4x!quant.any<i8:f32>>
  return
}

// -----

func.func @storage_too_narrow(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.quantize' op result has 2-bit storage; qf supports 4, 8, 16 and 32 bits}}
  %q = qf.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i2:f32, 0.5>>
  return
}

// -----

func.func @zero_point_out_of_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.quantize' op result has zero point 300, outside the storage range [-128, 127] of 'i8'}}
  %q = qf.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:300>>
  return
}

// -----

// A narrowed storage range narrows what a zero point may be too.
func.func @zero_point_out_of_narrowed_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.quantize' op result has zero point -128, outside the storage range [-127, 127] of 'i8'}}
  %q = qf.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5:-128>>
  return
}

// -----

func.func @per_axis_axis_out_of_rank(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.quantize' op result is quantized along axis 1 but has rank 1}}
  %q = qf.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32:1, {0.5, 0.5}>>
  return
}

// -----

func.func @per_axis_scale_count(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{'qf.quantize' op result has 2 scales for axis 0 of size 4}}
  %q = qf.quantize %x : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i8:f32:0, {0.5, 0.5}>>
  return
}

// -----

func.func @per_axis_zero_point(%x: tensor<2xf32>) {
  // expected-error @+1 {{'qf.quantize' op result channel 1 has zero point 256, outside the storage range [0, 255] of 'i8'}}
  %q = qf.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<u8:f32:0, {0.5:0, 0.5:256}>>
  return
}

// -----

func.func @blocks_need_static_shape(%x: tensor<?x2xf32>) {
  // expected-error @+1 {{'qf.quantize' op result is quantized in blocks and needs a static shape}}
  %q = qf.quantize %x : tensor<?x2xf32> -> tensor<?x2x!quant.uniform<i4:f32:{0:32}, {{0.1}}>>
  return
}

// -----

func.func @block_axis_out_of_rank(%x: tensor<64xf32>) {
  // expected-error @+1 {{'qf.quantize' op result has a block size for axis 1 but has rank 1}}
  %q = qf.quantize %x : tensor<64xf32> -> tensor<64x!quant.uniform<i4:f32:{1:32}, {{0.1}}>>
  return
}

// -----

func.func @block_does_not_divide(%x: tensor<48x2xf32>) {
  // expected-error @+1 {{'qf.quantize' op result has block size 32 along axis 0, which does not divide its size 48}}
  %q = qf.quantize %x : tensor<48x2xf32> -> tensor<48x2x!quant.uniform<i4:f32:{0:32}, {{0.1}, {0.2}}>>
  return
}

// -----

func.func @block_scale_shape(%x: tensor<64x2xf32>) {
  // expected-error @+1 {{'qf.quantize' op result has scales of shape [2, 1] but its blocks need [2, 2]}}
  %q = qf.quantize %x : tensor<64x2xf32> -> tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1}, {0.2}}>>
  return
}

// -----

func.func @block_zero_point(%x: tensor<64x1xf32>) {
  // expected-error @+1 {{'qf.quantize' op result has zero point 8, outside the storage range [1, 7] of 'i4'}}
  %q = qf.quantize %x : tensor<64x1xf32> -> tensor<64x1x!quant.uniform<u4<1:7>:f32:{0:32}, {{0.1:1}, {0.2:8}}>>
  return
}
