// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-sink-dequantize))' | FileCheck %s

// Between two integer ops: a layout transpose and a max pooling run on the
// stored integers, and the dequantize meets the next quantize of the same
// type and folds away.
// CHECK-LABEL: func.func @transpose_and_pool
// CHECK: %[[S:.*]] = quant.scast %arg0 : tensor<1x4x4x2x!quant.uniform<i8:f32, 5.000000e-02:-3>> to tensor<1x4x4x2xi8>
// CHECK: %[[P:.*]] = tosa.max_pool2d %[[S]] {{.*}} : (tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
// CHECK: %[[T:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[T]] : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK-NOT: qf.dequantize
// CHECK-NOT: qf.quantize
// CHECK: return %[[Q]]
func.func @transpose_and_pool(%q: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-3>> {
  %d = qf.dequantize %q : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<1x4x4x2xf32>
  %p = tosa.max_pool2d %d {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32>
  %t = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %r = qf.quantize %t : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-3>>
  return %r : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

// Another type on the other side: one requantize instead of a float round
// trip (the quantize moved up first, so the reshape runs on its result).
// CHECK-LABEL: func.func @reshape_requantize
// CHECK: %[[R:.*]] = qf.requantize %arg0 : tensor<1x2x2x2x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK: %[[S:.*]] = quant.scast %[[R]]
// CHECK: %[[M:.*]] = tosa.reshape %[[S]], %{{.*}} : (tensor<1x2x2x2xi8>, !tosa.shape<2>) -> tensor<1x8xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[M]] : tensor<1x8xi8> to tensor<1x8x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK-NOT: qf.dequantize
// CHECK: return %[[Q]]
func.func @reshape_requantize(%q: tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.1>> {
  %d = qf.dequantize %q : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<1x2x2x2xf32>
  %s = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %d, %s : (tensor<1x2x2x2xf32>, !tosa.shape<2>) -> tensor<1x8xf32>
  %q2 = qf.quantize %r : tensor<1x8xf32> -> tensor<1x8x!quant.uniform<i8:f32, 0.1>>
  return %q2 : tensor<1x8x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Quantization moves up through a transpose to the float value it came
// from (here a function argument): the transpose runs on integers.
// CHECK-LABEL: func.func @hoist_quantize
// CHECK: %[[Q:.*]] = qf.quantize %arg0 : tensor<1x2x3x4xf32> -> tensor<1x2x3x4x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK: %[[S:.*]] = quant.scast %[[Q]]
// CHECK: tosa.transpose %[[S]] {{.*}} : (tensor<1x2x3x4xi8>) -> tensor<1x3x4x2xi8>
func.func @hoist_quantize(%x: tensor<1x2x3x4xf32>) -> tensor<1x3x4x2x!quant.uniform<i8:f32, 0.1>> {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  %q = qf.quantize %t : tensor<1x3x4x2xf32> -> tensor<1x3x4x2x!quant.uniform<i8:f32, 0.1>>
  return %q : tensor<1x3x4x2x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Left alone: ops that compute (an add), max pooling of unsigned storage
// (TOSA's integers are signed; a transpose of it would move), and a value
// with other float users.
// CHECK-LABEL: func.func @left_alone
// CHECK: %[[D:.*]] = qf.dequantize %arg0
// CHECK: tosa.add %[[D]], %[[D]]
// CHECK: %[[DU:.*]] = qf.dequantize %arg1
// CHECK: tosa.max_pool2d %[[DU]]
// CHECK: %[[T:.*]] = tosa.transpose %arg2
// CHECK: qf.quantize %[[T]]
func.func @left_alone(%q: tensor<2x2x!quant.uniform<i8:f32, 0.05>>, %u: tensor<1x2x2x1x!quant.uniform<u8:f32, 0.05:128>>, %x: tensor<2x2xf32>)
    -> (tensor<2x2xf32>, tensor<1x1x1x1xf32>, tensor<2x2x!quant.uniform<i8:f32, 0.1>>, tensor<2x2xf32>) {
  %d = qf.dequantize %q : tensor<2x2x!quant.uniform<i8:f32, 0.05>> -> tensor<2x2xf32>
  %a = tosa.add %d, %d : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %du = qf.dequantize %u : tensor<1x2x2x1x!quant.uniform<u8:f32, 0.05:128>> -> tensor<1x2x2x1xf32>
  %tu = tosa.max_pool2d %du {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
  %t = tosa.transpose %x {perms = array<i32: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %qt = qf.quantize %t : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32, 0.1>>
  return %a, %tu, %qt, %t : tensor<2x2xf32>, tensor<1x1x1x1xf32>, tensor<2x2x!quant.uniform<i8:f32, 0.1>>, tensor<2x2xf32>
}

// -----

// Constant padding runs on integers when its value is on the integer grid:
// 0 pads with the zero point (-3), 0.1 with 0.1 / 0.05 - 3 = -1. A reverse
// and a tile only move values.
// CHECK-LABEL: func.func @pad_reverse_tile
// CHECK-DAG: %[[V:.*]] = "tosa.const"() <{values = dense<-1> : tensor<1xi8>}>
// CHECK-DAG: %[[Z:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK: %[[S:.*]] = quant.scast %arg0 : tensor<1x2x!quant.uniform<i8:f32, 5.000000e-02:-3>> to tensor<1x2xi8>
// CHECK: %[[P:.*]] = tosa.pad %[[S]], %{{.*}}, %[[Z]] : (tensor<1x2xi8>, !tosa.shape<4>, tensor<1xi8>) -> tensor<1x4xi8>
// CHECK: %[[P2:.*]] = tosa.pad %[[P]], %{{.*}}, %[[V]] : (tensor<1x4xi8>, !tosa.shape<4>, tensor<1xi8>) -> tensor<1x6xi8>
// CHECK: %[[R:.*]] = tosa.reverse %[[P2]] {axis = 1 : i32} : (tensor<1x6xi8>) -> tensor<1x6xi8>
// CHECK: tosa.tile %[[R]], %{{.*}} : (tensor<1x6xi8>, !tosa.shape<2>) -> tensor<2x6xi8>
// CHECK-NOT: qf.dequantize
// CHECK-NOT: qf.quantize
func.func @pad_reverse_tile(%q: tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<2x6x!quant.uniform<i8:f32, 0.05:-3>> {
  %d = qf.dequantize %q : tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<1x2xf32>
  %padding = tosa.const_shape {values = dense<[0, 0, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %p = tosa.pad %d, %padding, %zero : (tensor<1x2xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<1x4xf32>
  %tenth = "tosa.const"() {values = dense<0.1> : tensor<1xf32>} : () -> tensor<1xf32>
  %p2 = tosa.pad %p, %padding, %tenth : (tensor<1x4xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<1x6xf32>
  %r = tosa.reverse %p2 {axis = 1 : i32} : (tensor<1x6xf32>) -> tensor<1x6xf32>
  %m = tosa.const_shape {values = dense<[2, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %t = tosa.tile %r, %m : (tensor<1x6xf32>, !tosa.shape<2>) -> tensor<2x6xf32>
  %out = qf.quantize %t : tensor<2x6xf32> -> tensor<2x6x!quant.uniform<i8:f32, 0.05:-3>>
  return %out : tensor<2x6x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

// Padding with a value between two steps (0.07 / 0.05 = 1.4) stays float:
// integers could only pad with a nearby value.
// CHECK-LABEL: func.func @pad_off_grid
// CHECK: %[[D:.*]] = qf.dequantize %arg0
// CHECK: %[[P:.*]] = tosa.pad %[[D]], {{.*}} : (tensor<1x2xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<1x4xf32>
// CHECK: qf.quantize %[[P]]
func.func @pad_off_grid(%q: tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.05:-3>> {
  %d = qf.dequantize %q : tensor<1x2x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<1x2xf32>
  %padding = tosa.const_shape {values = dense<[0, 0, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %v = "tosa.const"() {values = dense<0.07> : tensor<1xf32>} : () -> tensor<1xf32>
  %p = tosa.pad %d, %padding, %v : (tensor<1x2xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<1x4xf32>
  %out = qf.quantize %p : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, 0.05:-3>>
  return %out : tensor<1x4x!quant.uniform<i8:f32, 0.05:-3>>
}

// -----

// A gather and a max reduction between two integer ops run on the stored
// integers; the reduction's minimum too.
// CHECK-LABEL: func.func @gather_and_reduce
// CHECK: %[[S:.*]] = quant.scast %arg0 : tensor<1x4x3x!quant.uniform<i8:f32, 5.000000e-02:-3>> to tensor<1x4x3xi8>
// CHECK: %[[G:.*]] = tosa.gather %[[S]], %arg1 : (tensor<1x4x3xi8>, tensor<1x2xi32>) -> tensor<1x2x3xi8>
// CHECK: %[[M:.*]] = tosa.reduce_max %[[G]] {axis = 2 : i32} : (tensor<1x2x3xi8>) -> tensor<1x2x1xi8>
// CHECK: quant.scast %[[M]] : tensor<1x2x1xi8> to tensor<1x2x1x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK: %[[N:.*]] = tosa.reduce_min %{{.*}} {axis = 1 : i32} : (tensor<1x4x3xi8>) -> tensor<1x1x3xi8>
// CHECK: %[[D:.*]] = quant.scast %[[N]] : tensor<1x1x3xi8> to tensor<1x1x3x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK: qf.dequantize %[[D]]
// CHECK-NOT: qf.quantize
func.func @gather_and_reduce(%q: tensor<1x4x3x!quant.uniform<i8:f32, 0.05:-3>>, %i: tensor<1x2xi32>) -> (tensor<1x2x1x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x1x3xf32>) {
  %d = qf.dequantize %q : tensor<1x4x3x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<1x4x3xf32>
  %g = tosa.gather %d, %i : (tensor<1x4x3xf32>, tensor<1x2xi32>) -> tensor<1x2x3xf32>
  %m = tosa.reduce_max %g {axis = 2 : i32} : (tensor<1x2x3xf32>) -> tensor<1x2x1xf32>
  %r = qf.quantize %m : tensor<1x2x1xf32> -> tensor<1x2x1x!quant.uniform<i8:f32, 0.05:-3>>
  %n = tosa.reduce_min %d {axis = 1 : i32} : (tensor<1x4x3xf32>) -> tensor<1x1x3xf32>
  return %r, %n : tensor<1x2x1x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x1x3xf32>
}

// -----

// Unsigned storage: TOSA compares integers as signed, so the reductions
// stay float; the gather, which only moves values, does not.
// CHECK-LABEL: func.func @unsigned_reduce
// CHECK: tosa.gather %{{.*}} : (tensor<1x4x3xi8>, tensor<1x2xi32>) -> tensor<1x2x3xi8>
// CHECK: %[[D:.*]] = qf.dequantize
// CHECK: tosa.reduce_max %[[D]] {axis = 2 : i32} : (tensor<1x2x3xf32>) -> tensor<1x2x1xf32>
func.func @unsigned_reduce(%q: tensor<1x4x3x!quant.uniform<u8:f32, 0.05:128>>, %i: tensor<1x2xi32>) -> tensor<1x2x1xf32> {
  %d = qf.dequantize %q : tensor<1x4x3x!quant.uniform<u8:f32, 0.05:128>> -> tensor<1x4x3xf32>
  %g = tosa.gather %d, %i : (tensor<1x4x3xf32>, tensor<1x2xi32>) -> tensor<1x2x3xf32>
  %m = tosa.reduce_max %g {axis = 2 : i32} : (tensor<1x2x3xf32>) -> tensor<1x2x1xf32>
  return %m : tensor<1x2x1xf32>
}

// -----

// A reduction's quantize moves above it only onto a dequantize it folds
// into: quantizing a float input instead of the reduced result would
// quantize many more values.
// CHECK-LABEL: func.func @reduce_of_float
// CHECK: %[[M:.*]] = tosa.reduce_max %arg0 {axis = 1 : i32} : (tensor<4x64xf32>) -> tensor<4x1xf32>
// CHECK: qf.quantize %[[M]]
func.func @reduce_of_float(%x: tensor<4x64xf32>) -> tensor<4x1x!quant.uniform<i8:f32, 0.1>> {
  %m = tosa.reduce_max %x {axis = 1 : i32} : (tensor<4x64xf32>) -> tensor<4x1xf32>
  %q = qf.quantize %m : tensor<4x1xf32> -> tensor<4x1x!quant.uniform<i8:f32, 0.1>>
  return %q : tensor<4x1x!quant.uniform<i8:f32, 0.1>>
}

// -----

// ArgMax of a dequantized value takes the stored integers; ArgMin (the
// importer's arg max of x * -1) their bitwise complement, ~x = -x - 1,
// which reverses their order without overflowing at -128. A product by
// another constant is left float (rounding could make distinct values
// equal), as is unsigned storage.
// CHECK-LABEL: func.func @arg_max_min
// CHECK: %[[S:.*]] = quant.scast %arg0 : tensor<2x8x!quant.uniform<i8:f32, 5.000000e-02:-3>> to tensor<2x8xi8>
// CHECK: tosa.argmax %[[S]] {axis = 1 : i32} : (tensor<2x8xi8>) -> tensor<2xi32>
// CHECK: %[[NOT:.*]] = tosa.bitwise_not %{{.*}} : (tensor<2x8xi8>) -> tensor<2x8xi8>
// CHECK: tosa.argmax %[[NOT]] {axis = 1 : i32} : (tensor<2x8xi8>) -> tensor<2xi32>
// CHECK: %[[HALF:.*]] = tosa.mul %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x8xf32>
// CHECK: tosa.argmax %[[HALF]] {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2xi32>
// CHECK: %[[U:.*]] = qf.dequantize %arg1
// CHECK: tosa.argmax %[[U]] {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2xi32>
func.func @arg_max_min(%q: tensor<2x8x!quant.uniform<i8:f32, 0.05:-3>>, %u: tensor<2x8x!quant.uniform<u8:f32, 0.05:128>>) -> (tensor<2xi32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>) {
  %d = qf.dequantize %q : tensor<2x8x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<2x8xf32>
  %a = tosa.argmax %d {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2xi32>
  %minus = "tosa.const"() <{values = dense<-1.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %half = "tosa.const"() <{values = dense<-0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %n = tosa.mul %d, %minus, %shift : (tensor<2x8xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  %b = tosa.argmax %n {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2xi32>
  %h = tosa.mul %d, %half, %shift : (tensor<2x8xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  %c = tosa.argmax %h {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2xi32>
  %du = qf.dequantize %u : tensor<2x8x!quant.uniform<u8:f32, 0.05:128>> -> tensor<2x8xf32>
  %e = tosa.argmax %du {axis = 1 : i32} : (tensor<2x8xf32>) -> tensor<2xi32>
  return %a, %b, %c, %e : tensor<2xi32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>
}
