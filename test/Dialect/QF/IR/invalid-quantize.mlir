// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @quantize_expressed_type(%x: tensor<4xf16>) {
  // expected-error @+1 {{'qf.quantize' op result expresses 'f32' values but the input holds 'f16'}}
  %q = qf.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @quantize_integer_input(%x: tensor<4xi8>) {
  // expected-error @+1 {{'qf.quantize' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi8>'}}
  %q = qf.quantize %x : tensor<4xi8> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @quantize_float_result(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.quantize' op result #0 must be ranked tensor of quantized type values, but got 'tensor<4xf32>'}}
  %q = qf.quantize %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @quantize_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.quantize' op requires the same shape for all operands and results}}
  %q = qf.quantize %x : tensor<4xf32> -> tensor<5x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @dequantize_expressed_type(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'qf.dequantize' op input expresses 'f32' values but the result holds 'bf16'}}
  %x = qf.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xbf16>
  return
}

// -----

func.func @dequantize_bad_input_type(%q: tensor<4x!quant.uniform<i8:f32:0, {0.5, 0.5}>>) {
  // expected-error @+1 {{'qf.dequantize' op input has 2 scales for axis 0 of size 4}}
  %x = qf.dequantize %q : tensor<4x!quant.uniform<i8:f32:0, {0.5, 0.5}>> -> tensor<4xf32>
  return
}

// -----

func.func @dequantize_integer_input(%q: tensor<4xi8>) {
  // expected-error @+1 {{'qf.dequantize' op operand #0 must be ranked tensor of quantized type values, but got 'tensor<4xi8>'}}
  %x = qf.dequantize %q : tensor<4xi8> -> tensor<4xf32>
  return
}

// -----

func.func @requantize_expressed_type(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'qf.requantize' op input expresses 'f32' values but the result expresses 'f16'}}
  %r = qf.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f16, 0.25>>
  return
}

// -----

func.func @requantize_blocks(%q: tensor<64x!quant.uniform<i4:f32:{0:32}, {0.5, 0.25}>>) {
  // expected-error @+1 {{'qf.requantize' op block-quantized tensors cannot be requantized}}
  %r = qf.requantize %q : tensor<64x!quant.uniform<i4:f32:{0:32}, {0.5, 0.25}>> -> tensor<64x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @requantize_to_other_axis(%q: tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) {
  // expected-error @+1 {{'qf.requantize' op a result quantized along axis 1 needs an input quantized along the same axis}}
  %r = qf.requantize %q : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return
}

// -----

func.func @requantize_per_tensor_to_axis(%q: tensor<2x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'qf.requantize' op a result quantized along axis 0 needs an input quantized along the same axis}}
  %r = qf.requantize %q : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @requantize_bad_result_type(%q: tensor<2x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'qf.requantize' op result has zero point -1, outside the storage range [0, 255] of 'i8'}}
  %r = qf.requantize %q : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2x!quant.uniform<u8:f32, 0.5:-1>>
  return
}
