// RUN: qforge-opt %s -split-input-file -allow-unregistered-dialect --pass-pipeline='builtin.module(func.func(qf-erase-integer-signedness))' | FileCheck %s

// A uint8 input cast to float: the TOSA lowering reads it through an
// unrealized cast to i8; the argument becomes i8 and the cast goes.
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

// An unsigned result produced through a cast from i8 returns the i8 value.
// CHECK-LABEL: func.func @unsigned_result
// CHECK-SAME: (%[[ARG:.*]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK-NEXT: return %[[ARG]] : tensor<4xi8>
func.func @unsigned_result(%arg0: tensor<4xi8>) -> tensor<4xui8> {
  %0 = builtin.unrealized_conversion_cast %arg0 : tensor<4xi8> to tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// A signed argument returned as it is: both ends become signless and no cast
// is left. Signless types are left alone.
// CHECK-LABEL: func.func @passthrough
// CHECK-SAME: (%[[A:.*]]: tensor<2xi32>, %[[B:.*]]: tensor<2xi16>) -> (tensor<2xi32>, tensor<2xi16>)
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @passthrough(%a: tensor<2xsi32>, %b: tensor<2xi16>) -> (tensor<2xsi32>, tensor<2xi16>) {
  return %a, %b : tensor<2xsi32>, tensor<2xi16>
}

// -----

// Other users of a rewritten argument still see the old type, through a cast
// that reconcile-unrealized-casts removes once it pairs up.
// CHECK-LABEL: func.func @other_user
// CHECK-SAME: (%[[A:.*]]: tensor<2xi8>)
// CHECK: %[[BACK:.*]] = builtin.unrealized_conversion_cast %[[A]] : tensor<2xi8> to tensor<2xui8>
// CHECK: "test.consume"(%[[BACK]]) : (tensor<2xui8>) -> ()
func.func @other_user(%a: tensor<2xui8>) {
  "test.consume"(%a) : (tensor<2xui8>) -> ()
  return
}
