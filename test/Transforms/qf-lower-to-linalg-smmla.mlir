// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-lower-to-linalg{smmla=true sdot=true}))' | FileCheck %s
// The AArch64 i8mm micro-kernel's structure (smmla takes precedence over
// sdot); its results are checked bit for bit against the x86-64 host under
// qemu in test/Quantization/aarch64-kernels.test.

// A 3x6 by 6x2 product: rows pad to 4 (two row pairs), K to 8 (one
// 8-byte step), N to two blocks of 2 columns (an even number of blocks
// makes whole 4-column row vectors). Packed weights [N/W][K/8][V x 2 x 8]:
// block 0 holds column 0's 8 weights (1 3 5 7 9 11, padded) then column
// 1's (2 4 6 8 10 12, padded); block 1 (columns 2, 3) is padding. Each row
// pair is read as one 2x8 operand; per step 2 pairs x 2 blocks = 4 smmla.
// The two blocks of a pair are shuffled into the pair's two rows before
// the compensation -3 * [36, 42] comes off.
// CHECK-LABEL: func.func @matmul
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
func.func @matmul(%x: tensor<3x6xi8>) -> tensor<3x2xi32> {
  %q = quant.scast %x : tensor<3x6xi8> to tensor<3x6x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]> : tensor<6x2xi8>
  %w = quant.scast %wi : tensor<6x2xi8> to tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w : (tensor<3x6x!quant.uniform<i8:f32, 0.1:-3>>, tensor<6x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<3x2xi32>
  return %y : tensor<3x2xi32>
}
