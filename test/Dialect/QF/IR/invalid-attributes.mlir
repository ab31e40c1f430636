// RUN: qforge-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'qf.quantized' must be a unit attribute}}
func.func @quantized_not_unit() attributes {qf.quantized = 1 : i32} {
  return
}

// -----

func.func @keep_float_not_unit(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qf.keep_float' must be a unit attribute}}
  %y = math.exp %x {qf.keep_float = "yes"} : tensor<4xf32>
  return
}

// -----

// expected-error @+1 {{unknown qf attribute 'qf.quantised'}}
func.func @misspelt() attributes {qf.quantised} {
  return
}

// -----

func.func @parallel_split_not_unit(%buf: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{'qf.parallel_split' must be a unit attribute}}
  scf.for %i = %c0 to %c4 step %c1 {
  } {qf.parallel_split = 1 : i64}
  return
}

// -----

func.func @kernel_not_an_enum(%x: tensor<1x4xi8>) -> tensor<1x2xi32> {
  %q = quant.scast %x : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.1>>
  %wi = arith.constant dense<1> : tensor<4x2xi8>
  %w = quant.scast %wi : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32, 0.01>>
  // expected-error @+1 {{'qf.kernel' must be a #qf.kernel attribute}}
  %y = qf.matmul %q, %w {qf.kernel = "vnni_product"} : (tensor<1x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x2x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

func.func @product_kernel_on_depthwise(%x: tensor<1x4x4x16xi8>) -> tensor<1x4x4x16xi32> {
  %q = quant.scast %x : tensor<1x4x4x16xi8> to tensor<1x4x4x16x!quant.uniform<u8:f32, 0.1>>
  %fi = arith.constant dense<1> : tensor<16x3x3x1xi8>
  %f = quant.scast %fi : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>
  // expected-error @+1 {{'qf.kernel' vnni_product computes qf.matmul and ungrouped qf.conv2d, not this op}}
  %y = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vnni_product>, groups = 16 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x16x!quant.uniform<u8:f32, 0.1>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x16xi32>
  return %y : tensor<1x4x4x16xi32>
}

// -----

func.func @avx_vnni_product_on_float(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'qf.kernel' avx_vnni_product computes qf.matmul and ungrouped qf.conv2d, not this op}}
  %y = math.exp %x {qf.kernel = #qf.kernel<avx_vnni_product>} : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @depthwise_kernel_on_matmul(%x: tensor<1x4xi8>) -> tensor<1x2xi32> {
  %q = quant.scast %x : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.1>>
  %wi = arith.constant dense<1> : tensor<4x2xi8>
  %w = quant.scast %wi : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32, 0.01>>
  // expected-error @+1 {{'qf.kernel' vector_depthwise computes depthwise (grouped) qf.conv2d, not this op}}
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<vector_depthwise>} : (tensor<1x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x2x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

func.func @float_kernel_on_integer_op(%x: tensor<1x4xi8>) -> tensor<1x2xi32> {
  %q = quant.scast %x : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.1>>
  %wi = arith.constant dense<1> : tensor<4x2xi8>
  %w = quant.scast %wi : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32, 0.01>>
  // expected-error @+1 {{'qf.kernel' fma_product computes float tosa.conv2d and tosa.matmul, not this op}}
  %y = qf.matmul %q, %w {qf.kernel = #qf.kernel<fma_product>} : (tensor<1x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x2x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

// The float depthwise kernel computes tosa.depthwise_conv2d only: an
// ordinary convolution is fma_product's.
func.func @float_depthwise_kernel_on_conv(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{'qf.kernel' fma_depthwise computes float tosa.depthwise_conv2d, not this op}}
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {qf.kernel = #qf.kernel<fma_depthwise>, acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// The table kernel computes qf.lookup only.
func.func @lookup_kernel_on_add(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>> {
  // expected-error @+1 {{'qf.kernel' vbmi_lookup computes qf.lookup, not this op}}
  %y = qf.add %a, %a {qf.kernel = #qf.kernel<vbmi_lookup>} : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.2>>
}

// -----

func.func @unknown_kernel(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+2 {{expected ::qforge::qf::Kernel to be one of: vnni_product, sdot_product, smmla_product, vnni_depthwise_rows, vector_depthwise, fma_product, fma_depthwise, vbmi_lookup, avx_vnni_product, fma256_product, fma256_depthwise, pmaddwd_product, fmla_product, fmla_depthwise, smull_product, amx_product}}
  // expected-error @+1 {{failed to parse QF_KernelAttr parameter 'value'}}
  %y = math.exp %x {qf.kernel = #qf.kernel<tile_product>} : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// qf.kernel_store marks the stores of a kernel's results, nothing else.
func.func @kernel_store_on_read(%t: tensor<16xf32>) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  // expected-error @+1 {{'qf.kernel_store' marks a kernel's vector.transfer_write, not this op}}
  %v = vector.transfer_read %t[%c0], %z {qf.kernel_store} : tensor<16xf32>, vector<16xf32>
  return %v : vector<16xf32>
}

// -----

func.func @kernel_store_not_unit(%v: vector<16xf32>, %t: tensor<16xf32>) -> tensor<16xf32> {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'qf.kernel_store' must be a unit attribute}}
  %w = vector.transfer_write %v, %t[%c0] {qf.kernel_store = 1 : i32} : vector<16xf32>, tensor<16xf32>
  return %w : tensor<16xf32>
}

// -----

func.func @input_range_of_not_a_string(%x: tensor<1x1x2xf32>, %w: tensor<1x2x2xf32>, %zp: tensor<1xf32>) -> tensor<1x1x2xf32> {
  // expected-error @+1 {{'qf.input_range_of' must be a string attribute}}
  %y = tosa.matmul %x, %w, %zp, %zp {qf.input_range_of = 1 : i32} : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %y : tensor<1x1x2xf32>
}

// -----

func.func @input_range_of_not_on_a_matmul(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qf.input_range_of' names the range of a tosa.matmul's input, not of this op's}}
  %y = math.exp %x {qf.input_range_of = "h"} : tensor<4xf32>
  return %y : tensor<4xf32>
}
