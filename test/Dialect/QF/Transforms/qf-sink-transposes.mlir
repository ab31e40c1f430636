// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-sink-transposes))' | FileCheck %s

// A residual block as imported: convolution results go back to NCHW for the
// add and the ReLU, then to NHWC for the next convolution. The transposes
// move below the add and the clamp and meet the one back: nothing is left
// but the NHWC add and clamp.
// CHECK-LABEL: func.func @residual
// CHECK-NOT: tosa.transpose
// CHECK: %[[SUM:.*]] = tosa.add %arg0, %arg1 : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
// CHECK: %[[RELU:.*]] = tosa.clamp %[[SUM]] {{.*}} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[RELU]] : tensor<1x4x4x8xf32>
func.func @residual(%x: tensor<1x4x4x8xf32>, %y: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %b = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %s = tosa.add %a, %b : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %r = tosa.clamp %s {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %n = tosa.transpose %r {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  return %n : tensor<1x4x4x8xf32>
}

// -----

// The quantized residual add (qf.add, its clamp a fused ReLU) moves the same
// way; a result that stays NCHW keeps one transpose after the add, on the
// storage integers (as qf-sink-dequantize writes transposes).
// CHECK-LABEL: func.func @quantized_add
// CHECK: %[[SUM:.*]] = qf.add %arg0, %arg1 clamp [0, 255] : (tensor<1x4x4x8x!quant.uniform<u8:f32, 1.000000e-01:3>>, tensor<1x4x4x8x!quant.uniform<u8:f32, 2.000000e-01:5>>) -> tensor<1x4x4x8x!quant.uniform<u8:f32, 2.500000e-01:1>>
// CHECK: %[[S:.*]] = quant.scast %[[SUM]] : tensor<1x4x4x8x!quant.uniform<u8:f32, 2.500000e-01:1>> to tensor<1x4x4x8xi8>
// CHECK: %[[T:.*]] = tosa.transpose %[[S]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK: %[[R:.*]] = quant.scast %[[T]] : tensor<1x8x4x4xi8> to tensor<1x8x4x4x!quant.uniform<u8:f32, 2.500000e-01:1>>
// CHECK: return %[[R]]
func.func @quantized_add(%x: tensor<1x4x4x8x!quant.uniform<u8:f32, 0.1:3>>, %y: tensor<1x4x4x8x!quant.uniform<u8:f32, 0.2:5>>) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.25:1>> {
  %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.1:3>>
  %b = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8x!quant.uniform<u8:f32, 0.2:5>>) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.2:5>>
  %s = qf.add %a, %b clamp [0, 255] : (tensor<1x8x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<1x8x4x4x!quant.uniform<u8:f32, 0.2:5>>) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.25:1>>
  return %s : tensor<1x8x4x4x!quant.uniform<u8:f32, 0.25:1>>
}

// -----

// Operands transposed by different permutations, an operand that is no
// transpose (nor a constant), and a reshape that is not the same transpose
// (it reorders non-unit dimensions) stay as they are.
// CHECK-LABEL: func.func @left_alone
// CHECK: %[[A:.*]] = tosa.transpose %arg0 {perms = array<i32: 0, 3, 1, 2>}
// CHECK: %[[B:.*]] = tosa.transpose %arg1 {perms = array<i32: 0, 3, 2, 1>}
// CHECK: tosa.add %[[A]], %[[B]] : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>)
// CHECK: tosa.add %[[A]], %arg2 : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>)
// CHECK: %[[C:.*]] = tosa.reshape %arg3
// CHECK: tosa.add %[[A]], %[[C]] : (tensor<1x4x4x4xf32>, tensor<1x4x4x1xf32>)
func.func @left_alone(%x: tensor<1x4x4x4xf32>, %y: tensor<1x4x4x4xf32>, %z: tensor<1x4x4x4xf32>, %w: tensor<1x4x1x4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %b = tosa.transpose %y {perms = array<i32: 0, 3, 2, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %s = tosa.add %a, %b : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %t = tosa.add %a, %z : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %shape = tosa.const_shape {values = dense<[1, 4, 4, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %c = tosa.reshape %w, %shape : (tensor<1x4x1x4xf32>, !tosa.shape<4>) -> tensor<1x4x4x1xf32>
  %u = tosa.add %a, %c : (tensor<1x4x4x4xf32>, tensor<1x4x4x1xf32>) -> tensor<1x4x4x4xf32>
  return %s, %t, %u : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// A squeeze-excitation block as MobileNetV3 imports it: the channel gate
// is computed in NHWC on the pooled [1, 1, 1, C] tensor and moved to
// [1, C, 1, 1] for the NCHW multiply, a transpose of unit dimensions that
// canonicalization writes as a reshape; tosa.mul carries a shift operand.
// The transpose sinks through the broadcasting multiply, the reshape is
// taken as the same transpose, the shift stays.
// CHECK-LABEL: func.func @squeeze_excitation
// CHECK-NOT: tosa.reshape
// CHECK: %[[SCALED:.*]] = tosa.mul %arg0, %arg1, %{{.*}} : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>, tensor<1xi8>) -> tensor<1x4x4x8xf32>
// CHECK: tosa.transpose %[[SCALED]] {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
// CHECK-NOT: tosa.transpose
func.func @squeeze_excitation(%x: tensor<1x4x4x8xf32>, %gate: tensor<1x1x1x8xf32>) -> tensor<1x8x4x4xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %shape = tosa.const_shape {values = dense<[1, 8, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %g = tosa.reshape %gate, %shape : (tensor<1x1x1x8xf32>, !tosa.shape<4>) -> tensor<1x8x1x1xf32>
  %y = tosa.mul %a, %g, %shift : (tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>, tensor<1xi8>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// -----

// HardSwish, x * clamp(x / 6 + 1/2, 0, 1), on an NCHW view: the constant
// operands ([1, 1, 1, 1] here, [1, C, 1, 1] per channel) take the NHWC
// layout at compile time, and the whole chain runs NHWC.
// CHECK-LABEL: func.func @hard_swish
// CHECK: %[[SCALE:.*]] = "tosa.const"() <{values = dense<{{\[}}[{{\[}}[1.000000e+00, 2.000000e+00]]]]> : tensor<1x1x1x2xf32>}>
// CHECK: tosa.mul %arg0, %{{.*}}, %{{.*}} : (tensor<1x4x4x2xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>)
// CHECK: tosa.add %{{.*}}, %{{.*}} : (tensor<1x4x4x2xf32>, tensor<1x1x1x1xf32>)
// CHECK: tosa.clamp %{{.*}} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[SWISH:.*]] = tosa.mul %arg0, %{{.*}}, %{{.*}} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1xi8>)
// CHECK: %[[CHANNEL:.*]] = tosa.mul %[[SWISH]], %[[SCALE]], %{{.*}} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>)
// CHECK: tosa.transpose %[[CHANNEL]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK-NOT: tosa.transpose
func.func @hard_swish(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %sixth = "tosa.const"() {values = dense<0.166666672> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %half = "tosa.const"() {values = dense<0.5> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %perchannel = "tosa.const"() {values = dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %m = tosa.mul %a, %sixth, %shift : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %o = tosa.add %m, %half : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %g = tosa.clamp %o {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %s = tosa.mul %a, %g, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %y = tosa.mul %s, %perchannel, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// After qf-sink-dequantize a quantized transpose runs on the storage
// integers between two quant.scast; the add's operands are seen through
// them, its result is transposed the same way, and the casts and
// transposes that meet fold: the NHWC add is all that is left.
// CHECK-LABEL: func.func @storage_transposes
// CHECK-NOT: tosa.transpose
// CHECK: %[[SUM:.*]] = qf.add %arg0, %arg1 : (tensor<1x4x4x8x!quant.uniform<i8:f32, 1.000000e-01:3>>, tensor<1x4x4x8x!quant.uniform<i8:f32, 2.000000e-01:5>>) -> tensor<1x4x4x8x!quant.uniform<i8:f32, 2.500000e-01:1>>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[SUM]]
func.func @storage_transposes(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>>, %y: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.2:5>>) -> tensor<1x4x4x8x!quant.uniform<i8:f32, 0.25:1>> {
  %xs = quant.scast %x : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>> to tensor<1x4x4x8xi8>
  %xt = tosa.transpose %xs {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xi8>) -> tensor<1x8x4x4xi8>
  %a = quant.scast %xt : tensor<1x8x4x4xi8> to tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>>
  %ys = quant.scast %y : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.2:5>> to tensor<1x4x4x8xi8>
  %yt = tosa.transpose %ys {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xi8>) -> tensor<1x8x4x4xi8>
  %b = quant.scast %yt : tensor<1x8x4x4xi8> to tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:5>>
  %s = qf.add %a, %b : (tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>>, tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:5>>) -> tensor<1x8x4x4x!quant.uniform<i8:f32, 0.25:1>>
  %ss = quant.scast %s : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.25:1>> to tensor<1x8x4x4xi8>
  %st = tosa.transpose %ss {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xi8>) -> tensor<1x4x4x8xi8>
  %r = quant.scast %st : tensor<1x4x4x8xi8> to tensor<1x4x4x8x!quant.uniform<i8:f32, 0.25:1>>
  return %r : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.25:1>>
}

// -----

// An operand whose transposed integers no quantized value names: a max
// pooling runs on the storage integers (ResNet's stem: its result feeds the
// first residual add and the next convolution). The add takes them through
// a new cast to the operand's quantized type, in NHWC.
// CHECK-LABEL: func.func @pooled_storage_operand
// CHECK: %[[POOL:.*]] = tosa.max_pool2d %arg1
// CHECK: %[[Q:.*]] = quant.scast %[[POOL]] : tensor<1x4x4x8xi8> to tensor<1x4x4x8x!quant.uniform<i8:f32, 2.000000e-01:5>>
// CHECK: %[[SUM:.*]] = qf.add %arg0, %[[Q]] : (tensor<1x4x4x8x!quant.uniform<i8:f32, 1.000000e-01:3>>, tensor<1x4x4x8x!quant.uniform<i8:f32, 2.000000e-01:5>>) -> tensor<1x4x4x8x!quant.uniform<i8:f32, 2.500000e-01:1>>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[SUM]], %[[POOL]]
func.func @pooled_storage_operand(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>>, %y: tensor<1x8x8x8xi8>) -> (tensor<1x4x4x8x!quant.uniform<i8:f32, 0.25:1>>, tensor<1x4x4x8xi8>) {
  %xs = quant.scast %x : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>> to tensor<1x4x4x8xi8>
  %xt = tosa.transpose %xs {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xi8>) -> tensor<1x8x4x4xi8>
  %a = quant.scast %xt : tensor<1x8x4x4xi8> to tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>>
  %p = tosa.max_pool2d %y {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x8xi8>) -> tensor<1x4x4x8xi8>
  %pt = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xi8>) -> tensor<1x8x4x4xi8>
  %b = quant.scast %pt : tensor<1x8x4x4xi8> to tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:5>>
  %s = qf.add %a, %b : (tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>>, tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:5>>) -> tensor<1x8x4x4x!quant.uniform<i8:f32, 0.25:1>>
  %ss = quant.scast %s : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.25:1>> to tensor<1x8x4x4xi8>
  %st = tosa.transpose %ss {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xi8>) -> tensor<1x4x4x8xi8>
  %r = quant.scast %st : tensor<1x4x4x8xi8> to tensor<1x4x4x8x!quant.uniform<i8:f32, 0.25:1>>
  return %r, %p : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.25:1>>, tensor<1x4x4x8xi8>
}

// -----

// A fire module's join as imported: both branches back to NCHW, joined
// along channels (axis 1), and to NHWC for the next convolution. The
// transposes move below the concatenation, which joins along NHWC's
// channels (axis 3), and meet the one back: nothing is left but the
// concatenation.
// CHECK-LABEL: func.func @fire_concat
// CHECK-NOT: tosa.transpose
// CHECK: %[[J:.*]] = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x16xf32>) -> tensor<1x4x4x24xf32>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[J]] : tensor<1x4x4x24xf32>
func.func @fire_concat(%x: tensor<1x4x4x8xf32>, %y: tensor<1x4x4x16xf32>) -> tensor<1x4x4x24xf32> {
  %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %b = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x16xf32>) -> tensor<1x16x4x4xf32>
  %c = tosa.concat %a, %b {axis = 1 : i32} : (tensor<1x8x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<1x24x4x4xf32>
  %n = tosa.transpose %c {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x24x4x4xf32>) -> tensor<1x4x4x24xf32>
  return %n : tensor<1x4x4x24xf32>
}

// -----

// Quantized concatenations run on the storage integers; a result that stays
// NCHW keeps one transpose after the join.
// CHECK-LABEL: func.func @storage_concat
// CHECK: %[[J:.*]] = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x2x3x4xi8>, tensor<1x2x3x4xi8>) -> tensor<1x2x3x8xi8>
// CHECK: %[[T:.*]] = tosa.transpose %[[J]] {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x3x8xi8>) -> tensor<1x8x2x3xi8>
// CHECK: return %[[T]]
func.func @storage_concat(%x: tensor<1x2x3x4xi8>, %y: tensor<1x2x3x4xi8>) -> tensor<1x8x2x3xi8> {
  %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x3x4xi8>) -> tensor<1x4x2x3xi8>
  %b = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x3x4xi8>) -> tensor<1x4x2x3xi8>
  %c = tosa.concat %a, %b {axis = 1 : i32} : (tensor<1x4x2x3xi8>, tensor<1x4x2x3xi8>) -> tensor<1x8x2x3xi8>
  return %c : tensor<1x8x2x3xi8>
}

// -----

// One operand not transposed: the concatenation stays as it is.
// CHECK-LABEL: func.func @concat_mixed
// CHECK: %[[A:.*]] = tosa.transpose %arg0
// CHECK: tosa.concat %[[A]], %arg1 {axis = 1 : i32}
func.func @concat_mixed(%x: tensor<1x4x4x8xf32>, %y: tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32> {
  %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %c = tosa.concat %a, %y {axis = 1 : i32} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %c : tensor<1x16x4x4xf32>
}

// -----

// A float island between two integer layers (a HardSwish left float): the
// transposes go through qf.dequantize, the float ops and qf.quantize, and
// meet the next layer's: the island runs in NHWC with no transpose left.
// CHECK-LABEL: func.func @float_island
// CHECK-NOT: tosa.transpose
// CHECK: %[[D:.*]] = qf.dequantize %arg0 : tensor<1x4x4x8x!quant.uniform<i8:f32, 1.000000e-01:3>> -> tensor<1x4x4x8xf32>
// CHECK: %[[M:.*]] = tosa.mul %[[D]], %{{.*}} : (tensor<1x4x4x8xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x4x4x8xf32>
// CHECK: %[[Q:.*]] = qf.quantize %[[M]] : tensor<1x4x4x8xf32> -> tensor<1x4x4x8x!quant.uniform<i8:f32, 2.000000e-01:-1>>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[Q]]
func.func @float_island(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<1x4x4x8x!quant.uniform<i8:f32, 0.2:-1>> {
  %xs = quant.scast %x : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>> to tensor<1x4x4x8xi8>
  %xt = tosa.transpose %xs {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xi8>) -> tensor<1x8x4x4xi8>
  %a = quant.scast %xt : tensor<1x8x4x4xi8> to tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>>
  %f = qf.dequantize %a : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>> -> tensor<1x8x4x4xf32>
  %c = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %f, %c, %shift : (tensor<1x8x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x8x4x4xf32>
  %q = qf.quantize %m : tensor<1x8x4x4xf32> -> tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:-1>>
  %qs = quant.scast %q : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:-1>> to tensor<1x8x4x4xi8>
  %qt = tosa.transpose %qs {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xi8>) -> tensor<1x4x4x8xi8>
  %r = quant.scast %qt : tensor<1x4x4x8xi8> to tensor<1x4x4x8x!quant.uniform<i8:f32, 0.2:-1>>
  return %r : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.2:-1>>
}

// -----

// A squeeze-excitation scale computed by integer layers: its storage
// integers are reshaped from [1, 1, 1, C] to [1, C, 1, 1]. The reshape moves
// below the dequantization and the scale's float activation (its constant
// of one element reshaped with it), where the multiply takes it as the same
// transpose as its other operand: the multiply runs in NHWC.
// CHECK-LABEL: func.func @integer_excitation
// CHECK-NOT: tosa.transpose
// CHECK-DAG: %[[D:.*]] = qf.dequantize %arg0 : {{.*}} -> tensor<1x4x4x8xf32>
// CHECK-DAG: %[[S:.*]] = qf.dequantize %arg1 : tensor<1x1x1x8x!quant.uniform<i8:f32, 5.000000e-02:-2>> -> tensor<1x1x1x8xf32>
// CHECK: %[[A:.*]] = tosa.add %[[S]], %{{.*}} : (tensor<1x1x1x8xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x1x8xf32>
// CHECK: %[[C:.*]] = tosa.clamp %[[A]] {{.*}} : (tensor<1x1x1x8xf32>) -> tensor<1x1x1x8xf32>
// CHECK: tosa.mul %[[C]], %[[D]], %{{.*}} : (tensor<1x1x1x8xf32>, tensor<1x4x4x8xf32>, tensor<1xi8>) -> tensor<1x4x4x8xf32>
// CHECK: tosa.transpose
// CHECK-NOT: tosa.transpose
func.func @integer_excitation(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>>, %s: tensor<1x1x1x8x!quant.uniform<i8:f32, 0.05:-2>>) -> tensor<1x8x4x4xf32> {
  %xs = quant.scast %x : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>> to tensor<1x4x4x8xi8>
  %xt = tosa.transpose %xs {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xi8>) -> tensor<1x8x4x4xi8>
  %a = quant.scast %xt : tensor<1x8x4x4xi8> to tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>>
  %f = qf.dequantize %a : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>> -> tensor<1x8x4x4xf32>
  %ss = quant.scast %s : tensor<1x1x1x8x!quant.uniform<i8:f32, 0.05:-2>> to tensor<1x1x1x8xi8>
  %shape = tosa.const_shape {values = dense<[1, 8, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %sr = tosa.reshape %ss, %shape : (tensor<1x1x1x8xi8>, !tosa.shape<4>) -> tensor<1x8x1x1xi8>
  %sq = quant.scast %sr : tensor<1x8x1x1xi8> to tensor<1x8x1x1x!quant.uniform<i8:f32, 0.05:-2>>
  %sf = qf.dequantize %sq : tensor<1x8x1x1x!quant.uniform<i8:f32, 0.05:-2>> -> tensor<1x8x1x1xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %biased = tosa.add %sf, %half : (tensor<1x8x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x8x1x1xf32>
  %gate = tosa.clamp %biased {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<1x8x1x1xf32>) -> tensor<1x8x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %gate, %f, %shift : (tensor<1x8x1x1xf32>, tensor<1x8x4x4xf32>, tensor<1xi8>) -> tensor<1x8x4x4xf32>
  return %m : tensor<1x8x4x4xf32>
}

// -----

// A per-axis quantized type names its axis: a quantization to one stays
// where it is.
// CHECK-LABEL: func.func @per_axis_left_alone
// CHECK: %[[T:.*]] = tosa.transpose %arg0
// CHECK: qf.quantize %[[T]]
func.func @per_axis_left_alone(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %q = qf.quantize %t : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return %q : tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
}

// -----

// A slice of a transpose (a Split of NCHW channels after an NHWC
// convolution) becomes the slice of the untransposed tensor along the
// permuted axis, transposed: start [0, 2, 0, 0] in NCHW is [0, 0, 0, 2] in
// NHWC. The transposes then meet the next convolution's and cancel.
// CHECK-LABEL: func.func @split_channels
// CHECK-DAG: %[[START:.*]] = tosa.const_shape {values = dense<[0, 0, 0, 2]> : tensor<4xindex>}
// CHECK-DAG: %[[SIZE:.*]] = tosa.const_shape {values = dense<[1, 3, 3, 2]> : tensor<4xindex>}
// CHECK: %[[S:.*]] = tosa.slice %arg0, %[[START]], %[[SIZE]] : (tensor<1x3x3x4xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x3x3x2xi8>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[S]]
func.func @split_channels(%x: tensor<1x3x3x4xi8>) -> tensor<1x3x3x2xi8> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x4xi8>) -> tensor<1x4x3x3xi8>
  %start = tosa.const_shape {values = dense<[0, 2, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 2, 3, 3]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %t, %start, %size : (tensor<1x4x3x3xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x3x3xi8>
  %back = tosa.transpose %s {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xi8>) -> tensor<1x3x3x2xi8>
  return %back : tensor<1x3x3x2xi8>
}

// -----

// An integer squeeze-excitation product: the scale's storage integers are
// reshaped [1, 1, 1, C] -> [1, C, 1, 1], which counts as the same transpose
// as the activations' (through the storage casts); the product runs in
// NHWC and no transpose is left.
// CHECK-LABEL: func.func @integer_scale_product
// CHECK-NOT: tosa.transpose
// CHECK: %[[M:.*]] = qf.mul %arg0, %arg1 : (tensor<1x4x4x8x!quant.uniform<i8:f32, 1.000000e-01:3>>, tensor<1x1x1x8x!quant.uniform<i8:f32, 5.000000e-02:-2>>) -> tensor<1x4x4x8x!quant.uniform<i8:f32, 2.000000e-01:-1>>
// CHECK-NOT: tosa.transpose
// CHECK: return %[[M]]
func.func @integer_scale_product(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>>, %s: tensor<1x1x1x8x!quant.uniform<i8:f32, 0.05:-2>>) -> tensor<1x4x4x8x!quant.uniform<i8:f32, 0.2:-1>> {
  %xs = quant.scast %x : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:3>> to tensor<1x4x4x8xi8>
  %xt = tosa.transpose %xs {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xi8>) -> tensor<1x8x4x4xi8>
  %a = quant.scast %xt : tensor<1x8x4x4xi8> to tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>>
  %ss = quant.scast %s : tensor<1x1x1x8x!quant.uniform<i8:f32, 0.05:-2>> to tensor<1x1x1x8xi8>
  %shape = tosa.const_shape {values = dense<[1, 8, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %sr = tosa.reshape %ss, %shape : (tensor<1x1x1x8xi8>, !tosa.shape<4>) -> tensor<1x8x1x1xi8>
  %sq = quant.scast %sr : tensor<1x8x1x1xi8> to tensor<1x8x1x1x!quant.uniform<i8:f32, 0.05:-2>>
  %m = qf.mul %a, %sq : (tensor<1x8x4x4x!quant.uniform<i8:f32, 0.1:3>>, tensor<1x8x1x1x!quant.uniform<i8:f32, 0.05:-2>>) -> tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:-1>>
  %ms = quant.scast %m : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:-1>> to tensor<1x8x4x4xi8>
  %mt = tosa.transpose %ms {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xi8>) -> tensor<1x4x4x8xi8>
  %r = quant.scast %mt : tensor<1x4x4x8xi8> to tensor<1x4x4x8x!quant.uniform<i8:f32, 0.2:-1>>
  return %r : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.2:-1>>
}
