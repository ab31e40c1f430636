// RUN: qforge-opt %s -split-input-file -verify-diagnostics --qf-lower-observers-to-calls | FileCheck %s

// Each observer becomes a call with the tensor's buffer, flattened and
// made dynamic so that one C function receives every shape.
// CHECK-LABEL: func.func private @qforge_observe(i64, memref<?xf32>)
// CHECK-LABEL: func.func @rank4
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x4xf32>)
// CHECK: %[[M:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<1x2x3x4xf32> to memref<1x2x3x4xf32>
// CHECK: %[[F:.*]] = memref.collapse_shape %[[M]] {{\[}}[0, 1, 2, 3]] : memref<1x2x3x4xf32> into memref<24xf32>
// CHECK: %[[D:.*]] = memref.cast %[[F]] : memref<24xf32> to memref<?xf32>
// CHECK: %[[ID:.*]] = arith.constant 7 : i64
// CHECK: call @qforge_observe(%[[ID]], %[[D]]) : (i64, memref<?xf32>) -> ()
// CHECK-NOT: qf.observe
// CHECK: return %[[X]]
func.func @rank4(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  qf.observe %x {id = 7 : i64, name = "x"} : tensor<1x2x3x4xf32>
  return %x : tensor<1x2x3x4xf32>
}

// -----

// Scalars are expanded to one element; f16 is widened to f32 first.
// CHECK-LABEL: func.func @scalar_and_half
// CHECK-SAME: (%[[S:.*]]: tensor<f32>, %[[H:.*]]: tensor<8xf16>)
// CHECK: %[[SM:.*]] = bufferization.to_buffer %[[S]] read_only : tensor<f32> to memref<f32>
// CHECK: memref.expand_shape %[[SM]] [] output_shape [1] : memref<f32> into memref<1xf32>
// CHECK: call @qforge_observe
// CHECK: %[[W:.*]] = arith.extf %[[H]] : tensor<8xf16> to tensor<8xf32>
// CHECK: bufferization.to_buffer %[[W]] read_only : tensor<8xf32> to memref<8xf32>
// CHECK: call @qforge_observe
func.func @scalar_and_half(%s: tensor<f32>, %h: tensor<8xf16>) {
  qf.observe %s {id = 0 : i64, name = "s"} : tensor<f32>
  qf.observe %h {id = 1 : i64, name = "h"} : tensor<8xf16>
  return
}

// -----

// A module without observers is left alone (no declaration).
// CHECK-LABEL: func.func @nothing
// CHECK-NOT: qforge_observe
func.func @nothing() {
  return
}

// -----

// expected-error @+1 {{'func.func' op @qforge_observe must have type '(i64, memref<?xf32>) -> ()' to receive observations}}
func.func private @qforge_observe(i64)

func.func @clash(%x: tensor<4xf32>) {
  qf.observe %x {id = 0 : i64, name = "x"} : tensor<4xf32>
  return
}
