// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-fuse-qdq))' | FileCheck %s

// A QDQ convolution as the importer writes it after qf-sink-dequantize:
// dequantized input, weights dequantized from int8 OIHW and transposed to
// OHWI, a dequantized int32 bias at scale s_x * s_w[c] = 0.1 * {0.5, 0.25},
// the output quantized. One qf.conv2d with the model's parameters: the
// weights transposed at compile time (per-channel axis 0 stays 0), the
// bias integers kept.
// CHECK-LABEL: func.func @conv
// CHECK: %[[B:.*]] = arith.constant dense<[10, -20]> : tensor<2xi32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1], [2]], {{\[\[}}3], [4]]], {{\[\[\[}}5], [6]], {{\[\[}}7], [8]]]]> : tensor<2x2x2x1xi8>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<2x2x2x1xi8> to tensor<2x2x2x1x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>
// CHECK: %[[C:.*]] = qf.conv2d %arg0, %[[WQ]] bias %[[B]] {{.*}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 2.000000e-01:3>>
// CHECK-NOT: tosa.conv2d
// CHECK-NOT: qf.quantize
// CHECK: return %[[C]]
func.func @conv(%x: tensor<1x3x3x1x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.2:3>> {
  %xd = qf.dequantize %x : tensor<1x3x3x1x!quant.uniform<u8:f32, 0.1:128>> -> tensor<1x3x3x1xf32>
  %w0 = "tosa.const"() {values = dense<[[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]]> : tensor<2x1x2x2xi8>} : () -> tensor<2x1x2x2xi8>
  %ws = quant.scast %w0 : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %wd = qf.dequantize %ws : tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x1x2x2xf32>
  %wt = tosa.transpose %wd {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x1x2x2xf32>) -> tensor<2x2x2x1xf32>
  %b0 = "tosa.const"() {values = dense<[10, -20]> : tensor<2xi32>} : () -> tensor<2xi32>
  %bs = quant.scast %b0 : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.05, 0.025}>>
  %bd = qf.dequantize %bs : tensor<2x!quant.uniform<i32:f32:0, {0.05, 0.025}>> -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %xd, %wt, %bd, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xf32>, tensor<2x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %q = qf.quantize %c : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.2:3>>
  return %q : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.2:3>>
}

// -----

// A Gemm as the importer writes it: reshapes around tosa.matmul, weights
// [N, K] dequantized per output row, transposed to [K, N] and reshaped to
// [1, K, N] (the per-channel axis follows them to 1), the bias add after.
// The bias is a float constant here: re-expressed at s_x * s_w[c] =
// 0.5 * {0.1, 0.2}: 0.3 -> 6, -0.2 -> -2. The result is reshaped back on
// its stored integers.
// CHECK-LABEL: func.func @gemm
// CHECK: %[[B:.*]] = arith.constant dense<[6, -2]> : tensor<2xi32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01}>>
// CHECK: %[[M:.*]] = qf.matmul %{{.*}}, %[[WQ]] bias %[[B]] : {{.*}} -> tensor<1x1x2x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK: %[[S:.*]] = quant.scast %[[M]] : {{.*}} to tensor<1x1x2xi8>
// CHECK: %[[R:.*]] = tosa.reshape %[[S]], %{{.*}} : (tensor<1x1x2xi8>, !tosa.shape<2>) -> tensor<1x2xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[R]] : tensor<1x2xi8> to tensor<1x2x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK-NOT: tosa.matmul
// CHECK-NOT: tosa.add
// CHECK: return %[[Q]]
func.func @gemm(%x: tensor<1x1x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.25>> {
  %xd = qf.dequantize %x : tensor<1x1x3x!quant.uniform<i8:f32, 0.5>> -> tensor<1x1x3xf32>
  %w0 = "tosa.const"() {values = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>} : () -> tensor<2x3xi8>
  %ws = quant.scast %w0 : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %wd = qf.dequantize %ws : tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<2x3xf32>
  %wt = tosa.transpose %wd {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %s3 = tosa.const_shape {values = dense<[1, 3, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %w = tosa.reshape %wt, %s3 : (tensor<3x2xf32>, !tosa.shape<3>) -> tensor<1x3x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %xd, %w, %zp, %zp : (tensor<1x1x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %m, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  %b = "tosa.const"() {values = dense<[[0.3, -0.2]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  %y = tosa.add %r, %b : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %q = qf.quantize %y : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<i8:f32, 0.25>>
  return %q : tensor<1x2x!quant.uniform<i8:f32, 0.25>>
}

// -----

// Not QDQ form: float weights (a float model), or an output that is not
// quantized, stay as they are.
// CHECK-LABEL: func.func @not_qdq
// CHECK: tosa.conv2d
// CHECK: tosa.conv2d
func.func @not_qdq(%x: tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>>) -> (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.2>>, tensor<1x2x2x2xf32>) {
  %xd = qf.dequantize %x : tensor<1x3x3x1x!quant.uniform<i8:f32, 0.1>> -> tensor<1x3x3x1xf32>
  %wf = "tosa.const"() {values = dense<0.5> : tensor<2x2x2x1xf32>} : () -> tensor<2x2x2x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %xd, %wf, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xf32>, tensor<2x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %q = qf.quantize %c : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.2>>
  %w0 = "tosa.const"() {values = dense<1> : tensor<2x2x2x1xi8>} : () -> tensor<2x2x2x1xi8>
  %ws = quant.scast %w0 : tensor<2x2x2x1xi8> to tensor<2x2x2x1x!quant.uniform<i8:f32, 0.5>>
  %wd = qf.dequantize %ws : tensor<2x2x2x1x!quant.uniform<i8:f32, 0.5>> -> tensor<2x2x2x1xf32>
  %c2 = tosa.conv2d %xd, %wd, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xf32>, tensor<2x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %q, %c2 : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.2>>, tensor<1x2x2x2xf32>
}

// -----

// A QDQ depthwise convolution: ONNX's [C, 1, KH, KW] weights dequantized
// per channel and transposed to TOSA's [KH, KW, C, 1] (the axis follows to
// 2) become qf's grouped OHWI [C, KH, KW, 1], one group per channel, the
// scales back on axis 0; the float zero bias becomes int32 zeros.
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[B:.*]] = arith.constant dense<0> : tensor<2xi32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1], [2]], {{\[\[}}3], [4]]], {{\[\[\[}}5], [6]], {{\[\[}}7], [8]]]]> : tensor<2x2x2x1xi8>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<2x2x2x1xi8> to tensor<2x2x2x1x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>
// CHECK: %[[C:.*]] = qf.conv2d %arg0, %[[WQ]] bias %[[B]] {groups = 2 : i64} : {{.*}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 2.000000e-01:3>>
// CHECK-NOT: tosa.depthwise_conv2d
// CHECK: return %[[C]]
func.func @depthwise(%x: tensor<1x3x3x2x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.2:3>> {
  %xd = qf.dequantize %x : tensor<1x3x3x2x!quant.uniform<u8:f32, 0.1:128>> -> tensor<1x3x3x2xf32>
  %w0 = "tosa.const"() {values = dense<[[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]]> : tensor<2x1x2x2xi8>} : () -> tensor<2x1x2x2xi8>
  %ws = quant.scast %w0 : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %wd = qf.dequantize %ws : tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x1x2x2xf32>
  %wt = tosa.transpose %wd {perms = array<i32: 2, 3, 0, 1>} : (tensor<2x1x2x2xf32>) -> tensor<2x2x2x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.depthwise_conv2d %xd, %wt, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<2x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %q = qf.quantize %c : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.2:3>>
  return %q : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.2:3>>
}
