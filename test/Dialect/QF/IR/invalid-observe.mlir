// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @negative_id(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.observe' op id must be non-negative, got -1}}
  qf.observe %x {id = -1 : i64, name = "x"} : tensor<4xf32>
  return
}

// -----

func.func @empty_name(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.observe' op name must not be empty}}
  qf.observe %x {id = 0 : i64, name = ""} : tensor<4xf32>
  return
}

// -----

func.func @integer_tensor(%x: tensor<4xi8>) {
  // expected-error @+1 {{'qf.observe' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi8>'}}
  qf.observe %x {id = 0 : i64, name = "x"} : tensor<4xi8>
  return
}

// -----

func.func @missing_id(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.observe' op requires attribute 'id'}}
  qf.observe %x {name = "x"} : tensor<4xf32>
  return
}
