// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-lower-strided-copies))' | FileCheck %s
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-lower-strided-copies),convert-linalg-to-loops,convert-scf-to-cf,expand-strided-metadata,finalize-memref-to-llvm,convert-func-to-llvm,convert-arith-to-llvm,convert-cf-to-llvm,reconcile-unrealized-casts)' | FileCheck %s --check-prefix=LLVM

// A copy into a strided view (an input copied into its padded buffer): one
// loop over the rows, each row a contiguous copy of 3 elements, which the
// LLVM lowering makes a memcpy of 12 bytes, not a call of MLIR's runtime
// function memrefCopy.
// CHECK-LABEL: func.func @strided_copy
// CHECK-SAME: (%[[SRC:.*]]: memref<2x3xf32>, %[[DST:.*]]: memref<4x5xf32>)
// CHECK: %[[VIEW:.*]] = memref.subview %[[DST]]
// CHECK: scf.for %[[I:.*]] = %c0 to %c2 step %c1 {
// CHECK: %[[FROM:.*]] = memref.subview %[[SRC]][%[[I]], 0] [1, 3] [1, 1] : memref<2x3xf32> to memref<3xf32, strided<[1], offset: ?>>
// CHECK: %[[TO:.*]] = memref.subview %[[VIEW]][%[[I]], 0] [1, 3] [1, 1] : memref<2x3xf32, strided<[5, 1], offset: 6>> to memref<3xf32, strided<[1], offset: ?>>
// CHECK: memref.copy %[[FROM]], %[[TO]]
// CHECK-NOT: linalg.copy
// LLVM-LABEL: llvm.func @strided_copy
// LLVM: llvm.br
// LLVM: "llvm.intr.memcpy"(%{{.*}}, %{{.*}}, %{{.*}}) <{isVolatile = false}>
// LLVM-NOT: memrefCopy
func.func @strided_copy(%src: memref<2x3xf32>, %dst: memref<4x5xf32>) {
  %view = memref.subview %dst[1, 1] [2, 3] [1, 1] : memref<4x5xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  memref.copy %src, %view : memref<2x3xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  return
}

// -----

// Padding rows and columns of an NHWC image: the last two dimensions (a
// pixel row, 4 x 8 bytes) are contiguous in both views, so the loops run
// over batch and rows and each copies 32 bytes.
// CHECK-LABEL: func.func @nhwc_interior
// CHECK: scf.for %[[N:.*]] = %c0 to %c1{{.*}} step %c1 {
// CHECK: scf.for %[[H:.*]] = %c0 to %c3 step %c1 {
// CHECK: memref.subview %{{.*}}[%[[N]], %[[H]], 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8> to memref<4x8xi8, strided<[8, 1], offset: ?>>
// CHECK: memref.subview %{{.*}}[%[[N]], %[[H]], 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : memref<1x3x4x8xi8, strided<[240, 48, 8, 1], offset: 56>> to memref<4x8xi8, strided<[8, 1], offset: ?>>
// CHECK: memref.copy
func.func @nhwc_interior(%src: memref<1x3x4x8xi8>, %dst: memref<1x5x6x8xi8>) {
  %view = memref.subview %dst[0, 1, 1, 0] [1, 3, 4, 8] [1, 1, 1, 1] : memref<1x5x6x8xi8> to memref<1x3x4x8xi8, strided<[240, 48, 8, 1], offset: 56>>
  memref.copy %src, %view : memref<1x3x4x8xi8> to memref<1x3x4x8xi8, strided<[240, 48, 8, 1], offset: 56>>
  return
}

// -----

// Nothing contiguous (every second column of a matrix): element by
// element, as a linalg.copy.
// CHECK-LABEL: func.func @every_second_column
// CHECK-NOT: scf.for
// CHECK: linalg.copy ins(%{{.*}} : memref<4x2xf32>) outs(%{{.*}} : memref<4x2xf32, strided<[5, 2]>>)
// LLVM-LABEL: llvm.func @every_second_column
// LLVM-NOT: memrefCopy
func.func @every_second_column(%src: memref<4x2xf32>, %dst: memref<4x5xf32>) {
  %view = memref.subview %dst[0, 0] [4, 2] [1, 2] : memref<4x5xf32> to memref<4x2xf32, strided<[5, 2]>>
  memref.copy %src, %view : memref<4x2xf32> to memref<4x2xf32, strided<[5, 2]>>
  return
}

// -----

// A copy contiguous as a whole stays: the LLVM lowering makes it one memcpy.
// CHECK-LABEL: func.func @whole
// CHECK-NEXT: memref.copy %{{.*}}, %{{.*}} : memref<2x3xf32> to memref<2x3xf32>
// LLVM-LABEL: llvm.func @whole
// LLVM: "llvm.intr.memcpy"
func.func @whole(%src: memref<2x3xf32>, %dst: memref<2x3xf32>) {
  memref.copy %src, %dst : memref<2x3xf32> to memref<2x3xf32>
  return
}
