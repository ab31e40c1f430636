// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-vectorizable-loop-order))' | FileCheck %s

// A convolution with constant weights: the filter is transposed to HWCF at
// compile time (values moved, not recomputed), and the loops become
// (n, oh, ow, kh, kw, c, f): the output channel, contiguous in output and
// filter, innermost; the input is a broadcast along it.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 + d3, d2 + d4, d5)>
// CHECK-DAG: #[[FILTER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d4, d5, d6)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d6)>
// CHECK-LABEL: func.func @conv_constant_filter
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00]], {{\[\[}}3.000000e+00, 4.000000e+00]]]]> : tensor<1x2x1x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[FILTER]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %[[W]] : tensor<1x4x5x1xf32>, tensor<1x2x1x2xf32>)
func.func @conv_constant_filter(%x: tensor<1x4x5x1xf32>, %init: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // F=2, H=1, W=2, C=1: filter[f][0][w][0] = 1 + f + 2w.
  %w = arith.constant dense<[[[[1.0], [3.0]]], [[[2.0], [4.0]]]]> : tensor<2x1x2x1xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x4x5x1xf32>, tensor<2x1x2x1xf32>) outs(%init : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// A filter computed at run time is transposed by a linalg.transpose.
// CHECK-LABEL: func.func @conv_runtime_filter
// CHECK: %[[T:.*]] = linalg.transpose ins(%{{.*}} : tensor<8x3x3x4xf32>) outs(%{{.*}} : tensor<3x3x4x8xf32>) permutation = [1, 2, 3, 0]
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %[[T]] : tensor<1x6x6x4xf32>, tensor<3x3x4x8xf32>)
func.func @conv_runtime_filter(%x: tensor<1x6x6x4xf32>, %w: tensor<8x3x3x4xf32>, %init: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x6x6x4xf32>, tensor<8x3x3x4xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

// Batched matmul (b, m, n, k) becomes (b, m, k, n).
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @batch_matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
func.func @batch_matmul(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>, %c: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%c : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %r : tensor<2x3x5xf32>
}

// -----

// A reduction over the innermost dimension has no contiguous parallel loop
// to put inside (the input would be read with a stride): left as it is.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SUM:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @row_sums
// CHECK: linalg.generic {indexing_maps = [#[[ROW]], #[[SUM]]], iterator_types = ["parallel", "reduction"]}
func.func @row_sums(%x: tensor<8x16xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
         ins(%x : tensor<8x16xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// A full reduction to a scalar has no parallel loop at all: left as it is.
// CHECK-LABEL: func.func @full_reduction
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction"]
func.func @full_reduction(%x: tensor<16xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.reduce ins(%x : tensor<16xf32>) outs(%init : tensor<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %r : tensor<f32>
}
