// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-insert-observers))' | FileCheck %s
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-insert-observers{ops=tosa.matmul}))' | FileCheck %s --check-prefix=MATMUL-ONLY

// A Conv node as the importer writes it: the layout transposes and the
// weights belong to the node. The tensor entering the node (the argument,
// named by its location) and the one leaving it (named by the producing
// op's `"value"("node")` location) are observed; the weights, the internal
// NHWC tensors and the constants are not.
// CHECK-LABEL: func.func @conv_node
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>
// CHECK-NEXT: qf.observe %[[X]] {id = 0 : i64, name = "images"}
// CHECK: %[[Y:.*]] = tosa.transpose %[[C:.*]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK-NEXT: qf.observe %[[Y]] {id = 1 : i64, name = "conv_out"}
// CHECK-NOT: qf.observe
// CHECK: return
// MATMUL-ONLY-LABEL: func.func @conv_node
// MATMUL-ONLY-NOT: qf.observe
// MATMUL-ONLY: return
func.func @conv_node(%x: tensor<1x1x4x4xf32> loc("images")) -> tensor<1x2x4x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x3x3x1xf32>} : () -> tensor<2x3x3x1xf32> loc("conv")
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32> loc("conv")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("conv")
  %nhwc = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x4x4x1xf32> loc("conv")
  %c = tosa.conv2d %nhwc, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %y = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32> loc("conv_out"("conv"))
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A tensor feeding two quantizable nodes is observed once. The Relu
// (tosa.clamp) between the nodes: its input and output are observed; the
// Reshape node is not quantizable, so only what crosses into the MatMul
// node from it is. Weights computed from constants (a transposed constant)
// are not activations.
// CHECK-LABEL: func.func @shared_and_derived
// CHECK-SAME: (%[[A:.*]]: tensor<1x8xf32>
// CHECK-NEXT: qf.observe %[[A]] {id = 0 : i64, name = "a"}
// CHECK: %[[R:.*]] = tosa.clamp %[[A]]
// CHECK-NEXT: qf.observe %[[R]] {id = 1 : i64, name = "relu_out"}
// CHECK: %[[S:.*]] = tosa.reshape %[[R]]
// CHECK-NEXT: qf.observe %[[S]] {id = 2 : i64, name = "reshaped"}
// CHECK: %[[M:.*]] = tosa.matmul
// CHECK-NEXT: qf.observe %[[M]] {id = 3 : i64, name = "mm_out"}
// CHECK: %[[ADD:.*]] = tosa.add %[[A]], %[[R]]
// CHECK-NEXT: qf.observe %[[ADD]] {id = 4 : i64, name = "sum"}
// CHECK-NOT: qf.observe
// MATMUL-ONLY-LABEL: func.func @shared_and_derived
// MATMUL-ONLY: %[[S:.*]] = tosa.reshape
// MATMUL-ONLY-NEXT: qf.observe %[[S]] {id = 0 : i64, name = "reshaped"}
// MATMUL-ONLY: %[[M:.*]] = tosa.matmul
// MATMUL-ONLY-NEXT: qf.observe %[[M]] {id = 1 : i64, name = "mm_out"}
// MATMUL-ONLY-NOT: qf.observe
func.func @shared_and_derived(%a: tensor<1x8xf32> loc("a")) -> (tensor<1x1x4xf32>, tensor<1x8xf32>) {
  %r = tosa.clamp %a {max_val = 3.4e38 : f32, min_val = 0.0 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf32> loc("relu_out"("relu"))
  %shape = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("reshape")
  %s = tosa.reshape %r, %shape : (tensor<1x8xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32> loc("reshaped"("reshape"))
  %w0 = "tosa.const"() {values = dense<0.5> : tensor<1x4x8xf32>} : () -> tensor<1x4x8xf32> loc("mm")
  %w = tosa.transpose %w0 {perms = array<i32: 0, 2, 1>} : (tensor<1x4x8xf32>) -> tensor<1x8x4xf32> loc("mm")
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("mm")
  %m = tosa.matmul %s, %w, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("mm_out"("mm"))
  %sum = tosa.add %a, %r : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32> loc("sum"("add"))
  return %m, %sum : tensor<1x1x4xf32>, tensor<1x8xf32>
}

// -----

// Ops without ONNX locations (hand-written IR) are nodes of their own and
// fall back to argument numbers and op names; equal names get a #N suffix.
// Integer tensors are never observed.
// CHECK-LABEL: func.func @unnamed
// CHECK-SAME: (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi32>)
// CHECK-NEXT: qf.observe %[[A]] {id = 0 : i64, name = "arg0"}
// CHECK-NEXT: qf.observe %[[B]] {id = 1 : i64, name = "arg1"}
// CHECK: %[[X:.*]] = tosa.add %[[A]], %[[B]]
// CHECK-NEXT: qf.observe %[[X]] {id = 2 : i64, name = "tosa.add"}
// CHECK: %[[Y:.*]] = tosa.add %[[X]], %[[A]]
// CHECK-NEXT: qf.observe %[[Y]] {id = 3 : i64, name = "tosa.add#1"}
// CHECK: tosa.add %[[I]], %[[I]]
// CHECK-NOT: qf.observe
func.func @unnamed(%a: tensor<4xf32>, %b: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %x = tosa.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y = tosa.add %x, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %j = tosa.add %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %y, %j : tensor<4xf32>, tensor<4xi32>
}

// -----

// A Split (tosa.slice per output): the tensor it cuts is observed as well
// as the pieces, so that the activation computing it (here a sigmoid) has
// a range to end in.
// CHECK-LABEL: func.func @split
// CHECK: %[[S:.*]] = tosa.sigmoid
// CHECK-NEXT: qf.observe %[[S]] {id = 0 : i64, name = "act"}
// CHECK: %[[P0:.*]] = tosa.slice %[[S]]
// CHECK-NEXT: qf.observe %[[P0]] {id = 1 : i64, name = "part0"}
// CHECK: %[[P1:.*]] = tosa.slice %[[S]]
// CHECK-NEXT: qf.observe %[[P1]] {id = 2 : i64, name = "part1"}
func.func @split(%x: tensor<1x4x2x2xf32> loc("x")) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %s = tosa.sigmoid %x : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> loc("act"("sigmoid"))
  %start0 = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("split")
  %start1 = tosa.const_shape {values = dense<[0, 2, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("split")
  %size = tosa.const_shape {values = dense<[1, 2, 2, 2]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("split")
  %p0 = tosa.slice %s, %start0, %size : (tensor<1x4x2x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x2xf32> loc("part0"("split"))
  %p1 = tosa.slice %s, %start1, %size : (tensor<1x4x2x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x2xf32> loc("part1"("split"))
  return %p0, %p1 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
