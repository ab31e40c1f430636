// RUN: qforge-opt %s --qforge-lower | FileCheck %s

// The whole lowering ends in the LLVM dialect only; erf, which LLVM has no
// intrinsic for, calls libm.
// CHECK-NOT: func.func
// CHECK-NOT: linalg.
// CHECK-NOT: memref.
// CHECK: llvm.func @erff(f32) -> f32
// CHECK: llvm.func @stage(
// CHECK: llvm.call @erff
// CHECK: llvm.return
func.func @stage(%x: tensor<16xf32>) -> tensor<16xf32> {
  %e = tosa.erf %x : (tensor<16xf32>) -> tensor<16xf32>
  return %e : tensor<16xf32>
}
