// RUN: qforge-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'qf.quantized' must be a unit attribute}}
func.func @quantized_not_unit() attributes {qf.quantized = 1 : i32} {
  return
}

// -----

func.func @keep_float_not_unit(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.keep_float' must be a unit attribute}}
  %y = math.exp %x {qf.keep_float = "yes"} : tensor<4xf32>
  return
}

// -----

// expected-error @+1 {{unknown qf attribute 'qf.quantised'}}
func.func @misspelt() attributes {qf.quantised} {
  return
}
