// RUN: qforge-opt %s --qforge-tosa-to-linalg --qforge-bufferize | FileCheck %s

// Buffers: the result becomes a caller-owned out-parameter that the last op
// writes directly (no result copy); the intermediates (the padded input and
// the pooling window) are views of one scratch arena, allocated once and
// freed before returning. 1600 bytes of padded input + 36 of window, each
// rounded up to 64.
// CHECK-LABEL: func.func @stage
// CHECK-SAME: (%[[X:.*]]: memref<1x8x8x4xf32>, %[[OUT:.*]]: memref<1x8x8x4xf32>) attributes {qf.scratch_bytes = 1664 : i64}
// CHECK-NOT: tensor<
// CHECK: %[[ARENA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1664xi8>
// CHECK: %[[PADDED:.*]] = memref.view %[[ARENA]][%{{.*}}][] : memref<1664xi8> to memref<1x10x10x4xf32>
// The pooling, generalized with its channel loop innermost
// (qf-vectorizable-loop-order), then the element-wise exp.
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%[[PADDED]], {{.*}} outs(%[[OUT]] : memref<1x8x8x4xf32>)
// CHECK: linalg.yield
// CHECK-NEXT: }
// CHECK-NEXT: linalg.generic {{.*}} outs(%[[OUT]] : memref<1x8x8x4xf32>)
// CHECK: math.exp
// CHECK: memref.dealloc %[[ARENA]]
// CHECK-NEXT: return
// CHECK-NOT: memref.copy %{{.*}}, %[[OUT]]
func.func @stage(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %p = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %e = tosa.exp %p : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %e : tensor<1x8x8x4xf32>
}
