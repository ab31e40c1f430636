// RUN: qforge-opt %s -split-input-file -allow-unregistered-dialect --pass-pipeline='builtin.module(func.func(qf-erase-integer-signedness))' | FileCheck %s

// A uint8 input cast to float, as TOSA's lowering leaves it: the argument
// becomes i8 and the cast goes.
// CHECK-LABEL: func.func @unsigned_argument
// CHECK-SAME: (%[[ARG:.*]]: tensor<4xi8>) -> tensor<4xf32>
// CHECK-NOT: unrealized_conversion_cast
// CHECK: linalg.generic {{.*}} ins(%[[ARG]] : tensor<4xi8>)
// CHECK: arith.uitofp
func.func @unsigned_argument(%arg0: tensor<4xui8>) -> tensor<4xf32> {
  %0 = builtin.unrealized_conversion_cast %arg0 : tensor<4xui8> to tensor<4xi8>
  %1 = tensor.empty() : tensor<4xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%0 : tensor<4xi8>) outs(%1 : tensor<4xf32>) {
  ^bb0(%in: i8, %out: f32):
    %3 = arith.uitofp %in : i8 to f32
    linalg.yield %3 : f32
  } -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// Data movement on unsigned tensors (a transpose, as TOSA lowers it) becomes
// signless throughout, region arguments included; the result too.
// CHECK-LABEL: func.func @unsigned_data_movement
// CHECK-SAME: (%[[ARG:.*]]: tensor<2x3xi8>) -> tensor<3x2xi8>
// CHECK-NOT: ui8
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[ARG]] : tensor<2x3xi8>)
// CHECK: return %[[T]] : tensor<3x2xi8>
func.func @unsigned_data_movement(%arg0: tensor<2x3xui8>) -> tensor<3x2xui8> {
  %0 = tensor.empty() : tensor<3x2xui8>
  %1 = linalg.transpose ins(%arg0 : tensor<2x3xui8>) outs(%0 : tensor<3x2xui8>) permutation = [1, 0]
  return %1 : tensor<3x2xui8>
}

// -----

// Signed types too; signless and float types are left alone; casts between
// types that stay different remain.
// CHECK-LABEL: func.func @mixed
// CHECK-SAME: (%[[A:.*]]: tensor<2xi32>, %[[B:.*]]: tensor<2xi16>, %[[C:.*]]: tensor<2xf32>) -> (tensor<2xi32>, tensor<2xi16>, tensor<2xf32>)
// CHECK: %[[X:.*]] = builtin.unrealized_conversion_cast %[[C]] : tensor<2xf32> to tensor<2xi32>
// CHECK: "test.consume"(%[[X]]) : (tensor<2xi32>) -> ()
// CHECK: return %[[A]], %[[B]], %[[C]]
func.func @mixed(%a: tensor<2xsi32>, %b: tensor<2xi16>, %c: tensor<2xf32>) -> (tensor<2xsi32>, tensor<2xi16>, tensor<2xf32>) {
  %x = builtin.unrealized_conversion_cast %c : tensor<2xf32> to tensor<2xui32>
  "test.consume"(%x) : (tensor<2xui32>) -> ()
  return %a, %b, %c : tensor<2xsi32>, tensor<2xi16>, tensor<2xf32>
}
