// RUN: qforge-opt %s --pass-pipeline='builtin.module(func.func(qf-memref-copy-to-linalg))' | FileCheck %s
// RUN: qforge-opt %s --pass-pipeline='builtin.module(func.func(qf-memref-copy-to-linalg),convert-linalg-to-loops,expand-strided-metadata,finalize-memref-to-llvm,convert-func-to-llvm,convert-arith-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)' | FileCheck %s --check-prefix=LLVM

// A copy into a strided view, which the LLVM lowering would otherwise turn
// into a call of MLIR's runtime function memrefCopy.
// CHECK-LABEL: func.func @strided_copy
// CHECK-SAME: (%[[SRC:.*]]: memref<2x3xf32>, %[[DST:.*]]: memref<4x5xf32>)
// CHECK: %[[VIEW:.*]] = memref.subview %[[DST]]
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%[[SRC]] : memref<2x3xf32>) outs(%[[VIEW]] : memref<2x3xf32, strided<[5, 1], offset: 6>>)
// LLVM-LABEL: llvm.func @strided_copy
// LLVM-NOT: memrefCopy
func.func @strided_copy(%src: memref<2x3xf32>, %dst: memref<4x5xf32>) {
  %view = memref.subview %dst[1, 1] [2, 3] [1, 1] : memref<4x5xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  memref.copy %src, %view : memref<2x3xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  return
}
