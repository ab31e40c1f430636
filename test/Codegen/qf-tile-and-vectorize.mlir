// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-tile-and-vectorize,canonicalize))' | FileCheck %s

// A convolution after qf-vectorizable-loop-order (output channels
// innermost), 3 output columns (no register block of 2 or 4 fits) and 48
// output channels (16 lanes; 32 do not divide 48): one vector of 16 output
// channels per output pixel, the window and channel loops inside, and the
// accumulator carried in a register through them; the input value is
// broadcast, the filter row read as a vector, and each term added by one
// fused multiply-add.
// CHECK-LABEL: func.func @conv_hwcf
// CHECK: scf.for %[[OH:.*]] = %c0 to %c3 step %c1
// CHECK: scf.for %[[OW:.*]] = %c0 to %c3 step %c1
// CHECK: scf.for %[[F:.*]] = %c0 to %c48 step %c16
// CHECK: %[[INIT:.*]] = vector.transfer_read {{.*}} : tensor<1x1x1x16xf32>, vector<16xf32>
// CHECK: scf.for %[[KH:.*]] = %c0 to %c3 step %c1 iter_args(%[[ACC_H:.*]] = %[[INIT]]) -> (vector<16xf32>)
// CHECK: scf.for %[[KW:.*]] = %c0 to %c3 step %c1 iter_args(%[[ACC_W:.*]] = %[[ACC_H]]) -> (vector<16xf32>)
// CHECK: scf.for %[[C:.*]] = %c0 to %c8 step %c1 iter_args(%[[ACC:.*]] = %[[ACC_W]]) -> (vector<16xf32>)
// CHECK: %[[X:.*]] = vector.transfer_read {{.*}}permutation_map = #{{.*}}} : tensor<1x1x1x1xf32>, vector<16xf32>
// CHECK: %[[W:.*]] = vector.transfer_read {{.*}} : tensor<1x1x1x16xf32>, vector<16xf32>
// CHECK: %[[S:.*]] = vector.fma %[[X]], %[[W]], %[[ACC]] : vector<16xf32>
// CHECK: scf.yield %[[S]] : vector<16xf32>
// CHECK: vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x1x1x16xf32>
// CHECK-NOT: linalg.generic
func.func @conv_hwcf(%x: tensor<1x5x5x8xf32>, %w: tensor<3x3x8x48xf32>, %init: tensor<1x3x3x48xf32>) -> tensor<1x3x3x48xf32> {
  %y = linalg.generic {
      indexing_maps = [affine_map<(n, oh, ow, kh, kw, c, f) -> (n, oh + kh, ow + kw, c)>,
                       affine_map<(n, oh, ow, kh, kw, c, f) -> (kh, kw, c, f)>,
                       affine_map<(n, oh, ow, kh, kw, c, f) -> (n, oh, ow, f)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]}
      ins(%x, %w : tensor<1x5x5x8xf32>, tensor<3x3x8x48xf32>) outs(%init : tensor<1x3x3x48xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x3x3x48xf32>
  return %y : tensor<1x3x3x48xf32>
}

// -----

// Element-wise: 8 lanes where 16 do not divide the innermost extent.
// CHECK-LABEL: func.func @relu_8_lanes
// CHECK: scf.for {{.*}} = %c0 to %c3 step %c1
// CHECK: scf.for {{.*}} = %c0 to %c24 step %c8
// CHECK: vector.transfer_read {{.*}} vector<8xf32>
// CHECK: arith.maximumf {{.*}} : vector<8xf32>
// CHECK: vector.transfer_write {{.*}} : vector<8xf32>
func.func @relu_8_lanes(%x: tensor<3x24xf32>, %init: tensor<3x24xf32>) -> tensor<3x24xf32> {
  %zero = arith.constant 0.0 : f32
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<3x24xf32>) outs(%init : tensor<3x24xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<3x24xf32>
  return %y : tensor<3x24xf32>
}

// -----

// A row's value broadcast along the row through a unit dimension read at
// index 0 (softmax's x - max, as TOSA lowers it): each tile reads the
// row's value once and broadcasts it to the vector.
// CHECK-LABEL: func.func @broadcast_unit_dimension
// CHECK: scf.for {{.*}} = %c0 to %c3 step %c1
// CHECK: scf.for {{.*}} = %c0 to %c32 step %c16
// CHECK-DAG: %[[X:.*]] = vector.transfer_read %{{.*}} : tensor<1x16xf32>, vector<16xf32>
// CHECK-DAG: %[[M:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true], permutation_map = #{{.*}}} : tensor<1x1xf32>, vector<16xf32>
// CHECK: arith.subf %[[X]], %[[M]] : vector<16xf32>
// CHECK-NOT: linalg.generic
func.func @broadcast_unit_dimension(%x: tensor<3x32xf32>, %m: tensor<3x1xf32>, %init: tensor<3x32xf32>) -> tensor<3x32xf32> {
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, 0)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x, %m : tensor<3x32xf32>, tensor<3x1xf32>) outs(%init : tensor<3x32xf32>) {
  ^bb0(%v: f32, %r: f32, %o: f32):
    %d = arith.subf %v, %r : f32
    linalg.yield %d : f32
  } -> tensor<3x32xf32>
  return %y : tensor<3x32xf32>
}

// -----

// Left alone: an innermost extent no vector width divides, and a transpose
// (its innermost loop is not contiguous in the input).
// CHECK-LABEL: func.func @not_vectorized
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @not_vectorized(%x: tensor<4x10xf32>, %t: tensor<16x32xf32>, %i1: tensor<4x10xf32>, %i2: tensor<32x16xf32>) -> (tensor<4x10xf32>, tensor<32x16xf32>) {
  %a = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x10xf32>) outs(%i1 : tensor<4x10xf32>) {
  ^bb0(%v: f32, %o: f32):
    %n = arith.negf %v : f32
    linalg.yield %n : f32
  } -> tensor<4x10xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<16x32xf32>) outs(%i2 : tensor<32x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  } -> tensor<32x16xf32>
  return %a, %b : tensor<4x10xf32>, tensor<32x16xf32>
}

// -----

// A register block: 4 output columns (unit stride: ow + kw is ow in a tile)
// by 2 vectors of 16 output channels, accumulated in registers across the
// window and the input channels.
// CHECK-LABEL: func.func @conv_register_block
// CHECK: scf.for {{.*}} = %c0 to %c8 step %c4
// CHECK: scf.for {{.*}} = %c0 to %c64 step %c32
// CHECK: %[[INIT:.*]] = vector.transfer_read {{.*}} : tensor<1x1x4x32xf32>, vector<4x32xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]]) -> (vector<4x32xf32>)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: vector.fma {{.*}} : vector<128xf32>
// CHECK: vector.transfer_write {{.*}} : vector<4x32xf32>, tensor<1x1x4x32xf32>
func.func @conv_register_block(%x: tensor<1x10x10x8xf32>, %w: tensor<3x3x8x64xf32>, %init: tensor<1x8x8x64xf32>) -> tensor<1x8x8x64xf32> {
  %y = linalg.generic {
      indexing_maps = [affine_map<(n, oh, ow, kh, kw, c, f) -> (n, oh + kh, ow + kw, c)>,
                       affine_map<(n, oh, ow, kh, kw, c, f) -> (kh, kw, c, f)>,
                       affine_map<(n, oh, ow, kh, kw, c, f) -> (n, oh, ow, f)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]}
      ins(%x, %w : tensor<1x10x10x8xf32>, tensor<3x3x8x64xf32>) outs(%init : tensor<1x8x8x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x8x8x64xf32>
  return %y : tensor<1x8x8x64xf32>
}

// -----

// Stride 2: 2 * ow + kw reads every other column, so no block of columns;
// one vector of 16 channels per output pixel.
// CHECK-LABEL: func.func @conv_stride2
// CHECK: scf.for {{.*}} = %c0 to %c4 step %c1
// CHECK: vector.transfer_read {{.*}} : tensor<1x1x1x16xf32>, vector<16xf32>
// CHECK: vector.fma {{.*}} : vector<16xf32>
func.func @conv_stride2(%x: tensor<1x9x9x8xf32>, %w: tensor<3x3x8x16xf32>, %init: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %y = linalg.generic {
      indexing_maps = [affine_map<(n, oh, ow, kh, kw, c, f) -> (n, oh * 2 + kh, ow * 2 + kw, c)>,
                       affine_map<(n, oh, ow, kh, kw, c, f) -> (kh, kw, c, f)>,
                       affine_map<(n, oh, ow, kh, kw, c, f) -> (n, oh, ow, f)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]}
      ins(%x, %w : tensor<1x9x9x8xf32>, tensor<3x3x8x16xf32>) outs(%init : tensor<1x4x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x16xf32>
  return %y : tensor<1x4x4x16xf32>
}

// -----

// Element-wise ops of at least 2^16 elements mark the outermost loop with
// more than one iteration for threads (here the row loop: the batch loop
// has one); smaller ones, and reductions, are not marked.
// CHECK-LABEL: func.func @threads_large_elementwise
// CHECK: scf.for {{.*}} = %c0 to %c64 step %c1
// CHECK: scf.for {{.*}} = %c0 to %c64 step %c1
// CHECK: arith.addi {{.*}} : vector<16xi8>
// CHECK: scf.yield
// CHECK: }
// CHECK-NOT: qf.parallel_split
// CHECK: scf.yield
// CHECK-NEXT: } {qf.parallel_split}
// CHECK-LABEL: func.func @threads_small_elementwise
// CHECK-NOT: qf.parallel_split
// CHECK: return
func.func @threads_large_elementwise(%a: tensor<1x64x64x16xi8>, %b: tensor<1x64x64x16xi8>) -> tensor<1x64x64x16xi8> {
  %y = linalg.generic {
      indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>,
                       affine_map<(n, h, w, c) -> (n, h, w, c)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %a : tensor<1x64x64x16xi8>, tensor<1x64x64x16xi8>) outs(%b : tensor<1x64x64x16xi8>) {
  ^bb0(%x: i8, %y2: i8, %o: i8):
    %s = arith.addi %x, %y2 : i8
    linalg.yield %s : i8
  } -> tensor<1x64x64x16xi8>
  return %y : tensor<1x64x64x16xi8>
}
func.func @threads_small_elementwise(%a: tensor<1x32x32x16xi8>, %b: tensor<1x32x32x16xi8>) -> tensor<1x32x32x16xi8> {
  %y = linalg.generic {
      indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>,
                       affine_map<(n, h, w, c) -> (n, h, w, c)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a, %a : tensor<1x32x32x16xi8>, tensor<1x32x32x16xi8>) outs(%b : tensor<1x32x32x16xi8>) {
  ^bb0(%x: i8, %y2: i8, %o: i8):
    %s = arith.addi %x, %y2 : i8
    linalg.yield %s : i8
  } -> tensor<1x32x32x16xi8>
  return %y : tensor<1x32x32x16xi8>
}

// -----

// A row reduction (a Softmax's sum of exp(x - max) over the last axis,
// with the producer fused in): one row at a time, in chunks of 8 vectors
// (128 lanes) reduced in registers as a fixed tree of halves (the same
// order on every target) and added to the row's running sum, which stays
// in a register across the chunks. A row of 24 is reduced in chunks of one
// 8-lane vector; a row of 10 is left alone.
// CHECK-LABEL: func.func @row_sums
// CHECK: scf.for {{.*}} = %c0 to %c4 step %c1
// CHECK: %[[INIT:.*]] = vector.transfer_read {{.*}} : tensor<1x1xf32>, vector<1xf32>
// CHECK: scf.for {{.*}} = %c0 to %c256 step %c128 iter_args(%[[ACC:.*]] = %[[INIT]]) -> (vector<1xf32>)
// CHECK: %[[X:.*]] = vector.transfer_read {{.*}} : tensor<1x1x128xf32>, vector<128xf32>
// CHECK: %[[D:.*]] = arith.subf %[[X]], {{.*}} : vector<128xf32>
// CHECK: %[[E:.*]] = math.exp %[[D]] : vector<128xf32>
// CHECK: %[[A:.*]] = vector.extract %[[ACC]][0] : f32 from vector<1xf32>
// CHECK: %[[LO:.*]] = vector.extract_strided_slice %[[E]] {offsets = [0], sizes = [64], strides = [1]}
// CHECK: %[[HI:.*]] = vector.extract_strided_slice %[[E]] {offsets = [64], sizes = [64], strides = [1]}
// CHECK: arith.addf %[[LO]], %[[HI]] : vector<64xf32>
// CHECK: arith.addf {{.*}} : vector<32xf32>
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: arith.addf {{.*}} : vector<8xf32>
// CHECK: arith.addf {{.*}} : vector<4xf32>
// CHECK: arith.addf {{.*}} : vector<2xf32>
// CHECK: %[[ONE:.*]] = arith.addf {{.*}} : vector<1xf32>
// CHECK: %[[SUM:.*]] = vector.extract %[[ONE]][0] : f32 from vector<1xf32>
// CHECK: arith.addf %[[SUM]], %[[A]] : f32
// CHECK: scf.for {{.*}} = %c0 to %c24 step %c8
// CHECK: arith.maximumf {{.*}} : vector<4xf32>
// CHECK: arith.maximumf {{.*}} : vector<2xf32>
// CHECK: arith.maximumf {{.*}} : vector<1xf32>
// CHECK-NOT: vector.reduction
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<4x10xf32>)
func.func @row_sums(%x: tensor<4x1x256xf32>, %m: tensor<4x1xf32>, %init: tensor<4x1xf32>, %y: tensor<4x24xf32>, %z: tensor<4x10xf32>, %init2: tensor<4xf32>) -> (tensor<4x1xf32>, tensor<4xf32>, tensor<4xf32>) {
  %s = linalg.generic {indexing_maps = [affine_map<(i, k, j) -> (i, k, j)>, affine_map<(i, k, j) -> (i, k)>, affine_map<(i, k, j) -> (i, k)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %m : tensor<4x1x256xf32>, tensor<4x1xf32>) outs(%init : tensor<4x1xf32>) {
  ^bb0(%v: f32, %mx: f32, %acc: f32):
    %d = arith.subf %v, %mx : f32
    %e = math.exp %d : f32
    %a = arith.addf %e, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4x1xf32>
  %mx = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%y : tensor<4x24xf32>) outs(%init2 : tensor<4xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %a = arith.maximumf %v, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%z : tensor<4x10xf32>) outs(%init2 : tensor<4xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %a = arith.addf %v, %acc : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  return %s, %mx, %t : tensor<4x1xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Threads: a row reduction of at least 2^16 elements splits its loop over
// rows, never the loop over a row's chunks (a single long row stays on one
// thread).
// CHECK-LABEL: func.func @row_reduction_threads
// CHECK: scf.for {{.*}} = %c0 to %c512 step %c1
// CHECK: scf.for {{.*}} = %c0 to %c256 step %c128
// CHECK: } {qf.parallel_split}
// CHECK: scf.for {{.*}} = %c0 to %c131072 step %c128
// CHECK-NOT: qf.parallel_split
// CHECK: return
func.func @row_reduction_threads(%x: tensor<512x256xf32>, %init: tensor<512xf32>, %long: tensor<1x131072xf32>, %init1: tensor<1xf32>) -> (tensor<512xf32>, tensor<1xf32>) {
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<512x256xf32>) outs(%init : tensor<512xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %a = arith.addf %v, %acc : f32
    linalg.yield %a : f32
  } -> tensor<512xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%long : tensor<1x131072xf32>) outs(%init1 : tensor<1xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %a = arith.addf %v, %acc : f32
    linalg.yield %a : f32
  } -> tensor<1xf32>
  return %s, %t : tensor<512xf32>, tensor<1xf32>
}

// -----

// A batched matmul of activations (attention's scores, after
// qf-vectorizable-loop-order: batch, rows, the reduction, columns
// innermost) with at least 2^16 multiply-adds splits its outermost parallel
// loop (the batch) over threads, never the reduction loop.
// CHECK-LABEL: func.func @threads_batched_matmul
// CHECK: scf.for {{.*}} = %c0 to %c4 step %c1
// CHECK: scf.for {{.*}} = %c0 to %c64 step %c4
// CHECK: scf.for {{.*}} = %c0 to %c64 step %c32
// CHECK: scf.for {{.*}} = %c0 to %c32 step %c1
// CHECK: vector.fma {{.*}} : vector<128xf32>
// CHECK-NOT: qf.parallel_split
// CHECK: } {qf.parallel_split}
// CHECK-NEXT: return
func.func @threads_batched_matmul(%a: tensor<4x64x32xf32>, %b: tensor<4x32x64xf32>, %init: tensor<4x64x64xf32>) -> tensor<4x64x64xf32> {
  %y = linalg.generic {
      indexing_maps = [affine_map<(b, m, k, n) -> (b, m, k)>, affine_map<(b, m, k, n) -> (b, k, n)>,
                       affine_map<(b, m, k, n) -> (b, m, n)>],
      iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : tensor<4x64x32xf32>, tensor<4x32x64xf32>) outs(%init : tensor<4x64x64xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x64x64xf32>
  return %y : tensor<4x64x64xf32>
}
