// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-distinct-empty-tensors))' | FileCheck %s

// One tensor.empty, the destination of two unrelated ops: each gets an
// empty tensor of its own, created right before it.
// CHECK-LABEL: func.func @shared
// CHECK-NEXT: %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT: %[[A:.*]] = linalg.fill ins(%arg0 : f32) outs(%[[E]] : tensor<4xf32>)
// CHECK-NEXT: %[[E2:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT: %[[B:.*]] = linalg.fill ins(%arg1 : f32) outs(%[[E2]] : tensor<4xf32>)
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @shared(%x: f32, %y: f32) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.fill ins(%x : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %b = linalg.fill ins(%y : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

// A dynamic size: the copies take the same size operand; a use inside a
// loop gets its copy inside the loop, before its user.
// CHECK-LABEL: func.func @dynamic_in_loop
// CHECK: %[[E:.*]] = tensor.empty(%arg0) : tensor<?xf32>
// CHECK-NEXT: linalg.fill {{.*}} outs(%[[E]] : tensor<?xf32>)
// CHECK-NEXT: scf.for
// CHECK: %[[E2:.*]] = tensor.empty(%arg0) : tensor<?xf32>
// CHECK-NEXT: linalg.fill {{.*}} outs(%[[E2]] : tensor<?xf32>)
func.func @dynamic_in_loop(%n: index, %x: f32) -> (tensor<?xf32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %e = tensor.empty(%n) : tensor<?xf32>
  %a = linalg.fill ins(%x : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %a) -> (tensor<?xf32>) {
    %b = linalg.fill ins(%x : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
    scf.yield %b : tensor<?xf32>
  }
  return %a, %r : tensor<?xf32>, tensor<?xf32>
}

// -----

// A tensor.empty with one use, or none, stays as it is.
// CHECK-LABEL: func.func @single
// CHECK-COUNT-2: tensor.empty
// CHECK-NOT: tensor.empty
func.func @single(%x: f32) -> tensor<4xf32> {
  %unused = tensor.empty() : tensor<8xf32>
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.fill ins(%x : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}
