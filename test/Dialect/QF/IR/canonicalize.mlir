// RUN: qforge-opt %s -canonicalize -split-input-file | FileCheck %s

!q8 = !quant.uniform<i8:f32, 0.5:-3>
!u8 = !quant.uniform<u8:f32, 0.25:128>

// CHECK-LABEL: func.func @quantize_of_dequantize_same_type
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant
// CHECK-NEXT: return %[[Q]]
func.func @quantize_of_dequantize_same_type(%q: tensor<4x!q8>) -> tensor<4x!q8> {
  %x = qf.dequantize %q : tensor<4x!q8> -> tensor<4xf32>
  %r = qf.quantize %x : tensor<4xf32> -> tensor<4x!q8>
  return %r : tensor<4x!q8>
}

// -----

!q8 = !quant.uniform<i8:f32, 0.5:-3>

// Quantizing rounds and clamps: the float round trip must stay.
// CHECK-LABEL: func.func @dequantize_of_quantize_stays
// CHECK: %[[Q:.*]] = qf.quantize
// CHECK: %[[X:.*]] = qf.dequantize %[[Q]]
// CHECK: return %[[X]]
func.func @dequantize_of_quantize_stays(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qf.quantize %x : tensor<4xf32> -> tensor<4x!q8>
  %y = qf.dequantize %q : tensor<4x!q8> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

!q8 = !quant.uniform<i8:f32, 0.5:-3>
!u8 = !quant.uniform<u8:f32, 0.25:128>

// CHECK-LABEL: func.func @quantize_of_dequantize_other_type
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant
// CHECK-NEXT: %[[R:.*]] = qf.requantize %[[Q]] : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>>
// CHECK-NEXT: return %[[R]]
func.func @quantize_of_dequantize_other_type(%q: tensor<4x!q8>) -> tensor<4x!u8> {
  %x = qf.dequantize %q : tensor<4x!q8> -> tensor<4xf32>
  %r = qf.quantize %x : tensor<4xf32> -> tensor<4x!u8>
  return %r : tensor<4x!u8>
}

// -----

// A per-tensor input cannot requantize onto an axis: the float round trip
// stays.
// CHECK-LABEL: func.func @quantize_of_dequantize_not_requantizable
// CHECK: qf.dequantize
// CHECK: qf.quantize
// CHECK-NOT: qf.requantize
func.func @quantize_of_dequantize_not_requantizable(%q: tensor<2x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> {
  %x = qf.dequantize %q : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2xf32>
  %r = qf.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return %r : tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
}

// -----

!q8 = !quant.uniform<i8:f32, 0.5:-3>

// CHECK-LABEL: func.func @requantize_same_type
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant
// CHECK-NEXT: return %[[Q]]
func.func @requantize_same_type(%q: tensor<4x!q8>) -> tensor<4x!q8> {
  %r = qf.requantize %q : tensor<4x!q8> -> tensor<4x!q8>
  return %r : tensor<4x!q8>
}

// -----

!q8 = !quant.uniform<i8:f32, 0.5:-3>
!u8 = !quant.uniform<u8:f32, 0.25:128>

// Two roundings are not one: a chain of requantizations stays.
// CHECK-LABEL: func.func @requantize_chain_stays
// CHECK: qf.requantize
// CHECK: qf.requantize
func.func @requantize_chain_stays(%q: tensor<4x!q8>) -> tensor<4x!q8> {
  %a = qf.requantize %q : tensor<4x!q8> -> tensor<4x!u8>
  %b = qf.requantize %a : tensor<4x!u8> -> tensor<4x!q8>
  return %b : tensor<4x!q8>
}

// -----

// Unused observers are kept: they have an effect (recording) of their own.
// Unused packed constants are dead code.
// CHECK-LABEL: func.func @effects
// CHECK: qf.observe
// CHECK-NOT: qf.packed_constant
func.func @effects(%x: tensor<4xf32>) {
  qf.observe %x {id = 0 : i64, name = "x"} : tensor<4xf32>
  %w = qf.packed_constant dense<0> : tensor<2xi8> : tensor<4x!quant.uniform<i4:f32, 0.5>>
  return
}
