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

// -----

func.func @parallel_split_not_unit(%buf: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{'qf.parallel_split' must be a unit attribute}}
  scf.for %i = %c0 to %c4 step %c1 {
  } {qf.parallel_split = 1 : i64}
  return
}
