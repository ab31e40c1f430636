//===- SignalOps.cpp - ONNX signal-processing operators -------------------===//
//
// Window functions: a constant of the window's length (an input that must
// be known at compile time), computed on the host in double precision.
//
//===----------------------------------------------------------------------===//

#include "HostFolding.h"
#include "ImportContext.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// Cosine-sum windows: w[n] = a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N),
/// N the size (periodic, the default) or the size - 1 (symmetric).
template <int window>
LogicalResult convertWindow(NodeContext &ctx) {
  // Hann, Hamming (a0 = 25/46), Blackman.
  static constexpr double kA0[] = {0.5, 25.0 / 46.0, 0.42};
  static constexpr double kA2[] = {0.0, 0.0, 0.08};
  auto sizeValue = ctx.constScalar(0, "size");
  if (failed(sizeValue))
    return failure();
  auto size = static_cast<int64_t>(*sizeValue);
  if (size < 1) {
    ctx.emitError() << "size " << size << " is not positive";
    return failure();
  }
  int dtype = static_cast<int>(ctx.getInt("output_datatype", 1));
  Type element = convertElementType(ctx.b.getContext(), dtype);
  if (!element)
    return ctx.unsupported("output_datatype " + onnxTypeName(dtype));
  double a0 = kA0[window], a1 = window == 2 ? 0.5 : 1.0 - a0, a2 = kA2[window];
  bool periodic = ctx.getInt("periodic", 1) != 0;
  double n = static_cast<double>(periodic ? size : size - 1);
  SmallVector<double> w;
  for (int64_t i = 0; i < size; ++i) {
    double phase = n > 0 ? 2.0 * M_PI * static_cast<double>(i) / n : 0.0;
    w.push_back(a0 - a1 * std::cos(phase) + a2 * std::cos(2.0 * phase));
  }
  if (isa<FloatType>(element)) {
    ctx.setOutput(0, makeFloatTensor(element, {size}, w));
    return success();
  }
  SmallVector<int64_t> truncated;
  for (double v : w)
    truncated.push_back(static_cast<int64_t>(v));
  ctx.setOutput(0, makeIntTensor(element, {size}, truncated));
  return success();
}

} // namespace

void addSignalConverters(ConverterMap &map) {
  addConverter(map, "HannWindow", convertWindow<0>, 17, "tosa.const", "constant size; periodic");
  addConverter(map, "HammingWindow", convertWindow<1>, 17, "tosa.const",
               "constant size; periodic");
  addConverter(map, "BlackmanWindow", convertWindow<2>, 17, "tosa.const",
               "constant size; periodic");
}

} // namespace qforge::onnx_import
