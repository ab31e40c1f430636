// RUN: qforge-opt %s -split-input-file -verify-diagnostics --qf-verify-quantized | FileCheck %s
// With keep-float-ops the named ops pass; the diagnostics (stderr only) are
// checked in file order with the ALLOW prefix.
// RUN: not qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-verify-quantized{keep-float-ops=tosa.sigmoid,math.exp}))' 2>&1 >/dev/null | FileCheck %s --check-prefix=ALLOW

// With allow-input-preparation and warn-only (how qforge compile runs it):
// float ops that depend on no quantized value pass, the others are warnings
// naming their ONNX node, and the pass succeeds.
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-verify-quantized{allow-input-preparation warn-only}))' 2>&1 >/dev/null | FileCheck %s --check-prefix=WARN

!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8<-127:127>:f32:1, {0.01, 0.02}>
!qy = !quant.uniform<i8:f32, 0.1:-128>

// A fully quantized function: float only at its edges, in qf ops, a constant
// and the return.
// CHECK-LABEL: func.func @quantized_ok
func.func @quantized_ok(%x: tensor<1x4xf32>, %b: tensor<2xi32>) -> tensor<1x2xf32> attributes {qf.quantized} {
  %c = arith.constant dense<[[1, -2], [3, 4], [5, 6], [7, 8]]> : tensor<4x2xi8>
  %w = quant.scast %c : tensor<4x2xi8> to tensor<4x2x!qw>
  %q = qf.quantize %x : tensor<1x4xf32> -> tensor<1x4x!qx>
  %y = qf.matmul %q, %w bias %b clamp [-128, 127] : (tensor<1x4x!qx>, tensor<4x2x!qw>, tensor<2xi32>) -> tensor<1x2x!qy>
  %f = qf.dequantize %y : tensor<1x2x!qy> -> tensor<1x2xf32>
  %unused = arith.constant dense<1.0> : tensor<2xf32>
  return %f : tensor<1x2xf32>
}

// -----

// Every float compute op is reported, at its own location, in one run.
func.func @float_left(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> tensor<1x4xf32> attributes {qf.quantized} {
  // ALLOW: error: float compute op 'tosa.add' is left
  // ALLOW-NOT: error: float compute op 'math.exp' is left
  // expected-error @+1 {{float compute op 'tosa.add' is left in quantized function @float_left; quantize it, or keep it float on purpose with qf.keep_float or keep-float-ops}}
  %s = tosa.add %x, %y : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  // expected-error @+1 {{float compute op 'math.exp' is left in quantized function @float_left}}
  %e = math.exp %s : tensor<1x4xf32>
  return %e : tensor<1x4xf32>
}

// -----

// Scalar and vector float arithmetic counts too; integer arithmetic does not.
func.func @scalars_and_vectors(%a: f32, %v: vector<4xf16>, %i: i32) -> (f32, vector<4xf16>, i32) attributes {qf.quantized} {
  // ALLOW: error: float compute op 'arith.mulf' is left
  // expected-error @+1 {{float compute op 'arith.mulf' is left}}
  %m = arith.mulf %a, %a : f32
  // ALLOW: error: float compute op 'arith.addf' is left
  // expected-error @+1 {{float compute op 'arith.addf' is left}}
  %n = arith.addf %v, %v : vector<4xf16>
  %k = arith.addi %i, %i : i32
  return %m, %n, %k : f32, vector<4xf16>, i32
}

// -----

// An op that only reads floats (here a float-to-int conversion) is float
// compute as well.
func.func @float_operand_only(%x: tensor<4xf32>) -> tensor<4xi32> attributes {qf.quantized} {
  // ALLOW: error: float compute op 'arith.fptosi' is left
  // expected-error @+1 {{float compute op 'arith.fptosi' is left}}
  %i = arith.fptosi %x : tensor<4xf32> to tensor<4xi32>
  return %i : tensor<4xi32>
}

// -----

// An op nested in a region is found; the loop that carries the float value
// is not itself compute.
func.func @nested(%x: tensor<4xf32>, %n: index) -> tensor<4xf32> attributes {qf.quantized} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<4xf32> {
    // ALLOW: error: float compute op 'math.tanh' is left
    // expected-error @+1 {{float compute op 'math.tanh' is left}}
    %t = math.tanh %acc : tensor<4xf32>
    scf.yield %t : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// An op the user marked qf.keep_float is allowed.
// CHECK-LABEL: func.func @kept_float_by_mark
// CHECK: math.exp
func.func @kept_float_by_mark(%x: tensor<1x4xf32>) -> tensor<1x4xf32> attributes {qf.quantized} {
  %e = math.exp %x {qf.keep_float} : tensor<1x4xf32>
  return %e : tensor<1x4xf32>
}

// -----

// An op named in keep-float-ops is allowed: an error by default, none in the
// ALLOW run.
func.func @kept_float_by_name(%x: tensor<1x4xf32>) -> tensor<1x4xf32> attributes {qf.quantized} {
  // ALLOW-NOT: error: float compute op 'tosa.sigmoid' is left
  // expected-error @+1 {{float compute op 'tosa.sigmoid' is left}}
  %s = tosa.sigmoid %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// -----

// Functions not marked quantized are not checked.
// CHECK-LABEL: func.func @float_function
// CHECK: tosa.add
func.func @float_function(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %s = tosa.add %x, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

// -----

// Input preparation (scaling the raw input before the first quantize) is
// not downstream of any quantized value; the float op after the dequantize
// is.
// WARN-NOT: warning: {{.*}}'arith.divf'
// WARN: warning: {{.*}}float compute op 'math.exp' (node 'softmax') is left in quantized function @input_preparation
// WARN-NOT: warning: {{.*}}'arith.divf'
func.func @input_preparation(%x: tensor<1x4xf32>, %s: tensor<1x4xf32>) -> tensor<1x4xf32> attributes {qf.quantized} {
  // expected-error @unknown {{float compute op 'arith.divf' (node 'scale') is left}}
  %scaled = arith.divf %x, %s : tensor<1x4xf32> loc("scale")
  %q = qf.quantize %scaled : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, 0.05:-3>>
  %d = qf.dequantize %q : tensor<1x4x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<1x4xf32>
  // expected-error @unknown {{float compute op 'math.exp' (node 'softmax') is left in quantized function @input_preparation}}
  %e = math.exp %d : tensor<1x4xf32> loc("softmax")
  return %e : tensor<1x4xf32>
}

// -----

// As warnings, the float ops of one ONNX node are one warning (an unrolled
// recurrent layer leaves thousands); as errors, each op is its own.
// WARN: warning: {{.*}}float compute op 'math.tanh' (node 'cell') and 2 more of that node are left in quantized function @one_node; quantize them, or keep them float on purpose
// WARN-NOT: (node 'cell')
// WARN: warning: {{.*}}float compute op 'math.sqrt' (node 'other') is left in quantized function @one_node
func.func @one_node(%x: tensor<1x4xf32>) -> tensor<1x4xf32> attributes {qf.quantized} {
  %q = qf.quantize %x : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<i8:f32, 0.05:-3>>
  %d = qf.dequantize %q : tensor<1x4x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<1x4xf32>
  // expected-error @unknown {{float compute op 'math.tanh' (node 'cell') is left}}
  %t = math.tanh %d : tensor<1x4xf32> loc("cell")
  // expected-error @unknown {{float compute op 'math.exp' (node 'cell') is left}}
  %e = math.exp %t : tensor<1x4xf32> loc("cell")
  // expected-error @unknown {{float compute op 'math.log' (node 'cell') is left}}
  %u = math.log %e : tensor<1x4xf32> loc("cell")
  // expected-error @unknown {{float compute op 'math.sqrt' (node 'other') is left}}
  %v = math.sqrt %u : tensor<1x4xf32> loc("other")
  return %v : tensor<1x4xf32>
}
