// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-equalize-cross-layer))' | FileCheck %s
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-equalize-cross-layer{relu6-to-relu=1}))' | FileCheck %s --check-prefix=RELU6
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-equalize-cross-layer{iterations=1}))' | FileCheck %s --check-prefix=ONCE
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-equalize-cross-layer{iterations=0}))' 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: error: qf-equalize-cross-layer: iterations must be at least 1

// Expected numbers by hand. W1 (2 output channels) has ranges r1 = [4, 1],
// W2's input channels r2 = [1, 4]: s = sqrt(r1 / r2) = [2, 0.5], so W1's
// channels become [4/2, 1/0.5] = [2, 2], its bias [2/2, 1/0.5] = [1, 2],
// W2's [1*2, 4*0.5] = [2, 2]. A second round finds equal ranges (s = 1).

// CHECK-LABEL: func.func @conv_relu_conv
// CHECK-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x1x2xf32>}>
// CHECK: tosa.clamp {{.*}}max_val = 0x7F800000 : f32, min_val = 0.000000e+00 : f32
// ONCE-LABEL: func.func @conv_relu_conv
// ONCE-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<2x1x1x1xf32>}>
func.func @conv_relu_conv(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %w1 = "tosa.const"() <{values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %2 = tosa.clamp %1 {max_val = 0x7F800000 : f32, min_val = 0.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %3 = tosa.transpose %2 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %4 = tosa.conv2d %3, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %4 : tensor<1x4x4x1xf32>
}

// -----

// A depthwise producer (output channel c * M + m) and a max pooling between
// the two: the same numbers.
// CHECK-LABEL: func.func @depthwise_pool_conv
// CHECK-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x2x1xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x1x2xf32>}>
func.func @depthwise_pool_conv(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = "tosa.const"() <{values = dense<[[[[4.0], [1.0]]]]> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %b1 = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.depthwise_conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.max_pool2d %0 {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %2 : tensor<1x2x2x1xf32>
}

// -----

// ReLU6 between the two: left alone unless relu6-to-relu, which equalizes
// the pair and lifts the clamp's upper bound.
// CHECK-LABEL: func.func @relu6
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[}}{{\[}}{{\[}}[4.000000e+00]]], {{\[}}{{\[}}[1.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK: tosa.clamp {{.*}}max_val = 6.000000e+00 : f32, min_val = 0.000000e+00 : f32
// RELU6-LABEL: func.func @relu6
// RELU6-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<2x1x1x1xf32>}>
// RELU6-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x1x2xf32>}>
// RELU6: tosa.clamp {{.*}}max_val = 0x7F800000 : f32, min_val = 0.000000e+00 : f32
func.func @relu6(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %w1 = "tosa.const"() <{values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.clamp %0 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %2 : tensor<1x4x4x1xf32>
}

// -----

// A residual branch (the activation used twice), a sigmoid (not
// positive-homogeneous) and weights another convolution shares end a
// pair: nothing changes.
// CHECK-LABEL: func.func @not_pairs
// CHECK-NOT: dense<2.000000e+00>
// CHECK: return
func.func @not_pairs(%x: tensor<1x4x4x1xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x2xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w1 = "tosa.const"() <{values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.clamp %0 {max_val = 0x7F800000 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %w3 = "tosa.const"() <{values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b3 = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w4 = "tosa.const"() <{values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b4 = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %3 = tosa.conv2d %x, %w3, %b3, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %4 = tosa.sigmoid %3 : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %5 = tosa.conv2d %4, %w4, %b4, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %w5 = "tosa.const"() <{values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b5 = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %b5b = "tosa.const"() <{values = dense<[2.0, 1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w6 = "tosa.const"() <{values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b6 = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %6 = tosa.conv2d %x, %w5, %b5, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %7 = tosa.conv2d %6, %w6, %b6, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  %8 = tosa.conv2d %x, %w5, %b5b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %1, %2, %5, %7, %8 : tensor<1x4x4x2xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>, tensor<1x4x4x2xf32>
}
