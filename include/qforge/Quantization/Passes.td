//===- Passes.td - quantization passes -------------------*- tablegen -*-===//
//
// Quantization: float compute to qf integer ops from a calibration table.
// Implemented in lib/Quantization/.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_PASSES_TD
#define QFORGE_QUANTIZATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def QuantizePass : Pass<"qf-quantize", "mlir::func::FuncOp"> {
  let summary = "Rewrite float convolutions and matmuls to int8 or int4 qf ops from a calibration table";
  let description = [{
    Post-training quantization, W8A8 (`precision=int8`) or W4A8
    (`precision=int4`). Each `tosa.conv2d`,
    `tosa.depthwise_conv2d` (as a grouped `qf.conv2d`) and `tosa.matmul`
    with constant f32 weights whose input and output
    tensors the calibration table describes (found through the layout ops
    around them, by ONNX value name) becomes

    - `qf.quantize` of its input to int8, per tensor, with the table's range
      for `method` (default: the table's): asymmetric (scale = (hi-lo)/255,
      zero point = round(-128 - lo/scale)) or, with `scheme=symmetric`,
      scale = t/127 and zero point 0;
    - `qf.conv2d` / `qf.matmul` with the weights quantized symmetrically
      per output channel, the bias as int32 at scale s_in * s_w[c] (a Gemm's
      bias add after the matmul is folded in), and the result requantized
      to the output tensor's int8 parameters:
      - int8: scale = max|w|/127, values in [-127, 127];
      - int4: values in [-7, 7] packed two per byte (`qf.packed_constant`),
        with one scale per `group-size` values along the reduction axis
        (a matmul's K; a convolution's input channels, all taps of them)
        when that axis is longer than a group and a multiple of it, else per
        output channel (scale = max|w|/7). Block scales are integer
        multiples c = 1..255 (rounded up, so nothing clips) of a channel
        unit u = max|w|/7/255; the bias is at s_in * u;
    - `qf.dequantize` back to f32.

    Degenerate parameters stay well defined: an output channel whose
    max|w| is below 1e-30 (all zero, denormal, or so small that its scale
    or int4 unit would be a denormal float) is quantized as zero with scale
    1, and a warning names the node and the channels (the report notes them
    too); a tensor whose calibrated range gives a scale below 1e-30 (zero
    on every calibration sample) gets scale 1e-30 and a warning naming it.
    Smaller but normal ranges keep their own scales, however tiny.

    A ReLU/ReLU6/Clip (`tosa.clamp`) right after the op's output fuses into
    the op's `clamp` (bounds rounded inward to the storage grid), and the op
    then takes the activation's calibrated output range. An input that is a
    dequantized (and passed-through: layout ops, slices, reverses, tiles,
    pads, max pooling) result
    of an earlier integer op keeps that op's parameters, so that
    `qf-sink-dequantize` can join the two without requantization. A matmul
    whose input no ONNX tensor names can carry `qf.input_range_of = "T"`:
    the importer's statement that tensor T's range covers it (a recurrent
    layer's hidden state, covered by the layer's output Y).

    A `tosa.matmul` whose input is calibrated but whose result is not (an
    intermediate of its ONNX node: a recurrent layer's gate sums) becomes
    `qf.quantize` of its input, a `qf.matmul` with an `i32` result (weights
    per output column; at int4 per column too, never in blocks, which need
    a requantized result), and the sums scaled back to f32 by s_in * s_w[n]
    (a `linalg.generic`); the node's remaining float ops are marked
    `qf.keep_float`, float by design.

    Then element-wise adds of two activations become `qf.add` (a
    following ReLU/Clip fused as its clamp); a chain of float element-wise
    ops computing a calibrated tensor from one activation alone (its other
    operands one-valued constants, also behind a `tosa.reshape`: HardSwish,
    HardSigmoid, SiLU's sigmoid
    and multiply, tanh, GELU, Mish, Elu, Softplus, exp, log, or several of
    them in a row) becomes one `qf.lookup`, the chain evaluated in double
    precision at the input's 256 stored values and quantized to the
    output's parameters (a chain with a not-a-number anywhere stays
    float, and so does one on the result of a product left float, such as
    attention's scores scaled before their softmax: the table would only
    quantize a float result to dequantize it again); then products of two
    activations (a squeeze-excitation scale, broadcasting along size-1
    dimensions) become `qf.mul`; average pools (global ones and padded
    ones included) become `qf.avg_pool2d`, each from its
    operands' parameters to its own calibrated output range, and
    concatenations run on int8 in their output's parameters (inputs whose
    parameters differ are requantized; a concatenation inside an ONNX node,
    as reflect and edge padding import, has no range of its own and runs
    in its inputs' parameters when they all share them).

    Everything else stays float, with quantize/dequantize at its edges.
    When the function has convolutions or matmuls and every one of them
    stays float (uncalibrated, excluded, or fp32 in a precision plan), none
    of the ops of the previous paragraph is quantized either: the function
    stays float.
  }];
  let options = [
    Option<"table", "table", "std::string", "\"\"",
           "The calibration table (JSON from qforge calibrate)">,
    Option<"method", "method", "std::string", "\"\"",
           "Range method (default: the table's)">,
    Option<"scheme", "scheme", "std::string", "\"asymmetric\"",
           "Activations: asymmetric or symmetric">,
    Option<"precision", "precision", "std::string", "\"int8\"",
           "Weights: int8 or int4">,
    Option<"groupSize", "group-size", "int64_t", "32",
           "int4: values per scale along the reduction axis (0: per channel)">,
    Option<"biasCorrection", "bias-correction", "bool", "false",
           "Subtract from each output channel's bias the mean its weights' "
           "rounding adds (sum of (w_q - w) times the table's channel mean "
           "of the input)">,
    Option<"int4ScaleSearch", "int4-scale-search", "bool", "false",
           "int4: choose each scale group's scale among clipped candidates by "
           "the least weight error weighted by the input channels' mean "
           "squares">,
    Option<"perTensorWeights", "per-tensor-weights", "bool", "false",
           "int8: one weight scale per tensor (the largest |w| / 127) instead "
           "of one per output channel">,
  ];
  let dependentDialects = ["qforge::qf::QFDialect",
                           "mlir::quant::QuantDialect",
                           "mlir::arith::ArithDialect"];
}

def EqualizeCrossLayerPass : Pass<"qf-equalize-cross-layer", "mlir::func::FuncOp"> {
  let summary = "Rescale the channels two consecutive float convolutions share so that their weight ranges match";
  let description = [{
    Cross-layer equalization (Nagel et al., 2019) on the float model, before
    calibration. Two convolutions (`tosa.conv2d` or
    `tosa.depthwise_conv2d`, constant f32 weights and bias used by nothing
    else) joined only by ops that commute with a positive per-channel scale
    (`tosa.transpose`, ReLU as `tosa.clamp` [0, inf), `tosa.max_pool2d`),
    each intermediate value used once, compute the same function when the
    first one's output channel c (weights and bias) is divided by s_c and
    the second one's input channel c is multiplied by it. With r1_c and
    r2_c the largest |w| of channel c in each, s_c = sqrt(r1_c / r2_c)
    gives both the range sqrt(r1_c r2_c) (s_c = 1 where either is zero).
    All pairs are rescaled in turn, `iterations` times, so that chains
    settle. A residual branch (a value with two uses) ends a pair.

    With `relu6-to-relu`, a ReLU6 (`tosa.clamp` [0, 6]) between the two also
    joins them, and its upper bound is removed: the float model then differs
    wherever an activation there exceeded 6 (which `--precision=auto` and
    `--report-data` measure against the model so changed).
  }];
  let options = [
    Option<"relu6ToRelu", "relu6-to-relu", "bool", "false",
           "Also equalize across ReLU6, lifting it to ReLU">,
    Option<"iterations", "iterations", "int", "4",
           "Rounds of rescaling over all pairs">,
  ];
}

#endif // QFORGE_QUANTIZATION_PASSES_TD
