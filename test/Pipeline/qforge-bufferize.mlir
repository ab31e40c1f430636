// RUN: qforge-opt %s --qforge-tosa-to-linalg --qforge-bufferize | FileCheck %s

// Buffers: the result becomes a caller-owned out-parameter (no copy: the
// static allocation is hoisted to the caller), and intermediates are freed
// after their last use.
// CHECK-LABEL: func.func @stage
// CHECK-SAME: (%[[X:.*]]: memref<1x8x8x4xf32>, %[[OUT:.*]]: memref<1x8x8x4xf32>)
// CHECK-NOT: tensor<
// CHECK: %[[T:.*]] = memref.alloc
// CHECK: memref.dealloc %[[T]]
// CHECK-NOT: memref.copy
// CHECK: return
// CHECK-NOT: memref.dealloc
func.func @stage(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %p = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %e = tosa.exp %p : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %e : tensor<1x8x8x4xf32>
}
