// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-fuse-kernel-epilogues))' | FileCheck %s

// The kernels here are one loop each, storing vectors marked
// qf.kernel_store, as the float kernels do.

// A kernel writing its NHWC result directly (the depthwise kernel's form),
// consumed by a ReLU times a per-channel scale: the chain runs on each
// stored vector (the scale read at the vector's channels, the zero
// captured from outside broadcast), and the generic is gone.
// CHECK-LABEL: func.func @direct_per_channel
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x16xf32>, %[[S:.*]]: tensor<16xf32>)
// CHECK: %[[K:.*]] = scf.for %[[I:.*]] = {{.*}} iter_args(%[[T:.*]] = {{.*}})
// CHECK: %[[V:.*]] = vector.transfer_read %[[X]]
// CHECK: %[[SV:.*]] = vector.transfer_read %[[S]][%c0], %{{.*}} {in_bounds = [true]} : tensor<16xf32>, vector<16xf32>
// CHECK: %[[Z:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK: %[[R:.*]] = arith.maximumf %[[V]], %[[Z]] : vector<16xf32>
// CHECK: %[[M:.*]] = arith.mulf %[[R]], %[[SV]] : vector<16xf32>
// CHECK: vector.transfer_write %[[M]], %[[T]][%c0, %[[I]], %c0, %c0] {in_bounds = [true], qf.kernel_store}
// CHECK-NOT: linalg.generic
// CHECK: return %[[K]]
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @direct_per_channel(%x: tensor<1x2x2x16xf32>, %s: tensor<16xf32>) -> tensor<1x2x2x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x16xf32>
  %k = scf.for %i = %c0 to %c2 step %c1 iter_args(%t = %e) -> (tensor<1x2x2x16xf32>) {
    %v = vector.transfer_read %x[%c0, %i, %c0, %c0], %zero {in_bounds = [true]} : tensor<1x2x2x16xf32>, vector<16xf32>
    %w = vector.transfer_write %v, %t[%c0, %i, %c0, %c0] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<1x2x2x16xf32>
    scf.yield %w : tensor<1x2x2x16xf32>
  }
  %r = linalg.generic {indexing_maps = [#id4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%k, %s : tensor<1x2x2x16xf32>, tensor<16xf32>) outs(%e : tensor<1x2x2x16xf32>) {
  ^bb0(%in: f32, %scale: f32, %out: f32):
    %relu = arith.maximumf %in, %zero : f32
    %m = arith.mulf %relu, %scale : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x16xf32>
  return %r : tensor<1x2x2x16xf32>
}

// -----

// A product's matrix [8, 32], its padding rows sliced off to the real
// [6, 32] and expanded to NHWC [1, 2, 3, 32], consumed by a residual add
// and SiLU (x * sigmoid(x), with a constant in the body). The residual is
// read through its [6, 32] view, at the stored row clamped to the last
// real row (5); the constant becomes a vector constant; two consecutive
// generics both fuse, the second reading the first one's result.
// CHECK-LABEL: func.func @matrix_residual_silu
// CHECK-SAME: (%[[X:.*]]: tensor<8x32xf32>, %[[RES:.*]]: tensor<1x2x3x32xf32>)
// CHECK: %[[VIEW:.*]] = tensor.collapse_shape %[[RES]] {{\[\[}}0, 1, 2], [3]] : tensor<1x2x3x32xf32> into tensor<6x32xf32>
// CHECK: scf.for %[[I:.*]] = {{.*}} iter_args(%[[T:.*]] = {{.*}})
// CHECK: %[[V:.*]] = vector.transfer_read %[[X]]
// CHECK: %[[ROW:.*]] = arith.minui %[[I]], %c5{{.*}} : index
// CHECK: %[[RV:.*]] = vector.transfer_read %[[VIEW]][%[[ROW]], %c16], %{{.*}} {in_bounds = [true]} : tensor<6x32xf32>, vector<16xf32>
// CHECK: %[[SUM:.*]] = arith.addf %[[V]], %[[RV]] : vector<16xf32>
// CHECK: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : vector<16xf32>
// CHECK: arith.negf %[[SUM]]
// CHECK: math.exp
// CHECK: arith.addf %{{.*}}, %[[ONE]]
// CHECK: arith.divf %[[ONE]]
// CHECK: %[[Y:.*]] = arith.mulf %[[SUM]], %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write %[[Y]], %[[T]][%[[I]], %c16] {in_bounds = [true], qf.kernel_store}
// CHECK: tensor.extract_slice
// CHECK: %[[OUT:.*]] = tensor.expand_shape
// CHECK-NOT: linalg.generic
// CHECK: return %[[OUT]]
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @matrix_residual_silu(%x: tensor<8x32xf32>, %res: tensor<1x2x3x32xf32>) -> tensor<1x2x3x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %k = scf.for %i = %c0 to %c8 step %c1 iter_args(%t = %e) -> (tensor<8x32xf32>) {
    %v = vector.transfer_read %x[%i, %c16], %zero {in_bounds = [true]} : tensor<8x32xf32>, vector<16xf32>
    %w = vector.transfer_write %v, %t[%i, %c16] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<8x32xf32>
    scf.yield %w : tensor<8x32xf32>
  }
  %real = tensor.extract_slice %k[0, 0] [6, 32] [1, 1] : tensor<8x32xf32> to tensor<6x32xf32>
  %nhwc = tensor.expand_shape %real [[0, 1, 2], [3]] output_shape [1, 2, 3, 32] : tensor<6x32xf32> into tensor<1x2x3x32xf32>
  %o = tensor.empty() : tensor<1x2x3x32xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%nhwc, %res : tensor<1x2x3x32xf32>, tensor<1x2x3x32xf32>) outs(%o : tensor<1x2x3x32xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x2x3x32xf32>
  %silu = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%sum : tensor<1x2x3x32xf32>) outs(%o : tensor<1x2x3x32xf32>) {
  ^bb0(%a: f32, %out: f32):
    %one = arith.constant 1.0 : f32
    %n = arith.negf %a : f32
    %ex = math.exp %n : f32
    %d = arith.addf %ex, %one : f32
    %sig = arith.divf %one, %d : f32
    %y = arith.mulf %a, %sig : f32
    linalg.yield %y : f32
  } -> tensor<1x2x3x32xf32>
  return %silu : tensor<1x2x3x32xf32>
}

// -----

// A kernel whose loops ran once each and were folded away: its result is
// a chain of marked stores, each store's destination the one before; the
// epilogue goes into every one of them.
// CHECK-LABEL: func.func @store_chain
// CHECK: %[[A:.*]] = arith.maximumf
// CHECK: %[[W0:.*]] = vector.transfer_write %[[A]], %{{.*}}[%c0, %c0] {in_bounds = [true], qf.kernel_store}
// CHECK: %[[B:.*]] = arith.maximumf
// CHECK: %[[W1:.*]] = vector.transfer_write %[[B]], %[[W0]][%c0, %c16] {in_bounds = [true], qf.kernel_store}
// CHECK-NOT: linalg.generic
// CHECK: tensor.expand_shape %[[W1]]
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @store_chain(%u: vector<16xf32>, %v: vector<16xf32>) -> tensor<1x1x1x32xf32> {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x32xf32>
  %w0 = vector.transfer_write %u, %e[%c0, %c0] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<1x32xf32>
  %w1 = vector.transfer_write %v, %w0[%c0, %c16] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<1x32xf32>
  %nhwc = tensor.expand_shape %w1 [[0, 1, 2], [3]] output_shape [1, 1, 1, 32] : tensor<1x32xf32> into tensor<1x1x1x32xf32>
  %o = tensor.empty() : tensor<1x1x1x32xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%nhwc : tensor<1x1x1x32xf32>) outs(%o : tensor<1x1x1x32xf32>) {
  ^bb0(%a: f32, %out: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x1x1x32xf32>
  return %r : tensor<1x1x1x32xf32>
}

// -----

// Not fused: a product whose padding columns are sliced off (the fused
// result would be a strided view of the [4, 32] matrix), and a chain of
// stores one of which is not a kernel's.
// CHECK-LABEL: func.func @not_fused_views
// CHECK-COUNT-2: linalg.generic
#id2 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @not_fused_views(%u: vector<16xf32>) -> (tensor<1x4x20xf32>, tensor<1x1x32xf32>) {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x32xf32>
  %w = vector.transfer_write %u, %e[%c0, %c16] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<4x32xf32>
  %real = tensor.extract_slice %w[0, 0] [4, 20] [1, 1] : tensor<4x32xf32> to tensor<4x20xf32>
  %m = tensor.expand_shape %real [[0, 1], [2]] output_shape [1, 4, 20] : tensor<4x20xf32> into tensor<1x4x20xf32>
  %o = tensor.empty() : tensor<1x4x20xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%m : tensor<1x4x20xf32>) outs(%o : tensor<1x4x20xf32>) {
  ^bb0(%a: f32, %out: f32):
    %x = arith.maximumf %a, %zero : f32
    linalg.yield %x : f32
  } -> tensor<1x4x20xf32>
  %e2 = tensor.empty() : tensor<1x32xf32>
  %w0 = vector.transfer_write %u, %e2[%c0, %c0] {in_bounds = [true]} : vector<16xf32>, tensor<1x32xf32>
  %w1 = vector.transfer_write %u, %w0[%c0, %c16] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<1x32xf32>
  %m2 = tensor.expand_shape %w1 [[0, 1], [2]] output_shape [1, 1, 32] : tensor<1x32xf32> into tensor<1x1x32xf32>
  %o2 = tensor.empty() : tensor<1x1x32xf32>
  %r2 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%m2 : tensor<1x1x32xf32>) outs(%o2 : tensor<1x1x32xf32>) {
  ^bb0(%a: f32, %out: f32):
    %x = arith.maximumf %a, %zero : f32
    linalg.yield %x : f32
  } -> tensor<1x1x32xf32>
  return %r, %r2 : tensor<1x4x20xf32>, tensor<1x1x32xf32>
}

// -----

// What stays a separate loop: the kernel's result also returned (the
// generic would change what the other user reads), an input computed
// after the kernel starts, a body that reads its position (linalg.index),
// a result of another element type, and stores not marked as a kernel's.
// CHECK-LABEL: func.func @not_fused
// CHECK-COUNT-5: linalg.generic
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @not_fused(%x: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xi1>, tensor<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %k1 = scf.for %i = %c0 to %c4 step %c1 iter_args(%t = %e) -> (tensor<4x16xf32>) {
    %v = vector.transfer_read %x[%i, %c0], %zero {in_bounds = [true]} : tensor<4x16xf32>, vector<16xf32>
    %w = vector.transfer_write %v, %t[%i, %c0] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<4x16xf32>
    scf.yield %w : tensor<4x16xf32>
  }
  %g1 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%k1 : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  %k2 = scf.for %i = %c0 to %c4 step %c1 iter_args(%t = %e) -> (tensor<4x16xf32>) {
    %v = vector.transfer_read %x[%i, %c0], %zero {in_bounds = [true]} : tensor<4x16xf32>, vector<16xf32>
    %w = vector.transfer_write %v, %t[%i, %c0] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<4x16xf32>
    scf.yield %w : tensor<4x16xf32>
  }
  %late = arith.addf %x, %x : tensor<4x16xf32>
  %g2 = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%k2, %late : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  %k3 = scf.for %i = %c0 to %c4 step %c1 iter_args(%t = %e) -> (tensor<4x16xf32>) {
    %v = vector.transfer_read %x[%i, %c0], %zero {in_bounds = [true]} : tensor<4x16xf32>, vector<16xf32>
    %w = vector.transfer_write %v, %t[%i, %c0] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<4x16xf32>
    scf.yield %w : tensor<4x16xf32>
  }
  %g3 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%k3 : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i32
    %jf = arith.sitofp %ji : i32 to f32
    %r = arith.addf %a, %jf : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  %k4 = scf.for %i = %c0 to %c4 step %c1 iter_args(%t = %e) -> (tensor<4x16xf32>) {
    %v = vector.transfer_read %x[%i, %c0], %zero {in_bounds = [true]} : tensor<4x16xf32>, vector<16xf32>
    %w = vector.transfer_write %v, %t[%i, %c0] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<4x16xf32>
    scf.yield %w : tensor<4x16xf32>
  }
  %b = tensor.empty() : tensor<4x16xi1>
  %g4 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%k4 : tensor<4x16xf32>) outs(%b : tensor<4x16xi1>) {
  ^bb0(%a: f32, %out: i1):
    %r = arith.cmpf ogt, %a, %zero : f32
    linalg.yield %r : i1
  } -> tensor<4x16xi1>
  %k5 = scf.for %i = %c0 to %c4 step %c1 iter_args(%t = %e) -> (tensor<4x16xf32>) {
    %v = vector.transfer_read %x[%i, %c0], %zero {in_bounds = [true]} : tensor<4x16xf32>, vector<16xf32>
    %w = vector.transfer_write %v, %t[%i, %c0] {in_bounds = [true]} : vector<16xf32>, tensor<4x16xf32>
    scf.yield %w : tensor<4x16xf32>
  }
  %g5 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%k5 : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  return %k1, %g1, %g2, %g3, %g4, %g5 : tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xi1>, tensor<4x16xf32>
}

// -----

// A batched product stores each batch's tiles into that batch's slice of
// the result: the store's indices are the slice's, not the generic's
// domain, so the consumer stays a generic.
// CHECK-LABEL: func.func @not_fused_batch_slices
// CHECK: scf.for
// CHECK: vector.transfer_write {{.*}} qf.kernel_store
// CHECK: linalg.generic
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @not_fused_batch_slices(%x: tensor<2x1x16xf32>, %r: tensor<2x1x16xf32>) -> tensor<2x1x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x1x16xf32>
  %k = scf.for %b = %c0 to %c2 step %c1 iter_args(%t = %e) -> (tensor<2x1x16xf32>) {
    %slice = tensor.extract_slice %t[%b, 0, 0] [1, 1, 16] [1, 1, 1] : tensor<2x1x16xf32> to tensor<1x16xf32>
    %v = vector.transfer_read %x[%b, %c0, %c0], %zero {in_bounds = [true]} : tensor<2x1x16xf32>, vector<16xf32>
    %w = vector.transfer_write %v, %slice[%c0, %c0] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<1x16xf32>
    %i = tensor.insert_slice %w into %t[%b, 0, 0] [1, 1, 16] [1, 1, 1] : tensor<1x16xf32> into tensor<2x1x16xf32>
    scf.yield %i : tensor<2x1x16xf32>
  }
  %y = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%k, %r : tensor<2x1x16xf32>, tensor<2x1x16xf32>) outs(%e : tensor<2x1x16xf32>) {
  ^bb0(%in: f32, %res: f32, %out: f32):
    %s = arith.addf %in, %res : f32
    linalg.yield %s : f32
  } -> tensor<2x1x16xf32>
  return %y : tensor<2x1x16xf32>
}

// -----

// A batched product storing into its [B, M, N] result at each batch's
// index, seen by the generic with a unit dimension in front (the
// importer's reshape back to [1, B, M, N]): the generic runs on each
// stored vector, its other input read at the store's indices behind the
// unit dimension's 0.
// CHECK-LABEL: func.func @batched_leading_unit
// CHECK-SAME: (%[[X:.*]]: tensor<2x1x16xf32>, %[[R:.*]]: tensor<1x2x1x16xf32>)
// CHECK: %[[K:.*]] = scf.for %[[B:.*]] = {{.*}} iter_args(%[[T:.*]] = {{.*}})
// CHECK: %[[V:.*]] = vector.transfer_read %[[X]]
// CHECK: %[[RV:.*]] = vector.transfer_read %[[R]][%c0{{.*}}, %[[B]], %c0{{.*}}, %c0{{.*}}]
// CHECK: %[[S:.*]] = arith.addf %[[V]], %[[RV]] : vector<16xf32>
// CHECK: vector.transfer_write %[[S]], %[[T]][%[[B]], %c0, %c0] {in_bounds = [true], qf.kernel_store}
// CHECK-NOT: linalg.generic
// CHECK: %[[E:.*]] = tensor.expand_shape %[[K]]
// CHECK: return %[[E]]
#id4u = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @batched_leading_unit(%x: tensor<2x1x16xf32>, %r: tensor<1x2x1x16xf32>) -> tensor<1x2x1x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x1x16xf32>
  %k = scf.for %b = %c0 to %c2 step %c1 iter_args(%t = %e) -> (tensor<2x1x16xf32>) {
    %v = vector.transfer_read %x[%b, %c0, %c0], %zero {in_bounds = [true]} : tensor<2x1x16xf32>, vector<16xf32>
    %w = vector.transfer_write %v, %t[%b, %c0, %c0] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<2x1x16xf32>
    scf.yield %w : tensor<2x1x16xf32>
  }
  %seen = tensor.expand_shape %k [[0, 1], [2], [3]] output_shape [1, 2, 1, 16] : tensor<2x1x16xf32> into tensor<1x2x1x16xf32>
  %e4 = tensor.empty() : tensor<1x2x1x16xf32>
  %y = linalg.generic {indexing_maps = [#id4u, #id4u, #id4u], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%seen, %r : tensor<1x2x1x16xf32>, tensor<1x2x1x16xf32>) outs(%e4 : tensor<1x2x1x16xf32>) {
  ^bb0(%in: f32, %res: f32, %out: f32):
    %s = arith.addf %in, %res : f32
    linalg.yield %s : f32
  } -> tensor<1x2x1x16xf32>
  return %y : tensor<1x2x1x16xf32>
}
