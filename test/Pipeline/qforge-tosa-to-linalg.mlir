// RUN: qforge-opt %s --qforge-tosa-to-linalg | FileCheck %s --implicit-check-not=tosa. --implicit-check-not=qf. --implicit-check-not=quant. --implicit-check-not=ui8 --implicit-check-not=unrealized_conversion_cast

// TOSA (with a qf quantize/dequantize pair and an unsigned input) becomes
// linalg on tensors; element-wise ops fuse into one generic, which is then
// tiled by rows and vectorized along them; unsigned types, TOSA, qf and
// quantized types are gone from the whole output.
// CHECK-LABEL: func.func @stage
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xi8>, %[[W:.*]]: tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK: scf.for
// CHECK: vector.transfer_read {{.*}} : tensor<1x4xi8>, vector<4xi8>
// CHECK: arith.uitofp {{.*}} : vector<4xi8> to vector<4xf32>
// CHECK: math.roundeven {{.*}} : vector<4xf32>
// CHECK: vector.transfer_write {{.*}} : vector<4xf32>, tensor<1x4xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @stage(%x: tensor<2x4xui8>, %w: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %f = tosa.cast %x : (tensor<2x4xui8>) -> tensor<2x4xf32>
  %s = tosa.add %f, %w : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %q = qf.quantize %s : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  %d = qf.dequantize %q : tensor<2x4x!quant.uniform<i8:f32, 0.5>> -> tensor<2x4xf32>
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}
