// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json}))' | FileCheck %s
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json method=mse}))' | FileCheck %s --check-prefix=MSE
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize))' 2>&1 | FileCheck %s --check-prefix=NO-TABLE
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json method=median}))' 2>&1 | FileCheck %s --check-prefix=BAD-METHOD
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json scheme=skewed}))' 2>&1 | FileCheck %s --check-prefix=BAD-SCHEME

// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json precision=int4 group-size=2}))' | FileCheck %s --check-prefix=INT4
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json precision=int4 group-size=0}))' | FileCheck %s --check-prefix=INT4-CHANNEL
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json precision=int2}))' 2>&1 | FileCheck %s --check-prefix=BAD-PRECISION
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json group-size=-4}))' 2>&1 | FileCheck %s --check-prefix=BAD-GROUP
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json}))' 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table-means.json bias-correction=1}))' | FileCheck %s --check-prefix=BIAS
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table-means.json precision=int4 group-size=0 int4-scale-search=1}))' | FileCheck %s --check-prefix=SEARCH
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json per-tensor-weights=1}))' | FileCheck %s --check-prefix=TENSOR
// WARN-NOT: warning
// NO-TABLE: error: qf-quantize needs a calibration table (table=PATH)
// BAD-METHOD: error: method 'median' is not one of minmax, percentile, entropy, mse
// BAD-SCHEME: error: scheme 'skewed' is not one of asymmetric, symmetric
// BAD-PRECISION: error: precision 'int2' is not one of int8, int4
// BAD-GROUP: error: group-size must be 0 (per channel) or positive, got -4

// A Conv node (1x1, 2 -> 2 channels) between the importer's layout
// transposes. Expected numbers, by hand from the table's minmax ranges:
//   input x in [-1, 3]: scale 4/255 = 0.0156862745..., zero point
//     round(-128 + 1 / (4/255)) = round(-64.25) = -64;
//   output conv_out in [-2, 8.2]: scale 10.2/255 = 0.04, zero point
//     round(-128 + 2/0.04) = -78;
//   weights per output channel: max|w| / 127 = 1.27/127 = 0.01 and
//     0.254/127 = 0.002, giving [50, -127] and [127, 50];
//   bias 0.6 / (4/255 * 0.01) = 3825, -1.0 / (4/255 * 0.002) = -31875.
// With method=mse x is [-0.5, 2.05]: scale 0.01, zero point -78.
// CHECK-LABEL: func.func @conv
// CHECK: %[[T:.*]] = tosa.transpose %arg0
// CHECK: %[[Q:.*]] = qf.quantize %[[T]] : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.01568627450980{{[0-9]*}}:-64>>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}50, -127]]], {{\[\[\[}}127, 50]]]]> : tensor<2x1x1x2xi8>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8:f32:0, {{[{]}}{{0\.0(1|0999999)[0-9]*}},{{0\.00(2|19999)[0-9]*}}{{[}]}}>>
// CHECK: %[[B:.*]] = arith.constant dense<[3825, -31875]> : tensor<2xi32>
// CHECK: %[[C:.*]] = qf.conv2d %[[Q]], %[[WQ]] bias %[[B]] :
// CHECK-SAME: -> tensor<1x4x4x2x!quant.uniform<i8:f32, {{0\.0(4|399999)[0-9]*}}:-78>>
// CHECK: %[[D:.*]] = qf.dequantize %[[C]] : tensor<1x4x4x2x!quant.uniform<i8:f32, {{0\.0(4|399999)[0-9]*}}:-78>> -> tensor<1x4x4x2xf32>
// CHECK: tosa.transpose %[[D]]
// CHECK-NOT: tosa.conv2d
// MSE-LABEL: func.func @conv
// MSE: qf.quantize {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, {{0\.0(1|0999999)[0-9]*}}:-78>>
func.func @conv(%x: tensor<1x2x4x4xf32> loc("x")) -> tensor<1x2x4x4xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.5, -1.27]]], [[[0.254, 0.1]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32> loc("conv")
  %b = "tosa.const"() {values = dense<[0.6, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32> loc("conv")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("conv")
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %y = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32> loc("conv_out"("conv"))
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A Gemm node as the importer writes it: reshapes around the matmul (the
// weights too, read through their reshape), then the bias add. The bias
// folds into the integer matmul and the float add disappears.
//   input flat in [0, 2.55]: scale 0.01, zero point -128;
//   output gemm_out in [-5.2, 5.0]: scale 0.04, zero point
//     round(-128 + 5.2/0.04) = 2;
//   weights per column: 1.27/127 = 0.01 -> [25, 13, -127, 0] (0.254, 0.127,
//     -1.27, 0), 0.02/127 -> [127, 0, 0, 0];
//   bias 0.3 / (0.01 * 0.01) = 3000, -0.1 / (0.01 * 0.02/127) = -63500.
// CHECK-LABEL: func.func @gemm
// With bias correction (the table gives flat's channel means 1, 2, 0.5,
// 0.7): column 0's rounding adds (25 * 0.01 - 0.254) * 1 + (13 * 0.01 -
// 0.127) * 2 = 0.002 on average, so its bias becomes 0.298 / (0.01 * 0.01)
// = 2980; column 1's weights are exact and keep theirs.
// BIAS-LABEL: func.func @gemm
// int4 scale search (flat's channel mean squares 1, 4, 0.25, 0.49 weight
// the error): column 0's candidates s = r * 1.27/7, r = 1 .. 0.6, give
// weighted errors sum_k m2[k] (w - clamp(round(w/s)) s)^2 that a brute
// force in numpy puts lowest at r = 0.875 (s = 0.15875, q = [2, 1, -7, 0],
// error 0.01436 against 0.01712 at r = 1, q = [1, 1, -7, 0]); column 1
// (one weight, 0.02) keeps 0.02/7, exact. Bytes: low nibble column 0.
// SEARCH-LABEL: func.func @gemm
// Per-tensor int8 weights: both columns take 1.27/127 = 0.01 (column 1's
// 0.02 becomes 2, not 127), and column 1's bias -0.1 / (0.01 * 0.01).
// TENSOR-LABEL: func.func @gemm
// TENSOR: arith.constant dense<{{\[\[}}25, 2], [13, 0], [-127, 0], [0, 0]]> : tensor<4x2xi8>
// TENSOR: tensor<4x2x!quant.uniform<i8:f32:1, {{[{]}}{{0\.0(1|0999999)[0-9]*}},{{0\.0(1|0999999)[0-9]*}}{{[}]}}>>
// TENSOR: arith.constant dense<[3000, -1000]> : tensor<2xi32>
// SEARCH: qf.packed_constant dense<[114, 1, 9, 0]> : tensor<4xi8> : tensor<4x2x!quant.uniform<i4<-7:7>:f32:1, {{[{]}}0.15874999{{[0-9]*}},0.00285714{{[0-9]*}}{{[}]}}>>
// BIAS: arith.constant dense<[2980, -63500]> : tensor<2xi32>
// CHECK: %[[S:.*]] = tosa.reshape %arg0
// CHECK: %[[Q:.*]] = qf.quantize %[[S]] : tensor<1x1x4xf32> -> tensor<1x1x4x!quant.uniform<i8:f32, {{0\.0(1|0999999)[0-9]*}}:-128>>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}25, 127], [13, 0], [-127, 0], [0, 0]]> : tensor<4x2xi8>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32:1, {{[{]}}{{0\.0(1|0999999)[0-9]*}},1.574803{{[0-9]*}}E-4{{[}]}}>>
// CHECK: %[[B:.*]] = arith.constant dense<[3000, -63500]> : tensor<2xi32>
// CHECK: %[[M:.*]] = qf.matmul %[[Q]], %[[WQ]] bias %[[B]] : {{.*}} -> tensor<1x1x2x!quant.uniform<i8:f32, {{0\.0(4|399999)[0-9]*}}:2>>
// CHECK: %[[D:.*]] = qf.dequantize %[[M]]
// CHECK: %[[R:.*]] = tosa.reshape %[[D]]
// CHECK-NOT: tosa.add
// CHECK: return %[[R]]
func.func @gemm(%flat: tensor<1x4xf32> loc("flat")) -> tensor<1x2xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("gemm")
  %a = tosa.reshape %flat, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32> loc("gemm")
  %w0 = "tosa.const"() {values = dense<[[0.254, 0.02], [0.127, 0.0], [-1.27, 0.0], [0.0, 0.0]]> : tensor<4x2xf32>} : () -> tensor<4x2xf32> loc("gemm")
  %ws = tosa.const_shape {values = dense<[1, 4, 2]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("gemm")
  %w = tosa.reshape %w0, %ws : (tensor<4x2xf32>, !tosa.shape<3>) -> tensor<1x4x2xf32> loc("gemm")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("gemm")
  %m = tosa.matmul %a, %w, %zp, %zp : (tensor<1x1x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32> loc("gemm")
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("gemm")
  %r = tosa.reshape %m, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32> loc("gemm")
  %b = "tosa.const"() {values = dense<[[0.3, -0.1]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32> loc("gemm")
  %y = tosa.add %r, %b : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32> loc("gemm_out"("gemm"))
  return %y : tensor<1x2xf32>
}

// -----

// A convolution whose tensors the table does not describe stays float.
// CHECK-LABEL: func.func @uncalibrated
// CHECK: tosa.conv2d
// CHECK-NOT: qf.
func.func @uncalibrated(%x: tensor<1x4x4x2xf32> loc("unknown")) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %c : tensor<1x4x4x2xf32>
}

// -----

// A depthwise convolution (TOSA filter [KH, KW, C, M]) becomes a grouped
// qf.conv2d with an OHWI filter: output channel c * M + m. Its input comes
// through a slice (as the importer writes strided convolutions), which
// holds a subset of x's values, so x's range applies. Weights per output
// channel: 0.5 -> scale 0.5/127, value 127; -0.254 -> scale 0.002, -127.
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[S:.*]] = tosa.slice
// CHECK: %[[Q:.*]] = qf.quantize %[[S]] : tensor<1x3x3x2xf32> -> tensor<1x3x3x2x!quant.uniform<i8:f32, 0.01568627450980{{[0-9]*}}:-64>>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}-127]]]]> : tensor<2x1x1x1xi8>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]]
// CHECK: qf.conv2d %[[Q]], %[[WQ]] bias %{{.*}} {groups = 2 : i64}
// CHECK-NOT: tosa.depthwise_conv2d
func.func @depthwise(%x: tensor<1x2x4x4xf32> loc("x")) -> tensor<1x2x3x3xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.5], [-0.254]]]]> : tensor<1x1x2x1xf32>} : () -> tensor<1x1x2x1xf32> loc("dw")
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32> loc("dw")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("dw")
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("dw")
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4> loc("dw")
  %size = tosa.const_shape {values = dense<[1, 3, 3, 2]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("dw")
  %s = tosa.slice %t, %start, %size : (tensor<1x4x4x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x3x3x2xf32> loc("dw")
  %c = tosa.depthwise_conv2d %s, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32> loc("dw")
  %y = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32> loc("conv_out"("dw"))
  return %y : tensor<1x2x3x3xf32>
}

// -----

// int4 weights (W4A8) for the Gemm above with other weights, by hand:
//   precision=int4 group-size=2: K = 4 in two blocks of 2. Both columns'
//   largest block has max|w| 0.7, so the channel unit is
//   u = 0.7 / 7 / 255 = 3.9216e-4; block scales are multiples of u rounded
//   up: column 0 {255 u = 0.1, ceil(0.07 / 7 / u) = ceil(25.5) = 26 u =
//   0.010196}, column 1 {ceil(0.16 / 7 / u) = ceil(58.29) = 59 u = 0.023137,
//   255 u = 0.1}. Values round(w / scale): column 0 [7, -3 (-0.31/0.1),
//   7 (0.07/0.010196 = 6.87), 1 (1.37)], column 1 [7 (6.92), 0, 0, -7].
//   Row-major [K, N] two per byte, low nibble first: (7, 7) -> 0x77 = 119,
//   (-3, 0) -> 0x0D = 13, (7, 0) -> 7, (1, -7) -> 0x91 = -111 as i8.
//   Bias at s_in * u = 0.01 * 3.9216e-4: 0.3 -> 76500, -0.1 -> -25500.
// INT4-LABEL: func.func @gemm_int4
// INT4: %[[Q:.*]] = qf.quantize
// INT4: %[[W:.*]] = qf.packed_constant dense<[119, 13, 7, -111]> : tensor<4xi8> : tensor<4x2x!quant.uniform<i4<-7:7>:f32:{1:1, 0:2}, {{[{][{]}}1.000000e-01, 0.02313{{[0-9]*}}}, {0.01019{{[0-9]*}}, 1.000000e-01{{[}][}]}}>>
// INT4: %[[B:.*]] = arith.constant dense<[76500, -25500]> : tensor<2xi32>
// INT4: qf.matmul %[[Q]], %[[W]] bias %[[B]]
// INT4-NOT: tosa.matmul
//   group-size=0: one scale per column, max|w| / 7 = 0.1 for both: column 0
//   [7, -3, 1, 0], column 1 [2 (1.6), 0, 0, -7]; bytes (7, 2) -> 0x27 = 39,
//   (-3, 0) -> 13, (1, 0) -> 1, (0, -7) -> 0x90 = -112; bias at 0.01 * 0.1:
//   300, -100.
// INT4-CHANNEL-LABEL: func.func @gemm_int4
// INT4-CHANNEL: %[[W:.*]] = qf.packed_constant dense<[39, 13, 1, -112]> : tensor<4xi8> : tensor<4x2x!quant.uniform<i4<-7:7>:f32:1, {{[{]}}0.0999999{{[0-9]*}},0.0999999{{[0-9]*}}{{[}]}}>>
// INT4-CHANNEL: %[[B:.*]] = arith.constant dense<[300, -100]> : tensor<2xi32>
// INT4-CHANNEL: qf.matmul %{{.*}}, %[[W]] bias %[[B]]
func.func @gemm_int4(%flat: tensor<1x4xf32> loc("flat")) -> tensor<1x2xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("gemm")
  %a = tosa.reshape %flat, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32> loc("gemm")
  %w0 = "tosa.const"() {values = dense<[[0.7, 0.16], [-0.31, 0.0], [0.07, 0.0], [0.014, -0.7]]> : tensor<4x2xf32>} : () -> tensor<4x2xf32> loc("gemm")
  %ws = tosa.const_shape {values = dense<[1, 4, 2]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("gemm")
  %w = tosa.reshape %w0, %ws : (tensor<4x2xf32>, !tosa.shape<3>) -> tensor<1x4x2xf32> loc("gemm")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("gemm")
  %m = tosa.matmul %a, %w, %zp, %zp : (tensor<1x1x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32> loc("gemm")
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("gemm")
  %r = tosa.reshape %m, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32> loc("gemm")
  %b = "tosa.const"() {values = dense<[[0.3, -0.1]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32> loc("gemm")
  %y = tosa.add %r, %b : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32> loc("gemm_out"("gemm"))
  return %y : tensor<1x2xf32>
}

// -----

// Conv + Clip(0, 4): the clip fuses into the convolution's clamp and the
// convolution takes the clip's output range [0, 4.08] (scale 0.016, zero
// point -128): bounds 0 -> -128 and 4 / 0.016 - 128 = 122. The second
// convolution reads the first one's result (its input is not in the table)
// and keeps its parameters, so no requantization is needed between them;
// its bias is at 0.016 * {0.01, 0.002}: 0.6 -> 3750, -1.0 -> -31250.
// CHECK-LABEL: func.func @conv_clip_conv
// CHECK: %[[C1:.*]] = qf.conv2d %{{.*}} clamp [-128, 122] {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.600000e-02:-128>>
// CHECK: %[[D:.*]] = qf.dequantize %[[C1]]
// CHECK-NOT: tosa.clamp
// CHECK: %[[Q:.*]] = qf.quantize %{{.*}} : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.600000e-02:-128>>
// CHECK: %[[B2:.*]] = arith.constant dense<[3750, -31250]> : tensor<2xi32>
// CHECK: qf.conv2d %[[Q]], %{{.*}} bias %[[B2]] :
// CHECK-SAME: -> tensor<1x4x4x2x!quant.uniform<i8:f32, {{0\.0(1|0999999)[0-9]*}}:-28>>
func.func @conv_clip_conv(%x: tensor<1x2x4x4xf32> loc("x")) -> tensor<1x2x4x4xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.5, -1.27]]], [[[0.254, 0.1]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32> loc("conv")
  %b = "tosa.const"() {values = dense<[0.6, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32> loc("conv")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("conv")
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %y = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32> loc("conv_out"("conv"))
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 4.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("clip_out"("clip"))
  %t2 = tosa.transpose %r {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("conv2")
  %c2 = tosa.conv2d %t2, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("conv2")
  %y2 = tosa.transpose %c2 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32> loc("conv2_out"("conv2"))
  return %y2 : tensor<1x2x4x4xf32>
}

// -----

// A residual add of two calibrated activations with a Clip(0, 2) after it:
// one qf.add with the clip's output range [0, 5.1] (scale 0.02, zero point
// -128) and the clip as its clamp (2 / 0.02 - 128 = -28); operands at their
// own ranges: a [-1, 1.55] (0.01, -28), b [0, 2.55] (0.01, -128).
// CHECK-LABEL: func.func @residual_add
// CHECK: %[[A:.*]] = qf.quantize %arg0 : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, {{0\.0(1|0999999)[0-9]*}}:-28>>
// CHECK: %[[B:.*]] = qf.quantize %arg1 : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, {{0\.0(1|0999999)[0-9]*}}:-128>>
// CHECK: %[[S:.*]] = qf.add %[[A]], %[[B]] clamp [-128, -28] : {{.*}} -> tensor<1x4x!quant.uniform<i8:f32, {{0\.0(2|199999)[0-9]*}}:-128>>
// CHECK: %[[D:.*]] = qf.dequantize %[[S]]
// CHECK-NOT: tosa.add
// CHECK-NOT: tosa.clamp
// CHECK: return %[[D]]
func.func @residual_add(%a: tensor<1x4xf32> loc("a"), %b: tensor<1x4xf32> loc("b")) -> tensor<1x4xf32> {
  %s = tosa.add %a, %b : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("sum"("add"))
  %r = tosa.clamp %s {min_val = 0.0 : f32, max_val = 2.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("clip2_out"("clip2"))
  return %r : tensor<1x4xf32>
}

// -----

// An average pool (and a global one, which imports as one window) becomes
// qf.avg_pool2d from its input's range a [-1, 1.55] (0.01, -28) to its
// output's own range, here the table's "sum" [-1, 4.1]: scale 0.02, zero
// point round(-128 + 1 / 0.02) = -78.
// CHECK-LABEL: func.func @avg_pool
// CHECK: %[[Q:.*]] = qf.quantize %arg0 : tensor<1x2x2x1xf32> -> tensor<1x2x2x1x!quant.uniform<i8:f32, {{0\.0(1|0999999)[0-9]*}}:-28>>
// CHECK: %[[P:.*]] = qf.avg_pool2d %[[Q]] {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>} : {{.*}} -> tensor<1x1x1x1x!quant.uniform<i8:f32, {{0\.0(2|199999)[0-9]*}}:-78>>
// CHECK: qf.dequantize %[[P]]
// CHECK-NOT: tosa.avg_pool2d
func.func @avg_pool(%a: tensor<1x2x2x1xf32> loc("a")) -> tensor<1x1x1x1xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("add")
  %p = tosa.avg_pool2d %a, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32> loc("sum"("add"))
  return %p : tensor<1x1x1x1xf32>
}

// -----

// A concatenation runs on stored integers in its output's parameters (the
// table's "sum": scale 0.02, zero point -78): each input is quantized to
// them (after an integer op that folds away or becomes one requantize).
// CHECK-LABEL: func.func @concat
// CHECK: %[[A:.*]] = qf.quantize %arg0 : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, {{0\.0(2|199999)[0-9]*}}:-78>>
// CHECK: %[[SA:.*]] = quant.scast %[[A]] : {{.*}} to tensor<1x4xi8>
// CHECK: %[[B:.*]] = qf.quantize %arg1 : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, {{0\.0(2|199999)[0-9]*}}:-78>>
// CHECK: %[[SB:.*]] = quant.scast %[[B]] : {{.*}} to tensor<1x4xi8>
// CHECK: %[[C:.*]] = tosa.concat %[[SA]], %[[SB]] {axis = 1 : i32} : (tensor<1x4xi8>, tensor<1x4xi8>) -> tensor<1x8xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<1x8xi8> to tensor<1x8x!quant.uniform<i8:f32, {{0\.0(2|199999)[0-9]*}}:-78>>
// CHECK: qf.dequantize %[[Q]]
func.func @concat(%a: tensor<1x4xf32> loc("a"), %b: tensor<1x4xf32> loc("b")) -> tensor<1x8xf32> {
  %c = tosa.concat %a, %b {axis = 1 : i32} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x8xf32> loc("sum"("add"))
  return %c : tensor<1x8xf32>
}

// -----

// A padded average pool keeps its padding; the windows average their valid
// elements in qf as in TOSA.
// CHECK-LABEL: func.func @padded_avg_pool
// CHECK: qf.avg_pool2d %{{.*}} {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x2x1x!quant.uniform<i8:f32, {{.*}}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, {{0\.0(2|199999)[0-9]*}}:-78>>
// CHECK-NOT: tosa.avg_pool2d
func.func @padded_avg_pool(%a: tensor<1x2x2x1xf32> loc("a")) -> tensor<1x2x2x1xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("add")
  %p = tosa.avg_pool2d %a, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32> loc("sum"("add"))
  return %p : tensor<1x2x2x1xf32>
}

// -----

// A chain of float element-wise ops from one activation to a calibrated
// value becomes a 256-entry qf.lookup. Here y = 2 * b: b ("b", [0, 2.55]:
// scale 0.01, zero point -128) to "sum" ([-1, 4.1]: scale 0.02, zero point
// -78), so stored q maps to q + 128 - 78 = q + 50, clamped at 127. The
// table is indexed by the stored byte read as unsigned: entries 0..77 are
// 50..127 (0x32..0x7F), 78..127 stay 127, 128 (q = -128) is -78 (0xB2),
// 255 (q = -1) is 49 (0x31).
// CHECK-LABEL: func.func @doubled
// CHECK: %[[Q:.*]] = qf.quantize %arg0 : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, {{0\.0(1|0999999)[0-9]*}}:-128>>
// CHECK: %[[L:.*]] = qf.lookup %[[Q]] table dense<"0x323334{{([0-9A-F]{2}){73}()}}7E7F7F{{(7F){49}()}}B2B3{{([0-9A-F]{2}){124}()}}3031"> : tensor<256xi8> : {{.*}} -> tensor<1x4x!quant.uniform<i8:f32, {{0\.0(2|199999)[0-9]*}}:-78>>
// CHECK: qf.dequantize %[[L]]
// CHECK-NOT: tosa.mul
func.func @doubled(%b: tensor<1x4xf32> loc("b")) -> tensor<1x4xf32> {
  %two = "tosa.const"() {values = dense<2.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32> loc("two")
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8> loc("two")
  %y = tosa.mul %b, %two, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("sum"("add"))
  return %y : tensor<1x4xf32>
}

// -----

// The same chain with its constant a scalar reshaped to the operand's rank
// (how the importer broadcasts GELU's 0.5): still one table.
// CHECK-LABEL: func.func @doubled_reshaped_scalar
// CHECK: %[[Q:.*]] = qf.quantize %arg0
// CHECK: %[[L:.*]] = qf.lookup %[[Q]] table
// CHECK: %[[D:.*]] = qf.dequantize %[[L]]
// CHECK-NOT: tosa.mul
// CHECK: return %[[D]]
func.func @doubled_reshaped_scalar(%b: tensor<1x4xf32> loc("b")) -> tensor<1x4xf32> {
  %two = "tosa.const"() {values = dense<2.0> : tensor<f32>} : () -> tensor<f32> loc("two")
  %shape = tosa.const_shape {values = dense<[1, 1]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("two")
  %two2 = tosa.reshape %two, %shape : (tensor<f32>, !tosa.shape<2>) -> tensor<1x1xf32> loc("two")
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8> loc("two")
  %y = tosa.mul %b, %two2, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("sum"("add"))
  return %y : tensor<1x4xf32>
}

// -----

// HardSwish as the importer writes it, x * clamp(x / 6 + 1/2, 0, 1): the
// activation is used twice, every op of the chain goes into one table.
// CHECK-LABEL: func.func @hard_swish
// CHECK: %[[Q:.*]] = qf.quantize %arg0
// CHECK: %[[L:.*]] = qf.lookup %[[Q]] table
// CHECK: %[[D:.*]] = qf.dequantize %[[L]]
// CHECK-NOT: tosa.
// CHECK: return %[[D]]
func.func @hard_swish(%b: tensor<1x4xf32> loc("b")) -> tensor<1x4xf32> {
  %sixth = "tosa.const"() {values = dense<0.16666667> : tensor<1x1xf32>} : () -> tensor<1x1xf32> loc("hs")
  %half = "tosa.const"() {values = dense<0.5> : tensor<1x1xf32>} : () -> tensor<1x1xf32> loc("hs")
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8> loc("hs")
  %s = tosa.mul %b, %sixth, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("hs")
  %o = tosa.add %s, %half : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32> loc("hs")
  %c = tosa.clamp %o {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("hs")
  %y = tosa.mul %b, %c, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("sum"("hs"))
  return %y : tensor<1x4xf32>
}

// -----

// A chain on the result of a product quantization leaves float (two
// activations multiplied, as attention's scores are, then scaled) stays
// float: a table would quantize the float product only to dequantize it
// for the float ops after it.
// CHECK-LABEL: func.func @float_product_chain
// CHECK: %[[M:.*]] = tosa.matmul
// CHECK: tosa.mul %[[M]]
// CHECK-NOT: qf.
// INT4-LABEL: func.func @float_product_chain
// INT4: tosa.matmul
func.func @float_product_chain(%a: tensor<1x2x4xf32> loc("b"), %b: tensor<1x4x2xf32> loc("a")) -> tensor<1x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("n")
  %m = tosa.matmul %a, %b, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32> loc("flat"("flatten"))
  %two = "tosa.const"() {values = dense<2.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32> loc("two")
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8> loc("two")
  %y = tosa.mul %m, %two, %shift : (tensor<1x2x2xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x2xf32> loc("sum"("add"))
  return %y : tensor<1x2x2xf32>
}

// -----

// Not tables: a chain whose intermediate value is also used elsewhere (it
// is not a function of the input alone at its end) and one that ends at an
// uncalibrated value stay float; a product with a second activation is a
// qf.mul instead.
// CHECK-LABEL: func.func @not_tabulated
// CHECK-NOT: qf.lookup
// CHECK: tosa.sigmoid
// CHECK: tosa.mul
// CHECK: tosa.tanh
// CHECK-NOT: qf.lookup
// CHECK: qf.mul
// CHECK-NOT: qf.lookup
func.func @not_tabulated(%b: tensor<1x4xf32> loc("b"), %a: tensor<1x4xf32> loc("a")) -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>) {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8> loc("n")
  %s = tosa.sigmoid %b : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("inner"("n"))
  %y = tosa.mul %b, %s, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("sum"("n"))
  %t = tosa.tanh %b : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("uncalibrated"("n"))
  %m = tosa.mul %a, %b, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("clip_out"("n"))
  return %y, %s, %t, %m : tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>
}

// -----

// A product of two calibrated activations (a squeeze-excitation scale)
// becomes qf.mul from the operands' parameters ("a": [-1, 1.55], scale
// 0.01, zero point -28; "b": [0, 2.55], scale 0.01, zero point -128) to
// the output's ("sum": scale 0.02, zero point -78); the [1, 1] operand
// broadcasts.
// CHECK-LABEL: func.func @scaled
// CHECK: %[[A:.*]] = qf.quantize %arg0 : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, {{0\.0(1|0999999)[0-9]*}}:-28>>
// CHECK: %[[B:.*]] = qf.quantize %arg1 : tensor<1x1xf32> -> tensor<1x1x!quant.uniform<i8:f32, {{0\.0(1|0999999)[0-9]*}}:-128>>
// CHECK: %[[M:.*]] = qf.mul %[[A]], %[[B]] : {{.*}} -> tensor<1x4x!quant.uniform<i8:f32, {{0\.0(2|199999)[0-9]*}}:-78>>
// CHECK: qf.dequantize %[[M]]
// CHECK-NOT: tosa.mul
func.func @scaled(%a: tensor<1x4xf32> loc("a"), %b: tensor<1x1xf32> loc("b")) -> tensor<1x4xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8> loc("scale")
  %y = tosa.mul %a, %b, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("sum"("scale"))
  return %y : tensor<1x4xf32>
}

// -----

// Degenerate weights and ranges get well-defined scales and a warning that
// names them. Output channel 1 is all zero and channel 2 denormal (1e-40):
// both are quantized as zero with scale 1 (channel 0: 1.27 / 127 = 0.01,
// [127, -64]). Input 'dead' was zero on every calibration sample: it gets
// the smallest scale, 1e-30, and zero point round(-128 - 0) = -128.
// CHECK-LABEL: func.func @degenerate
// CHECK: qf.quantize %{{.*}} : tensor<1x4x4x2xf32> -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.000000e-30:-128>>
// CHECK: arith.constant dense<{{\[\[\[\[}}127, -64]]], {{\[\[\[}}0, 0]]], {{\[\[\[}}0, 0]]]]> : tensor<3x1x1x2xi8>
// CHECK: quant.scast {{.*}} to tensor<3x1x1x2x!quant.uniform<i8:f32:0, {{[{]}}{{0\.0(1|0999999)[0-9]*}},1.000000e+00,1.000000e+00{{[}]}}>>
// INT4-CHANNEL-LABEL: func.func @degenerate
// INT4-CHANNEL: qf.packed_constant {{.*}}!quant.uniform<i4<-7:7>:f32:0, {{[{]}}{{0\.181428[0-9]*}},1.000000e+00,1.000000e+00{{[}]}}>>
// WARN-DAG: warning: loc("dead"): tensor 'dead': its calibrated range [0.000000e+00, 0.000000e+00] is too small for an int8 scale; quantized with scale 1.000000e-30, its values read as zero
// WARN-DAG: warning: loc("dead_conv"): node 'dead_conv': 2 of 3 weight channels all zero or below 1e-30 in magnitude (1, 2): quantized as zero
func.func @degenerate(%x: tensor<1x2x4x4xf32> loc("dead")) -> tensor<1x3x4x4xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.27, -0.64]]], [[[0.0, 0.0]]], [[[1.0e-40, -1.0e-40]]]]> : tensor<3x1x1x2xf32>} : () -> tensor<3x1x1x2xf32> loc("dead_conv")
  %b = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32> loc("dead_conv")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("dead_conv")
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("dead_conv")
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32> loc("dead_conv")
  %y = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32> loc("dead_out"("dead_conv"))
  return %y : tensor<1x3x4x4xf32>
}

// -----

// A recurrent step's product: its input (the hidden state) is no ONNX
// tensor, but the importer names the tensor whose range covers it
// (qf.input_range_of: 'flat', [0, 2.55] -> scale 0.01, zero point -128),
// and no table entry describes its result. It computes in int8 all the
// same: weights per column (0.5 / 127, 2 / 127), int32 sums scaled back to
// float by s_x * s_w[n]; the node's other compute (the gate) stays float on
// purpose (qf.keep_float), so the backend contract does not flag it.
// CHECK-LABEL: func.func @float_result_product
// CHECK: %[[Q:.*]] = qf.quantize %{{.*}} : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<i8:f32, {{0\.0099999[0-9]*|0\.01}}:-128>>
// CHECK: %[[ACC:.*]] = qf.matmul %[[Q]], %{{.*}} : (tensor<1x2x!quant.uniform<i8:f32, {{0\.0099999[0-9]*|0\.01}}:-128>>, tensor<2x2x!quant.uniform<i8:f32:1, {{[{]}}0.0039370{{[0-9]*}},0.015748{{[0-9]*}}{{[}]}}>>) -> tensor<1x2xi32>
// CHECK-NOT: tosa.matmul
// CHECK: linalg.generic
// CHECK: tosa.sigmoid {{.*}}{qf.keep_float}
// INT4-LABEL: func.func @float_result_product
// INT4: qf.packed_constant {{.*}} : tensor<2x2x!quant.uniform<i4<-7:7>:f32:1, {{[{]}}0.071428{{[0-9]*}},0.285714{{[0-9]*}}{{[}]}}>>
// INT4: qf.matmul {{.*}} -> tensor<1x2xi32>
// WARN-NOT: warning
func.func @float_result_product(%h: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() {values = dense<[[[0.5, -2.0], [0.25, 1.0]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32> loc("lstm")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("lstm")
  %p = tosa.matmul %h, %w, %zp, %zp {qf.input_range_of = "flat"} : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32> loc("lstm")
  %g = tosa.sigmoid %p : (tensor<1x1x2xf32>) -> tensor<1x1x2xf32> loc("lstm")
  return %g : tensor<1x1x2xf32>
}

// -----

// The tensor named as covering the input has no range in the table: the
// product stays float.
// CHECK-LABEL: func.func @uncovered_product
// CHECK: tosa.matmul
// CHECK-NOT: qf.matmul
func.func @uncovered_product(%h: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() {values = dense<[[[0.5, -2.0], [0.25, 1.0]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32> loc("lstm")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("lstm")
  %p = tosa.matmul %h, %w, %zp, %zp {qf.input_range_of = "not_in_table"} : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32> loc("lstm")
  return %p : tensor<1x1x2xf32>
}

// -----

// A grouped Conv node (2 groups of 1 channel) as the importer writes it:
// one convolution per group on a slice of the input, each with its own
// constant weights and bias, joined by a concatenation. The parts' results
// have no tensor of their own in the table: each takes the joined output's
// range (conv_out: scale 0.04, zero point -78, as for @conv above), so the
// concatenation joins stored integers. The input slices keep x's
// parameters; the weights and biases are @conv's numbers.
// CHECK-LABEL: func.func @grouped_conv
// CHECK: %[[B0:.*]] = arith.constant dense<3825> : tensor<1xi32>
// CHECK: qf.conv2d %{{.*}}, %{{.*}} bias %[[B0]] : (tensor<1x4x4x1x!quant.uniform<i8:f32, 0.01568627450980{{[0-9]*}}:-64>>
// CHECK-SAME: -> tensor<1x4x4x1x!quant.uniform<i8:f32, {{0\.0(4|399999)[0-9]*}}:-78>>
// CHECK: %[[B1:.*]] = arith.constant dense<-31875> : tensor<1xi32>
// CHECK: qf.conv2d %{{.*}}, %{{.*}} bias %[[B1]] : (tensor<1x4x4x1x!quant.uniform<i8:f32, 0.01568627450980{{[0-9]*}}:-64>>
// CHECK-SAME: -> tensor<1x4x4x1x!quant.uniform<i8:f32, {{0\.0(4|399999)[0-9]*}}:-78>>
// CHECK: tosa.concat %{{.*}}, %{{.*}} {axis = 3 : i32} : (tensor<1x4x4x1xi8>, tensor<1x4x4x1xi8>) -> tensor<1x4x4x2xi8>
// CHECK-NOT: tosa.conv2d
func.func @grouped_conv(%x: tensor<1x2x4x4xf32> loc("x")) -> tensor<1x2x4x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("conv")
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %size = tosa.const_shape {values = dense<[1, 4, 4, 1]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv")
  %start0 = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv")
  %start1 = tosa.const_shape {values = dense<[0, 0, 0, 1]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv")
  %x0 = tosa.slice %t, %start0, %size : (tensor<1x4x4x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x1xf32> loc("conv")
  %x1 = tosa.slice %t, %start1, %size : (tensor<1x4x4x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x4x4x1xf32> loc("conv")
  %w0 = "tosa.const"() {values = dense<[[[[1.27]]]]> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32> loc("conv")
  %w1 = "tosa.const"() {values = dense<[[[[-0.254]]]]> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32> loc("conv")
  %b0 = "tosa.const"() {values = dense<[0.6]> : tensor<1xf32>} : () -> tensor<1xf32> loc("conv")
  %b1 = "tosa.const"() {values = dense<[-1.0]> : tensor<1xf32>} : () -> tensor<1xf32> loc("conv")
  %c0 = tosa.conv2d %x0, %w0, %b0, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32> loc("conv")
  %c1 = tosa.conv2d %x1, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32> loc("conv")
  %cat = tosa.concat %c0, %c1 {axis = 3 : i32} : (tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %y = tosa.transpose %cat {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32> loc("conv_out"("conv"))
  return %y : tensor<1x2x4x4xf32>
}
