//===- QuantParams.cpp - a quantized type's numbers, as lowerings use them ===//

#include "qforge/Dialect/QF/Utils/QuantParams.h"

#include "qforge/Dialect/QF/IR/QuantTypeChecks.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::quant;

namespace qforge {

SmallVector<double> QuantParams::channelScales(int64_t channels) const {
  if (scales.size() == 1)
    return SmallVector<double>(channels, scales.front());
  return scales;
}

SmallVector<int64_t> QuantParams::channelZeroPoints(int64_t channels) const {
  if (zeroPoints.size() == 1)
    return SmallVector<int64_t>(channels, zeroPoints.front());
  return zeroPoints;
}

QuantParams readQuantParams(Type type) {
  QuantizedType q = dyn_cast<QuantizedType>(type);
  if (!q)
    q = qf::getQuantizedElementType(type);
  QuantParams p;
  p.isSigned = q.isSigned();
  p.bits = q.getStorageTypeIntegralWidth();
  p.qmin = q.getStorageTypeMin();
  p.qmax = q.getStorageTypeMax();
  if (auto t = dyn_cast<UniformQuantizedType>(q)) {
    p.scales = {t.getScale()};
    p.zeroPoints = {t.getZeroPoint()};
  } else if (auto t = dyn_cast<UniformQuantizedPerAxisType>(q)) {
    p.scales.assign(t.getScales().begin(), t.getScales().end());
    p.zeroPoints.assign(t.getZeroPoints().begin(), t.getZeroPoints().end());
    p.axis = t.getQuantizedDimension();
  } else {
    p.blocked = true;
    p.zeroPoints = {0}; // readWeightBlocks insists on it.
  }
  return p;
}

namespace {

/// The block size along each axis of a blocked type, checked to split only
/// `axis` (within one channel along `channelAxis`).
std::optional<int64_t> blockSizeAlong(UniformQuantizedSubChannelType q, RankedTensorType type,
                                      int64_t channelAxis, int64_t axis, std::string &error) {
  llvm::raw_string_ostream os(error);
  int64_t size = 0;
  for (auto [dim, blockSize] : q.getBlockSizeInfo()) {
    if (dim == axis) {
      size = blockSize;
    } else if (dim == channelAxis) {
      if (blockSize != 1) {
        os << "weights in blocks of " << blockSize
           << " output channels cannot be lowered; blocks must lie within one channel";
        return std::nullopt;
      }
    } else if (blockSize != type.getDimSize(dim)) {
      os << "weights blocked along axis " << dim << " cannot be lowered; only axis " << axis
         << " may be split";
      return std::nullopt;
    }
  }
  return size ? size : type.getDimSize(axis);
}

} // namespace

std::optional<WeightBlocks> readWeightBlocks(RankedTensorType type, int64_t channelAxis,
                                             int64_t axis, std::string &error) {
  auto q = cast<UniformQuantizedSubChannelType>(qf::getQuantizedElementType(type));
  std::optional<int64_t> size = blockSizeAlong(q, type, channelAxis, axis, error);
  if (!size)
    return std::nullopt;
  WeightBlocks blocks;
  blocks.axis = axis;
  blocks.size = *size;
  blocks.count = type.getDimSize(axis) / blocks.size;
  int64_t channels = type.getDimSize(channelAxis);
  if (llvm::any_of(q.getZeroPoints().getValues<APInt>(),
                   [](const APInt &z) { return !z.isZero(); })) {
    error = "block-quantized weights must be symmetric (zero points 0) to be lowered";
    return std::nullopt;
  }
  // Scales are laid out with one entry per block along every axis; index
  // them by (channel, block).
  ArrayRef<int64_t> scaleShape = q.getScales().getType().getShape();
  SmallVector<double> scales;
  for (APFloat f : q.getScales().getValues<APFloat>())
    scales.push_back(f.convertToDouble());
  SmallVector<int64_t> strides(scaleShape.size(), 1);
  for (int64_t d = static_cast<int64_t>(scaleShape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * scaleShape[d + 1];
  auto scaleAt = [&](int64_t channel, int64_t block) {
    return scales[channel * strides[channelAxis] + block * strides[axis]];
  };
  blocks.multiples.assign(blocks.count * channels, 0);
  for (int64_t c = 0; c < channels; ++c) {
    double largest = 0;
    for (int64_t g = 0; g < blocks.count; ++g)
      largest = std::max(largest, scaleAt(c, g));
    double unit = largest / 255.0;
    blocks.units.push_back(unit);
    for (int64_t g = 0; g < blocks.count; ++g) {
      double s = scaleAt(c, g);
      int64_t m = std::llround(s / unit);
      if (m < 1 || m > 255 || std::fabs(m * unit - s) > 1e-6 * s) {
        llvm::raw_string_ostream(error)
            << "block scale " << s << " (channel " << c << ", block " << g
            << ") is not a multiple 1..255 of the channel's unit " << unit
            << " (its largest block scale / 255); only such block scales are lowered";
        return std::nullopt;
      }
      blocks.multiples[g * channels + c] = m;
    }
  }
  return blocks;
}

SmallVector<double> outputMultipliers(const QuantParams &act, ArrayRef<double> weightScales,
                                      const QuantParams &out) {
  SmallVector<double> multipliers;
  for (double ws : weightScales)
    multipliers.push_back(act.scales[0] * ws / out.scales[0]);
  return multipliers;
}

std::pair<int64_t, int64_t> clampBounds(std::optional<ArrayRef<int64_t>> clamp,
                                        const QuantParams &out) {
  return clamp ? std::pair((*clamp)[0], (*clamp)[1]) : std::pair(out.qmin, out.qmax);
}

} // namespace qforge
