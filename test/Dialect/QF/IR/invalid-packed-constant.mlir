// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @not_four_bits() {
  // expected-error @+1 {{'qf.packed_constant' op holds 4-bit values but the result's storage type is 'i8'}}
  %w = qf.packed_constant dense<0> : tensor<2xi8> : tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @dynamic_shape() {
  // expected-error @+1 {{'qf.packed_constant' op result must have a static shape}}
  %w = qf.packed_constant dense<0> : tensor<2xi8> : tensor<?x!quant.uniform<i4:f32, 0.5>>
  return
}

// -----

func.func @not_bytes() {
  // expected-error @+1 {{'qf.packed_constant' op packed must be a 1-D tensor of i8 bytes, got 'tensor<2xi16>'}}
  %w = qf.packed_constant dense<0> : tensor<2xi16> : tensor<4x!quant.uniform<i4:f32, 0.5>>
  return
}

// -----

func.func @not_1d() {
  // expected-error @+1 {{'qf.packed_constant' op packed must be a 1-D tensor of i8 bytes, got 'tensor<1x2xi8>'}}
  %w = qf.packed_constant dense<0> : tensor<1x2xi8> : tensor<4x!quant.uniform<i4:f32, 0.5>>
  return
}

// -----

func.func @byte_count() {
  // expected-error @+1 {{'qf.packed_constant' op packed holds 10 bytes but 18 4-bit values need 9}}
  %w = qf.packed_constant dense<0> : tensor<10xi8> : tensor<6x3x!quant.uniform<i4:f32, 0.5>>
  return
}

// -----

func.func @unused_nibble() {
  // expected-error @+1 {{'qf.packed_constant' op the unused high nibble of the last byte must be zero}}
  %w = qf.packed_constant dense<[0x21, 0x13]> : tensor<2xi8> : tensor<3x!quant.uniform<i4:f32, 0.5>>
  return
}

// -----

// -8 (nibble 0x8) is a valid i4 but outside the symmetric range [-7, 7].
func.func @nibble_out_of_range() {
  // expected-error @+1 {{'qf.packed_constant' op element 3 is -8, outside the storage range [-7, 7]}}
  %w = qf.packed_constant dense<[0x77, 0x89]> : tensor<2xi8> : tensor<4x!quant.uniform<i4<-7:7>:f32, 0.5>>
  return
}

// -----

func.func @bad_result_type() {
  // expected-error @+1 {{'qf.packed_constant' op result has block size 32 along axis 0, which does not divide its size 16}}
  %w = qf.packed_constant dense<0> : tensor<8xi8> : tensor<16x!quant.uniform<i4:f32:{0:32}, {0.5}>>
  return
}
