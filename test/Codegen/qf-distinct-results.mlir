// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-distinct-results))' | FileCheck %s

// A value returned twice: the second place gets a copy of its own.
// CHECK-LABEL: func.func @repeated
// CHECK: %[[R:.*]] = tosa.clamp
// CHECK-NEXT: %[[C:.*]] = bufferization.alloc_tensor() copy(%[[R]]) : tensor<4xf32>
// CHECK-NEXT: return %[[R]], %[[C]], %arg0
func.func @repeated(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %r = tosa.clamp %x {max_val = 3.4e38 : f32, min_val = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %r, %r, %x : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// An argument returned twice is copied once; distinct results stay as they are.
// CHECK-LABEL: func.func @argument
// CHECK-NEXT: %[[C:.*]] = bufferization.alloc_tensor() copy(%arg0) : tensor<2xf32>
// CHECK-NEXT: return %arg0, %[[C]], %arg1
func.func @argument(%x: tensor<2xf32>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  return %x, %x, %y : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// Nothing repeated: nothing changes.
// CHECK-LABEL: func.func @distinct
// CHECK-NOT: bufferization.alloc_tensor
// CHECK: return %arg0, %arg1
func.func @distinct(%x: tensor<2xf32>, %y: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  return %x, %y : tensor<2xf32>, tensor<2xf32>
}
