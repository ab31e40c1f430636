//===- Passes.td - qf dialect rewrites -------------------*- tablegen -*-===//
//
// Graph rewrites on TOSA and qf before lowering: quantized values and
// layout transposes moved so that they meet, QDQ compute fused into qf
// integer ops, calibration observers, the backend contract. Implemented in
// lib/Dialect/QF/Transforms/, one file per pass.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
#define QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def VerifyQuantizedPass : Pass<"qf-verify-quantized", "mlir::func::FuncOp"> {
  let summary = "Check that no float compute op is left in a quantized function";
  let description = [{
    The contract between quantization and the integer back end. In every
    function marked `qf.quantized`, each op that computes on floats (has a
    float scalar, vector or tensor operand or result) is an error, except:
    ops of the `qf` and `quant` dialects (they convert at float edges),
    constants, the function's terminator, ops marked `qf.keep_float` (the
    user excluded them) and ops named in `keep-float-ops`. All violations
    are reported, each at the op's location (its ONNX node name after
    import), before the pass fails. Functions without the mark are skipped.

    With `allow-input-preparation`, float ops that do not depend on any
    quantized value (a model's own input scaling, before its first
    quantize) are allowed too. With `warn-only` violations are warnings
    and the pass succeeds: `qforge compile` runs it that way after
    quantization, with input preparation allowed, so that what stays float
    is reported without refusing to compile the model.
  }];
  let options = [
    ListOption<"keepFloatOps", "keep-float-ops", "std::string",
               "Op names that may stay float (e.g. tosa.sigmoid)">,
    Option<"allowInputPreparation", "allow-input-preparation", "bool", "false",
           "Allow float ops that depend on no quantized value">,
    Option<"warnOnly", "warn-only", "bool", "false",
           "Report violations as warnings and succeed">,
  ];
}

def SinkTransposesPass : Pass<"qf-sink-transposes", "mlir::func::FuncOp"> {
  let summary = "Move layout transposes below element-wise ops and concatenations so that they cancel";
  let description = [{
    The importer brackets every convolution with transposes (ONNX is NCHW,
    qforge's convolutions NHWC). Between two convolutions the pair cancels,
    unless an element-wise op in NCHW sits between them: a residual add
    (`tosa.add`, or `qf.add` once quantized), an activation, a
    squeeze-excitation scale. This pass rewrites op(transpose(x, P),
    transpose(y, P)) to transpose(op(x, y), P) for TOSA's element-wise
    arithmetic and activations, the math dialect's element-wise functions,
    `qf.add`, and `qf.quantize` / `qf.dequantize` with per-tensor types (so
    that a float island between two integer layers runs in their layout
    too). Size-1 dimensions broadcast as before; a constant operand is
    permuted at compile time, and a reshape that only moves size-1
    dimensions as P would counts as the same transpose. Reshapes move the
    other way to meet them: below a `qf.dequantize` of reshaped storage
    integers, and below element-wise float ops whose other operands are
    one-element constants (a squeeze-excitation scale's activation).
    A static `tosa.slice` of a transpose becomes the transposed slice of
    its input (a Split's pieces). Transposes that meet fold (TOSA's
    canonicalization). Quantized values
    are transposed as their storage integers between two `quant.scast` (as
    `qf-sink-dequantize` leaves them), and so are the moved ones. A
    `tosa.concat` of operands transposed alike becomes the concatenation of
    the untransposed ones along the permuted axis, transposed
    (SqueezeNet's fire modules join their branches along NCHW's channels;
    quantized concatenations run on storage integers). ResNet-18,
    MobileNetV2, SqueezeNet and MobileNetV3 then run NHWC from their first
    convolution to their last, at fp32 and int8.

    ```mlir
    %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
    %b = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
    %s = tosa.add %a, %b : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    // becomes
    %t = tosa.add %x, %y : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
    %s = tosa.transpose %t {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect", "mlir::quant::QuantDialect"];
}

def SinkDequantizePass : Pass<"qf-sink-dequantize", "mlir::func::FuncOp"> {
  let summary = "Keep quantized values quantized through ops that only move, select or compare them";
  let description = [{
    After `qf-quantize` each integer op is wrapped in `qf.dequantize` /
    `qf.quantize`, and the ops between two integer ops run on floats. Some of
    those ops compute the same thing on the stored integers: layout ops
    (`tosa.transpose`, `tosa.reshape`), `tosa.slice`, `tosa.reverse`,
    `tosa.tile`, `tosa.gather` (of the gathered operand), `tosa.pad` whose
    pad value lies on the integer grid (0 pads with the zero point; a value
    between two steps keeps the pad float), and `tosa.max_pool2d`,
    `tosa.reduce_max`, `tosa.reduce_min` (dequantization is monotonic, so
    the largest stored value is the largest real value). This pass moves
    `qf.dequantize` below such ops (the op then runs on the storage
    integers, between `quant.scast`s) and `qf.quantize` above them (above
    a gather or a reduction only onto a `qf.dequantize`: their inputs can
    be much larger than their results), so that a dequantize meets the
    next quantize, and then folds `qf.quantize(qf.dequantize(q))` to `q`
    (same type) or `qf.requantize` (another type). A `tosa.argmax` of a
    dequantized value takes the storage integers, and one of its product
    by -1 (the importer's ArgMin) their `tosa.bitwise_not` (~x = -x - 1
    reverses the order without overflowing at -128). Per-tensor types
    only; the ops that compare (pooling, reductions, arg max) only for
    signed storage (TOSA's integers are signed), the ops that only move
    values for any.
  }];
  let dependentDialects = ["qforge::qf::QFDialect", "mlir::quant::QuantDialect",
                           "mlir::tosa::TosaDialect"];
}

def FuseQDQPass : Pass<"qf-fuse-qdq", "mlir::func::FuncOp"> {
  let summary = "Compute QDQ-form convolutions and matmuls as qf integer ops with the model's own parameters";
  let description = [{
    A QDQ model (onnxruntime's `quantize_static`, QAT exports) imports as
    float `tosa.conv2d` / `tosa.depthwise_conv2d` / `tosa.matmul` between `qf.dequantize` of its
    input and of its integer weights (and bias) and a `qf.quantize` of its
    output. Each such op whose input is dequantized per tensor, whose
    weights are a dequantized integer constant (through the importer's
    transposes and reshapes; per tensor or per output channel), whose bias
    is a dequantized int32 or float constant (a matmul's bias add is
    folded), and whose output feeds one `qf.quantize` per tensor becomes
    one `qf.conv2d` (a depthwise one with one output per channel as a
    grouped `qf.conv2d`, its [KH, KW, C, 1] filter as OHWI [C, KH, KW, 1])
    / `qf.matmul` with the model's scales and zero points:
    exact int32 accumulation and one requantization of the integers instead of
    float compute and a second rounding. The bias keeps its integers when
    its scales are s_x * s_w[c] (as quantizers write them) and is
    re-expressed at that scale otherwise. Run `qf-sink-dequantize` first so
    that the dequantize and quantize ops sit next to the compute op.
  }];
  let dependentDialects = ["qforge::qf::QFDialect", "mlir::quant::QuantDialect",
                           "mlir::tosa::TosaDialect", "mlir::arith::ArithDialect"];
}

def InsertObserversPass : Pass<"qf-insert-observers", "mlir::func::FuncOp"> {
  let summary = "Put a qf.observe on every float tensor quantization will rewrite";
  let description = [{
    Calibration needs the range of every activation that quantization turns
    into integers: the inputs and outputs of the ops it rewrites. The
    importer places each op at its ONNX node (`loc("node")`) and the op
    producing a node's output at `loc("value"("node"))`, so the pass works
    on nodes rather than on single ops: a node that contains one of the
    quantizable ops (`ops`) has every float tensor entering it (from another
    node or a function argument) and every float tensor leaving it observed.
    Weights are not: values computed from constants alone are skipped. Ops
    without a node location are a node of their own.

    Each tensor is observed once, right after its definition, with `id` =
    its position in discovery order (ops in program order, operands before
    results) and `name` = its ONNX value name (from the producing op's
    location or the function argument's), made unique with a `#N` suffix if
    two tensors share one. Running the pass again on the same model gives
    the same ids and names.
  }];
  let options = [
    ListOption<"ops", "ops", "std::string",
               "Ops whose nodes are observed (default: tosa.conv2d, "
               "tosa.depthwise_conv2d, tosa.transpose_conv2d, tosa.matmul, "
               "tosa.add, tosa.avg_pool2d, tosa.max_pool2d, tosa.clamp, "
               "tosa.concat, tosa.slice, tosa.mul)">,
  ];
  let dependentDialects = ["qforge::qf::QFDialect"];
}

#endif // QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
