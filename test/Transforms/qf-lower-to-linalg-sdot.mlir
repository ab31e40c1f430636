// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-lower-to-linalg{sdot=true}))' | FileCheck %s
// The AArch64 dotprod micro-kernel's structure; its results are checked
// bit for bit against the x86-64 host under qemu in
// test/Quantization/aarch64-kernels.test.

// A 2x6 by 6x2 product with signed activations, which sdot reads as they
// are (no shift): K pads to 8 (two 4-byte steps), N to one vector of 4
// columns, the two rows form one register tile (2 rows x 1 vector).
// Packed weights [N/(4 V)][K/4][V x 4 x 4], here V = 1: panel
// (0, 0) holds w[0..3][0] = 1 3 5 7 for column 0 and w[0..3][1] = 2 4 6 8
// for column 1, then zeros for the padded columns; panel (0, 1) holds
// 9 11 0 0 and 10 12 0 0. The compensation z * colsum(w) = -3 * [36, 42]
// = [-108, -126] (zero for the padded columns) comes off the accumulators.
// CHECK-LABEL: func.func @matmul_signed
// CHECK: %[[CORR:.*]] = arith.constant dense<[-108, -126, 0, 0]> : tensor<4xi32>
// CHECK-NOT: arith.xori
// CHECK: %[[P:.*]] = tensor.pad %arg0 low[0, 0] high[0, 2]
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, 3, 5, 7, 2, 4, 6, 8, 0, 0, 0, 0, 0, 0, 0, 0], [9, 11, 0, 0, 10, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0{{\]\]\]}}> : tensor<1x2x16xi8>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<4xi32>, vector<4xi32>)
// CHECK: vector.transfer_read %[[W]]{{.*}} {in_bounds = [true]} : tensor<1x2x16xi8>, vector<16xi8>
// CHECK: vector.transfer_read %[[P]]{{.*}} {in_bounds = [true]} : tensor<2x8xi8>, vector<4xi8>
// CHECK: vector.broadcast %{{.*}} : i32 to vector<4xi32>
// CHECK: vector.bitcast %{{.*}} : vector<4xi32> to vector<16xi8>
// CHECK: arm_neon.intr.sdot %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi8>, vector<16xi8> to vector<4xi32>
// CHECK: arm_neon.intr.sdot
// CHECK-NOT: arm_neon.intr.sdot
// CHECK: scf.yield
// CHECK: %[[C0:.*]] = vector.transfer_read %[[CORR]]
// CHECK: arith.subi %{{.*}}, %[[C0]] : vector<4xi32>
func.func @matmul_signed(%x: tensor<2x6xi8>) -> tensor<2x2xi32> {
  %q = quant.scast %x : tensor<2x6xi8> to tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w : (tensor<2x6x!quant.uniform<i8:f32, 0.1:-3>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// Unsigned activations (zero point 130) become signed bytes: the top bit
// flipped (a shift by -128), the zero point 130 - 128 = 2 in signed units,
// compensation 2 * [36, 42] = [72, 84].
// CHECK-LABEL: func.func @matmul_unsigned
// CHECK: %[[CORR:.*]] = arith.constant dense<[72, 84, 0, 0]> : tensor<4xi32>
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<2x6xi8>)
// CHECK: arith.xori %{{.*}}, %c-128_i8
// CHECK: arm_neon.intr.sdot
func.func @matmul_unsigned(%x: tensor<2x6xi8>) -> tensor<2x2xi32> {
  %q = quant.scast %x : tensor<2x6xi8> to tensor<2x6x!quant.uniform<u8:f32, 0.1:130>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w : (tensor<2x6x!quant.uniform<u8:f32, 0.1:130>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// -----

// Depthwise convolutions take the vectorized depthwise kernel here too.
// CHECK-LABEL: func.func @depthwise
// CHECK-COUNT-9: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK-NOT: arm_neon.intr.sdot
func.func @depthwise(%x: tensor<1x4x4x16xi8>) -> tensor<1x4x4x16xi32> {
  %q = quant.scast %x : tensor<1x4x4x16xi8> to tensor<1x4x4x16x!quant.uniform<i8:f32, 0.1:7>>
  %fi = arith.constant dense<2> : tensor<16x3x3x1xi8>
  %f = quant.scast %fi : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %y = qf.conv2d %q, %f {groups = 16 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x16x!quant.uniform<i8:f32, 0.1:7>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x16xi32>
  return %y : tensor<1x4x4x16xi32>
}
