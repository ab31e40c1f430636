//===- SignalOps.cpp - ONNX signal-processing operators -------------------===//
//
// Window functions and mel filter banks: constants computed on the host in
// double precision from inputs known at compile time. DFT and STFT: matmuls
// with constant cosine and sine matrices (static lengths).
//
//===----------------------------------------------------------------------===//

#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"

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

/// A constant [rows, cols] f32 matrix with entries f(row, col).
Value matrixOf(NodeContext &ctx, int64_t rows, int64_t cols,
               function_ref<double(int64_t, int64_t)> f) {
  SmallVector<double> values;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      values.push_back(f(r, c));
  return constant(ctx.b, ctx.loc, makeFloatTensor(ctx.b.getF32Type(), {1, rows, cols}, values));
}

/// The first `m` bins of the discrete Fourier transform of the rows of
/// `re` + i `im` ([1, R, n] each; `im` null for a real signal), as
/// matmuls with constant cosine and sine matrices: Y_k = sum_j x_j
/// e^(-+2 pi i j k / n), divided by n when inverse.
std::pair<Value, Value> dftRows(NodeContext &ctx, Value re, Value im, int64_t m, bool inverse) {
  int64_t n = typeOf(re).getDimSize(2);
  double sign = inverse ? 1.0 : -1.0, scale = inverse ? 1.0 / static_cast<double>(n) : 1.0;
  auto angle = [&](int64_t j, int64_t k) {
    return 2.0 * M_PI * static_cast<double>((j * k) % n) / static_cast<double>(n);
  };
  Value cosines = matrixOf(ctx, n, m, [&](int64_t j, int64_t k) { return scale * std::cos(angle(j, k)); });
  Value sines =
      matrixOf(ctx, n, m, [&](int64_t j, int64_t k) { return scale * sign * std::sin(angle(j, k)); });
  Value yRe = batchMatmul(ctx.b, ctx.loc, re, cosines), yIm = batchMatmul(ctx.b, ctx.loc, re, sines);
  if (im) {
    yRe = binary<tosa::SubOp>(ctx.b, ctx.loc, yRe, batchMatmul(ctx.b, ctx.loc, im, sines));
    yIm = binary<tosa::AddOp>(ctx.b, ctx.loc, yIm, batchMatmul(ctx.b, ctx.loc, im, cosines));
  }
  return {yRe, yIm};
}

/// `part` ([1, R, m]) as [leading..., m, 1]: one component of a complex
/// result, ready to be concatenated with the other.
Value component(NodeContext &ctx, Value part, ArrayRef<int64_t> leading) {
  SmallVector<int64_t> shape(leading);
  shape.append({typeOf(part).getDimSize(2), 1});
  return reshape(ctx.b, ctx.loc, part, shape);
}

Value complexOf(NodeContext &ctx, Value re, Value im, ArrayRef<int64_t> leading) {
  Value r = component(ctx, re, leading), i = component(ctx, im, leading);
  SmallVector<int64_t> shape(typeOf(r).getShape());
  shape.back() = 2;
  return tosa::ConcatOp::create(ctx.b, ctx.loc, tensorType(shape, ctx.b.getF32Type()),
                                ValueRange{r, i},
                                ctx.b.getI32IntegerAttr(static_cast<int32_t>(shape.size() - 1)));
}

/// The real and imaginary rows of a signal [..., n, c] (c = 1 or 2) whose
/// transform axis is second to last: [1, R, n] each, the imaginary part
/// null for a real signal.
std::pair<Value, Value> signalRows(NodeContext &ctx, Value x) {
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank(), n = type.getDimSize(rank - 2);
  int64_t rows = product(type.getShape().drop_back(2));
  SmallVector<int32_t> perms;
  for (int64_t d = 0; d < rank - 2; ++d)
    perms.push_back(static_cast<int32_t>(d));
  perms.append({static_cast<int32_t>(rank - 1), static_cast<int32_t>(rank - 2)});
  Value t = reshape(ctx.b, ctx.loc, transpose(ctx.b, ctx.loc, x, perms),
                    {rows, type.getDimSize(rank - 1), n});
  Value re = reshape(ctx.b, ctx.loc, slice(ctx.b, ctx.loc, t, {0, 0, 0}, {rows, 1, n}), {1, rows, n});
  if (type.getDimSize(rank - 1) == 1)
    return {re, Value()};
  Value im = reshape(ctx.b, ctx.loc, slice(ctx.b, ctx.loc, t, {0, 1, 0}, {rows, 1, n}), {1, rows, n});
  return {re, im};
}

/// DFT (opset 17): the signal's transform axis moved next to the complex
/// dimension, cut or zero-padded to dft_length, transformed by matmuls
/// (dftRows) and moved back.
LogicalResult convertDFT(NodeContext &ctx) {
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  int64_t rank = type.getRank();
  if (!type.getElementType().isF32() || rank < 3 ||
      (type.getDimSize(rank - 1) != 1 && type.getDimSize(rank - 1) != 2))
    return ctx.unsupported("DFT other than of a float32 [batch, ..., 1 or 2] signal");
  auto axis = ctx.normalizeAxis(ctx.getInt("axis", 1), rank - 1);
  if (failed(axis))
    return failure();
  if (*axis == 0) {
    ctx.emitError() << "axis 0 is the batch axis";
    return failure();
  }
  // Move the axis next to the complex dimension.
  SmallVector<int32_t> perms;
  for (int64_t d = 0; d < rank - 1; ++d)
    if (d != *axis)
      perms.push_back(static_cast<int32_t>(d));
  perms.append({static_cast<int32_t>(*axis), static_cast<int32_t>(rank - 1)});
  x = transpose(ctx.b, ctx.loc, x, perms);
  int64_t n = type.getDimSize(*axis);
  if (ctx.hasInput(1)) {
    auto length = ctx.constScalar(1, "dft_length");
    if (failed(length))
      return failure();
    int64_t want = static_cast<int64_t>(*length);
    SmallVector<int64_t> shape(typeOf(x).getShape());
    if (want < n) {
      shape[rank - 2] = want;
      x = slice(ctx.b, ctx.loc, x, SmallVector<int64_t>(rank, 0), shape);
    } else if (want > n) {
      SmallVector<int64_t> padding(2 * rank, 0);
      padding[2 * (rank - 2) + 1] = want - n;
      shape[rank - 2] = want;
      x = tosa::PadOp::create(ctx.b, ctx.loc, typeOf(x).clone(shape), x,
                              shapeValue(ctx.b, ctx.loc, padding),
                              splat(ctx.b, ctx.loc, ctx.b.getF32Type(), {1}, 0));
    }
    n = want;
  }
  bool onesided = ctx.getInt("onesided", 0) != 0;
  int64_t m = onesided ? n / 2 + 1 : n;
  auto [re, im] = signalRows(ctx, x);
  auto [yRe, yIm] = dftRows(ctx, re, im, m, ctx.getInt("inverse", 0) != 0);
  SmallVector<int64_t> leading(typeOf(x).getShape().drop_back(2));
  Value y = complexOf(ctx, yRe, yIm, leading);
  // Back to the input's order: the axis returns to its place.
  SmallVector<int32_t> back(rank);
  for (int64_t i = 0; i < rank; ++i)
    back[perms[i]] = static_cast<int32_t>(i);
  ctx.setOutput(0, transpose(ctx.b, ctx.loc, y, back));
  return success();
}

/// STFT (opset 17): frames of the signal (one constant-offset gather),
/// weighted by the window, then the DFT of each frame.
LogicalResult convertSTFT(NodeContext &ctx) {
  Value signal = ctx.input(0);
  RankedTensorType type = typeOf(signal);
  if (!type.getElementType().isF32() || type.getRank() != 3)
    return ctx.unsupported("STFT other than of a float32 [batch, length, 1 or 2] signal");
  auto step = ctx.constScalar(1, "frame_step");
  if (failed(step))
    return failure();
  int64_t frameLength = 0;
  if (ctx.hasInput(3)) {
    auto l = ctx.constScalar(3, "frame_length");
    if (failed(l))
      return failure();
    frameLength = static_cast<int64_t>(*l);
  } else if (ctx.hasInput(2)) {
    frameLength = ctx.inputType(2).getDimSize(0);
  }
  int64_t batch = type.getDimSize(0), length = type.getDimSize(1), c = type.getDimSize(2);
  auto hop = static_cast<int64_t>(*step);
  if (frameLength < 1 || frameLength > length || hop < 1) {
    ctx.emitError() << "frame_length " << frameLength << " and frame_step " << hop
                    << " do not frame a signal of length " << length;
    return failure();
  }
  int64_t frames = (length - frameLength) / hop + 1;
  SmallVector<int64_t> offsets;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t f = 0; f < frames; ++f)
      for (int64_t t = 0; t < frameLength; ++t)
        for (int64_t k = 0; k < c; ++k)
          offsets.push_back((b * length + f * hop + t) * c + k);
  Value framed =
      gatherElements(ctx.b, ctx.loc, signal, offsets, {batch, frames, frameLength, c});
  if (ctx.hasInput(2))
    framed = mul(ctx.b, ctx.loc, framed,
                 reshape(ctx.b, ctx.loc, ctx.input(2), {1, 1, frameLength, 1}));
  bool onesided = ctx.getInt("onesided", 1) != 0;
  int64_t m = onesided ? frameLength / 2 + 1 : frameLength;
  auto [re, im] = signalRows(ctx, framed);
  auto [yRe, yIm] = dftRows(ctx, re, im, m, /*inverse=*/false);
  ctx.setOutput(0, complexOf(ctx, yRe, yIm, {batch, frames}));
  return success();
}

/// MelWeightMatrix (opset 17): triangular filters between mel-spaced
/// points, each point's spectrogram bin floor((dft_length + 1) f /
/// sample_rate), as ONNX's reference computes them.
LogicalResult convertMelWeightMatrix(NodeContext &ctx) {
  SmallVector<double> args;
  static constexpr const char *kInputs[] = {"num_mel_bins", "dft_length", "sample_rate",
                                            "lower_edge_hertz", "upper_edge_hertz"};
  for (auto [i, what] : llvm::enumerate(kInputs)) {
    auto v = ctx.constScalar(i, what);
    if (failed(v))
      return failure();
    args.push_back(*v);
  }
  auto mels = static_cast<int64_t>(args[0]), dftLength = static_cast<int64_t>(args[1]);
  double rate = args[2];
  int64_t bins = dftLength / 2 + 1;
  auto toMel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
  // The mel range is cut into num_mel_bins + 2 steps (not + 1): the
  // reference's filters stop one step short of upper_edge_hertz.
  double low = toMel(args[3]), step = (toMel(args[4]) - low) / static_cast<double>(mels + 2);
  SmallVector<int64_t> point;
  for (int64_t i = 0; i < mels + 2; ++i) {
    double hz = 700.0 * (std::pow(10.0, (static_cast<double>(i) * step + low) / 2595.0) - 1.0);
    point.push_back(static_cast<int64_t>(std::floor(static_cast<double>(dftLength + 1) * hz / rate)));
  }
  if (mels < 1 || point.back() >= bins || point.front() < 0) {
    ctx.emitError() << "the mel filters do not fit " << bins << " spectrogram bins";
    return failure();
  }
  SmallVector<double> w(bins * mels, 0.0);
  for (int64_t i = 0; i < mels; ++i) {
    int64_t left = point[i], center = point[i + 1], right = point[i + 2];
    if (center == left)
      w[center * mels + i] = 1.0;
    else
      for (int64_t j = left; j <= center; ++j)
        w[j * mels + i] = static_cast<double>(j - left) / static_cast<double>(center - left);
    for (int64_t j = center; j < right; ++j)
      w[j * mels + i] = static_cast<double>(right - j) / static_cast<double>(right - center);
  }
  int dtype = static_cast<int>(ctx.getInt("output_datatype", 1));
  Type element = convertElementType(ctx.b.getContext(), dtype);
  if (!element || !isa<FloatType>(element))
    return ctx.unsupported("output_datatype " + onnxTypeName(dtype));
  ctx.setOutput(0, makeFloatTensor(element, {bins, mels}, w));
  return success();
}

} // namespace

void addSignalConverters(ConverterMap &map) {
  addConverter(map, "DFT", convertDFT, 17, "tosa.matmul with constant cosine/sine matrices",
               "float32; real or complex input; axis, inverse, onesided, constant dft_length");
  addConverter(map, "STFT", convertSTFT, 17,
               "tosa.gather (frames) + tosa.mul (window) + DFT's matmuls",
               "float32; constant frame_step and frame_length; window; onesided");
  addConverter(map, "MelWeightMatrix", convertMelWeightMatrix, 17, "tosa.const",
               "constant inputs; float output");
  addConverter(map, "HannWindow", convertWindow<0>, 17, "tosa.const", "constant size; periodic");
  addConverter(map, "HammingWindow", convertWindow<1>, 17, "tosa.const",
               "constant size; periodic");
  addConverter(map, "BlackmanWindow", convertWindow<2>, 17, "tosa.const",
               "constant size; periodic");
}

} // namespace qforge::onnx_import
