// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @per_axis(%x: tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qf.lookup' op input must be quantized per tensor}}
  %y = qf.lookup %x table dense<0> : tensor<256xi8> : (tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @four_bit(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.lookup' op result must have 8-bit storage (a table has 256 entries)}}
  %y = qf.lookup %x table dense<0> : tensor<256xi8> : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i4:f32, 0.1>>
  return
}

// -----

func.func @shapes(%x: tensor<2x4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.lookup' op input and result must have one shape, got 2x4 and 4x2}}
  %y = qf.lookup %x table dense<0> : tensor<256xi8> : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x2x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @short_table(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.lookup' op table must have 256 entries (one per input byte), got 16}}
  %y = qf.lookup %x table dense<0> : tensor<16xi8> : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @entry_range(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qf.lookup' op table entry -128 is outside the result's storage range [-127, 127]}}
  %y = qf.lookup %x table dense<-128> : tensor<256xi8> : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1>>
  return
}

// -----

func.func @float_input(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.lookup' op operand #0 must be ranked tensor of}}
  %y = qf.lookup %x table dense<0> : tensor<256xi8> : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}
