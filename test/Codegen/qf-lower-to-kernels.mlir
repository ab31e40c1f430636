// RUN: qforge-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(qf-lower-to-kernels,qf-lower-to-linalg))' | FileCheck %s
// The kernels' structure, from ops marked with the kernel to use (as
// qf-select-kernels marks them; test/Codegen/qf-select-kernels.mlir); the
// reference conversion then lowers what is around them. Their results are
// checked bit for bit against the reference lowering in
// test/Quantization/vnni-kernels.test (x86 VNNI) and, under qemu, against
// the x86-64 host in test/Quantization/aarch64-kernels.test (sdot, smmla);
// the float kernel's against onnxruntime in test/Models.

//===----------------------------------------------------------------------===//
// vnni_product, vnni_depthwise_rows, vector_depthwise (x86 AVX-512 VNNI)
//===----------------------------------------------------------------------===//

// A 2x6 by 6x2 product: K pads to 8 (two 4-byte steps), N to one vector of
// 16 columns, the two rows form one register tile (2 rows x 1 vector).
// Packed weights [N/(16 V)][K/4][V x 16 x 4], here V = 1 (printed as hex
// bytes): panel (0, 0)
// holds w[0..3][0] = 1 3 5 7 for column 0 and w[0..3][1] = 2 4 6 8 for
// column 1, then zeros; panel (0, 1) holds 9 11 0 0 and 10 12 0 0. Signed activations flip their
// top bit (+128); the compensation (z + 128) * colsum(w) =
// 125 * [36, 42] = [4500, 5250] (zero for the padded columns) comes off the
// accumulators before they are stored.
// CHECK-LABEL: func.func @vnni_matmul
// CHECK: %[[CORR:.*]] = arith.constant dense<[4500, 5250, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// CHECK: %[[U:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<2x6xi8>)
// CHECK: arith.xori %{{.*}}, %c-128_i8
// CHECK: %[[P:.*]] = tensor.pad %[[U]] low[0, 0] high[0, 2]
// CHECK: } : tensor<2x6xi8> to tensor<2x8xi8>
// CHECK: %[[W:.*]] = arith.constant dense<"0x0103050702040608{{0+}}090B00000A0C{{0+}}"> : tensor<1x2x64xi8>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>)
// CHECK: vector.transfer_read %[[W]]{{.*}} {in_bounds = [true]} : tensor<1x2x64xi8>, vector<64xi8>
// CHECK: vector.transfer_read %[[P]]{{.*}} {in_bounds = [true]} : tensor<2x8xi8>, vector<4xi8>
// CHECK: vector.bitcast %{{.*}} : vector<4xi8> to vector<1xi32>
// CHECK: vector.broadcast %{{.*}} : i32 to vector<16xi32>
// CHECK: vector.bitcast %{{.*}} : vector<16xi32> to vector<64xi8>
// CHECK: qf.vnni_dot %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi32>, vector<64xi8>
// CHECK: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: scf.yield
// CHECK: %[[C0:.*]] = vector.transfer_read %[[CORR]]
// CHECK: %[[A0:.*]] = arith.subi %{{.*}}#0, %[[C0]] : vector<16xi32>
// CHECK: vector.transfer_write %[[A0]], {{.*}} : vector<16xi32>, tensor<2x16xi32>
// CHECK: %[[C1:.*]] = vector.transfer_read %[[CORR]]
// CHECK: %[[A1:.*]] = arith.subi %{{.*}}#1, %[[C1]] : vector<16xi32>
// CHECK: vector.transfer_write %[[A1]], {{.*}} : vector<16xi32>, tensor<2x16xi32>
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [2, 2] [1, 1] : tensor<2x16xi32> to tensor<2x2xi32>
func.func @vnni_matmul(%x: tensor<2x6xi8>) -> tensor<2x2xi32> {
  %q = quant.scast %x : tensor<2x6xi8> to tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// A 3x3 convolution: the input padded with its zero point (a new buffer,
// its border filled, the input copied into its interior), unfolded to
// [N*OH*OW, KH*KW*C] = [16, 18] (im2col; with 2 channels each kernel row's
// 6 consecutive bytes move as one masked vector, the last row's vector
// also writing the 2 zero bytes that pad each row to the kernel's 20:
// its lanes past the 6 are masked off the read), multiplied by the OHWI filter
// as [18, 3] (K padded to 20), folded back to NHWC. Unsigned activations
// need no shift; the compensation is z * colsum(w) = 7 * 18 = 126 (every
// weight 1), a table padded to the 16 columns of the tile.
// CHECK-LABEL: func.func @vnni_conv
// CHECK: tensor.empty() : tensor<1x6x6x2xi8>
// CHECK-COUNT-4: linalg.fill ins(%c7_i8 : i8)
// CHECK: %[[PAD:.*]] = tensor.insert_slice %arg0 into %{{.*}}[0, 1, 1, 0] [1, 4, 4, 2] [1, 1, 1, 1] : tensor<1x4x4x2xi8> into tensor<1x6x6x2xi8>
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %[[PAD]] {{\[\[}}0], [1], [2, 3]] : tensor<1x6x6x2xi8> into tensor<1x6x12xi8>
// CHECK-NOT: linalg.fill
// CHECK: %[[ROWMASK:.*]] = vector.constant_mask [6] : vector<8xi1>
// CHECK: %[[LAST:.*]] = vector.constant_mask [8] : vector<8xi1>
// CHECK-COUNT-2: vector.transfer_write %{{.*}}, %[[ROWMASK]] : vector<8xi8>, tensor<16x20xi8>
// CHECK: vector.transfer_write %{{.*}}, %[[LAST]] : vector<8xi8>, tensor<16x20xi8>
// CHECK-NOT: arith.xori
// CHECK: arith.constant dense<[126, 126, 126, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// CHECK-NOT: tensor.pad
// CHECK: qf.vnni_dot
// CHECK: tensor.expand_shape {{.*}} {{\[\[}}0, 1, 2], [3]] output_shape [1, 4, 4, 3] : tensor<16x3xi32> into tensor<1x4x4x3xi32>
func.func @vnni_conv(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x3xi32> {
  %q = quant.scast %x : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<u8:f32, 0.1:7>>
  %fi = arith.constant dense<1> : tensor<3x3x3x2xi8>
  %f = quant.scast %fi : tensor<3x3x3x2xi8> to tensor<3x3x3x2x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03}>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vnni_product>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x2x!quant.uniform<u8:f32, 0.1:7>>, tensor<3x3x3x2x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03}>>) -> tensor<1x4x4x3xi32>
  return %y : tensor<1x4x4x3xi32>
}

// -----

// Channels that fill whole 4-byte steps (8 here): the kernel reads each
// row's window in place from the padded input, flattened to bytes (no
// im2col matrix). 7 output columns make one 7-row tile per image row (16
// output channels: one vector), so every row of a tile shares its kernel
// rows, and row r is output column r. With unsigned activations of zero
// point 0 the padding reads as zero bytes, so the walk takes only the
// tile's kernel rows that touch the image ([max(0, ceil(-y0)), min(3, 7 -
// y0)), y0 = oh - 1) and leaves out of kernel column 0 the row of output
// column 0 and out of kernel column 2 that of column 6: 6, 7, 6 products
// per step of the three taps of a kernel row (2 steps each).
// CHECK-LABEL: func.func @vnni_conv_in_place_skips_padding
// CHECK: tensor.empty() : tensor<1x9x9x8xi8>
// CHECK-COUNT-4: linalg.fill ins(%c0_i8{{.*}} : i8)
// CHECK: %[[PADDED:.*]] = tensor.insert_slice %arg0 into %{{.*}}[0, 1, 1, 0] [1, 7, 7, 8] [1, 1, 1, 1]
// CHECK-NOT: linalg.generic
// CHECK: tensor.collapse_shape %[[PADDED]] {{\[\[}}0, 1, 2, 3]] : tensor<1x9x9x8xi8> into tensor<648xi8>
// CHECK: scf.for %{{.*}} = %{{.*}} to %c49{{.*}} step %c7
// CHECK: arith.ceildivsi
// CHECK: %[[FIRST:.*]] = arith.maxsi
// CHECK: arith.floordivsi
// CHECK: %[[LAST:.*]] = arith.minsi
// CHECK: scf.for %{{.*}} = %[[FIRST]] to %[[LAST]] step
// CHECK: scf.for %{{.*}} iter_args(%{{[a-z0-9_]+}} = %{{[a-z0-9_]+}}, %[[ROW1:[a-z0-9_]+]] = %{{[a-z0-9_]+}},
// CHECK: vector.transfer_read %{{.*}} : tensor<648xi8>, vector<4xi8>
// CHECK: qf.vnni_dot %[[ROW1]],
// CHECK-COUNT-5: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: scf.yield
// CHECK-COUNT-7: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: scf.yield
// CHECK-COUNT-6: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: scf.yield
func.func @vnni_conv_in_place_skips_padding(%x: tensor<1x7x7x8xi8>) -> tensor<1x7x7x16xi32> {
  %q = quant.scast %x : tensor<1x7x7x8xi8> to tensor<1x7x7x8x!quant.uniform<u8:f32, 0.1>>
  %fi = arith.constant dense<1> : tensor<16x3x3x8xi8>
  %f = quant.scast %fi : tensor<16x3x3x8xi8> to tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vnni_product>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x7x7x8x!quant.uniform<u8:f32, 0.1>>, tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x7x7x16xi32>
  return %y : tensor<1x7x7x16xi32>
}

// -----

// 21 output columns: three 7-row tiles per image row. The first tile's row
// 0 (output column 0) skips kernel column 0, the last tile's row 6 (column
// 20) kernel column 2; a tile's kind is picked from its first column (0:
// first, 14: last, else between). Each of those kernel columns' loops comes
// in one version per set of rows taken (scf.index_switch): the kind that
// differs gets a case, the two that agree share the default; kernel column
// 1, the same for all, comes in one.
// CHECK-LABEL: func.func @vnni_conv_in_place_tile_kinds
// CHECK: scf.for %[[M0:.*]] = %{{.*}} to %c441{{.*}} step %c7
// CHECK: %[[X0:.*]] = arith.remui %[[M0]], %c21
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %[[X0]], %c14
// CHECK: %[[KIND:.*]] = arith.select %[[LAST]], %c1{{.*}}, %c2
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[X0]], %c0
// CHECK: %[[PLACE:.*]] = arith.select %[[FIRST]], %c0{{.*}}, %[[KIND]]
// CHECK: scf.index_switch %[[PLACE]]
// CHECK-NEXT: case 0 {
// CHECK-COUNT-6: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: default {
// CHECK-COUNT-7: qf.vnni_dot
// CHECK-NOT: scf.index_switch
// CHECK-COUNT-7: qf.vnni_dot
// CHECK: scf.index_switch %[[PLACE]]
// CHECK-NEXT: case 1 {
// CHECK-COUNT-6: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: default {
// CHECK-COUNT-7: qf.vnni_dot
// CHECK-NOT: case
func.func @vnni_conv_in_place_tile_kinds(%x: tensor<1x21x21x8xi8>) -> tensor<1x21x21x16xi32> {
  %q = quant.scast %x : tensor<1x21x21x8xi8> to tensor<1x21x21x8x!quant.uniform<u8:f32, 0.1>>
  %fi = arith.constant dense<1> : tensor<16x3x3x8xi8>
  %f = quant.scast %fi : tensor<16x3x3x8xi8> to tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vnni_product>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x21x21x8x!quant.uniform<u8:f32, 0.1>>, tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x21x21x16xi32>
  return %y : tensor<1x21x21x16xi32>
}

// -----

// Signed activations read in place: the input's bytes are flipped (+128)
// as they are copied into the padded buffer, and its padding (the zero
// point, -3) reads as 125, not 0: every kernel row and every row of each
// tap is computed, and the compensation 125 * 72 (the column sum of 72
// ones) comes off.
// CHECK-LABEL: func.func @vnni_conv_in_place_signed
// CHECK-COUNT-4: linalg.fill ins(%c125_i8 : i8)
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %{{.*}}[0, 1, 1, 0] [1, 7, 7, 8] [1, 1, 1, 1]
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<1x7x7x8xi8>) outs(%[[INTERIOR]] : tensor<1x7x7x8xi8>)
// CHECK: arith.xori
// CHECK: arith.constant dense<9000> : tensor<16xi32>
// CHECK: tensor.collapse_shape %{{.*}} : tensor<1x9x9x8xi8> into tensor<648xi8>
// CHECK-NOT: arith.ceildivsi
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c3{{.*}} step
// CHECK-COUNT-7: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: scf.yield
// CHECK-COUNT-7: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: scf.yield
// CHECK-COUNT-7: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: scf.yield
func.func @vnni_conv_in_place_signed(%x: tensor<1x7x7x8xi8>) -> tensor<1x7x7x16xi32> {
  %q = quant.scast %x : tensor<1x7x7x8xi8> to tensor<1x7x7x8x!quant.uniform<i8:f32, 0.1:-3>>
  %fi = arith.constant dense<1> : tensor<16x3x3x8xi8>
  %f = quant.scast %fi : tensor<16x3x3x8xi8> to tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vnni_product>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x7x7x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x7x7x16xi32>
  return %y : tensor<1x7x7x16xi32>
}

// -----

// An output 3 wide: no tile of 4 to 8 rows fits an image row, so tiles of
// 4 rows run across image rows (M = 9 padded to 12), each row finding its
// own window from its index (the rows past 9 read row 8's), and nothing is
// skipped.
// CHECK-LABEL: func.func @vnni_conv_in_place_across_rows
// CHECK: tensor.collapse_shape %{{.*}} : tensor<1x5x5x8xi8> into tensor<200xi8>
// CHECK: scf.for %{{.*}} = %{{.*}} to %c12{{.*}} step %c4
// CHECK-COUNT-4: arith.minui %{{.*}}, %c8
// CHECK-NOT: arith.ceildivsi
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c3{{.*}} step
// CHECK-COUNT-4: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
// CHECK: scf.yield
func.func @vnni_conv_in_place_across_rows(%x: tensor<1x3x3x8xi8>) -> tensor<1x3x3x16xi32> {
  %q = quant.scast %x : tensor<1x3x3x8xi8> to tensor<1x3x3x8x!quant.uniform<u8:f32, 0.1>>
  %fi = arith.constant dense<1> : tensor<16x3x3x8xi8>
  %f = quant.scast %fi : tensor<16x3x3x8xi8> to tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vnni_product>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x3x3x8x!quant.uniform<u8:f32, 0.1>>, tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x3x3x16xi32>
  return %y : tensor<1x3x3x16xi32>
}

// -----

// A requantized product: the epilogue runs on the accumulators in
// registers. Per column: bias and float32 multiplier as tables padded to the
// 16 columns (multiplier 0 in the padding): 0.1 * {0.01, 0.02} / 0.05 =
// {0.02, 0.04}; scaled, rounded to nearest-even by the current rounding
// mode (llvm.intr.lrint), plus the zero point, clamped to [-3, 127] in
// integers (no multiplier above 1/2, so the rounded product fits int32),
// truncated to bytes, stored as the int8 result.
// CHECK-LABEL: func.func @vnni_matmul_requantized
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[7, -7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// CHECK-DAG: %[[M:.*]] = arith.constant dense<[2.000000e-02, 4.000000e-02, 0.000000e+00, {{.*}}]> : tensor<16xf32>
// CHECK: qf.vnni_dot
// CHECK: scf.yield
// CHECK: vector.transfer_read %[[B]]
// CHECK: %[[MV:.*]] = vector.transfer_read %[[M]]
// CHECK: %[[F:.*]] = arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: %[[S:.*]] = arith.mulf %[[F]], %[[MV]] : vector<16xf32>
// CHECK: %[[R:.*]] = llvm.intr.lrint(%[[S]]) : (vector<16xf32>) -> vector<16xi32>
// CHECK: %[[ZP:.*]] = arith.constant dense<-3> : vector<16xi32>
// CHECK: %[[Z:.*]] = arith.addi %[[R]], %[[ZP]] : vector<16xi32>
// CHECK: %[[LO:.*]] = arith.constant dense<-3> : vector<16xi32>
// CHECK: %[[C:.*]] = arith.maxsi %[[Z]], %[[LO]] : vector<16xi32>
// CHECK: %[[HI:.*]] = arith.constant dense<127> : vector<16xi32>
// CHECK: %[[D:.*]] = arith.minsi %[[C]], %[[HI]] : vector<16xi32>
// CHECK: %[[Y:.*]] = arith.trunci %[[D]] : vector<16xi32> to vector<16xi8>
// CHECK: vector.transfer_write %[[Y]], {{.*}} : vector<16xi8>, tensor<1x16xi8>
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [1, 2] [1, 1] : tensor<1x16xi8> to tensor<1x2xi8>
func.func @vnni_matmul_requantized(%x: tensor<1x6xi8>) -> tensor<1x2xi8> {
  %q = quant.scast %x : tensor<1x6xi8> to tensor<1x6x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %b = arith.constant dense<[7, -7]> : tensor<2xi32>
  %y = qf.matmul %q, %w bias %b clamp [-3, 127] {qf.kernel = #qf.kernel<vnni_product>} : (tensor<1x6x!quant.uniform<i8:f32, 0.1:-3>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>, tensor<2xi32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>
  %r = quant.scast %y : tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>> to tensor<1x2xi8>
  return %r : tensor<1x2xi8>
}

// -----

// A multiplier above 1/2 (0.1 * 0.5 / 0.05 = 1): an int32 accumulator times
// it may not fit int32 once rounded, so the epilogue clamps in float to
// [-3, 127] less the zero point before converting.
// CHECK-LABEL: func.func @vnni_matmul_requantized_large_multiplier
// CHECK: %[[S:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: %[[LO:.*]] = arith.maxnumf %[[S]], %cst{{.*}} fastmath<nnan> : vector<16xf32>
// CHECK: %[[HI:.*]] = arith.minnumf %[[LO]], %cst{{.*}} fastmath<nnan> : vector<16xf32>
// CHECK: %[[R:.*]] = llvm.intr.lrint(%[[HI]]) : (vector<16xf32>) -> vector<16xi32>
// CHECK: %[[Z:.*]] = arith.addi %[[R]], %{{.*}} : vector<16xi32>
// CHECK-NOT: arith.maxsi
// CHECK: arith.trunci %[[Z]] : vector<16xi32> to vector<16xi8>
func.func @vnni_matmul_requantized_large_multiplier(%x: tensor<1x6xi8>) -> tensor<1x2xi8> {
  %q = quant.scast %x : tensor<1x6xi8> to tensor<1x6x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.5, 0.02}>>
  %y = qf.matmul %q, %w clamp [-3, 127] {qf.kernel = #qf.kernel<vnni_product>} : (tensor<1x6x!quant.uniform<i8:f32, 0.1:-3>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.5, 0.02}>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>
  %r = quant.scast %y : tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>> to tensor<1x2xi8>
  return %r : tensor<1x2xi8>
}

// -----

// A depthwise convolution of 16 channels on vpdpbusd, one instruction per
// kernel row: the activations copied, 16 bytes at a time, into channel
// blocks [N][H+2][C/16][(W+2+1) * 16] (a 4-pixel window from the last output's first tap must
// stay in the row: one pixel of tail), filled with the zero point 7 where
// there is padding; each kernel row's taps in a lane's 4 bytes ([2, 2, 2,
// 0] per channel); the accumulators starting at -z * sum(w) = -7 * 18 =
// -126. Only the padding is filled: the rows above and below, then left
// and right of the interior (one pixel, and one plus the tail). All 4
// output rows at a time (a layer too small for threads): per kernel row of
// each, a 64-byte window of 4 pixels, one shuffle putting channel l's 3
// taps in lane l, one qf.vnni_dot; the 6 input rows are read and shuffled
// once each for the 12 products.
// CHECK-LABEL: func.func @vnni_depthwise
// CHECK-NOT: tensor.pad
// CHECK: linalg.fill ins(%c7_i8 : i8) outs(%{{.*}} : tensor<1x1x1x112xi8>)
// CHECK: %[[TOP:.*]] = tensor.insert_slice %{{.*}}[0, 0, 0, 0] [1, 1, 1, 112]
// CHECK: linalg.fill ins(%c7_i8 : i8) outs(%{{.*}} : tensor<1x1x1x112xi8>)
// CHECK: %[[BOTTOM:.*]] = tensor.insert_slice %{{.*}} into %[[TOP]][0, 5, 0, 0] [1, 1, 1, 112]
// CHECK: linalg.fill ins(%c7_i8 : i8) outs(%{{.*}} : tensor<1x4x1x16xi8>)
// CHECK: %[[LEFT:.*]] = tensor.insert_slice %{{.*}} into %[[BOTTOM]][0, 1, 0, 0] [1, 4, 1, 16]
// CHECK: linalg.fill ins(%c7_i8 : i8) outs(%{{.*}} : tensor<1x4x1x32xi8>)
// CHECK: %[[FILL:.*]] = tensor.insert_slice %{{.*}} into %[[LEFT]][0, 1, 0, 80] [1, 4, 1, 32]
// CHECK-NOT: linalg.fill
// CHECK: %[[BLOCKED:.*]] = scf.for %[[N:[a-z0-9_]+]] = {{.*}} iter_args(%{{.*}} = %[[FILL]]) -> (tensor<1x6x1x112xi8>)
// CHECK: scf.for %[[Y:[a-z0-9_]+]] = %{{.*}} to %c4
// CHECK: %[[ROW:.*]] = arith.addi %[[Y]], %c1
// CHECK: scf.for %[[X:[a-z0-9_]+]] = %{{.*}} to %c4
// CHECK: %[[COL:.*]] = arith.muli %{{.*}}, %c16
// CHECK: scf.for %[[BLK:[a-z0-9_]+]] =
// CHECK: %[[C:.*]] = arith.muli %[[BLK]], %c16
// CHECK: %[[PIXEL:.*]] = vector.transfer_read %arg0[%[[N]], %[[Y]], %[[X]], %[[C]]]{{.*}} : tensor<1x4x4x16xi8>, vector<16xi8>
// CHECK-NOT: arith.xori
// CHECK: vector.transfer_write %[[PIXEL]], %{{.*}}[%[[N]], %[[ROW]], %[[BLK]], %[[COL]]] {{.*}} : vector<16xi8>, tensor<1x6x1x112xi8>
// CHECK: %[[ROWS:.*]] = arith.constant dense<"0x02020200{{(02020200)+}}"> : tensor<1x3x64xi8>
// CHECK: %[[START:.*]] = arith.constant dense<-126> : tensor<16xi32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK-COUNT-3: vector.transfer_read %[[ROWS]]{{.*}} : tensor<1x3x64xi8>, vector<64xi8>
// CHECK: vector.transfer_read %[[START]]
// CHECK: scf.for %[[OH:[a-z0-9_]+]] = %{{.*}} to %c4{{.*}} step %c4
// CHECK: scf.for %[[OW:[a-z0-9_]+]] =
// CHECK: %[[WIN0:.*]] = vector.transfer_read %[[BLOCKED]]{{.*}} : tensor<1x6x1x112xi8>, vector<64xi8>
// CHECK: %[[T0:.*]] = vector.shuffle %[[WIN0]], %[[WIN0]] [0, 16, 32, 0, 1, 17, 33, 1, {{.*}}, 15, 31, 47, 15] : vector<64xi8>, vector<64xi8>
// CHECK: %[[A0:.*]] = qf.vnni_dot %{{.*}}, %[[T0]], %[[R0:[a-z0-9_]+]] : vector<16xi32>, vector<64xi8>
// CHECK: %[[T1:.*]] = vector.shuffle
// CHECK: %[[A1:.*]] = qf.vnni_dot %[[A0]], %[[T1]], %[[R1:[a-z0-9_]+]]
// CHECK: %[[B1:.*]] = qf.vnni_dot %{{.*}}, %[[T1]], %[[R0]]
// CHECK: %[[T2:.*]] = vector.shuffle
// CHECK: %[[A2:.*]] = qf.vnni_dot %[[A1]], %[[T2]], %[[R2:[a-z0-9_]+]]
// CHECK: %[[B2:.*]] = qf.vnni_dot %[[B1]], %[[T2]], %[[R1]]
// CHECK: qf.vnni_dot %{{.*}}, %[[T2]], %[[R0]]
// CHECK: %[[T3:.*]] = vector.shuffle
// CHECK: %[[B3:.*]] = qf.vnni_dot %[[B2]], %[[T3]], %[[R2]]
// CHECK-COUNT-2: vector.shuffle
// CHECK-NOT: vector.shuffle
// CHECK: %[[OUT0:.*]] = vector.transfer_write %[[A2]], %{{.*}}[%{{.*}}, %[[OH]], %[[OW]], %{{.*}}] {{.*}} : vector<16xi32>, tensor<1x4x4x16xi32>
// CHECK: %[[NEXT:.*]] = arith.addi %[[OH]], %c1
// CHECK: vector.transfer_write %[[B3]], %[[OUT0]][%{{.*}}, %[[NEXT]], %[[OW]], %{{.*}}] {{.*}} : vector<16xi32>, tensor<1x4x4x16xi32>
// CHECK: arith.addi %[[OH]], %c2
// CHECK: vector.transfer_write
// CHECK: arith.addi %[[OH]], %c3
// CHECK: vector.transfer_write
func.func @vnni_depthwise(%x: tensor<1x4x4x16xi8>) -> tensor<1x4x4x16xi32> {
  %q = quant.scast %x : tensor<1x4x4x16xi8> to tensor<1x4x4x16x!quant.uniform<u8:f32, 0.1:7>>
  %fi = arith.constant dense<2> : tensor<16x3x3x1xi8>
  %f = quant.scast %fi : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vnni_depthwise_rows>, groups = 16 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x16x!quant.uniform<u8:f32, 0.1:7>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x16xi32>
  return %y : tensor<1x4x4x16xi32>
}

// -----

// Signed activations are copied + 128 (xor 0x80), so the padding and the
// compensation use z + 128 = 125; the bias (100) joins the accumulators'
// start: channel 0 (weights 1..9) 100 - 125 * 45 = -5525, channel 1
// (-1..-9) 100 + 125 * 45 = 5725. Stride 2: a window starts at every second
// pixel (2 * 16 bytes), the rows too; the tail makes 8 pixels (window of the
// last output: pixels 4..7). The requantization (multiplier
// 0.1 * 0.01 / 0.05) follows without the bias.
// CHECK-LABEL: func.func @vnni_depthwise_signed_stride2
// CHECK: linalg.fill ins(%c125_i8 : i8) outs(%{{.*}} : tensor<1x1x2x128xi8>)
// CHECK: %[[FLIP:.*]] = arith.constant dense<-128> : vector<16xi8>
// CHECK: %[[PIXEL:.*]] = vector.transfer_read %arg0
// CHECK: %[[SHIFTED:.*]] = arith.xori %[[PIXEL]], %[[FLIP]] : vector<16xi8>
// CHECK: vector.transfer_write %[[SHIFTED]]
// CHECK: arith.constant dense<"0x01020300FFFEFD00{{.*}}"> : tensor<2x3x64xi8>
// CHECK: %[[START:.*]] = arith.constant dense<[-5525, 5725, -5525, {{.*}}]> : tensor<32xi32>
// CHECK: %[[M:.*]] = arith.constant dense<2.000000e-02> : tensor<32xf32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %[[OH:[a-z0-9_]+]] =
// CHECK: scf.for %[[OW:[a-z0-9_]+]] =
// CHECK: arith.muli %[[OH]], %c2{{.*}} : index
// CHECK: arith.muli %[[OW]], %c32{{.*}} : index
// CHECK-COUNT-3: qf.vnni_dot
// CHECK-NOT: arith.addi %{{.*}} : vector<16xi32>
// CHECK: arith.sitofp
// CHECK: vector.transfer_write %{{.*}} : vector<16xi8>, tensor<1x3x3x32xi8>
func.func @vnni_depthwise_signed_stride2(%x: tensor<1x5x5x32xi8>) -> tensor<1x3x3x32xi8> {
  %q = quant.scast %x : tensor<1x5x5x32xi8> to tensor<1x5x5x32x!quant.uniform<i8:f32, 0.1:-3>>
  %fi = arith.constant dense<[[[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[-1], [-2], [-3]], [[-4], [-5], [-6]], [[-7], [-8], [-9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]], [[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]]]> : tensor<32x3x3x1xi8>
  %f = quant.scast %fi : tensor<32x3x3x1xi8> to tensor<32x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<100> : tensor<32xi32>
  %y = qf.conv2d %q, %f bias %b {qf.kernel = #qf.kernel<vnni_depthwise_rows>, groups = 32 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x5x5x32x!quant.uniform<i8:f32, 0.1:-3>>, tensor<32x3x3x1x!quant.uniform<i8:f32, 0.01>>, tensor<32xi32>) -> tensor<1x3x3x32x!quant.uniform<i8:f32, 0.05:1>>
  %r = quant.scast %y : tensor<1x3x3x32x!quant.uniform<i8:f32, 0.05:1>> to tensor<1x3x3x32xi8>
  return %r : tensor<1x3x3x32xi8>
}

// -----

// 24 channels: the input is padded with the zero point (7) to 32 channels,
// the filter with zero weights (the last 8 lanes of the second block's
// three kernel rows), the start (bias 5 - 7 * 18 = -121) and multiplier
// (0.1 * 0.01 / 0.05 = 0.02) tables with zeros; the 32-channel result is
// sliced back to 24.
// CHECK-LABEL: func.func @vnni_depthwise_partial_vector
// CHECK: %[[PADDED:.*]] = tensor.pad %arg0 low[0, 0, 0, 0] high[0, 0, 0, 8]
// CHECK: tensor.yield %c7_i8
// CHECK: tensor<1x4x4x24xi8> to tensor<1x4x4x32xi8>
// CHECK: vector.transfer_read %[[PADDED]]{{.*}} : tensor<1x4x4x32xi8>, vector<16xi8>
// CHECK: arith.constant dense<"0x{{(02020200){56}((00000000){8}(02020200){8}){2}(00000000){8}()}}"> : tensor<2x3x64xi8>
// CHECK: arith.constant dense<[{{(-121, ){24}(0, ){7}0}}]> : tensor<32xi32>
// CHECK: arith.constant dense<[{{(2.000000e-02, ){24}(0.000000e\+00, ){7}0.000000e\+00}}]> : tensor<32xf32>
// CHECK: %[[ALL:.*]] = scf.for
// CHECK: tensor.extract_slice %[[ALL]][0, 0, 0, 0] [1, 4, 4, 24] [1, 1, 1, 1] : tensor<1x4x4x32xi8> to tensor<1x4x4x24xi8>
func.func @vnni_depthwise_partial_vector(%x: tensor<1x4x4x24xi8>) -> tensor<1x4x4x24xi8> {
  %q = quant.scast %x : tensor<1x4x4x24xi8> to tensor<1x4x4x24x!quant.uniform<u8:f32, 0.1:7>>
  %fi = arith.constant dense<2> : tensor<24x3x3x1xi8>
  %f = quant.scast %fi : tensor<24x3x3x1xi8> to tensor<24x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<5> : tensor<24xi32>
  %y = qf.conv2d %q, %f bias %b {qf.kernel = #qf.kernel<vnni_depthwise_rows>, groups = 24 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x24x!quant.uniform<u8:f32, 0.1:7>>, tensor<24x3x3x1x!quant.uniform<i8:f32, 0.01>>, tensor<24xi32>) -> tensor<1x4x4x24x!quant.uniform<i8:f32, 0.05:1>>
  %r = quant.scast %y : tensor<1x4x4x24x!quant.uniform<i8:f32, 0.05:1>> to tensor<1x4x4x24xi8>
  return %r : tensor<1x4x4x24xi8>
}

// -----

// A 5x5 kernel on vpdpbusd: each kernel row in two windows of 4 pixels
// (taps 0-3, then 4 and three zero weights), so the weight table holds 10
// rows of 64 bytes and the 4 output rows (computed together) take
// 4 x 5 x 2 = 40 products; the blocked copy's rows hold 11 pixels (the
// last output's two windows start at pixel 3 and reach pixel 10: the 8
// padded pixels and 3 of tail), 11 x 16 bytes.
// CHECK-LABEL: func.func @vnni_depthwise_rows_5x5
// CHECK: tensor<1x8x1x176xi8>
// CHECK: arith.constant dense<"0x{{(02020202){16}(02000000){16}(02020202){16}(02000000){16}.*}}"> : tensor<1x10x64xi8>
// CHECK-COUNT-40: qf.vnni_dot
// CHECK-NOT: qf.vnni_dot
func.func @vnni_depthwise_rows_5x5(%x: tensor<1x4x4x16xi8>) -> tensor<1x4x4x16xi32> {
  %q = quant.scast %x : tensor<1x4x4x16xi8> to tensor<1x4x4x16x!quant.uniform<u8:f32, 0.1:7>>
  %fi = arith.constant dense<2> : tensor<16x5x5x1xi8>
  %f = quant.scast %fi : tensor<16x5x5x1xi8> to tensor<16x5x5x1x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vnni_depthwise_rows>, groups = 16 : i64, padding = array<i64: 2, 2, 2, 2>} : (tensor<1x4x4x16x!quant.uniform<u8:f32, 0.1:7>>, tensor<16x5x5x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x16xi32>
  return %y : tensor<1x4x4x16xi32>
}

// -----

// A kernel row wider than a window (5 taps) keeps the widening kernel: the
// padded NHWC input, one widening load, multiply and add per tap.
// CHECK-LABEL: func.func @vnni_depthwise_5x5
// CHECK: tensor.pad %arg0 low[0, 2, 2, 0] high[0, 2, 2, 0]
// CHECK-NOT: qf.vnni_dot
// CHECK-COUNT-25: arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK-NOT: qf.vnni_dot
func.func @vnni_depthwise_5x5(%x: tensor<1x4x4x16xi8>) -> tensor<1x4x4x16xi32> {
  %q = quant.scast %x : tensor<1x4x4x16xi8> to tensor<1x4x4x16x!quant.uniform<u8:f32, 0.1:7>>
  %fi = arith.constant dense<2> : tensor<16x5x5x1xi8>
  %f = quant.scast %fi : tensor<16x5x5x1xi8> to tensor<16x5x5x1x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vector_depthwise>, groups = 16 : i64, padding = array<i64: 2, 2, 2, 2>} : (tensor<1x4x4x16x!quant.uniform<u8:f32, 0.1:7>>, tensor<16x5x5x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x16xi32>
  return %y : tensor<1x4x4x16xi32>
}

// -----

// Threads: products of at least 2^19 multiply-adds mark the loop threads
// split. 256 rows by 64 columns (K 128, 2M multiply-adds): the activations
// are the larger operand, so the row-tile loop, inside the column loop.
// A single row by 1024 columns (K 1024): the column-tile loop. The small
// products above carry no mark (checked by the last function here).
// CHECK-LABEL: func.func @vnni_split_rows
// CHECK: scf.for {{.*}} to %c64{{.*}} step %c64
// CHECK: scf.for {{.*}} to %c256{{.*}} step %c4
// CHECK: } {qf.parallel_split}
// CHECK-NEXT: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @vnni_split_rows(%x: tensor<256x128xi8>) -> tensor<256x64xi32> {
  %q = quant.scast %x : tensor<256x128xi8> to tensor<256x128x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<3> : tensor<128x64xi8>
  %w = quant.scast %wi : tensor<128x64xi8> to tensor<128x64x!quant.uniform<i8:f32, 0.01>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<256x128x!quant.uniform<i8:f32, 0.1:-3>>, tensor<128x64x!quant.uniform<i8:f32, 0.01>>) -> tensor<256x64xi32>
  return %y : tensor<256x64xi32>
}

// CHECK-LABEL: func.func @vnni_split_columns
// CHECK: scf.for {{.*}} to %c1024{{.*}} step %c128
// CHECK: } {qf.parallel_split}
// CHECK-NEXT: return
func.func @vnni_split_columns(%x: tensor<1x1024xi8>) -> tensor<1x1024xi32> {
  %q = quant.scast %x : tensor<1x1024xi8> to tensor<1x1024x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<3> : tensor<1024x1024xi8>
  %w = quant.scast %wi : tensor<1024x1024xi8> to tensor<1024x1024x!quant.uniform<i8:f32, 0.01>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<1x1024x!quant.uniform<i8:f32, 0.1:-3>>, tensor<1024x1024x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x1024xi32>
  return %y : tensor<1x1024xi32>
}

// A depthwise convolution of 128 x 128 x 16 outputs x 9 taps (above the
// integer kernels' threshold, 2^21 multiply-adds): the output-row loop,
// inside the channel-block loop.
// CHECK-LABEL: func.func @vnni_split_depthwise_rows
// CHECK: scf.for {{.*}} to %c16{{.*}} step %c16
// CHECK: scf.for {{.*}} to %c128{{.*}} step %c1
// CHECK: } {qf.parallel_split}
// CHECK-NEXT: scf.yield
func.func @vnni_split_depthwise_rows(%x: tensor<1x128x128x16xi8>) -> tensor<1x128x128x16xi32> {
  %q = quant.scast %x : tensor<1x128x128x16xi8> to tensor<1x128x128x16x!quant.uniform<u8:f32, 0.1:7>>
  %fi = arith.constant dense<2> : tensor<16x3x3x1xi8>
  %f = quant.scast %fi : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vnni_depthwise_rows>, groups = 16 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x128x128x16x!quant.uniform<u8:f32, 0.1:7>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x128x128x16xi32>
  return %y : tensor<1x128x128x16xi32>
}

// CHECK-LABEL: func.func @vnni_small_product
// CHECK-NOT: qf.parallel_split
// CHECK: return
func.func @vnni_small_product(%x: tensor<64x64xi8>) -> tensor<64x64xi32> {
  %q = quant.scast %x : tensor<64x64xi8> to tensor<64x64x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<3> : tensor<64x64xi8>
  %w = quant.scast %wi : tensor<64x64xi8> to tensor<64x64x!quant.uniform<i8:f32, 0.01>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<64x64x!quant.uniform<i8:f32, 0.1:-3>>, tensor<64x64x!quant.uniform<i8:f32, 0.01>>) -> tensor<64x64xi32>
  return %y : tensor<64x64xi32>
}

// -----

// 4-bit weights stay 4-bit in the kernel: each 64-weight panel is stored
// as 32 bytes (weight i in the low nibble of byte i, weight i + 32 in the
// high one; here every weight is 1: columns 0 and 1 fill bytes 0-7 of each
// step's panel), unpacked per step as 16 w: the low nibbles shifted to the
// top, the high ones masked (& 0xF0), the halves concatenated. Blocks of 4
// along K (one kernel step each) are summed on their own, their sums (16
// times the block's) shifted back by 4 and multiplied by their integer
// multiples of the column unit (column 0: 255 and 51, column 1: 255 and
// 255; zero in the padded columns) before joining the totals,
// which are requantized in the kernel's epilogue at s_x * unit / s_y
// (0.01 * (0.1 / 255) / 0.04), as the blocked reference requantizes its
// int64 sums.
// CHECK-LABEL: func.func @vnni_matmul_int4_blocks
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0{{\]\]\]}}> : tensor<1x2x32xi8>
// CHECK-DAG: %[[U:.*]] = arith.constant dense<[9.80392142E-5, 9.80392142E-5, 0.000000e+00, {{.*}}]> : tensor<16xf32>
// CHECK-DAG: %[[M:.*]] = arith.constant dense<{{\[\[}}255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [51, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]> : tensor<2x16xi32>
// CHECK: scf.for %[[BLOCK:.*]] = {{.*}} iter_args({{.*}}) -> (vector<16xi32>)
// CHECK: %[[PACKED:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x2x32xi8>, vector<32xi8>
// CHECK: %[[LOW:.*]] = arith.shli %[[PACKED]], %{{.*}} : vector<32xi8>
// CHECK: %[[TOP:.*]] = arith.constant dense<-16> : vector<32xi8>
// CHECK: %[[HIGH:.*]] = arith.andi %[[PACKED]], %[[TOP]] : vector<32xi8>
// CHECK: %[[PANEL:.*]] = vector.shuffle %[[LOW]], %[[HIGH]] [0, 1, 2, {{.*}}, 62, 63] : vector<32xi8>, vector<32xi8>
// CHECK: %[[PART:.*]] = qf.vnni_dot %{{.*}}, %{{.*}}, %[[PANEL]] : vector<16xi32>, vector<64xi8>
// CHECK: %[[MULT:.*]] = vector.transfer_read %[[M]][%[[BLOCK]], %{{.*}}]{{.*}} : tensor<2x16xi32>, vector<16xi32>
// CHECK: %[[SUM:.*]] = arith.shrsi %[[PART]], %{{.*}} : vector<16xi32>
// CHECK: %[[SCALED:.*]] = arith.muli %[[SUM]], %[[MULT]] : vector<16xi32>
// CHECK: arith.addi %{{.*}}, %[[SCALED]] : vector<16xi32>
// CHECK: %[[UNIT:.*]] = vector.transfer_read %[[U]]
// CHECK: %[[F:.*]] = arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: arith.mulf %[[F]], %[[UNIT]] : vector<16xf32>
// CHECK-NOT: i64
func.func @vnni_matmul_int4_blocks(%xi: tensor<1x8xi8>) -> tensor<1x2xi8> {
  %x = quant.scast %xi : tensor<1x8xi8> to tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>
  %w = qf.packed_constant dense<17> : tensor<8xi8> : tensor<8x2x!quant.uniform<i4<-7:7>:f32:{0:4, 1:1}, {{0.1, 0.1}, {0.02, 0.1}}>>
  %y = qf.matmul %x, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<8x2x!quant.uniform<i4<-7:7>:f32:{0:4, 1:1}, {{0.1, 0.1}, {0.02, 0.1}}>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.04:2>>
  %r = quant.scast %y : tensor<1x2x!quant.uniform<i8:f32, 0.04:2>> to tensor<1x2xi8>
  return %r : tensor<1x2xi8>
}

// Per-channel 4-bit weights: the same unpacking, one sum, the fused
// requantization of the int8 kernel.
// CHECK-LABEL: func.func @vnni_matmul_int4_channels
// CHECK: arith.shli %{{.*}} : vector<32xi8>
// CHECK: qf.vnni_dot
// CHECK-NOT: arith.extsi %{{.*}} : tensor<{{.*}}xi32> to tensor<{{.*}}xi64>
// CHECK: arith.trunci {{.*}} : vector<16xi32> to vector<16xi8>
func.func @vnni_matmul_int4_channels(%xi: tensor<1x8xi8>) -> tensor<1x2xi8> {
  %x = quant.scast %xi : tensor<1x8xi8> to tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>
  %w = qf.packed_constant dense<17> : tensor<8xi8> : tensor<8x2x!quant.uniform<i4<-7:7>:f32:1, {0.1, 0.02}>>
  %y = qf.matmul %x, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<8x2x!quant.uniform<i4<-7:7>:f32:1, {0.1, 0.02}>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.04:2>>
  %r = quant.scast %y : tensor<1x2x!quant.uniform<i8:f32, 0.04:2>> to tensor<1x2xi8>
  return %r : tensor<1x2xi8>
}

// -----

// Two column vectors share their 4-bit panels' bytes: byte i of a step
// holds weight i of the first panel (columns 0-15, all 1) in its low nibble
// and weight i of the second (columns 16-31, all -1) in its high one: 0xF1
// = -15 throughout. One 64-byte load per step (read for each panel; the
// two reads fold into one later); both nibbles come out as 16 w, the low
// ones shifted up, the high ones masked (& 0xF0), so every column sums
// 16 w and the requantization takes them at M / 16 = 0.01 * 0.1 / 0.04 /
// 16 = 0.0015625 (the same bytes).
// CHECK-LABEL: func.func @vnni_matmul_int4_paired_panels
// CHECK: %[[M:.*]] = arith.constant dense<1.562500e-03> : tensor<32xf32>
// CHECK: %[[W:.*]] = arith.constant dense<-15> : tensor<1x2x64xi8>
// CHECK: %[[PACKED:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x2x64xi8>, vector<64xi8>
// CHECK: %[[LOW:.*]] = arith.shli %[[PACKED]], %{{.*}} : vector<64xi8>
// CHECK: %[[AGAIN:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x2x64xi8>, vector<64xi8>
// CHECK: %[[TOP:.*]] = arith.constant dense<-16> : vector<64xi8>
// CHECK: %[[HIGH:.*]] = arith.andi %[[AGAIN]], %[[TOP]] : vector<64xi8>
// CHECK: qf.vnni_dot %{{.*}}, %{{.*}}, %[[LOW]] : vector<16xi32>, vector<64xi8>
// CHECK: qf.vnni_dot %{{.*}}, %{{.*}}, %[[HIGH]] : vector<16xi32>, vector<64xi8>
// CHECK: vector.transfer_read %[[M]]
func.func @vnni_matmul_int4_paired_panels(%xi: tensor<1x8xi8>) -> tensor<1x32xi8> {
  %x = quant.scast %xi : tensor<1x8xi8> to tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>
  %w = qf.packed_constant dense<[17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1]> : tensor<128xi8> : tensor<8x32x!quant.uniform<i4<-7:7>:f32:1, {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}>>
  %y = qf.matmul %x, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<8x32x!quant.uniform<i4<-7:7>:f32:1, {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}>>) -> tensor<1x32x!quant.uniform<i8:f32, 0.04:2>>
  %r = quant.scast %y : tensor<1x32x!quant.uniform<i8:f32, 0.04:2>> to tensor<1x32xi8>
  return %r : tensor<1x32xi8>
}

// -----

// An int32 result has no requantization to absorb a factor of 16: the low
// nibbles shift up and arithmetically back, the high ones arithmetically
// down.
// CHECK-LABEL: func.func @vnni_matmul_int4_paired_int32
// CHECK: %[[PACKED:.*]] = vector.transfer_read %{{.*}} : tensor<1x2x64xi8>, vector<64xi8>
// CHECK: %[[UP:.*]] = arith.shli %[[PACKED]], %[[FOUR:.*]] : vector<64xi8>
// CHECK: %[[LOW:.*]] = arith.shrsi %[[UP]], %[[FOUR]] : vector<64xi8>
// CHECK: %[[HIGH:.*]] = arith.shrsi %{{.*}}, %{{.*}} : vector<64xi8>
// CHECK: qf.vnni_dot %{{.*}}, %{{.*}}, %[[LOW]] : vector<16xi32>, vector<64xi8>
// CHECK: qf.vnni_dot %{{.*}}, %{{.*}}, %[[HIGH]] : vector<16xi32>, vector<64xi8>
func.func @vnni_matmul_int4_paired_int32(%xi: tensor<1x8xi8>) -> tensor<1x32xi32> {
  %x = quant.scast %xi : tensor<1x8xi8> to tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>
  %w = qf.packed_constant dense<[17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1, 17, 17, 17, 17, 17, 17, 17, 17, -1, -1, -1, -1, -1, -1, -1, -1]> : tensor<128xi8> : tensor<8x32x!quant.uniform<i4<-7:7>:f32:1, {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}>>
  %y = qf.matmul %x, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<8x32x!quant.uniform<i4<-7:7>:f32:1, {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}>>) -> tensor<1x32xi32>
  return %y : tensor<1x32xi32>
}

// -----

//===----------------------------------------------------------------------===//
// amx_product (x86 AMX)
//===----------------------------------------------------------------------===//

// A 40x70 by 70x3 product on tiles: rows pad to a block of 32 (64), the
// reduction to a 64-byte step (128), the columns to 32; the weights are
// packed as for vpdpbusd with 2 vectors per step ([1][32][128]). The
// kernel takes its operands' buffers and writes a new one; one loop runs
// over the pairs of blocks (2 blocks of rows: one pair). Per block, on
// the stack: the tiles where the process may use them (4 accumulators, 2
// activation and 2 weight tiles a step; signed activations: tdpbssd, no
// zext), else vpdpbusd on the same panels with the bytes flipped and
// 128 colsum(w) taken off (colsum = [70, 70, 70]); then the compensation
// z colsum(w) = -3 colsum(w) = [-210, -210, -210] and the store of two vectors per
// row.
// CHECK-LABEL: func.func @amx_matmul
// CHECK: %[[CORR:.*]] = arith.constant dense<[-210, -210, -210, 0, {{.*}}]> : tensor<32xi32>
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0] high[24, 58]
// CHECK: %[[FLIP:.*]] = arith.constant dense<[8960, 8960, 8960, 0, {{.*}}]> : tensor<32xi32>
// CHECK: %[[W:.*]] = arith.constant dense<"0x{{.*}}"> : tensor<1x32x128xi8>
// CHECK: %[[A:.*]] = bufferization.to_buffer %[[P]] read_only : tensor<64x128xi8> to memref<64x128xi8>
// CHECK: %[[B:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<1x32x128xi8> to memref<1x32x128xi8>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<64x32xi32>
// CHECK: %[[READY:.*]] = qf.amx_ready
// CHECK: scf.for %{{.*}} = %{{.*}} to %c2{{.*}} step %c2{{.*}} {
// CHECK: memref.alloca_scope
// CHECK: %[[SUMS:.*]] = memref.alloca() {alignment = 64 : i64} : memref<32x32xi32>
// CHECK: scf.if %[[READY]] {
// CHECK-COUNT-4: amx.tile_zero : !amx.tile<16x16xi32>
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (!amx.tile<16x16xi32>, !amx.tile<16x16xi32>, !amx.tile<16x16xi32>, !amx.tile<16x16xi32>)
// CHECK-COUNT-2: amx.tile_load %[[A]]{{.*}} : memref<64x128xi8> into !amx.tile<16x64xi8>
// CHECK-COUNT-2: amx.tile_load %[[B]]{{.*}} : memref<1x32x128xi8> into !amx.tile<16x64xi8>
// CHECK-COUNT-4: amx.tile_muli %{{.*}}, %{{.*}}, %{{.*}} : !amx.tile<16x64xi8>, !amx.tile<16x64xi8>, !amx.tile<16x16xi32>
// CHECK: scf.yield
// CHECK-COUNT-4: amx.tile_store %[[SUMS]]
// CHECK: } else {
// CHECK: arith.xori
// CHECK: qf.vnni_dot
// CHECK: vector.transfer_read %[[FLIP]]
// CHECK: arith.subi
// CHECK: vector.store {{.*}}, %[[SUMS]]
// CHECK: }
// CHECK: vector.load %[[SUMS]]{{.*}} : memref<32x32xi32>, vector<16xi32>
// CHECK: vector.transfer_read %[[CORR]]
// CHECK: arith.subi
// CHECK: vector.store {{.*}}, %[[OUT]]{{.*}} : memref<64x32xi32>, vector<16xi32>
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable : memref<64x32xi32> to tensor<64x32xi32>
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [40, 3] [1, 1] : tensor<64x32xi32> to tensor<40x3xi32>
func.func @amx_matmul(%x: tensor<40x70xi8>) -> tensor<40x3xi32> {
  %q = quant.scast %x : tensor<40x70xi8> to tensor<40x70x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2], [-1, 1, 3], [0, 2, -1], [1, 3, 0], [2, -1, 1], [3, 0, 2]]> : tensor<70x3xi8>
  %w = quant.scast %wi : tensor<70x3xi8> to tensor<70x3x!quant.uniform<i8:f32:1, {0.01, 0.02, 0.03}>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<amx_product>} : (tensor<40x70x!quant.uniform<i8:f32, 0.1:-3>>, tensor<70x3x!quant.uniform<i8:f32:1, {0.01, 0.02, 0.03}>>) -> tensor<40x3xi32>
  return %y : tensor<40x3xi32>
}

// -----

// A 3x3 convolution of 64 channels read in place from its input padded
// with the zero point (10x10x64, as one run of 6400 bytes): tiles of 8
// pixels (one output row), blocks of 2 tiles (16 rows), the tile at pixel
// p starting at ((p / 64 * 10 + p % 64 / 8) * 10 + p % 8) * 64 (clamped to
// the last tile, 56), its 8 rows 64 bytes apart; reduction byte k at tap
// k / 64 = (kh, kw) adds (10 kh + kw) * 64 + k % 64. Unsigned activations:
// tdpbusd (zext), no flip.
// CHECK-LABEL: func.func @amx_conv_in_place
// CHECK: %[[IN:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2, 3]] : tensor<1x10x10x64xi8> into tensor<6400xi8>
// CHECK: %[[A:.*]] = bufferization.to_buffer %[[IN]] read_only : tensor<6400xi8> to memref<6400xi8>
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<16x32xi32>
// CHECK-COUNT-4: amx.tile_zero : !amx.tile<8x16xi32>
// CHECK: arith.minsi %{{.*}}, %c56
// CHECK: scf.for %{{.*}} = %{{.*}} to %c576 step %c64
// CHECK: amx.tile_load %[[A]][%{{.*}}], %c64{{.*}} : memref<6400xi8> into !amx.tile<8x64xi8>
// CHECK: amx.tile_muli %{{.*}} zext, %{{.*}}, %{{.*}} : !amx.tile<8x64xi8>, !amx.tile<16x64xi8>, !amx.tile<8x16xi32>
// CHECK-NOT: arith.xori
// CHECK: tensor.expand_shape
func.func @amx_conv_in_place(%x: tensor<1x8x8x64xi8>) -> tensor<1x8x8x3xi32> {
  %q = quant.scast %x : tensor<1x8x8x64xi8> to tensor<1x8x8x64x!quant.uniform<u8:f32, 0.1:7>>
  %fi = arith.constant dense<1> : tensor<3x3x3x64xi8>
  %f = quant.scast %fi : tensor<3x3x3x64xi8> to tensor<3x3x3x64x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03}>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<amx_product>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x64x!quant.uniform<u8:f32, 0.1:7>>, tensor<3x3x3x64x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.03}>>) -> tensor<1x8x8x3xi32>
  return %y : tensor<1x8x8x3xi32>
}

// -----

//===----------------------------------------------------------------------===//
// sdot_product, vector_depthwise (AArch64 dotprod)
//===----------------------------------------------------------------------===//

// A 2x6 by 6x2 product with signed activations, which sdot reads as they
// are (no shift). A step takes 16 bytes of each row, 4 sdot of 4 bytes:
// K pads to 16, N to one vector of 4 columns, the two rows form one
// register tile (2 rows x 1 vector). Packed weights [N/(4 V)][K/16][V x 4
// x 4 x 4], here V = 1, the panel of a step one instruction's 16 bytes
// after another: w[0..3][0] = 1 3 5 7 for column 0 and w[0..3][1] = 2 4 6
// 8 for column 1, zeros for the padded columns; then 9 11 0 0 and 10 12 0
// 0; then zeros. A row's 16 bytes are read once and each sdot takes its
// 4-byte word d copied to every lane (sdot by element), as the second
// operand. The compensation z * colsum(w) = -3 * [36, 42] = [-108, -126]
// (zero for the padded columns) comes off the accumulators.
// CHECK-LABEL: func.func @sdot_matmul_signed
// CHECK: %[[CORR:.*]] = arith.constant dense<[-108, -126, 0, 0]> : tensor<4xi32>
// CHECK-NOT: arith.xori
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0] high[0, 10]
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, 3, 5, 7, 2, 4, 6, 8, 0, 0, 0, 0, 0, 0, 0, 0, 9, 11, 0, 0, 10, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0{{\]\]\]}}> : tensor<1x1x64xi8>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xi32>, vector<4xi32>)
// CHECK: vector.transfer_read %[[W]]{{.*}} {in_bounds = [true]} : tensor<1x1x64xi8>, vector<64xi8>
// CHECK: %[[ROW:.*]] = vector.transfer_read %[[P]]{{.*}} {in_bounds = [true]} : tensor<2x16xi8>, vector<16xi8>
// CHECK: %[[WORDS:.*]] = vector.bitcast %[[ROW]] : vector<16xi8> to vector<4xi32>
// CHECK: vector.extract %[[WORDS]][0] : i32 from vector<4xi32>
// CHECK: vector.broadcast %{{.*}} : i32 to vector<4xi32>
// CHECK: %[[BY:.*]] = vector.bitcast %{{.*}} : vector<4xi32> to vector<16xi8>
// CHECK: arm_neon.intr.sdot %{{.*}}, %{{.*}}, %[[BY]] : vector<16xi8>, vector<16xi8> to vector<4xi32>
// CHECK-COUNT-7: arm_neon.intr.sdot
// CHECK-NOT: arm_neon.intr.sdot
// CHECK: scf.yield
// CHECK: %[[C0:.*]] = vector.transfer_read %[[CORR]]
// CHECK: arith.subi %{{.*}}, %[[C0]] : vector<4xi32>
func.func @sdot_matmul_signed(%x: tensor<2x6xi8>) -> tensor<2x2xi32> {
  %q = quant.scast %x : tensor<2x6xi8> to tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<sdot_product>} : (tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// Unsigned activations (zero point 130) become signed bytes: the top bit
// flipped (a shift by -128), the zero point 130 - 128 = 2 in signed units,
// compensation 2 * [36, 42] = [72, 84].
// CHECK-LABEL: func.func @sdot_matmul_unsigned
// CHECK: %[[CORR:.*]] = arith.constant dense<[72, 84, 0, 0]> : tensor<4xi32>
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<2x6xi8>)
// CHECK: arith.xori %{{.*}}, %c-128_i8
// CHECK: arm_neon.intr.sdot
func.func @sdot_matmul_unsigned(%x: tensor<2x6xi8>) -> tensor<2x2xi32> {
  %q = quant.scast %x : tensor<2x6xi8> to tensor<2x6x!quant.uniform<u8:f32, 0.1:130>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<sdot_product>} : (tensor<2x6x!quant.uniform<u8:f32, 0.1:130>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// Depthwise convolutions take the vectorized depthwise kernel here too.
// CHECK-LABEL: func.func @sdot_depthwise
// CHECK-COUNT-9: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK-NOT: arm_neon.intr.sdot
func.func @sdot_depthwise(%x: tensor<1x4x4x16xi8>) -> tensor<1x4x4x16xi32> {
  %q = quant.scast %x : tensor<1x4x4x16xi8> to tensor<1x4x4x16x!quant.uniform<i8:f32, 0.1:7>>
  %fi = arith.constant dense<2> : tensor<16x3x3x1xi8>
  %f = quant.scast %fi : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vector_depthwise>, groups = 16 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x16x!quant.uniform<i8:f32, 0.1:7>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x16xi32>
  return %y : tensor<1x4x4x16xi32>
}

// -----

//===----------------------------------------------------------------------===//
// smmla_product (AArch64 i8mm)
//===----------------------------------------------------------------------===//

// A 3x6 by 6x2 product: rows pad to 4 (two row pairs), K to 8 (one
// 8-byte step), N to two blocks of 2 columns (an even number of blocks
// makes whole 4-column row vectors). Packed weights [N/W][K/8][V x 2 x 8]:
// block 0 holds column 0's 8 weights (1 3 5 7 9 11, padded) then column
// 1's (2 4 6 8 10 12, padded); block 1 (columns 2, 3) is padding. Each row
// pair is read as one 2x8 operand; per step 2 pairs x 2 blocks = 4 smmla.
// The two blocks of a pair are shuffled into the pair's two rows before
// the compensation -3 * [36, 42] comes off.
// CHECK-LABEL: func.func @smmla_matmul
// CHECK: %[[CORR:.*]] = arith.constant dense<[-108, -126, 0, 0]> : tensor<4xi32>
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0] high[1, 2]
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, 3, 5, 7, 9, 11, 0, 0, 2, 4, 6, 8, 10, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0{{\]\]\]}}> : tensor<1x1x32xi8>
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xi32>, vector<4xi32>, vector<4xi32>, vector<4xi32>)
// CHECK: %[[B0:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x1x32xi8>, vector<16xi8>
// CHECK: %[[B1:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x1x32xi8>, vector<16xi8>
// CHECK: %[[R0:.*]] = vector.transfer_read %[[P]]{{.*}} {in_bounds = [true, true]} : tensor<4x8xi8>, vector<2x8xi8>
// CHECK: %[[A0:.*]] = vector.shape_cast %[[R0]] : vector<2x8xi8> to vector<16xi8>
// CHECK: arm_neon.intr.smmla %{{.*}}, %[[A0]], %[[B0]] : vector<16xi8> to vector<4xi32>
// CHECK: arm_neon.intr.smmla %{{.*}}, %[[A0]], %[[B1]] : vector<16xi8> to vector<4xi32>
// CHECK-COUNT-2: arm_neon.intr.smmla
// CHECK-NOT: arm_neon.intr.sdot
// CHECK: scf.yield
// CHECK: %[[ROW0:.*]] = vector.shuffle %[[ACC:.*]]#0, %[[ACC]]#1 [0, 1, 4, 5] : vector<4xi32>, vector<4xi32>
// CHECK: arith.subi %[[ROW0]]
// CHECK: %[[ROW1:.*]] = vector.shuffle %[[ACC]]#0, %[[ACC]]#1 [2, 3, 6, 7] : vector<4xi32>, vector<4xi32>
// CHECK: arith.subi %[[ROW1]]
// CHECK: vector.shuffle %[[ACC]]#2, %[[ACC]]#3 [0, 1, 4, 5]
// CHECK: vector.shuffle %[[ACC]]#2, %[[ACC]]#3 [2, 3, 6, 7]
func.func @smmla_matmul(%x: tensor<3x6xi8>) -> tensor<3x2xi32> {
  %q = quant.scast %x : tensor<3x6xi8> to tensor<3x6x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<smmla_product>} : (tensor<3x6x!quant.uniform<i8:f32, 0.1:-3>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<3x2xi32>
  return %y : tensor<3x2xi32>
}

// -----

//===----------------------------------------------------------------------===//
// fma_product (x86 AVX-512, float)
//===----------------------------------------------------------------------===//

// A 3x3 convolution with padding: the input zero-padded and read in place
// (no im2col matrix): the padded image [1, 4, 4, 1] seen as one row of 16
// floats, each of the register tile's 4 output pixels taking the input
// element of its window at each tap (a scalar broadcast to the vector of
// output channels), times the weights packed as [N/16][K][16] (two output
// channels, padded to one vector of 16: tap s holds w[0][s], w[1][s], then
// zeros; printed as little-endian f32 hex, 1.0 = 0000803F, 10.0 =
// 00002041, 2.0 = 00000040, 11.0 = 00003041), one loop per kernel row and
// column, a register tile of 4 pixels x 1 vector of fused multiply-adds,
// the bias (0.5, -1, then zero padding) added before the store (marked
// qf.kernel_store for qf-fuse-kernel-epilogues), sliced
// back to 2 channels and folded to NHWC.
// CHECK-LABEL: func.func @fma_conv
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[W:.*]] = arith.constant dense<"0x0000803F00002041{{0+}}0000004000003041{{[0-9A-F]*}}"> : tensor<1x9x16xf32>
// CHECK: %[[B:.*]] = arith.constant dense<[5.000000e-01, -1.000000e+00, 0.000000e+00, {{.*}}]> : tensor<16xf32>
// CHECK: %[[IMAGE:.*]] = tensor.collapse_shape %[[PAD]] {{\[\[}}0, 1, 2, 3]] : tensor<1x4x4x1xf32> into tensor<16xf32>
// CHECK-NOT: linalg.generic
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: vector.transfer_read %[[W]]{{.*}} : tensor<1x9x16xf32>, vector<16xf32>
// CHECK-COUNT-4: vector.transfer_read %[[IMAGE]]{{.*}} : tensor<16xf32>, vector<1xf32>
// CHECK: scf.yield
// CHECK: vector.transfer_read %[[B]]
// CHECK: arith.addf %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true], qf.kernel_store}
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [4, 2] [1, 1] : tensor<4x16xf32> to tensor<4x2xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] output_shape [1, 2, 2, 2] : tensor<4x2xf32> into tensor<1x2x2x2xf32>
// CHECK-NOT: tosa.conv2d
func.func @fma_conv(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]], [[7.0], [8.0], [9.0]]],
                                        [[[10.0], [11.0], [12.0]], [[13.0], [14.0], [15.0]], [[16.0], [17.0], [18.0]]]]> : tensor<2x3x3x1xf32>} : () -> tensor<2x3x3x1xf32>
  %b = "tosa.const"() {values = dense<[0.5, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {qf.kernel = #qf.kernel<fma_product>, acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A 1x1 convolution at stride 1: each pixel's channels are a row of the
// input itself, so the product reads the input as a [N*H*W, C] matrix
// (rows padded to the register tile of 4), without padding or windows.
// CHECK-LABEL: func.func @fma_conv_pointwise
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2], [3]] : tensor<1x2x3x4xf32> into tensor<6x4xf32>
// CHECK: %[[PADDED:.*]] = tensor.pad %[[ROWS]] low[0, 0] high[2, 0]
// CHECK: scf.for
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-4: vector.transfer_read %[[PADDED]]
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [6, 2] [1, 1] : tensor<8x16xf32> to tensor<6x2xf32>
// CHECK-NOT: tosa.conv2d
func.func @fma_conv_pointwise(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x3x2xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x4xf32>} : () -> tensor<2x1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {qf.kernel = #qf.kernel<fma_product>, acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x3x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3x2xf32>
  return %y : tensor<1x2x3x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// fma_depthwise (x86 AVX-512, float)
//===----------------------------------------------------------------------===//

// A 3x3 depthwise convolution of 20 channels at stride 2 with padding 1:
// the filter as a table [KH*KW][32] (each tap's 20 weights, zero-padded to
// two vectors), the bias as [32]; loops over images, output rows, tiles of
// the 3 output pixels and blocks of 16 channels (one full block in the
// loop, then the tail block of channels 16..19, whose reads and writes
// are masked by the tensor's bounds). Each kernel row's input pixels
// (the 7 columns of the padded row the 3 windows cover) are read once and
// feed every output pixel whose window holds them: 21 reads for 27 fused
// multiply-adds per block. The accumulators start at the bias; stores go
// straight to the NHWC result, marked qf.kernel_store for
// qf-fuse-kernel-epilogues.
// CHECK-LABEL: func.func @fma_depthwise
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: arith.constant dense<"0x0000003F{{.*}}"> : tensor<9x32xf32>
// CHECK: %[[BIAS:.*]] = arith.constant dense<[1.000000e+00, {{.*}}, 0.000000e+00]> : tensor<32xf32>
// CHECK: scf.for {{.*}} -> (tensor<1x3x3x20xf32>)
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} step %c16
// CHECK: vector.transfer_read %[[BIAS]]{{.*}} {in_bounds = [true]} : tensor<32xf32>, vector<16xf32>
// CHECK-COUNT-21: vector.transfer_read %[[PAD]]{{.*}} {in_bounds = [true]} : tensor<1x7x7x20xf32>, vector<16xf32>
// CHECK-COUNT-3: vector.transfer_write {{.*}} {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<1x3x3x20xf32>
// CHECK: scf.yield
// CHECK: vector.transfer_read %[[BIAS]]
// CHECK-COUNT-21: vector.transfer_read %[[PAD]]{{\[.*\]}}, %{{[a-z0-9_]+}} : tensor<1x7x7x20xf32>, vector<16xf32>
// CHECK-COUNT-3: vector.transfer_write %{{[0-9]+}}, %{{[0-9]+}}{{\[.*\]}} {qf.kernel_store} : vector<16xf32>, tensor<1x3x3x20xf32>
// CHECK-NOT: tosa.depthwise_conv2d
func.func @fma_depthwise(%x: tensor<1x5x5x20xf32>) -> tensor<1x3x3x20xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<3x3x20x1xf32>} : () -> tensor<3x3x20x1xf32>
  %b = "tosa.const"() {values = dense<1.0> : tensor<20xf32>} : () -> tensor<20xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {qf.kernel = #qf.kernel<fma_depthwise>, acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x5x5x20xf32>, tensor<3x3x20x1xf32>, tensor<20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x20xf32>
  return %y : tensor<1x3x3x20xf32>
}

// -----

// Dilation 2 on a 12-wide output: loops over images, output rows, pixel
// tiles of 6 (the largest divisor of the width from 4 to 8) and one block
// of 16 channels (the channel count is one vector exactly). Per kernel row
// the tile's windows cover 10 input columns (pixel p, tap t reads column
// p + 2t), each read once: 30 reads for 54 multiply-adds.
// CHECK-LABEL: func.func @fma_depthwise_dilated
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 2, 2, 0] high[0, 2, 2, 0]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} step %c6
// CHECK: scf.for
// CHECK-COUNT-30: vector.transfer_read %[[PAD]]
// CHECK-NOT: vector.transfer_read %[[PAD]]
// CHECK-COUNT-6: vector.transfer_write %{{.*}} {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<1x12x12x16xf32>
func.func @fma_depthwise_dilated(%x: tensor<1x12x12x16xf32>) -> tensor<1x12x12x16xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<3x3x16x1xf32>} : () -> tensor<3x3x16x1xf32>
  %b = "tosa.const"() {values = dense<1.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {qf.kernel = #qf.kernel<fma_depthwise>, acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>} : (tensor<1x12x12x16xf32>, tensor<3x3x16x1xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x12x12x16xf32>
  return %y : tensor<1x12x12x16xf32>
}

// -----

// A batch-1 matmul with constant weights: [1, M, K] collapsed to [M, K]; a
// single row takes up to 8 vectors (here 2 for 20 columns, padded to 32).
// CHECK-LABEL: func.func @fma_matmul
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<1x1x8xf32> into tensor<1x8xf32>
// CHECK: arith.constant {{.*}} : tensor<1x8x32xf32>
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-2: vector.fma
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [1, 20] [1, 1] : tensor<1x32xf32> to tensor<1x20xf32>
// CHECK: tensor.expand_shape
// CHECK-NOT: tosa.matmul
func.func @fma_matmul(%x: tensor<1x1x8xf32>) -> tensor<1x1x20xf32> {
  %w = "tosa.const"() {values = dense<0.25> : tensor<1x8x20xf32>} : () -> tensor<1x8x20xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qf.kernel = #qf.kernel<fma_product>} : (tensor<1x1x8xf32>, tensor<1x8x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x20xf32>
  return %y : tensor<1x1x20xf32>
}

// -----

// Both operands computed at run time ([3, 4, 8] x [3, 8, 20]): the right
// one packed for all batches at once (columns padded to the 32 of the
// tile, split into panels, panels before the reduction), then one product
// per batch on its slices, stored at the batch's index into one result
// padded to the tile, whose padding columns are sliced off at the end.
// Too little work for threads.
// CHECK-LABEL: func.func @fma_batch_matmul
// CHECK: %[[PAD:.*]] = tensor.pad %arg1 low[0, 0, 0] high[0, 0, 12]
// CHECK: %[[PANELS:.*]] = tensor.expand_shape %[[PAD]] {{\[\[}}0], [1], [2, 3]] output_shape [3, 8, 1, 32]
// CHECK: %[[PACKED:.*]] = linalg.transpose ins(%[[PANELS]] : tensor<3x8x1x32xf32>) outs(%{{.*}} : tensor<3x1x8x32xf32>) permutation = [0, 2, 1, 3]
// CHECK: %[[Y:.*]] = scf.for %[[B:.*]] = %{{.*}} to %c3 {{.*}} -> (tensor<3x4x32xf32>)
// CHECK-DAG: %[[X:.*]] = tensor.extract_slice %arg0[%[[B]], 0, 0] [1, 4, 8] [1, 1, 1] : tensor<3x4x8xf32> to tensor<4x8xf32>
// CHECK-DAG: %[[W:.*]] = tensor.extract_slice %[[PACKED]][%[[B]], 0, 0, 0] [1, 1, 8, 32] [1, 1, 1, 1] : tensor<3x1x8x32xf32> to tensor<1x8x32xf32>
// CHECK: vector.transfer_read %[[W]]
// CHECK: vector.transfer_read %[[X]]
// CHECK-COUNT-2: vector.fma
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%[[B]], %{{.*}}, %{{.*}}] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<3x4x32xf32>
// CHECK-NOT: tensor.insert_slice
// CHECK: tensor.extract_slice %[[Y]][0, 0, 0] [3, 4, 20] [1, 1, 1] : tensor<3x4x32xf32> to tensor<3x4x20xf32>
// CHECK-NOT: qf.parallel_split
// CHECK-NOT: tosa.matmul
func.func @fma_batch_matmul(%x: tensor<3x4x8xf32>, %w: tensor<3x8x20xf32>) -> tensor<3x4x20xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qf.kernel = #qf.kernel<fma_product>} : (tensor<3x4x8xf32>, tensor<3x8x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x4x20xf32>
  return %y : tensor<3x4x20xf32>
}

// -----

// Whole tiles ([2, 64, 64] x [2, 64, 64]): each batch's tiles are stored
// into the batched result directly, at the batch's index (so that
// qf-fuse-kernel-epilogues can join element-wise consumers to the
// stores); threads split the batches, not the product's own loops.
// CHECK-LABEL: func.func @fma_batch_matmul_threads
// CHECK: %[[PACKED:.*]] = linalg.transpose
// CHECK: scf.for %[[B:.*]] = {{.*}} iter_args(%[[OUT:.*]] = %{{.*}}) -> (tensor<2x64x64xf32>)
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[OUT]]) -> (tensor<2x64x64xf32>)
// CHECK-NOT: qf.parallel_split
// CHECK-COUNT-16: vector.fma
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%[[B]], %{{.*}}, %{{.*}}] {in_bounds = [true], qf.kernel_store} : vector<16xf32>, tensor<2x64x64xf32>
// CHECK-NOT: tensor.insert_slice
// CHECK: } {qf.parallel_split}
func.func @fma_batch_matmul_threads(%x: tensor<2x64x64xf32>, %w: tensor<2x64x64xf32>) -> tensor<2x64x64xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qf.kernel = #qf.kernel<fma_product>} : (tensor<2x64x64xf32>, tensor<2x64x64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x64x64xf32>
  return %y : tensor<2x64x64xf32>
}

// -----

// A matrix-vector product with little arithmetic but large weights (a
// recurrent layer's step; 1 x 256 x 512 = 131072 multiply-adds): f32
// weights of 512 KiB split their columns across threads (each thread
// streams its half, which its core's cache keeps between calls); the same
// shape's int8 weights (128 KiB) stay on one thread.
// CHECK-LABEL: func.func @fma_split_large_weights
// CHECK: scf.for {{.*}} to %c512 step %c128
// CHECK: } {qf.parallel_split}
// CHECK-NEXT: tensor.expand_shape
// CHECK-NEXT: return
func.func @fma_split_large_weights(%x: tensor<1x1x256xf32>) -> tensor<1x1x512xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x256x512xf32>} : () -> tensor<1x256x512xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qf.kernel = #qf.kernel<fma_product>} : (tensor<1x1x256xf32>, tensor<1x256x512xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x512xf32>
  return %y : tensor<1x1x512xf32>
}

// CHECK-LABEL: func.func @vnni_small_weights_one_thread
// CHECK-NOT: qf.parallel_split
// CHECK: return
func.func @vnni_small_weights_one_thread(%x: tensor<1x256xi8>) -> tensor<1x512xi32> {
  %q = quant.scast %x : tensor<1x256xi8> to tensor<1x256x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<3> : tensor<256x512xi8>
  %w = quant.scast %wi : tensor<256x512xi8> to tensor<256x512x!quant.uniform<i8:f32, 0.01>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<1x256x!quant.uniform<i8:f32, 0.1:-3>>, tensor<256x512x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x512xi32>
  return %y : tensor<1x512xi32>
}

// -----

//===----------------------------------------------------------------------===//
// Marks a kernel cannot honour
//===----------------------------------------------------------------------===//

// Weights computed at run time: no kernel packs them at compile time.
func.func @weights_not_constant(%x: tensor<1x4xi8>, %wv: tensor<4x2xi8>) -> tensor<1x2xi32> {
  %q = quant.scast %x : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.1:-3>>
  %w = quant.scast %wv : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32, 0.01>>
  // expected-error @+1 {{'qf.matmul' op is marked for the vnni_product kernel, which cannot compute it (its weights are not constant or not of the kernel's form, or its shape is not one the kernel takes)}}
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<vnni_product>} : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x2x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

// smmla reduces 8 values per instruction: 4-bit weights in blocks of 4
// would split its steps.
func.func @smmla_blocks_of_four(%xi: tensor<2x8xi8>) -> tensor<2x2x!quant.uniform<i8:f32, 0.05>> {
  %x = quant.scast %xi : tensor<2x8xi8> to tensor<2x8x!quant.uniform<i8:f32, 0.01:-128>>
  %w = qf.packed_constant dense<[33, 67, 101, 117, 18, 52, 86, 114]> : tensor<8xi8> : tensor<8x2x!quant.uniform<i4<-7:7>:f32:{0:4, 1:1}, {{0.1, 0.1}, {0.02, 0.1}}>>
  // expected-error @+1 {{'qf.matmul' op is marked for the smmla_product kernel, which cannot compute it}}
  %y = qf.matmul %x, %w {qf.kernel = #qf.kernel<smmla_product>} : (tensor<2x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<8x2x!quant.uniform<i4<-7:7>:f32:{0:4, 1:1}, {{0.1, 0.1}, {0.02, 0.1}}>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.05>>
  return %y : tensor<2x2x!quant.uniform<i8:f32, 0.05>>
}

// -----

// A grouped convolution of two input channels per group is not depthwise.
func.func @grouped_not_depthwise(%x: tensor<1x4x4x8xi8>) -> tensor<1x4x4x4xi32> {
  %q = quant.scast %x : tensor<1x4x4x8xi8> to tensor<1x4x4x8x!quant.uniform<u8:f32, 0.1:7>>
  %fi = arith.constant dense<1> : tensor<4x3x3x2xi8>
  %f = quant.scast %fi : tensor<4x3x3x2xi8> to tensor<4x3x3x2x!quant.uniform<i8:f32, 0.01>>
  // expected-error @+1 {{'qf.conv2d' op is marked for the vector_depthwise kernel, which cannot compute it}}
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vector_depthwise>, groups = 4 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x8x!quant.uniform<u8:f32, 0.1:7>>, tensor<4x3x3x2x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x4xi32>
  return %y : tensor<1x4x4x4xi32>
}

// -----

// A table lookup on vpermi2b: the table's four 64-byte quarters as vector
// constants (entry i is i here: 0..63, 64..127, -128..-65, -64..-1 as
// signed bytes); 100 bytes are one full chunk of 64 and a tail read and
// written out of bounds (padded, then masked). Each chunk: two permutes
// (entries 0..127 and 128..255), the index's sign picks between them.
// CHECK-LABEL: func.func @vbmi_lookup
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1]] : tensor<1x100xi8> into tensor<100xi8>
// CHECK-DAG: %[[Q0:.*]] = arith.constant dense<[0, 1, 2, {{.*}}, 63]> : vector<64xi8>
// CHECK-DAG: %[[Q1:.*]] = arith.constant dense<[64, 65, {{.*}}, 127]> : vector<64xi8>
// CHECK-DAG: %[[Q2:.*]] = arith.constant dense<[-128, -127, {{.*}}, -65]> : vector<64xi8>
// CHECK-DAG: %[[Q3:.*]] = arith.constant dense<[-64, -63, {{.*}}, -1]> : vector<64xi8>
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[FULL:.*]] = scf.for %[[I:.*]] = %c0 to %{{.*}} step %[[C64]] iter_args(%[[OUT:.*]] = %{{.*}}) -> (tensor<100xi8>)
// CHECK: %[[X:.*]] = vector.transfer_read %[[FLAT]][%[[I]]], %{{.*}} {in_bounds = [true]} : tensor<100xi8>, vector<64xi8>
// CHECK: %[[LO:.*]] = qf.vbmi_permute %[[Q0]], %[[X]], %[[Q1]] : vector<64xi8>
// CHECK: %[[HI:.*]] = qf.vbmi_permute %[[Q2]], %[[X]], %[[Q3]] : vector<64xi8>
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[X]], %{{.*}} : vector<64xi8>
// CHECK: %[[Y:.*]] = arith.select %[[NEG]], %[[HI]], %[[LO]] : vector<64xi1>, vector<64xi8>
// CHECK: vector.transfer_write %[[Y]], %[[OUT]][%[[I]]] {in_bounds = [true]}
// CHECK: %[[TAIL:.*]] = vector.transfer_read %[[FLAT]][%[[AT:.*]]], %{{.*}} : tensor<100xi8>, vector<64xi8>
// CHECK-COUNT-2: qf.vbmi_permute {{.*}}%[[TAIL]]
// CHECK: %[[DONE:.*]] = vector.transfer_write %{{.*}}, %[[FULL]][%[[AT]]] : vector<64xi8>, tensor<100xi8>
// CHECK: tensor.expand_shape %[[DONE]] {{\[\[}}0, 1]] output_shape [1, 100] : tensor<100xi8> into tensor<1x100xi8>
func.func @vbmi_lookup(%x: tensor<1x100xi8>) -> tensor<1x100xi8> {
  %q = quant.scast %x : tensor<1x100xi8> to tensor<1x100x!quant.uniform<i8:f32, 0.1:-3>>
  %y = qf.lookup %q table dense<"0x000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"> : tensor<256xi8> {qf.kernel = #qf.kernel<vbmi_lookup>} : (tensor<1x100x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x100x!quant.uniform<i8:f32, 0.2>>
  %r = quant.scast %y : tensor<1x100x!quant.uniform<i8:f32, 0.2>> to tensor<1x100xi8>
  return %r : tensor<1x100xi8>
}

// -----

// AVX-VNNI: the same kernel on ymm registers (8 int32 lanes, 32 bytes a
// step), and with half of AVX-512's registers a smaller register tile:
// 4 rows by 3 vectors of 8 columns (12 accumulators), where AVX-512 takes
// 4 by 4.
// CHECK-LABEL: func.func @avx_vnni_matmul
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// CHECK-COUNT-12: qf.vnni_dot %{{.*}}, %{{.*}}, %{{.*}} : vector<8xi32>, vector<32xi8>
// CHECK-NOT: qf.vnni_dot
func.func @avx_vnni_matmul(%x: tensor<8x64xi8>) -> tensor<8x40xi32> {
  %q = quant.scast %x : tensor<8x64xi8> to tensor<8x64x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<3> : tensor<64x40xi8>
  %w = quant.scast %wi : tensor<64x40xi8> to tensor<64x40x!quant.uniform<i8:f32, 0.01>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<avx_vnni_product>} : (tensor<8x64x!quant.uniform<i8:f32, 0.1:-3>>, tensor<64x40x!quant.uniform<i8:f32, 0.01>>) -> tensor<8x40xi32>
  return %y : tensor<8x40xi32>
}

// -----

// AVX2 without VNNI: the activations widened once to int16 (their top bit
// flipped first: unsigned bytes, as vpdpbusd reads them), the weights
// packed in panels of 8 columns x 4 bytes sign-extended in registers, two
// qf.pair_dot (vpmaddwd) per panel and row: one for each pair of the 4
// bytes. Widened weights leave room for fewer accumulators: 40 columns
// take 5 column tiles of one vector, 8 rows 2 row tiles of 4.
// CHECK-LABEL: func.func @pmaddwd_matmul
// CHECK: arith.xori %{{.*}}, %{{.*}} : i8
// CHECK-NEXT: arith.extui %{{.*}} : i8 to i16
// CHECK: arith.constant dense<3> : tensor<5x16x32xi8>
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xi32>, vector<8xi32>, vector<8xi32>, vector<8xi32>)
// CHECK-COUNT-8: qf.pair_dot %{{.*}}, %{{.*}}, %{{.*}} : vector<8xi32>, vector<16xi16>
// CHECK-NOT: qf.pair_dot
func.func @pmaddwd_matmul(%x: tensor<8x64xi8>) -> tensor<8x40xi32> {
  %q = quant.scast %x : tensor<8x64xi8> to tensor<8x64x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<3> : tensor<64x40xi8>
  %w = quant.scast %wi : tensor<64x40xi8> to tensor<64x40x!quant.uniform<i8:f32, 0.01>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<pmaddwd_product>} : (tensor<8x64x!quant.uniform<i8:f32, 0.1:-3>>, tensor<64x40x!quant.uniform<i8:f32, 0.01>>) -> tensor<8x40xi32>
  return %y : tensor<8x40xi32>
}

// -----

// AArch64 without sdot: smull + sadalp on pairs of bytes. The same 2x6 by
// 6x2 product as @sdot_matmul_signed: a step takes 8 bytes of each row (K
// pads to 8), 4 pairs, each copied to every column of a vector (its 2
// bytes bitcast to one i16 and broadcast); the tile is 2 rows by 1
// vector of 4 columns. Packed weights [N/(4 V)][K/8][V x 4 x 4 x 2], a
// step's panel one pair's 8 bytes after another, each column's 2 weights
// together: pair 0 is w[0..1][0] = 1 3, w[0..1][1] = 2 4, zeros for the
// padded columns; pair 1 is 5 7 6 8; pair 2 9 11 10 12; pair 3 zeros. No
// weight is -128, so pairs 0 and 1 (and 2 and 3) share their int16
// products before they join the accumulator: qf.two_byte_pair_dot, 2 per
// row. Compensation as for sdot: -3 * [36, 42].
// CHECK-LABEL: func.func @smull_matmul
// CHECK: %[[CORR:.*]] = arith.constant dense<[-108, -126, 0, 0]> : tensor<4xi32>
// CHECK-NOT: arith.xori
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0] high[0, 2]
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, 3, 2, 4, 0, 0, 0, 0, 5, 7, 6, 8, 0, 0, 0, 0, 9, 11, 10, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0{{\]\]\]}}> : tensor<1x1x32xi8>
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xi32>, vector<4xi32>)
// CHECK: %[[PANEL:.*]] = vector.transfer_read %[[W]]{{.*}} : tensor<1x1x32xi8>, vector<32xi8>
// CHECK: %[[ROW:.*]] = vector.transfer_read %[[P]]{{.*}} : tensor<2x8xi8>, vector<8xi8>
// CHECK: %[[PAIRS:.*]] = vector.bitcast %[[ROW]] : vector<8xi8> to vector<4xi16>
// CHECK: %[[PAIR0:.*]] = vector.extract %[[PAIRS]][0] : i16 from vector<4xi16>
// CHECK: %[[COPIES0:.*]] = vector.broadcast %[[PAIR0]] : i16 to vector<4xi16>
// CHECK: %[[X0:.*]] = vector.bitcast %[[COPIES0]] : vector<4xi16> to vector<8xi8>
// CHECK: %[[W0:.*]] = vector.extract_strided_slice %[[PANEL]] {offsets = [0], sizes = [8], strides = [1]}
// CHECK: %[[X1:.*]] = vector.bitcast %{{.*}} : vector<4xi16> to vector<8xi8>
// CHECK: %[[W1:.*]] = vector.extract_strided_slice %[[PANEL]] {offsets = [8], sizes = [8], strides = [1]}
// CHECK: qf.two_byte_pair_dot %{{.*}}, %[[W0]], %[[X0]], %[[W1]], %[[X1]] : vector<4xi32>, vector<8xi8>
// CHECK-COUNT-3: qf.two_byte_pair_dot
// CHECK-NOT: qf.two_byte_pair_dot
// CHECK: scf.yield
// CHECK: %[[C0:.*]] = vector.transfer_read %[[CORR]]
// CHECK: arith.subi %{{.*}}, %[[C0]] : vector<4xi32>
func.func @smull_matmul(%x: tensor<2x6xi8>) -> tensor<2x2xi32> {
  %q = quant.scast %x : tensor<2x6xi8> to tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<smull_product>} : (tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// A weight of -128: two products of (-128)^2 would not fit one int16
// lane, so each pair joins the accumulator on its own (qf.byte_pair_dot,
// 4 per row).
// CHECK-LABEL: func.func @smull_matmul_minus_128
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xi32>, vector<4xi32>)
// CHECK-COUNT-8: qf.byte_pair_dot %{{.*}}, %{{.*}}, %{{.*}} : vector<4xi32>, vector<8xi8>
// CHECK-NOT: qf.two_byte_pair_dot
// CHECK: scf.yield
func.func @smull_matmul_minus_128(%x: tensor<2x6xi8>) -> tensor<2x2xi32> {
  %q = quant.scast %x : tensor<2x6xi8> to tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, -128], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<smull_product>} : (tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// The float kernel on ymm registers (AVX2): 8 lanes, and with 16
// registers a 4 x 3 tile of accumulators (AVX-512's is 4 x 4 of 16).
// CHECK-LABEL: func.func @fma256_matmul
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK-COUNT-12: vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NOT: vector.fma
func.func @fma256_matmul(%x: tensor<1x8x64xf32>) -> tensor<1x8x48xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x64x48xf32>}> : () -> tensor<1x64x48xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qf.kernel = #qf.kernel<fma256_product>} : (tensor<1x8x64xf32>, tensor<1x64x48xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x48xf32>
  return %y : tensor<1x8x48xf32>
}

// -----

// The float kernel on AArch64's q registers (4 lanes): steps of 4 values
// of the reduction, each row's 4 read by one load and taken by element by
// 4 fused multiply-adds per panel; K = 62 padded with zeros to 64 (the
// rows and the packed weights [Np/W, Kp/4, W x 4]), and a tile of 8 rows
// by 2 vectors (16 accumulators, 8 panel vectors, 8 rows' values: the 32
// registers).
// CHECK-LABEL: func.func @fmla_matmul
// CHECK: tensor.pad %{{.*}} low[0, 0] high[0, 2]
// CHECK: arith.constant dense<{{.*}}> : tensor<2x16x32xf32>
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK-COUNT-2: vector.transfer_read {{.*}} : tensor<2x16x32xf32>, vector<16xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<8x64xf32>, vector<4xf32>
// CHECK-COUNT-64: vector.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK-NOT: vector.fma
func.func @fmla_matmul(%x: tensor<1x8x62xf32>) -> tensor<1x8x16xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x62x16xf32>}> : () -> tensor<1x62x16xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qf.kernel = #qf.kernel<fmla_product>} : (tensor<1x8x62xf32>, tensor<1x62x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x16xf32>
  return %y : tensor<1x8x16xf32>
}

// -----

// The float depthwise kernel on ymm registers: 8 channels per vector, so
// 12 channels are a whole block and a masked block of 4; a tile of 4
// pixels (the row's width), a fused multiply-add per tap and pixel.
// CHECK-LABEL: func.func @fma256_depthwise
// CHECK: vector.transfer_read {{.*}} : tensor<1x6x6x12xf32>, vector<8xf32>
// CHECK: vector.fma {{.*}} : vector<8xf32>
// CHECK-DAG: vector.transfer_write {{.*}} {in_bounds = [true], qf.kernel_store} : vector<8xf32>, tensor<1x4x4x12xf32>
// CHECK-DAG: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %c8{{.*}}] {qf.kernel_store} : vector<8xf32>, tensor<1x4x4x12xf32>
// CHECK-NOT: vector<16xf32>
func.func @fma256_depthwise(%x: tensor<1x6x6x12xf32>) -> tensor<1x4x4x12xf32> {
  %w = "tosa.const"() <{values = dense<0.25> : tensor<3x3x12x1xf32>}> : () -> tensor<3x3x12x1xf32>
  %b = "tosa.const"() <{values = dense<1.0> : tensor<12xf32>}> : () -> tensor<12xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qf.kernel = #qf.kernel<fma256_depthwise>} : (tensor<1x6x6x12xf32>, tensor<3x3x12x1xf32>, tensor<12xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x12xf32>
  return %y : tensor<1x4x4x12xf32>
}
