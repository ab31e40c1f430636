// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @per_axis(%a: tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %b: tensor<2x4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.add' op lhs must be quantized per tensor}}
  %y = qf.add %a, %b : (tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @shapes(%a: tensor<2x4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x2x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.add' op operands and result must have one shape, got 2x4, 4x2 and 2x4}}
  %y = qf.add %a, %b : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @expressed(%a: tensor<4x!quant.uniform<i8:f16, 0.1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.add' op operands and result must express the same type}}
  %y = qf.add %a, %b : (tensor<4x!quant.uniform<i8:f16, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @clamp(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.add' op clamp [-128, 300] exceeds the result's storage range [-128, 127]}}
  %y = qf.add %a, %b clamp [-128, 300] : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return
}

// -----

func.func @bad_result(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.add' op result has 2-bit storage; qf supports 4, 8, 16 and 32 bits}}
  %y = qf.add %a, %b : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i2:f32, 0.2>>
  return
}
