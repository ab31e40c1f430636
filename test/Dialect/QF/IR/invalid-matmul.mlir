// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @lhs_rank(%x: tensor<64x!quant.uniform<i8:f32, 0.05>>, %w: tensor<64x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op lhs must have rank 2 or more ([..., M, K]), got 1}}
  %y = qf.matmul %x, %w : (tensor<64x!quant.uniform<i8:f32, 0.05>>, tensor<64x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<3xi32>
  return
}

// -----

func.func @rhs_rank(%x: tensor<1x64x!quant.uniform<i8:f32, 0.05>>, %w: tensor<2x64x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op rhs must have rank 2 ([K, N]), got 3}}
  %y = qf.matmul %x, %w : (tensor<1x64x!quant.uniform<i8:f32, 0.05>>, tensor<2x64x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x3xi32>
  return
}

// -----

func.func @lhs_per_axis(%x: tensor<2x4x!quant.uniform<i8:f32:0, {0.05, 0.05}>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op lhs must be quantized per tensor}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32:0, {0.05, 0.05}>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3xi32>
  return
}

// -----

func.func @lhs_storage(%x: tensor<2x4x!quant.uniform<i16:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op lhs must have 8-bit storage, not 'i16'}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i16:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3xi32>
  return
}

// -----

func.func @rhs_storage(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i16:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op rhs must have 4- or 8-bit storage, not 'i16'}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i16:f32, 0.01>>) -> tensor<2x3xi32>
  return
}

// -----

func.func @rhs_bad_type(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32:1, {0.01, 0.01}>>) {
  // expected-error @+1 {{'qf.matmul' op rhs has 2 scales for axis 1 of size 3}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32:1, {0.01, 0.01}>>) -> tensor<2x3xi32>
  return
}

// -----

func.func @expressed_types(%x: tensor<2x4x!quant.uniform<i8:f16, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op lhs expresses 'f16' values but rhs expresses 'f32'}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f16, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3xi32>
  return
}

// -----

func.func @rhs_axis(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32:0, {0.01, 0.01, 0.01, 0.01}>>) {
  // expected-error @+1 {{'qf.matmul' op rhs must be quantized along axis 1 (its N columns), not axis 0}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32:0, {0.01, 0.01, 0.01, 0.01}>>) -> tensor<2x3xi32>
  return
}

// -----

func.func @k_mismatch(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<5x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op lhs has K = 4 but rhs has K = 5}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<5x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3xi32>
  return
}

// -----

func.func @result_shape(%x: tensor<7x2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op result shape 7x2x4 does not match the product's shape 7x2x3}}
  %y = qf.matmul %x, %w : (tensor<7x2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<7x2x4xi32>
  return
}

// -----

func.func @result_per_axis(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op result must be quantized per tensor}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.1, 0.1}>>
  return
}

// -----

func.func @result_expressed_type(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op result expresses 'f16' values but lhs expresses 'f32'}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3x!quant.uniform<i8:f16, 0.1>>
  return
}

// -----

func.func @result_bad_type(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op result has zero point 200, outside the storage range [-128, 127] of 'i8'}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1:200>>
  return
}

// -----

func.func @float_result(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op result #0 must be ranked tensor of quantized type or 32-bit signless integer values, but got 'tensor<2x3xf32>'}}
  %y = qf.matmul %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3xf32>
  return
}

// -----

func.func @bias_shape(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'qf.matmul' op bias has shape 4 but there are 3 output channels}}
  %y = qf.matmul %x, %w bias %b : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>, tensor<4xi32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @bias_type(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'qf.matmul' op operand #2 must be ranked tensor of 32-bit signless integer values, but got 'tensor<3xf32>'}}
  %y = qf.matmul %x, %w bias %b : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>, tensor<3xf32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @clamp_on_accumulator(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op clamp needs a quantized result; an i32 accumulator is not clamped}}
  %y = qf.matmul %x, %w clamp [0, 127] : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3xi32>
  return
}

// -----

func.func @clamp_arity(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op clamp must be [min, max], got 3 values}}
  %y = qf.matmul %x, %w clamp [0, 1, 127] : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @clamp_empty(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op clamp [10, 0] is empty}}
  %y = qf.matmul %x, %w clamp [10, 0] : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @clamp_range(%x: tensor<2x4x!quant.uniform<i8:f32, 0.05>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.01>>) {
  // expected-error @+1 {{'qf.matmul' op clamp [0, 255] exceeds the result's storage range [-128, 127]}}
  %y = qf.matmul %x, %w clamp [0, 255] : (tensor<2x4x!quant.uniform<i8:f32, 0.05>>, tensor<4x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  return
}
