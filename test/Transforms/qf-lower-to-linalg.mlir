// RUN: qforge-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(qf-lower-to-linalg))' | FileCheck %s
// Numerics are tested end to end against ONNX's own test data and
// onnxruntime (test/Conformance, test/Import/quantized.test); this file
// checks the structure of the lowering.

// CHECK-LABEL: func.func @quantize_dequantize
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4xf32>) outs(%{{.*}} : tensor<4xi8>)
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.fptosi
// CHECK: arith.trunci
// CHECK: %[[D:.*]] = linalg.generic {{.*}} ins(%[[Q]] : tensor<4xi8>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: return %[[D]]
// CHECK-NOT: qf.
func.func @quantize_dequantize(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qf.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:10>>
  %d = qf.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.5:10>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Per-axis parameters are read from constant vectors along the axis.
// CHECK-LABEL: func.func @per_axis
// CHECK: %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK: %[[Z:.*]] = arith.constant dense<[0, 3]> : tensor<2xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[AXIS:.*]], #[[AXIS]], #{{.*}}]{{.*}} ins(%{{.*}}, %[[S]], %[[Z]] : tensor<3x2xi8>, tensor<2xf32>, tensor<2xi32>)
func.func @per_axis(%q: tensor<3x2xi8>) -> tensor<3x2xf32> {
  %s = quant.scast %q : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {0.5, 0.25:3}>>
  %d = qf.dequantize %s : tensor<3x2x!quant.uniform<i8:f32:1, {0.5, 0.25:3}>> -> tensor<3x2xf32>
  return %d : tensor<3x2xf32>
}

// -----

// An int32 matmul: exact accumulation of zero-point-corrected products.
// CHECK-LABEL: func.func @matmul_accumulator
// CHECK-SAME: (%[[A:.*]]: tensor<2x4xi8>, %[[B:.*]]: tensor<4x3xi8>, %[[BIAS:.*]]: tensor<3xi32>) -> tensor<2x3xi32>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[A]], %[[B]], %{{.*}} : tensor<2x4xi8>, tensor<4x3xi8>, tensor<3xi32>)
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %[[BIAS]] : tensor<2x3xi32>, tensor<3xi32>)
// CHECK: return %[[OUT]]
func.func @matmul_accumulator(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>, %bias: tensor<3xi32>) -> tensor<2x3xi32> {
  %qa = quant.scast %a : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 1.0:-3>>
  %qb = quant.scast %b : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32, 1.0>>
  %y = qf.matmul %qa, %qb bias %bias : (tensor<2x4x!quant.uniform<i8:f32, 1.0:-3>>, tensor<4x3x!quant.uniform<i8:f32, 1.0>>, tensor<3xi32>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// Requantization: fixed-point multiplier and shift per output channel (here
// 0.5 * {0.25, 0.5} / 0.125 = {1, 2} -> 2^30 * 2^-30 and 2^30 * 2^-29),
// rounding half to even in 64-bit arithmetic, the clamp of the op.
// The filter goes output-channels-last (HWCF) so that the output channel
// loop reads it contiguously (a run-time filter here, so a transpose).
// CHECK-LABEL: func.func @conv_requantized
// CHECK: tensor.pad
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x3x3xi8>) outs(%{{.*}} : tensor<3x3x3x2xi8>) permutation = [1, 2, 3, 0]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: %[[M:.*]] = arith.constant dense<1073741824> : tensor<2xi64>
// CHECK: %[[N:.*]] = arith.constant dense<[30, 29]> : tensor<2xi64>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[M]], %[[N]] : tensor<1x4x4x2xi32>, tensor<2xi64>, tensor<2xi64>) outs(%{{.*}} : tensor<1x4x4x2xi8>)
// CHECK: arith.muli
// CHECK: arith.shrsi
// CHECK: arith.cmpi sgt
// CHECK: arith.cmpi eq
// CHECK: arith.maxsi %{{.*}}, %c-5_i64
// CHECK: arith.minsi %{{.*}}, %c100_i64
// CHECK: arith.trunci %{{.*}} : i64 to i8
// CHECK-NOT: quant.scast
func.func @conv_requantized(%x: tensor<1x4x4x3xi8>, %w: tensor<2x3x3x3xi8>) -> tensor<1x4x4x2xi8> {
  %qx = quant.scast %x : tensor<1x4x4x3xi8> to tensor<1x4x4x3x!quant.uniform<i8:f32, 0.5:-5>>
  %qw = quant.scast %w : tensor<2x3x3x3xi8> to tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.25, 0.5}>>
  %y = qf.conv2d %qx, %qw clamp [-5, 100] {padding = array<i64: 1, 1, 1, 1>}
      : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.5:-5>>, tensor<2x3x3x3x!quant.uniform<i8:f32:0, {0.25, 0.5}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-5>>
  %r = quant.scast %y : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-5>> to tensor<1x4x4x2xi8>
  return %r : tensor<1x4x4x2xi8>
}

// -----

func.func @blocked(%x: tensor<64x2xf32>) -> tensor<64x2xf32> {
  // expected-error @+1 {{'qf.quantize' op uses blocked (sub-channel) quantization, which is not lowered yet}}
  %q = qf.quantize %x : tensor<64x2xf32> -> tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>>
  %d = qf.dequantize %q : tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>> -> tensor<64x2xf32>
  return %d : tensor<64x2xf32>
}

// -----

func.func @foreign_user(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  %q = qf.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  // expected-error @+1 {{'func.return' op uses a quantized tensor; only qf and quant ops can be lowered with one}}
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Outside calibration an observer records nothing and disappears.
// CHECK-LABEL: func.func @observer_erased
// CHECK-NOT: qf.observe
// CHECK: return
func.func @observer_erased(%x: tensor<4xf32>) -> tensor<4xf32> {
  qf.observe %x {id = 0 : i64, name = "x"} : tensor<4xf32>
  return %x : tensor<4xf32>
}
