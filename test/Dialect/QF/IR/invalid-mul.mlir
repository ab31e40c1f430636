// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @per_axis(%a: tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %b: tensor<2x4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.mul' op lhs must be quantized per tensor}}
  %y = qf.mul %a, %b : (tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @shapes(%a: tensor<2x4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2x3x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.mul' op operands must broadcast to the result's shape along size-1 dimensions, got 2x4, 2x3 and 2x4}}
  %y = qf.mul %a, %b : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<2x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @result_shape(%a: tensor<2x4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<1x4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.mul' op operands must broadcast to the result's shape along size-1 dimensions, got 2x4, 1x4 and 1x4}}
  %y = qf.mul %a, %b : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<1x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @expressed(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i8:f16, 0.1>>) {
  // expected-error @+1 {{'qf.mul' op operands and result must express the same type}}
  %y = qf.mul %a, %b : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f16, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @clamp(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.mul' op clamp [-200, 127] exceeds the result's storage range [-128, 127]}}
  %y = qf.mul %a, %b clamp [-200, 127] : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return
}
