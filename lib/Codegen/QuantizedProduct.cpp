//===- QuantizedProduct.cpp - a qf product as the integer kernels read it -===//

#include "QuantizedProduct.h"

#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/QuantTypeChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace qforge {

namespace {

/// The weights operand and its layout's channel and reduction axes.
struct WeightOperand {
  Value value;
  int64_t channelAxis, reductionAxis;
};

std::optional<WeightOperand> weightOperand(Operation *op) {
  if (auto matmul = dyn_cast<qf::MatmulOp>(op))
    return WeightOperand{matmul.getRhs(), 1, 0};
  if (auto conv = dyn_cast<qf::Conv2DOp>(op))
    return WeightOperand{conv.getFilter(), 0, 3};
  return std::nullopt;
}

/// int8 weights stored in a constant: the storage of a quant.scast.
DenseIntElementsAttr constantStorage(Value quantized) {
  auto cast = quantized.getDefiningOp<quant::StorageCastOp>();
  DenseIntElementsAttr values;
  if (!cast || !matchPattern(cast.getInput(), m_Constant(&values)))
    return {};
  return values;
}

/// 4-bit weights from a qf.packed_constant, one value per element.
DenseIntElementsAttr unpackedNibbles(Value quantized) {
  auto packed = quantized.getDefiningOp<qf::PackedConstantOp>();
  if (!packed)
    return {};
  auto type = cast<ShapedType>(packed.getType());
  std::vector<int8_t> values = packed.nibbleValues();
  values.resize(type.getNumElements()); // without an odd count's unused nibble
  auto i8Type = RankedTensorType::get(type.getShape(), IntegerType::get(packed.getContext(), 8));
  return DenseIntElementsAttr::get(i8Type, ArrayRef<int8_t>(values));
}

} // namespace

std::optional<QuantizedProduct> readQuantizedProduct(Operation *op) {
  std::optional<WeightOperand> w = weightOperand(op);
  if (!w)
    return std::nullopt;
  QuantizedProduct p;
  p.act = readQuantParams(op->getOperand(0).getType());
  p.weight = readQuantParams(w->value.getType());
  if (p.act.blocked || p.act.bits != 8 || !p.weight.isSigned ||
      llvm::any_of(p.weight.zeroPoints, [](int64_t z) { return z != 0; }))
    return std::nullopt;
  if (p.weight.blocked) {
    std::string error;
    p.blocks = readWeightBlocks(cast<RankedTensorType>(w->value.getType()), w->channelAxis,
                                w->reductionAxis, error);
    if (!p.blocks)
      return std::nullopt;
  }
  if (p.weight.bits == 8 && !p.blocks) {
    p.values = constantStorage(w->value);
    return p.values ? std::optional(p) : std::nullopt;
  }
  // 4-bit weights, per channel or in blocks of whole 4-byte steps.
  if (p.weight.bits != 4 || (p.blocks && p.blocks->size % 4 != 0))
    return std::nullopt;
  p.values = unpackedNibbles(w->value);
  p.nibbles = true;
  return p.values ? std::optional(p) : std::nullopt;
}

WeightRuns weightRuns(const WeightBlocks &blocks, int64_t channels, int64_t repeats) {
  WeightRuns runs;
  runs.size = blocks.size;
  for (int64_t r = 0; r < repeats * blocks.count; ++r)
    for (int64_t c = 0; c < channels; ++c)
      runs.multiples.push_back(
          static_cast<int32_t>(blocks.multiples[(r % blocks.count) * channels + c]));
  return runs;
}

std::optional<ChannelRequantization> channelEpilogue(const QuantizedProduct &product, Value bias,
                                                     int64_t channels,
                                                     std::optional<ArrayRef<int64_t>> clamp,
                                                     Type resultType) {
  if (!qf::getQuantizedElementType(resultType))
    return std::nullopt;
  QuantParams out = readQuantParams(resultType);
  if (out.blocked)
    return std::nullopt;
  ChannelRequantization e;
  if (bias) {
    DenseIntElementsAttr values;
    if (!matchPattern(bias, m_Constant(&values)))
      return std::nullopt;
    for (const APInt &v : values.getValues<APInt>()) {
      if (product.blocks && std::abs(v.getSExtValue()) >= (int64_t(1) << 30))
        return std::nullopt;
      e.bias.push_back(static_cast<int32_t>(v.getSExtValue()));
    }
    if (values.isSplat())
      e.bias.assign(channels, e.bias.front());
  }
  SmallVector<double> multipliers =
      outputMultipliers(product.act,
                        product.blocks ? ArrayRef<double>(product.blocks->units)
                                       : ArrayRef<double>(product.weight.scales),
                        out);
  for (int64_t c = 0; c < channels; ++c)
    e.multiplier.push_back(
        static_cast<float>(multipliers.size() == 1 ? multipliers[0] : multipliers[c]));
  e.zeroPoint = out.zeroPoints[0];
  std::tie(e.lo, e.hi) = clampBounds(clamp, out);
  e.bits = storageBits(out);
  return e;
}

Value storageOf(OpBuilder &b, Location loc, Value quantized) {
  auto type = cast<RankedTensorType>(quantized.getType());
  unsigned bits = storageBits(readQuantParams(type));
  return quant::StorageCastOp::create(b, loc, type.clone(b.getIntegerType(bits)), quantized);
}

Value finishKernelProduct(OpBuilder &b, Location loc, Value acc, bool fused,
                          const QuantizedProduct &product, Value bias, int64_t channelAxis,
                          std::optional<ArrayRef<int64_t>> clamp, Type resultType) {
  if (fused)
    return acc;
  // Block sums are exact in int32 here; the reference combines them in
  // int64.
  if (product.blocks) {
    auto type = cast<RankedTensorType>(acc.getType());
    acc = arith::ExtSIOp::create(b, loc, type.clone(b.getI64Type()), acc);
  }
  IntegerLinalg l{b, loc};
  return finishProduct(acc, bias, channelAxis, product.act, product.weight,
                       product.blocks ? &*product.blocks : nullptr, clamp, resultType, l);
}

Value resultFromStorage(OpBuilder &b, Location loc, Value storage, Type resultType) {
  if (!qf::getQuantizedElementType(resultType))
    return storage;
  return quant::StorageCastOp::create(b, loc, resultType, storage);
}

} // namespace qforge
