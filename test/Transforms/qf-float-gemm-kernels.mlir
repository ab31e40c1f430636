// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-float-gemm-kernels))' | FileCheck %s
// Numerics: test/Models (whole models against onnxruntime) run through this
// pass on AVX-512 hosts; here the structure.

// A 3x3 convolution with padding: the input zero-padded, unfolded to
// [N*OH*OW, KH*KW*C] = [4, 9] rows (one channel, too few for a vector per
// tap: each kernel row's 3 consecutive elements of the input seen as
// [N, H, W * C] move as one vector of 4 under a mask of 3, neither read nor
// write assumed in bounds), multiplied by the weights packed as
// [N/16][K][16] (two output channels, padded to one vector of 16: step s
// holds w[s][0], w[s][1], then zeros; printed as little-endian f32 hex,
// 1.0 = 0000803F, 10.0 = 00002041, 2.0 = 00000040, 11.0 = 00003041), a
// register tile of 4 rows x 1
// vector of fused multiply-adds, the bias (0.5, -1, then zero padding)
// added before the store, sliced back to 2 channels and folded to NHWC.
// CHECK-LABEL: func.func @conv
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %[[PAD]] {{\[\[}}0], [1], [2, 3]] : tensor<1x4x4x1xf32> into tensor<1x4x4xf32>
// CHECK: %[[MASK:.*]] = vector.constant_mask [3] : vector<4xi1>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK-COUNT-3: vector.transfer_read %[[ROWS]]{{.*}}, %[[MASK]] : tensor<1x4x4xf32>, vector<4xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[W:.*]] = arith.constant dense<"0x0000803F00002041{{0+}}0000004000003041{{[0-9A-F]*}}"> : tensor<1x9x16xf32>
// CHECK: %[[B:.*]] = arith.constant dense<[5.000000e-01, -1.000000e+00, 0.000000e+00, {{.*}}]> : tensor<16xf32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: vector.transfer_read %[[W]]{{.*}} : tensor<1x9x16xf32>, vector<16xf32>
// CHECK: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK-COUNT-4: vector.fma
// CHECK: scf.yield
// CHECK: vector.transfer_read %[[B]]
// CHECK: arith.addf %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [4, 2] [1, 1] : tensor<4x16xf32> to tensor<4x2xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] output_shape [1, 2, 2, 2] : tensor<4x2xf32> into tensor<1x2x2x2xf32>
// CHECK-NOT: tosa.conv2d
func.func @conv(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]], [[7.0], [8.0], [9.0]]],
                                        [[[10.0], [11.0], [12.0]], [[13.0], [14.0], [15.0]], [[16.0], [17.0], [18.0]]]]> : tensor<2x3x3x1xf32>} : () -> tensor<2x3x3x1xf32>
  %b = "tosa.const"() {values = dense<[0.5, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A batch-1 matmul with constant weights: [1, M, K] collapsed to [M, K]; a
// single row takes up to 8 vectors (here 2 for 20 columns, padded to 32).
// CHECK-LABEL: func.func @matmul
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<1x1x8xf32> into tensor<1x8xf32>
// CHECK: arith.constant {{.*}} : tensor<1x8x32xf32>
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-2: vector.fma
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [1, 20] [1, 1] : tensor<1x32xf32> to tensor<1x20xf32>
// CHECK: tensor.expand_shape
// CHECK-NOT: tosa.matmul
func.func @matmul(%x: tensor<1x1x8xf32>) -> tensor<1x1x20xf32> {
  %w = "tosa.const"() {values = dense<0.25> : tensor<1x8x20xf32>} : () -> tensor<1x8x20xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x20xf32>
  return %y : tensor<1x1x20xf32>
}

// -----

// Left alone: weights computed at run time, and integer convolutions.
// CHECK-LABEL: func.func @left_alone
// CHECK: tosa.matmul
// CHECK-NOT: vector.fma
func.func @left_alone(%x: tensor<1x1x8xf32>, %w: tensor<1x8x20xf32>) -> tensor<1x1x20xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x20xf32>
  return %y : tensor<1x1x20xf32>
}
