// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json}))' | FileCheck %s
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json method=mse}))' | FileCheck %s --check-prefix=MSE
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize))' 2>&1 | FileCheck %s --check-prefix=NO-TABLE
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json method=median}))' 2>&1 | FileCheck %s --check-prefix=BAD-METHOD
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-quantize{table=%S/Inputs/qf-quantize-table.json scheme=skewed}))' 2>&1 | FileCheck %s --check-prefix=BAD-SCHEME

// NO-TABLE: error: qf-quantize needs a calibration table (table=PATH)
// BAD-METHOD: error: method 'median' is not one of minmax, percentile, entropy, mse
// BAD-SCHEME: error: scheme 'skewed' is not one of asymmetric, symmetric

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
