// RUN: qforge-opt %s --qforge-tosa-to-linalg --qforge-bufferize | FileCheck %s

// Buffers: the result becomes a caller-owned out-parameter that the last op
// writes directly (no result copy); the intermediates (the padded input and
// the pooled tensor) are views of one scratch arena, allocated once and
// freed before returning: 1600 bytes of padded input + 1024 of pooled values.
// The ops are vectorized along channels (qf-tile-and-vectorize): the
// pooling keeps the running maxima of 4 output columns in registers across
// the window.
// CHECK-LABEL: func.func @stage
// CHECK-SAME: (%[[X:.*]]: memref<1x8x8x4xf32>, %[[OUT:.*]]: memref<1x8x8x4xf32>) attributes {qf.scratch_bytes = 2624 : i64}
// CHECK-NOT: tensor<
// CHECK: %[[ARENA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2624xi8>
// CHECK: %[[PADDED:.*]] = memref.view %[[ARENA]][%{{.*}}][] : memref<2624xi8> to memref<1x10x10x4xf32>
// CHECK: %[[POOLED:.*]] = memref.view %[[ARENA]][%{{.*}}][] : memref<2624xi8> to memref<1x8x8x4xf32>
// CHECK: scf.for
// CHECK: %[[INIT:.*]] = vector.transfer_read {{.*}} vector<4x4xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]]) -> (vector<4x4xf32>)
// CHECK: memref.subview %[[PADDED]]
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: memref.subview %[[OUT]]
// CHECK: math.exp {{.*}} : vector<4xf32>
// CHECK: memref.dealloc %[[ARENA]]
// CHECK-NEXT: return
// CHECK-NOT: memref.copy %{{.*}}, %[[OUT]]
func.func @stage(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %p = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %e = tosa.exp %p : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %e : tensor<1x8x8x4xf32>
}
