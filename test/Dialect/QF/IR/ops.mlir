// RUN: qforge-opt %s | FileCheck %s
// Parsing the printed form and the generic form gives the same IR again.
// RUN: qforge-opt %s | qforge-opt | FileCheck %s
// RUN: qforge-opt %s --mlir-print-op-generic | qforge-opt | FileCheck %s

// CHECK-LABEL: func.func @observe
func.func @observe(%x: tensor<1x8x26x26xf32>, %y: tensor<4xbf16>) {
  // CHECK: qf.observe %{{.*}} {id = 3 : i64, name = "conv1_out"} : tensor<1x8x26x26xf32>
  qf.observe %x {id = 3 : i64, name = "conv1_out"} : tensor<1x8x26x26xf32>
  // CHECK: qf.observe %{{.*}} {id = 0 : i64, name = "input"} : tensor<4xbf16>
  qf.observe %y {id = 0 : i64, name = "input"} : tensor<4xbf16>
  return
}

// CHECK-LABEL: func.func @quantize_per_tensor
func.func @quantize_per_tensor(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<u8:f32, 0.0235:12>> {
  // CHECK: qf.quantize %{{.*}} : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 2.350000e-02:12>>
  %q = qf.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 0.0235:12>>
  return %q : tensor<2x3x!quant.uniform<u8:f32, 0.0235:12>>
}

// CHECK-LABEL: func.func @quantize_per_axis
func.func @quantize_per_axis(%x: tensor<3x4xf32>) -> tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125}>> {
  // CHECK: qf.quantize %{{.*}} : tensor<3x4xf32> -> tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {5.000000e-01,2.500000e-01,1.250000e-01}>>
  %q = qf.quantize %x : tensor<3x4xf32> -> tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125}>>
  return %q : tensor<3x4x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125}>>
}

// Per-axis quantization accepts a dynamic size along its axis: the scale count
// is checked once the size is known.
// CHECK-LABEL: func.func @quantize_per_axis_dynamic
func.func @quantize_per_axis_dynamic(%x: tensor<?x2xf32>) -> tensor<?x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> {
  // CHECK: qf.quantize %{{.*}} : tensor<?x2xf32> -> tensor<?x2x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01}>>
  %q = qf.quantize %x : tensor<?x2xf32> -> tensor<?x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return %q : tensor<?x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
}

// CHECK-LABEL: func.func @quantize_blocks
func.func @quantize_blocks(%x: tensor<64x2xf32>) -> tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>> {
  // CHECK: qf.quantize %{{.*}} : tensor<64x2xf32> -> tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{.*}}1.000000e-01, 2.000000e-01}, {3.000000e-01, 4.000000e-01{{.*}}>>
  %q = qf.quantize %x : tensor<64x2xf32> -> tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>>
  return %q : tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>>
}

// CHECK-LABEL: func.func @dequantize
func.func @dequantize(%q: tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<2x3xf32> {
  // CHECK: qf.dequantize %{{.*}} : tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<2x3xf32>
  %x = qf.dequantize %q : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x3xf32>
  return %x : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @dequantize_f16
func.func @dequantize_f16(%q: tensor<2x!quant.uniform<u4:f16:0, {0.5:8, 0.25:7}>>) -> tensor<2xf16> {
  // CHECK: qf.dequantize %{{.*}} : tensor<2x!quant.uniform<u4:f16:0, {5.000000e-01:8,2.500000e-01:7}>> -> tensor<2xf16>
  %x = qf.dequantize %q : tensor<2x!quant.uniform<u4:f16:0, {0.5:8, 0.25:7}>> -> tensor<2xf16>
  return %x : tensor<2xf16>
}

// CHECK-LABEL: func.func @requantize
func.func @requantize(%q: tensor<8x!quant.uniform<i8:f32, 0.5:-3>>,
                      %p: tensor<2x8x!quant.uniform<i16:f32:0, {0.5, 0.25}>>)
    -> (tensor<8x!quant.uniform<u8:f32, 0.25:128>>, tensor<2x8x!quant.uniform<i8:f32, 0.1>>) {
  // CHECK: qf.requantize %{{.*}} : tensor<8x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<8x!quant.uniform<u8:f32, 2.500000e-01:128>>
  %r = qf.requantize %q : tensor<8x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<8x!quant.uniform<u8:f32, 0.25:128>>
  // CHECK: qf.requantize %{{.*}} : tensor<2x8x!quant.uniform<i16:f32:0, {5.000000e-01,2.500000e-01}>> -> tensor<2x8x!quant.uniform<i8:f32, 1.000000e-01>>
  %s = qf.requantize %p : tensor<2x8x!quant.uniform<i16:f32:0, {0.5, 0.25}>> -> tensor<2x8x!quant.uniform<i8:f32, 0.1>>
  return %r, %s : tensor<8x!quant.uniform<u8:f32, 0.25:128>>, tensor<2x8x!quant.uniform<i8:f32, 0.1>>
}

// CHECK-LABEL: func.func @matmul_requantized
func.func @matmul_requantized(%x: tensor<4x64x!quant.uniform<i8:f32, 0.05:-3>>,
                              %w: tensor<64x3x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.02, 0.03}>>,
                              %b: tensor<3xi32>) -> tensor<4x3x!quant.uniform<i8:f32, 0.2:-128>> {
  // CHECK: qf.matmul %{{.*}}, %{{.*}} bias %{{.*}} clamp [-128, 127] : (tensor<4x64x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<64x3x!quant.uniform<i8<-127:127>:f32:1, {1.000000e-02,2.000000e-02,3.000000e-02}>>, tensor<3xi32>) -> tensor<4x3x!quant.uniform<i8:f32, 2.000000e-01:-128>>
  %y = qf.matmul %x, %w bias %b clamp [-128, 127]
      : (tensor<4x64x!quant.uniform<i8:f32, 0.05:-3>>, tensor<64x3x!quant.uniform<i8<-127:127>:f32:1, {0.01, 0.02, 0.03}>>, tensor<3xi32>)
      -> tensor<4x3x!quant.uniform<i8:f32, 0.2:-128>>
  return %y : tensor<4x3x!quant.uniform<i8:f32, 0.2:-128>>
}

// A batched lhs, per-tensor weights, no bias, and the raw int32 accumulator.
// CHECK-LABEL: func.func @matmul_accumulator
func.func @matmul_accumulator(%x: tensor<2x?x16x!quant.uniform<u8:f32, 0.05:128>>,
                              %w: tensor<16x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x?x8xi32> {
  // CHECK: qf.matmul %{{.*}}, %{{.*}} : (tensor<2x?x16x!quant.uniform<u8:f32, 5.000000e-02:128>>, tensor<16x8x!quant.uniform<i8:f32, 1.000000e-02>>) -> tensor<2x?x8xi32>
  %y = qf.matmul %x, %w : (tensor<2x?x16x!quant.uniform<u8:f32, 0.05:128>>, tensor<16x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x?x8xi32>
  return %y : tensor<2x?x8xi32>
}

// int4 weights with one scale per 32 values along K and per column.
// CHECK-LABEL: func.func @matmul_int4_groups
func.func @matmul_int4_groups(%x: tensor<1x64x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.2:-3>> {
  // CHECK: %[[W:.*]] = qf.packed_constant
  %w = qf.packed_constant dense<119> : tensor<64xi8> : tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>>
  // CHECK: qf.matmul %{{.*}}, %[[W]] clamp [-3, 127]
  %y = qf.matmul %x, %w clamp [-3, 127]
      : (tensor<1x64x!quant.uniform<i8:f32, 0.05:-3>>, tensor<64x2x!quant.uniform<i4:f32:{0:32, 1:1}, {{0.1, 0.2}, {0.3, 0.4}}>>)
      -> tensor<1x2x!quant.uniform<i8:f32, 0.2:-3>>
  return %y : tensor<1x2x!quant.uniform<i8:f32, 0.2:-3>>
}

// CHECK-LABEL: func.func @conv2d_defaults
func.func @conv2d_defaults(%x: tensor<1x28x28x1x!quant.uniform<u8:f32, 0.0039:0>>,
                           %w: tensor<8x3x3x1x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x26x26x8xi32> {
  // CHECK: qf.conv2d %{{.*}}, %{{.*}} : (tensor<1x28x28x1x!quant.uniform<u8:f32, 3.900000e-03>>, tensor<8x3x3x1x!quant.uniform<i8:f32, 2.000000e-02>>) -> tensor<1x26x26x8xi32>
  %y = qf.conv2d %x, %w : (tensor<1x28x28x1x!quant.uniform<u8:f32, 0.0039:0>>, tensor<8x3x3x1x!quant.uniform<i8:f32, 0.02>>) -> tensor<1x26x26x8xi32>
  return %y : tensor<1x26x26x8xi32>
}

// Strided, padded, dilated, with bias and a fused ReLU6 clamp.
// CHECK-LABEL: func.func @conv2d_full
func.func @conv2d_full(%x: tensor<1x15x15x4x!quant.uniform<i8:f32, 0.05:-10>>,
                       %w: tensor<2x3x5x4x!quant.uniform<i8:f32:0, {0.01, 0.02}>>,
                       %b: tensor<2xi32>) -> tensor<1x7x6x2x!quant.uniform<i8:f32, 0.0235:-128>> {
  // CHECK: qf.conv2d %{{.*}}, %{{.*}} bias %{{.*}} clamp [-128, 127] {dilations = array<i64: 1, 2>, padding = array<i64: 1, 0, 2, 2>, strides = array<i64: 2, 2>}
  %y = qf.conv2d %x, %w bias %b clamp [-128, 127] {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 2, 2>, dilations = array<i64: 1, 2>}
      : (tensor<1x15x15x4x!quant.uniform<i8:f32, 0.05:-10>>, tensor<2x3x5x4x!quant.uniform<i8:f32:0, {0.01, 0.02}>>, tensor<2xi32>)
      -> tensor<1x7x6x2x!quant.uniform<i8:f32, 0.0235:-128>>
  return %y : tensor<1x7x6x2x!quant.uniform<i8:f32, 0.0235:-128>>
}

// Depthwise: groups == channels, two filters per channel.
// CHECK-LABEL: func.func @conv2d_depthwise
func.func @conv2d_depthwise(%x: tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>,
                            %w: tensor<8x3x3x1x!quant.uniform<i8:f32:0, {0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2}>>)
    -> tensor<1x8x8x8x!quant.uniform<u8:f32, 0.1:0>> {
  // CHECK: qf.conv2d %{{.*}}, %{{.*}} clamp [0, 255] {groups = 4 : i64, padding = array<i64: 1, 1, 1, 1>}
  %y = qf.conv2d %x, %w clamp [0, 255] {groups = 4 : i64, padding = array<i64: 1, 1, 1, 1>}
      : (tensor<1x8x8x4x!quant.uniform<u8:f32, 0.05:128>>, tensor<8x3x3x1x!quant.uniform<i8:f32:0, {0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2}>>)
      -> tensor<1x8x8x8x!quant.uniform<u8:f32, 0.1:0>>
  return %y : tensor<1x8x8x8x!quant.uniform<u8:f32, 0.1:0>>
}

// An odd element count leaves the last high nibble unused (zero).
// CHECK-LABEL: func.func @packed_constant
func.func @packed_constant() -> (tensor<3x!quant.uniform<i4:f32, 0.5>>, tensor<2x2x!quant.uniform<u4<1:15>:f32:0, {0.5:8, 0.25:8}>>) {
  // CHECK: qf.packed_constant dense<[-103, 7]> : tensor<2xi8> : tensor<3x!quant.uniform<i4:f32, 5.000000e-01>>
  %a = qf.packed_constant dense<[-103, 7]> : tensor<2xi8> : tensor<3x!quant.uniform<i4:f32, 0.5>>
  // CHECK: qf.packed_constant dense<[33, -1]> : tensor<2xi8> : tensor<2x2x!quant.uniform<u4<1:15>:f32:0, {5.000000e-01:8,2.500000e-01:8}>>
  %b = qf.packed_constant dense<[0x21, 0xFF]> : tensor<2xi8> : tensor<2x2x!quant.uniform<u4<1:15>:f32:0, {0.5:8, 0.25:8}>>
  return %a, %b : tensor<3x!quant.uniform<i4:f32, 0.5>>, tensor<2x2x!quant.uniform<u4<1:15>:f32:0, {0.5:8, 0.25:8}>>
}

// The function and op marks of the verification pass are qf attributes.
// CHECK-LABEL: func.func @marks
// CHECK-SAME: attributes {qf.quantized}
func.func @marks(%x: tensor<4xf32>) -> tensor<4xf32> attributes {qf.quantized} {
  // CHECK: math.exp %{{.*}} {qf.keep_float} : tensor<4xf32>
  %y = math.exp %x {qf.keep_float} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// CHECK-LABEL: func.func @add
// CHECK: qf.add %arg0, %arg1 clamp [-128, 127] : (tensor<1x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<1x8x!quant.uniform<i8:f32, 1.000000e-01>>) -> tensor<1x8x!quant.uniform<i8:f32, 1.200000e-01:-128>>
func.func @add(%a: tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>, %b: tensor<1x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.12:-128>> {
  %y = qf.add %a, %b clamp [-128, 127] : (tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x8x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x8x!quant.uniform<i8:f32, 0.12:-128>>
  return %y : tensor<1x8x!quant.uniform<i8:f32, 0.12:-128>>
}

// CHECK-LABEL: func.func @avg_pool2d
// CHECK: qf.avg_pool2d %arg0 {kernel = array<i64: 7, 7>, strides = array<i64: 1, 1>} : (tensor<1x7x7x8x!quant.uniform<i8:f32, 5.000000e-02:-128>>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 1.000000e-02:-128>>
func.func @avg_pool2d(%x: tensor<1x7x7x8x!quant.uniform<i8:f32, 0.05:-128>>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.01:-128>> {
  %y = qf.avg_pool2d %x {kernel = array<i64: 7, 7>, strides = array<i64: 1, 1>} : (tensor<1x7x7x8x!quant.uniform<i8:f32, 0.05:-128>>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.01:-128>>
  return %y : tensor<1x1x1x8x!quant.uniform<i8:f32, 0.01:-128>>
}

// A chunked loop body: the chunk's bounds are the block arguments. The
// kernels' mark for it is a unit attribute on scf.for.
// CHECK-LABEL: func.func @parallel_for
// CHECK: qf.parallel_for (%[[B:.*]], %[[E:.*]]) in %arg1 {
// CHECK-NEXT: %[[BI:.*]] = arith.index_cast %[[B]] : i64 to index
// CHECK-NEXT: %[[EI:.*]] = arith.index_cast %[[E]] : i64 to index
// CHECK-NEXT: scf.for %{{.*}} = %[[BI]] to %[[EI]] step %{{.*}} {
// CHECK: } {qf.parallel_split}
// CHECK: qf.parallel_yield
// CHECK-NEXT: }
func.func @parallel_for(%buf: memref<64xf32>, %items: i64) {
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  qf.parallel_for (%begin, %end) in %items {
    %b = arith.index_cast %begin : i64 to index
    %e = arith.index_cast %end : i64 to index
    scf.for %i = %b to %e step %c1 {
      memref.store %one, %buf[%i] : memref<64xf32>
    } {qf.parallel_split}
    qf.parallel_yield
  }
  return
}

// CHECK-LABEL: func.func @lookup
// CHECK: qf.lookup %arg0 table dense<3> : tensor<256xi8> : (tensor<2x4x!quant.uniform<i8:f32, 1.000000e-01:-3>>) -> tensor<2x4x!quant.uniform<u8:f32, 2.000000e-01:7>>
func.func @lookup(%x: tensor<2x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<2x4x!quant.uniform<u8:f32, 0.2:7>> {
  %y = qf.lookup %x table dense<3> : tensor<256xi8> : (tensor<2x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<2x4x!quant.uniform<u8:f32, 0.2:7>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.2:7>>
}

// CHECK-LABEL: func.func @vbmi_permute
// CHECK: qf.vbmi_permute %arg0, %arg1, %arg2 : vector<64xi8>
func.func @vbmi_permute(%lo: vector<64xi8>, %i: vector<64xi8>, %hi: vector<64xi8>) -> vector<64xi8> {
  %r = qf.vbmi_permute %lo, %i, %hi : vector<64xi8>
  return %r : vector<64xi8>
}

// CHECK-LABEL: func.func @amx_ready
// CHECK: %[[R:.*]] = qf.amx_ready
// CHECK: return %[[R]] : i1
func.func @amx_ready() -> i1 {
  %r = qf.amx_ready
  return %r : i1
}

// CHECK-LABEL: func.func @mul_broadcast
// CHECK: qf.mul %arg0, %arg1 clamp [-128, 100] : (tensor<1x3x3x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<1x1x1x8x!quant.uniform<i8:f32, 4.000000e-03:-128>>) -> tensor<1x3x3x8x!quant.uniform<i8:f32, 3.000000e-02:-10>>
func.func @mul_broadcast(%x: tensor<1x3x3x8x!quant.uniform<i8:f32, 0.05:-3>>, %s: tensor<1x1x1x8x!quant.uniform<i8:f32, 0.004:-128>>) -> tensor<1x3x3x8x!quant.uniform<i8:f32, 0.03:-10>> {
  %y = qf.mul %x, %s clamp [-128, 100] : (tensor<1x3x3x8x!quant.uniform<i8:f32, 0.05:-3>>, tensor<1x1x1x8x!quant.uniform<i8:f32, 0.004:-128>>) -> tensor<1x3x3x8x!quant.uniform<i8:f32, 0.03:-10>>
  return %y : tensor<1x3x3x8x!quant.uniform<i8:f32, 0.03:-10>>
}
