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

// An int32 matmul: exact accumulation of zero-point-corrected products
// (the weights' zero point 2 comes in as a per-column operand).
// CHECK-LABEL: func.func @matmul_accumulator
// CHECK-SAME: (%[[A:.*]]: tensor<2x4xi8>, %[[B:.*]]: tensor<4x3xi8>, %[[BIAS:.*]]: tensor<3xi32>) -> tensor<2x3xi32>
// CHECK: %[[ZP:.*]] = arith.constant dense<2> : tensor<3xi32>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[A]], %[[B]], %[[ZP]] : tensor<2x4xi8>, tensor<4x3xi8>, tensor<3xi32>)
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: %[[OUT:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %[[BIAS]] : tensor<2x3xi32>, tensor<3xi32>)
// CHECK: return %[[OUT]]
func.func @matmul_accumulator(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>, %bias: tensor<3xi32>) -> tensor<2x3xi32> {
  %qa = quant.scast %a : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 1.0:-3>>
  %qb = quant.scast %b : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32, 1.0:2>>
  %y = qf.matmul %qa, %qb bias %bias : (tensor<2x4x!quant.uniform<i8:f32, 1.0:-3>>, tensor<4x3x!quant.uniform<i8:f32, 1.0:2>>, tensor<3xi32>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// Requantization: a float32 multiplier per output channel (here
// 0.5 * {0.25, 0.5} / 0.125 = {1, 2}), as a kernel epilogue holds them; the
// accumulator converted, scaled, clamped to the op's clamp less the zero
// point ([-5, 100] - (-5) = [0, 105]; nnan: no NaN can arise), rounded half
// to even, converted back, the zero point added
// (test/Quantization/requantize-reference.test checks every tie against an
// exact rational reference).
// The filter goes output-channels-last (HWCF) so that the output channel
// loop reads it contiguously (a run-time filter here, so a transpose).
// CHECK-LABEL: func.func @conv_requantized
// CHECK: tensor.pad
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x3x3xi8>) outs(%{{.*}} : tensor<3x3x3x2xi8>) permutation = [1, 2, 3, 0]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: %[[M:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[M]] : tensor<1x4x4x2xi32>, tensor<2xf32>) outs(%{{.*}} : tensor<1x4x4x2xi8>)
// CHECK: ^bb0(%[[ACC:.*]]: i32, %[[MC:.*]]: f32, %{{.*}}: i8):
// CHECK: %[[F:.*]] = arith.sitofp %[[ACC]] : i32 to f32
// CHECK: %[[P:.*]] = arith.mulf %[[F]], %[[MC]] : f32
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[LO:.*]] = arith.maxnumf %[[P]], %[[ZERO]] fastmath<nnan> : f32
// CHECK: %[[TOP:.*]] = arith.constant 1.050000e+02 : f32
// CHECK: %[[HI:.*]] = arith.minnumf %[[LO]], %[[TOP]] fastmath<nnan> : f32
// CHECK: %[[R:.*]] = math.roundeven %[[HI]] : f32
// CHECK: %[[I:.*]] = arith.fptosi %[[R]] : f32 to i32
// CHECK: %[[Z:.*]] = arith.addi %[[I]], %c-5_i32 : i32
// CHECK: arith.trunci %[[Z]] : i32 to i8
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

// -----

// 4-bit weights unpack from their bytes (low nibble first, sign-extended by
// moving the nibble up and shifting back), then a block-quantized matmul:
// one int32 sum per block of 2 along K (K split into [blocks, 2] on both
// sides), the blocks combined in int64 with their integer multiples of the
// channel unit (block scale / unit: column 0 {255, 51}, column 1 {255, 255}
// below, stored as unsigned bytes, so 255 prints as -1), and one
// requantization per column at s_x * unit / s_y (0.01 * (0.1 / 255) / 0.04)
// from the int64 sums. With no weight zero points there is no zero-point
// operand.
// CHECK-LABEL: func.func @matmul_int4_blocks
// CHECK: %[[RAW:.*]] = arith.constant dense<[119, 13, 7, -111]> : tensor<4xi8>
// CHECK: %[[PAIRS:.*]] = linalg.generic {{.*}} ins(%[[RAW]] : tensor<4xi8>) outs(%{{.*}} : tensor<4x2xi8>)
// CHECK: linalg.index 1
// CHECK: arith.shli
// CHECK: arith.select
// CHECK: arith.shrsi
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[PAIRS]] {{\[\[}}0, 1]] : tensor<4x2xi8> into tensor<8xi8>
// CHECK: %[[W:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [4, 2] : tensor<8xi8> into tensor<4x2xi8>
// CHECK: %[[X3:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [1, 2, 2] : tensor<1x4xi8> into tensor<1x2x2xi8>
// CHECK: %[[W3:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2]] output_shape [2, 2, 2] : tensor<4x2xi8> into tensor<2x2x2xi8>
// CHECK: %[[PART:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[X3]], %[[W3]] : tensor<1x2x2xi8>, tensor<2x2x2xi8>) outs(%{{.*}} : tensor<1x2x2xi32>)
// CHECK: %[[MULT:.*]] = arith.constant dense<{{\[\[}}-1, -1], [51, -1]]> : tensor<2x2xi8>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[PART]], %[[MULT]] : tensor<1x2x2xi32>, tensor<2x2xi8>) outs(%{{.*}} : tensor<1x2xi64>)
// CHECK: arith.extui {{.*}} : i8 to i64
// CHECK: arith.muli {{.*}} : i64
// CHECK: %[[UNIT:.*]] = arith.constant dense<9.80392142E-5> : tensor<2xf32>
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[UNIT]] : tensor<1x2xi64>, tensor<2xf32>) outs(%{{.*}} : tensor<1x2xi8>)
// CHECK: arith.sitofp %{{.*}} : i64 to f32
func.func @matmul_int4_blocks(%xi: tensor<1x4xi8>) -> tensor<1x2xi8> {
  %x = quant.scast %xi : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.01:-128>>
  %w = qf.packed_constant dense<[119, 13, 7, -111]> : tensor<4xi8> : tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.1, 0.1}, {0.02, 0.1}}>>
  %y = qf.matmul %x, %w : (tensor<1x4x!quant.uniform<i8:f32, 0.01:-128>>, tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.1, 0.1}, {0.02, 0.1}}>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.04:2>>
  %r = quant.scast %y : tensor<1x2x!quant.uniform<i8:f32, 0.04:2>> to tensor<1x2xi8>
  return %r : tensor<1x2xi8>
}

// -----

// A block-quantized convolution sums each block of input channels over all
// taps ([N, OH, OW, blocks, O]) before combining.
// CHECK-LABEL: func.func @conv_int4_blocks
// CHECK: tensor.expand_shape {{.*}} : tensor<1x3x3x4xi8> into tensor<1x3x3x2x2xi8>
// CHECK: tensor.expand_shape {{.*}} : tensor<1x1x4x2xi8> into tensor<1x1x2x2x2xi8>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} {{.*}} outs(%{{.*}} : tensor<1x3x3x2x2xi32>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x3x2xi64>)
func.func @conv_int4_blocks(%xi: tensor<1x3x3x4xi8>) -> tensor<1x3x3x2xi8> {
  %x = quant.scast %xi : tensor<1x3x3x4xi8> to tensor<1x3x3x4x!quant.uniform<i8:f32, 0.01>>
  %w = qf.packed_constant dense<[17, 17, 17, 17]> : tensor<4xi8> : tensor<2x1x1x4x!quant.uniform<i4<-7:7>:f32:{0:1, 3:2}, {{{{0.1, 0.04}}}, {{{0.2, 0.2}}}}>>
  %y = qf.conv2d %x, %w : (tensor<1x3x3x4x!quant.uniform<i8:f32, 0.01>>, tensor<2x1x1x4x!quant.uniform<i4<-7:7>:f32:{0:1, 3:2}, {{{{0.1, 0.04}}}, {{{0.2, 0.2}}}}>>) -> tensor<1x3x3x2x!quant.uniform<i8:f32, 0.04>>
  %r = quant.scast %y : tensor<1x3x3x2x!quant.uniform<i8:f32, 0.04>> to tensor<1x3x3x2xi8>
  return %r : tensor<1x3x3x2xi8>
}

// -----

// Block scales that are not integer multiples of a channel unit (here
// 0.1 / (0.1/255) = 255 but 0.0333 / unit = 84.915) are refused rather than
// approximated.
func.func @blocks_not_multiples(%xi: tensor<1x4xi8>) -> tensor<1x1x!quant.uniform<i8:f32, 0.04>> {
  %x = quant.scast %xi : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.01>>
  %w = qf.packed_constant dense<[17, 17]> : tensor<2xi8> : tensor<4x1x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.1}, {0.0333}}>>
  // expected-error @+1 {{'qf.matmul' op block scale 3.330000e-02 (channel 0, block 1) is not a multiple 1..255 of the channel's unit 3.921569e-04}}
  %y = qf.matmul %x, %w : (tensor<1x4x!quant.uniform<i8:f32, 0.01>>, tensor<4x1x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.1}, {0.0333}}>>) -> tensor<1x1x!quant.uniform<i8:f32, 0.04>>
  return %y : tensor<1x1x!quant.uniform<i8:f32, 0.04>>
}

// -----

// Blocks must be whole: a block-quantized result needs a requantized result.
func.func @blocks_accumulator(%xi: tensor<1x4xi8>) -> tensor<1x1xi32> {
  %x = quant.scast %xi : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.01>>
  %w = qf.packed_constant dense<[17, 17]> : tensor<2xi8> : tensor<4x1x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.1}, {0.1}}>>
  // expected-error @+1 {{'qf.matmul' op with block-quantized weights the result must be quantized, not an accumulator}}
  %y = qf.matmul %x, %w : (tensor<1x4x!quant.uniform<i8:f32, 0.01>>, tensor<4x1x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{0.1}, {0.1}}>>) -> tensor<1x1xi32>
  return %y : tensor<1x1xi32>
}

// -----

func.func @quantized_argument(%x: tensor<1x4x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'qf.dequantize' op operand 0 is a quantized value not produced by a qf or quant op; cast it from its storage integers with quant.scast}}
  %d = qf.dequantize %x : tensor<1x4x!quant.uniform<i8:f32, 0.01>> -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

// An integer add: both terms rescaled with one shift (multipliers
// 0.05 / 0.2 = 0.25 and 0.1 / 0.2 = 0.5 with 22 bits for the larger, shift
// 22: 2^20 and 2^21), summed in int32 (130 * 2^20 + 128 * 2^21 plus the
// half unit 2^21 cannot overflow), rounded once, the zero point added and
// clamped.
// CHECK-LABEL: func.func @add
// CHECK: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<4xi8>, tensor<4xi8>) outs(%{{.*}} : tensor<4xi8>)
// CHECK-DAG: arith.muli %{{.*}}, %c1048576_i32 : i32
// CHECK-DAG: arith.muli %{{.*}}, %c2097152_i32 : i32
// CHECK: arith.addi
// CHECK: arith.shrsi %{{.*}}, %c22_i32
// CHECK: arith.maxsi %{{.*}}, %c-100_i32
// CHECK: arith.minsi %{{.*}}, %c127_i32
func.func @add(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %qa = quant.scast %a : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.05:-3>>
  %qb = quant.scast %b : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  %y = qf.add %qa, %qb clamp [-100, 127] : (tensor<4x!quant.uniform<i8:f32, 0.05:-3>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.2:-100>>
  %r = quant.scast %y : tensor<4x!quant.uniform<i8:f32, 0.2:-100>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// Multipliers too small for int32: 1e-4 = 0.8192 * 2^-13 needs shift
// 22 + 13 = 35, past int32's; the add runs in int64 with 31 bits (shift
// 44, multiplier round(1e-4 * 2^44) = 1759218604).
// CHECK-LABEL: func.func @add_in_int64
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: arith.muli %{{.*}}, %c1759218604_i64 : i64
// CHECK: arith.shrsi %{{.*}}, %c44_i64
func.func @add_in_int64(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %qa = quant.scast %a : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.0001>>
  %qb = quant.scast %b : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.0001>>
  %y = qf.add %qa, %qb : (tensor<4x!quant.uniform<i8:f32, 0.0001>>, tensor<4x!quant.uniform<i8:f32, 0.0001>>) -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  %r = quant.scast %y : tensor<4x!quant.uniform<i8:f32, 1.0>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// Integer average pooling: int32 window sums of (x - z_x) (the window's
// extent from a shape-only operand), then one requantization at
// s_x / (KH * KW * s_y) = 0.04 / (2 * 2 * 0.01) = 1.
// CHECK-LABEL: func.func @avg_pool
// CHECK: %[[W:.*]] = tensor.empty() : tensor<2x2xi8>
// CHECK: %[[S:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%arg0, %[[W]] : tensor<1x4x4x3xi8>, tensor<2x2xi8>) outs(%{{.*}} : tensor<1x2x2x3xi32>)
// CHECK: arith.subi %{{.*}}, %c5_i32
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<1x2x2x3xi32>) outs(%{{.*}} : tensor<1x2x2x3xi8>)
// CHECK: arith.constant 1.000000e+00 : f32
func.func @avg_pool(%x: tensor<1x4x4x3xi8>) -> tensor<1x2x2x3xi8> {
  %q = quant.scast %x : tensor<1x4x4x3xi8> to tensor<1x4x4x3x!quant.uniform<i8:f32, 0.04:5>>
  %y = qf.avg_pool2d %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.04:5>>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.01:-1>>
  %r = quant.scast %y : tensor<1x2x2x3x!quant.uniform<i8:f32, 0.01:-1>> to tensor<1x2x2x3xi8>
  return %r : tensor<1x2x2x3xi8>
}

// -----

// Padded average pooling: the input padded with its zero point (5), so the
// padding adds nothing to the sums; each output position divides by its own
// count of valid elements. Kernel 2x2 with one row and column of padding in
// front of a 2x2 input: counts 1, 2, 2, 4, so multipliers
// 0.04 / (n * 0.01) = 4, 2, 2, 1, applied along the positions of
// [N, OH * OW, C].
// CHECK-LABEL: func.func @padded_avg_pool
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 1, 1, 0] high[0, 0, 0, 0]
// CHECK: tensor.yield %c5_i8
// CHECK: } : tensor<1x2x2x3xi8> to tensor<1x3x3x3xi8>
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[P]], %{{.*}} : tensor<1x3x3x3xi8>, tensor<2x2xi8>) outs(%{{.*}} : tensor<1x2x2x3xi32>)
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[S]] {{\[}}[0], [1, 2], [3]] : tensor<1x2x2x3xi32> into tensor<1x4x3xi32>
// CHECK: %[[M:.*]] = arith.constant dense<[4.000000e+00, 2.000000e+00, 2.000000e+00, 1.000000e+00]> : tensor<4xf32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[F]], %[[M]] : tensor<1x4x3xi32>, tensor<4xf32>) outs(%{{.*}} : tensor<1x4x3xi8>)
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0], [1, 2], [3]] output_shape [1, 2, 2, 3] : tensor<1x4x3xi8> into tensor<1x2x2x3xi8>
func.func @padded_avg_pool(%x: tensor<1x2x2x3xi8>) -> tensor<1x2x2x3xi8> {
  %q = quant.scast %x : tensor<1x2x2x3xi8> to tensor<1x2x2x3x!quant.uniform<i8:f32, 0.04:5>>
  %y = qf.avg_pool2d %q {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 1, 0, 1, 0>} : (tensor<1x2x2x3x!quant.uniform<i8:f32, 0.04:5>>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.01:-1>>
  %r = quant.scast %y : tensor<1x2x2x3x!quant.uniform<i8:f32, 0.01:-1>> to tensor<1x2x2x3xi8>
  return %r : tensor<1x2x2x3xi8>
}

// -----

// Each problem is reported once, at the op that has it: the dequantize of
// a blocked quantize's result and the return of an unlowerable matmul's
// result only repeat it (here the first quantize, and the matmul whose
// weights are not symmetric).
func.func @reported_once(%x: tensor<64x2xf32>, %xi: tensor<1x4xi8>) -> (tensor<64x2xf32>, tensor<1x1x!quant.uniform<i8:f32, 0.04>>) {
  // expected-error @+1 {{'qf.quantize' op uses blocked (sub-channel) quantization, which is not lowered yet}}
  %q = qf.quantize %x : tensor<64x2xf32> -> tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>>
  %d = qf.dequantize %q : tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>> -> tensor<64x2xf32>
  %a = quant.scast %xi : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.01>>
  %w = qf.packed_constant dense<[17, 17]> : tensor<2xi8> : tensor<4x1x!quant.uniform<i4:f32:{0:2, 1:1}, {{0.1:1}, {0.1:1}}>>
  // expected-error @+1 {{'qf.matmul' op block-quantized weights must be symmetric (zero points 0) to be lowered}}
  %y = qf.matmul %a, %w : (tensor<1x4x!quant.uniform<i8:f32, 0.01>>, tensor<4x1x!quant.uniform<i4:f32:{0:2, 1:1}, {{0.1:1}, {0.1:1}}>>) -> tensor<1x1x!quant.uniform<i8:f32, 0.04>>
  return %d, %y : tensor<64x2xf32>, tensor<1x1x!quant.uniform<i8:f32, 0.04>>
}

// -----

// Blocks that span output channels cannot be requantized per channel.
func.func @blocks_across_channels(%xi: tensor<1x4xi8>) -> tensor<1x2x!quant.uniform<i8:f32, 0.04>> {
  %x = quant.scast %xi : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.01>>
  %w = qf.packed_constant dense<17> : tensor<4xi8> : tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:2}, {{0.1}, {0.1}}>>
  // expected-error @+1 {{'qf.matmul' op weights in blocks of 2 output channels cannot be lowered; blocks must lie within one channel}}
  %y = qf.matmul %x, %w : (tensor<1x4x!quant.uniform<i8:f32, 0.01>>, tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:2}, {{0.1}, {0.1}}>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.04>>
  return %y : tensor<1x2x!quant.uniform<i8:f32, 0.04>>
}

// -----

// A convolution's blocks run along its input channels only; blocks along a
// kernel axis would split the taps of one channel.
func.func @blocks_along_taps(%xi: tensor<1x4x4x2xi8>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.04>> {
  %x = quant.scast %xi : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.01>>
  %w = qf.packed_constant dense<17> : tensor<9xi8> : tensor<1x3x3x2x!quant.uniform<i4<-7:7>:f32:{0:1, 1:1, 3:2}, {{{{0.1}}, {{0.1}}, {{0.1}}}}>>
  // expected-error @+1 {{'qf.conv2d' op weights blocked along axis 1 cannot be lowered; only axis 3 may be split}}
  %y = qf.conv2d %x, %w : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.01>>, tensor<1x3x3x2x!quant.uniform<i4<-7:7>:f32:{0:1, 1:1, 3:2}, {{{{0.1}}, {{0.1}}, {{0.1}}}}>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.04>>
  return %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.04>>
}

// -----

// Grouped convolutions take per-channel filters only.
func.func @grouped_blocks(%xi: tensor<1x4x4x4xi8>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.04>> {
  %x = quant.scast %xi : tensor<1x4x4x4xi8> to tensor<1x4x4x4x!quant.uniform<i8:f32, 0.01>>
  %w = qf.packed_constant dense<17> : tensor<2xi8> : tensor<2x1x1x2x!quant.uniform<i4<-7:7>:f32:{0:1, 3:1}, {{{{0.1, 0.1}}}, {{{0.1, 0.1}}}}>>
  // expected-error @+1 {{'qf.conv2d' op grouped convolutions with block-quantized filters are not lowered}}
  %y = qf.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x4x4x!quant.uniform<i8:f32, 0.01>>, tensor<2x1x1x2x!quant.uniform<i4<-7:7>:f32:{0:1, 3:1}, {{{{0.1, 0.1}}}, {{{0.1, 0.1}}}}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.04>>
  return %y : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.04>>
}

// -----

// One zero point for the whole result: requantization adds it after the
// per-channel rescaling.
func.func @per_axis_zero_points(%xi: tensor<4x2xi8>) -> tensor<4x2x!quant.uniform<i8:f32:1, {0.1:1, 0.2:2}>> {
  %x = quant.scast %xi : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  // expected-error @+1 {{'qf.requantize' op per-axis result zero points must agree to be lowered}}
  %y = qf.requantize %x : tensor<4x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> -> tensor<4x2x!quant.uniform<i8:f32:1, {0.1:1, 0.2:2}>>
  return %y : tensor<4x2x!quant.uniform<i8:f32:1, {0.1:1, 0.2:2}>>
}

// -----

// A table lookup: the stored byte, zero-extended whatever its signedness,
// indexes the 256-entry table.
// CHECK-LABEL: func.func @lookup
// CHECK: %[[TABLE:.*]] = arith.constant dense<7> : tensor<256xi8>
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<2x4xi8>)
// CHECK: ^bb0(%[[IN:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[WIDE:.*]] = arith.extui %[[IN]] : i8 to i32
// CHECK: %[[I:.*]] = arith.index_castui %[[WIDE]] : i32 to index
// CHECK: %[[E:.*]] = tensor.extract %[[TABLE]][%[[I]]] : tensor<256xi8>
// CHECK: linalg.yield %[[E]] : i8
func.func @lookup(%x: tensor<2x4xi8>) -> tensor<2x4xi8> {
  %q = quant.scast %x : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 0.1:-3>>
  %y = qf.lookup %q table dense<7> : tensor<256xi8> : (tensor<2x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.2>>
  %r = quant.scast %y : tensor<2x4x!quant.uniform<i8:f32, 0.2>> to tensor<2x4xi8>
  return %r : tensor<2x4xi8>
}

// -----

// A product with a broadcast operand: its broadcast size-1 dimensions (not
// the batch, which the result shares) are collapsed away and its map reads
// the batch and the channel; (a - z_a) * (b - z_b) in
// int32, then the float multiplier 0.05 * 0.004 / 0.03 and the
// requantization to the result's zero point -10.
// CHECK-LABEL: func.func @mul_broadcast
// CHECK: %[[S:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0], [1, 2, 3]] : tensor<1x1x1x8xi8> into tensor<1x8xi8>
// CHECK: linalg.generic {indexing_maps = [#[[ID:.*]], #[[CHANNEL:.*]], #[[ID]]], {{.*}} ins(%arg0, %[[S]] : tensor<1x3x3x8xi8>, tensor<1x8xi8>)
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: arith.extsi
// CHECK: arith.subi
// CHECK: arith.muli {{.*}} : i32
// CHECK: arith.sitofp {{.*}} : i32 to f32
// CHECK: arith.mulf {{.*}} : f32
// CHECK: math.roundeven
func.func @mul_broadcast(%x: tensor<1x3x3x8xi8>, %s: tensor<1x1x1x8xi8>) -> tensor<1x3x3x8xi8> {
  %qx = quant.scast %x : tensor<1x3x3x8xi8> to tensor<1x3x3x8x!quant.uniform<i8:f32, 0.05:-3>>
  %qs = quant.scast %s : tensor<1x1x1x8xi8> to tensor<1x1x1x8x!quant.uniform<i8:f32, 0.004:-128>>
  %y = qf.mul %qx, %qs : (tensor<1x3x3x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x1x1x8x!quant.uniform<i8:f32, 0.004:-128>>) -> tensor<1x3x3x8x!quant.uniform<i8:f32, 0.03:-10>>
  %r = quant.scast %y : tensor<1x3x3x8x!quant.uniform<i8:f32, 0.03:-10>> to tensor<1x3x3x8xi8>
  return %r : tensor<1x3x3x8xi8>
}
