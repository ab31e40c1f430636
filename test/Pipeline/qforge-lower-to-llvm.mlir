// RUN: qforge-opt %s --qforge-lower | FileCheck %s --implicit-check-not=func.func --implicit-check-not=linalg. --implicit-check-not=memref. --implicit-check-not=tosa. --implicit-check-not=tensor. --implicit-check-not=scf. --implicit-check-not=vector. --implicit-check-not=unrealized_conversion_cast

// The whole lowering ends in the LLVM dialect only (no op of another
// dialect anywhere in the output); erf, which LLVM has no intrinsic for,
// is a polynomial of fused multiply-adds (qf-approximate-math), not a call
// of libm.
// CHECK: llvm.func @stage(
// CHECK-NOT: llvm.call
// CHECK: llvm.intr.fma
// CHECK-NOT: llvm.call
// CHECK: llvm.return
func.func @stage(%x: tensor<16xf32>) -> tensor<16xf32> {
  %e = tosa.erf %x : (tensor<16xf32>) -> tensor<16xf32>
  return %e : tensor<16xf32>
}
