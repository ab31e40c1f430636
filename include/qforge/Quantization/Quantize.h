//===- Quantize.h - float convolutions and matmuls to int8 qf ops -*- C++ -*-===//

#ifndef QFORGE_QUANTIZATION_QUANTIZE_H
#define QFORGE_QUANTIZATION_QUANTIZE_H

#include "qforge/Calibration/CalibrationTable.h"
#include "qforge/Quantization/PrecisionPlan.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <limits>

namespace qforge {

enum class WeightPrecision { Int8, Int4 };

struct QuantizeOptions {
  WeightPrecision precision = WeightPrecision::Int8;
  /// int4 only: values per scale along the reduction axis (0: per channel).
  int64_t groupSize = 32;
  CalibMethod method = CalibMethod::MinMax; // Whose ranges the activations use.
  bool symmetric = false;                   // Activations symmetric, zero point 0.
  /// Layers left float: by ONNX node name, and by kind ("Conv" for
  /// convolutions, "Gemm" or "MatMul" for matmuls, which the importer does
  /// not tell apart).
  std::vector<std::string> excludedNodes;
  std::vector<std::string> keepFloatOps;
  /// Per ONNX node, a precision other than `precision` (a precision plan):
  /// int4 or int8 weights, or float.
  std::map<std::string, LayerPrecision> layerPrecision;
  /// Bias correction: each output channel's bias loses the mean its
  /// weights' rounding adds, sum (w_q - w) * E[x] over its weights, with
  /// E[x] the table's channel means of the layer's input (layers whose
  /// input has none are left as they are).
  bool biasCorrection = false;
  /// Per ONNX node, an amount per output channel subtracted from the float
  /// bias before it is quantized (measured bias correction: the mean
  /// output error the quantized layer showed on data).
  std::map<std::string, std::vector<double>> measuredBiasShift;
  /// int4: each scale group's scale chosen among clipped candidates by the
  /// least squared weight error weighted by the input channels' mean
  /// squares (the table's; uniform without them).
  bool int4ScaleSearch = false;
  /// int8 weights with one scale for the whole tensor (the largest |w|)
  /// instead of one per output channel.
  bool perTensorWeights = false;
};

/// What quantization did to one convolution or matmul with constant
/// weights.
struct QuantizedLayer {
  std::string node;      // The ONNX node.
  std::string op;        // "conv", "depthwise conv" or "matmul".
  std::string precision; // "int8", "int4", or "fp32" when left float.
  std::string note;      // Why it was left float.
  int64_t floatBytes = 0; // Its f32 weights and bias.
  int64_t bytes = 0;      // What the compiled layer stores for them.
  /// The same weights as an earlier layer's (a recurrent layer's steps
  /// share one matrix), stored once: totals count them with that layer.
  bool sharesWeights = false;
  /// Quantized: the largest |int32 accumulator| any input can produce,
  /// 255 * max over output channels of sum |w_q| + max |bias_q| (stored
  /// activations minus their zero point lie in [-255, 255]); at most
  /// 2^31 - 1, or the layer is an error.
  int64_t accumulatorBound = 0;
  /// The ONNX value the layer's output stands for (after a fused
  /// activation or bias), and, when quantized, the float value that now
  /// carries it in the rewritten function (the dequantized result).
  std::string outputName;
  mlir::Value output;
  /// Measured by the report: SQNR (dB) of `output` against the float
  /// model's value, NaN when not measured.
  double sqnrDb = std::numeric_limits<double>::quiet_NaN();
};

/// Rewrites the convolutions and matmuls of `func` that `table` calibrates
/// to int8 or int4 qf ops (see the qf-quantize pass in docs/passes.md); the
/// rest of the function is left float. Returns every convolution and matmul
/// with constant weights, quantized or not, in program order.
std::vector<QuantizedLayer> quantizeFunction(mlir::func::FuncOp func,
                                             const CalibrationTable &table,
                                             const QuantizeOptions &options);

/// Dynamic quantization (--precision=int8-dynamic): every matmul with
/// constant weights gets int8 weights per output column ahead of time, and
/// its activation is quantized at run time on each call (symmetric int8,
/// s = max|x| / 127); the integer product is scaled back to f32 by
/// s * s_w[n]. No calibration table. Returns the matmuls rewritten.
std::vector<QuantizedLayer> quantizeDynamic(mlir::func::FuncOp func);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_QUANTIZE_H
