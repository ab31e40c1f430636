//===- QFOps.cpp - qf operations ------------------------------------------===//

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/QuantTypeChecks.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <array>

using namespace mlir;
using namespace mlir::quant;
using namespace qforge::qf;

//===----------------------------------------------------------------------===//
// Helpers shared by the verifiers
//===----------------------------------------------------------------------===//

static LogicalResult verifyTensor(Operation *op, StringRef what, Type type) {
  return verifyQuantizedTensorType([op] { return op->emitOpError(); }, what,
                                   cast<RankedTensorType>(type));
}

/// Each named value is a valid quantized tensor, quantized per tensor.
static LogicalResult verifyPerTensor(Operation *op,
                                     ArrayRef<std::pair<StringRef, Value>> values) {
  for (auto [what, value] : values) {
    if (failed(verifyTensor(op, what, value.getType())))
      return failure();
    if (!isPerTensor(value.getType()))
      return op->emitOpError() << what << " must be quantized per tensor";
  }
  return success();
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  return text;
}

/// Sizes that disagree only where one of them is dynamic still agree.
static bool sizesAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

static bool shapesAgree(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  return a.size() == b.size() &&
         llvm::all_of(llvm::zip(a, b), [](auto pair) {
           return sizesAgree(std::get<0>(pair), std::get<1>(pair));
         });
}

/// A fused clamp [min, max] in the result's storage units.
static LogicalResult verifyClamp(Operation *op,
                                 std::optional<ArrayRef<int64_t>> clamp,
                                 QuantizedType resultType) {
  if (!clamp)
    return success();
  if (clamp->size() != 2)
    return op->emitOpError() << "clamp must be [min, max], got "
                             << clamp->size() << " values";
  int64_t lo = (*clamp)[0], hi = (*clamp)[1];
  if (lo > hi)
    return op->emitOpError() << "clamp [" << lo << ", " << hi << "] is empty";
  int64_t storageMin = resultType.getStorageTypeMin();
  int64_t storageMax = resultType.getStorageTypeMax();
  if (lo < storageMin || hi > storageMax)
    return op->emitOpError()
           << "clamp [" << lo << ", " << hi
           << "] exceeds the result's storage range [" << storageMin << ", "
           << storageMax << "]";
  return success();
}

/// The checks `qf.matmul` and `qf.conv2d` share: the activation operand is
/// per-tensor 8-bit, weights are 4- or 8-bit, expressed types agree, the
/// result is an int32 accumulator or a per-tensor quantized tensor, the bias
/// has one entry per output channel, and the clamp lies in the result's
/// storage range.
static LogicalResult verifyQuantizedCompute(Operation *op, StringRef actName,
                                            Value act, StringRef weightName,
                                            Value weight, Value bias,
                                            int64_t outChannels,
                                            std::optional<ArrayRef<int64_t>> clamp,
                                            Value result) {
  if (failed(verifyTensor(op, actName, act.getType())) ||
      failed(verifyTensor(op, weightName, weight.getType())))
    return failure();
  QuantizedType actType = getQuantizedElementType(act.getType());
  QuantizedType weightType = getQuantizedElementType(weight.getType());
  if (!isPerTensor(act.getType()))
    return op->emitOpError() << actName << " must be quantized per tensor";
  if (actType.getStorageTypeIntegralWidth() != 8)
    return op->emitOpError() << actName << " must have 8-bit storage, not "
                             << actType.getStorageType();
  unsigned weightBits = weightType.getStorageTypeIntegralWidth();
  if (weightBits != 4 && weightBits != 8)
    return op->emitOpError() << weightName << " must have 4- or 8-bit storage, not "
                             << weightType.getStorageType();
  if (actType.getExpressedType() != weightType.getExpressedType())
    return op->emitOpError() << actName << " expresses "
                             << actType.getExpressedType() << " values but "
                             << weightName << " expresses "
                             << weightType.getExpressedType();

  Type resultElement = getElementTypeOrSelf(result.getType());
  QuantizedType resultType = getQuantizedElementType(result.getType());
  if (resultType) {
    if (failed(verifyTensor(op, "result", result.getType())))
      return failure();
    if (!isPerTensor(result.getType()))
      return op->emitOpError() << "result must be quantized per tensor";
    if (resultType.getExpressedType() != actType.getExpressedType())
      return op->emitOpError() << "result expresses "
                               << resultType.getExpressedType() << " values but "
                               << actName << " expresses "
                               << actType.getExpressedType();
  } else {
    assert(resultElement.isInteger(32) && "ODS admits only i32 otherwise");
    (void)resultElement;
  }

  if (bias) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 ||
        !sizesAgree(biasType.getDimSize(0), outChannels))
      return op->emitOpError()
             << "bias has shape " << shapeString(biasType.getShape())
             << " but there are " << outChannels << " output channels";
  }

  if (clamp && !resultType)
    return op->emitOpError()
           << "clamp needs a quantized result; an i32 accumulator is not "
              "clamped";
  return verifyClamp(op, clamp, resultType);
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  // I64Attr's accessor is unsigned; read the stored value as signed.
  int64_t id = getIdAttr().getInt();
  if (id < 0)
    return emitOpError() << "id must be non-negative, got " << id;
  if (getName().empty())
    return emitOpError() << "name must not be empty: it ties the tensor to "
                            "its calibration table entry";
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp / RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  if (failed(verifyTensor(*this, "result", getType())))
    return failure();
  Type expressed = getQuantizedElementType(getType()).getExpressedType();
  Type inputElement = getInput().getType().getElementType();
  if (expressed != inputElement)
    return emitOpError() << "result expresses " << expressed
                         << " values but the input holds " << inputElement;
  return success();
}

OpFoldResult QuantizeOp::fold(FoldAdaptor) {
  // quantize(dequantize(q)) with q's own type is q: dequantizing is exact and
  // quantizing rounds back to the same integers.
  if (auto dequantize = getInput().getDefiningOp<DequantizeOp>())
    if (dequantize.getInput().getType() == getType())
      return dequantize.getInput();
  return {};
}

namespace {
/// quantize(dequantize(q)) to another type is what requantize means.
struct QuantizeOfDequantizeToRequantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return failure();
    Value source = dequantize.getInput();
    if (source.getType() == op.getType())
      return failure(); // The folder handles it.
    // Only rewrite what qf.requantize can express; anything else keeps its
    // float round trip.
    if (!whyNotRequantizable(getQuantizedElementType(source.getType()),
                             getQuantizedElementType(op.getType()))
             .empty())
      return failure();
    rewriter.replaceOpWithNewOp<RequantizeOp>(op, op.getType(), source);
    return success();
  }
};
} // namespace

void QuantizeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                             MLIRContext *context) {
  results.add<QuantizeOfDequantizeToRequantize>(context);
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyTensor(*this, "input", getInput().getType())))
    return failure();
  Type expressed =
      getQuantizedElementType(getInput().getType()).getExpressedType();
  Type resultElement = getType().getElementType();
  if (expressed != resultElement)
    return emitOpError() << "input expresses " << expressed
                         << " values but the result holds " << resultElement;
  return success();
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyTensor(*this, "input", getInput().getType())) ||
      failed(verifyTensor(*this, "result", getType())))
    return failure();
  std::string reason =
      whyNotRequantizable(getQuantizedElementType(getInput().getType()),
                          getQuantizedElementType(getType()));
  if (!reason.empty())
    return emitOpError() << reason;
  return success();
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  RankedTensorType lhsType = getLhs().getType();
  RankedTensorType rhsType = getRhs().getType();
  auto resultType = cast<RankedTensorType>(getType());
  if (lhsType.getRank() < 2)
    return emitOpError() << "lhs must have rank 2 or more ([..., M, K]), got "
                         << lhsType.getRank();
  if (rhsType.getRank() != 2)
    return emitOpError() << "rhs must have rank 2 ([K, N]), got "
                         << rhsType.getRank();
  int64_t n = rhsType.getDimSize(1);
  if (failed(verifyQuantizedCompute(*this, "lhs", getLhs(), "rhs", getRhs(),
                                    getBias(), n, getClamp(), getResult())))
    return failure();

  // Per-axis weights must be per output column: a scale that varied along K
  // could not be factored out of the integer sum.
  if (auto perAxis = dyn_cast<UniformQuantizedPerAxisType>(
          getQuantizedElementType(rhsType));
      perAxis && perAxis.getQuantizedDimension() != 1)
    return emitOpError() << "rhs must be quantized along axis 1 (its N "
                            "columns), not axis "
                         << perAxis.getQuantizedDimension();

  int64_t lhsK = lhsType.getShape().back();
  int64_t rhsK = rhsType.getDimSize(0);
  if (!sizesAgree(lhsK, rhsK))
    return emitOpError() << "lhs has K = " << lhsK << " but rhs has K = "
                         << rhsK;
  SmallVector<int64_t> expected(lhsType.getShape());
  expected.back() = n;
  if (!shapesAgree(resultType.getShape(), expected))
    return emitOpError() << "result shape " << shapeString(resultType.getShape())
                         << " does not match the product's shape "
                         << shapeString(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

/// Output size of one spatial dimension, or dynamic when the input is.
static int64_t convOutputSize(int64_t in, int64_t kernel, int64_t padBefore,
                              int64_t padAfter, int64_t stride,
                              int64_t dilation) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel))
    return ShapedType::kDynamic;
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = in + padBefore + padAfter;
  if (padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

LogicalResult Conv2DOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType filterType = getFilter().getType();
  auto resultType = cast<RankedTensorType>(getType());
  if (inputType.getRank() != 4)
    return emitOpError() << "input must be NHWC (rank 4), got rank "
                         << inputType.getRank();
  if (filterType.getRank() != 4)
    return emitOpError() << "filter must be OHWI (rank 4), got rank "
                         << filterType.getRank();
  if (resultType.getRank() != 4)
    return emitOpError() << "result must be NHWC (rank 4), got rank "
                         << resultType.getRank();

  ArrayRef<int64_t> strides = getStrides(), dilations = getDilations(),
                    padding = getPadding();
  if (strides.size() != 2 || llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return emitOpError() << "strides must be two positive values [h, w]";
  if (dilations.size() != 2 ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }))
    return emitOpError() << "dilations must be two positive values [h, w]";
  if (padding.size() != 4 ||
      llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return emitOpError() << "padding must be four non-negative values "
                            "[top, bottom, left, right]";
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError() << "groups must be positive, got " << groups;

  int64_t outChannels = filterType.getDimSize(0);
  if (failed(verifyQuantizedCompute(*this, "input", getInput(), "filter",
                                    getFilter(), getBias(), outChannels,
                                    getClamp(), getResult())))
    return failure();
  if (auto perAxis = dyn_cast<UniformQuantizedPerAxisType>(
          getQuantizedElementType(filterType));
      perAxis && perAxis.getQuantizedDimension() != 0)
    return emitOpError() << "filter must be quantized along axis 0 (its "
                            "output channels), not axis "
                         << perAxis.getQuantizedDimension();

  int64_t inChannels = inputType.getDimSize(3);
  int64_t filterInChannels = filterType.getDimSize(3);
  if (!ShapedType::isDynamic(inChannels) && inChannels % groups != 0)
    return emitOpError() << "input has " << inChannels
                         << " channels, not a multiple of groups = " << groups;
  if (!ShapedType::isDynamic(outChannels) && outChannels % groups != 0)
    return emitOpError() << "filter has " << outChannels
                         << " output channels, not a multiple of groups = "
                         << groups;
  if (!ShapedType::isDynamic(inChannels) &&
      !sizesAgree(filterInChannels, inChannels / groups))
    return emitOpError() << "filter takes " << filterInChannels
                         << " input channels per group but the input has "
                         << inChannels << " channels in " << groups
                         << " groups";

  SmallVector<int64_t> expected = {
      inputType.getDimSize(0),
      convOutputSize(inputType.getDimSize(1), filterType.getDimSize(1),
                     padding[0], padding[1], strides[0], dilations[0]),
      convOutputSize(inputType.getDimSize(2), filterType.getDimSize(2),
                     padding[2], padding[3], strides[1], dilations[1]),
      outChannels};
  if (llvm::is_contained(expected, 0))
    return emitOpError() << "the dilated kernel is larger than the padded input";
  if (!shapesAgree(resultType.getShape(), expected))
    return emitOpError() << "result shape " << shapeString(resultType.getShape())
                         << " does not match the convolution's shape "
                         << shapeString(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// AddOp
//===----------------------------------------------------------------------===//

LogicalResult AddOp::verify() {
  if (failed(verifyPerTensor(*this, {{"lhs", getLhs()}, {"rhs", getRhs()},
                                     {"result", getResult()}})))
    return failure();
  auto lhs = getLhs().getType(), rhs = getRhs().getType();
  auto result = cast<RankedTensorType>(getType());
  if (!shapesAgree(lhs.getShape(), rhs.getShape()) ||
      !shapesAgree(lhs.getShape(), result.getShape()))
    return emitOpError() << "operands and result must have one shape, got "
                         << shapeString(lhs.getShape()) << ", "
                         << shapeString(rhs.getShape()) << " and "
                         << shapeString(result.getShape());
  Type expressed = getQuantizedElementType(result).getExpressedType();
  if (getQuantizedElementType(lhs).getExpressedType() != expressed ||
      getQuantizedElementType(rhs).getExpressedType() != expressed)
    return emitOpError() << "operands and result must express the same type";
  return verifyClamp(*this, getClamp(), getQuantizedElementType(result));
}

//===----------------------------------------------------------------------===//
// MulOp
//===----------------------------------------------------------------------===//

LogicalResult MulOp::verify() {
  if (failed(verifyPerTensor(*this, {{"lhs", getLhs()}, {"rhs", getRhs()},
                                     {"result", getResult()}})))
    return failure();
  ArrayRef<int64_t> lhs = getLhs().getType().getShape(), rhs = getRhs().getType().getShape();
  ArrayRef<int64_t> out = cast<RankedTensorType>(getType()).getShape();
  bool broadcasts = lhs.size() == rhs.size() && lhs.size() == out.size();
  for (size_t d = 0; broadcasts && d < out.size(); ++d) {
    int64_t expected = lhs[d] == 1 ? rhs[d] : lhs[d];
    broadcasts = (lhs[d] == rhs[d] || lhs[d] == 1 || rhs[d] == 1) && sizesAgree(expected, out[d]);
  }
  if (!broadcasts)
    return emitOpError() << "operands must broadcast to the result's shape along size-1 "
                            "dimensions, got "
                         << shapeString(lhs) << ", " << shapeString(rhs) << " and "
                         << shapeString(out);
  Type expressed = getQuantizedElementType(getType()).getExpressedType();
  if (getQuantizedElementType(getLhs().getType()).getExpressedType() != expressed ||
      getQuantizedElementType(getRhs().getType()).getExpressedType() != expressed)
    return emitOpError() << "operands and result must express the same type";
  return verifyClamp(*this, getClamp(), getQuantizedElementType(getType()));
}

//===----------------------------------------------------------------------===//
// LookupOp
//===----------------------------------------------------------------------===//

LogicalResult LookupOp::verify() {
  if (failed(verifyPerTensor(*this, {{"input", getInput()}, {"result", getResult()}})))
    return failure();
  for (auto [what, value] : {std::pair<StringRef, Value>{"input", getInput()},
                             {"result", getResult()}})
    if (getQuantizedElementType(value.getType()).getStorageTypeIntegralWidth() != 8)
      return emitOpError() << what << " must have 8-bit storage (a table has 256 entries)";
  auto in = getInput().getType();
  auto out = cast<RankedTensorType>(getType());
  if (!shapesAgree(in.getShape(), out.getShape()))
    return emitOpError() << "input and result must have one shape, got "
                         << shapeString(in.getShape()) << " and " << shapeString(out.getShape());
  auto table = cast<ShapedType>(getTable().getType());
  if (table.getRank() != 1 || table.getNumElements() != 256)
    return emitOpError() << "table must have 256 entries (one per input byte), got "
                         << table.getNumElements();
  auto result = getQuantizedElementType(out);
  for (APInt entry : getTable().getValues<APInt>()) {
    int64_t stored = result.isSigned() ? entry.getSExtValue() : entry.getZExtValue();
    if (stored < result.getStorageTypeMin() || stored > result.getStorageTypeMax())
      return emitOpError() << "table entry " << stored
                           << " is outside the result's storage range ["
                           << result.getStorageTypeMin() << ", "
                           << result.getStorageTypeMax() << "]";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// AvgPool2DOp
//===----------------------------------------------------------------------===//

LogicalResult AvgPool2DOp::verify() {
  if (failed(verifyPerTensor(*this, {{"input", getInput()}, {"result", getResult()}})))
    return failure();
  for (auto [what, value] : {std::pair<StringRef, Value>{"input", getInput()},
                             {"result", getResult()}})
    if (cast<RankedTensorType>(value.getType()).getRank() != 4)
      return emitOpError() << what << " must be NHWC (rank 4)";
  ArrayRef<int64_t> kernel = getKernel(), strides = getStrides();
  if (kernel.size() != 2 || llvm::any_of(kernel, [](int64_t k) { return k < 1; }))
    return emitOpError() << "kernel must be two positive values [h, w]";
  if (strides.size() != 2 || llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return emitOpError() << "strides must be two positive values [h, w]";
  ArrayRef<int64_t> padding = getPadding();
  if (padding.size() != 4 || llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return emitOpError() << "padding must be four non-negative values "
                            "[top, bottom, left, right]";
  // A window of padding alone would average nothing.
  if (padding[0] >= kernel[0] || padding[1] >= kernel[0] || padding[2] >= kernel[1] ||
      padding[3] >= kernel[1])
    return emitOpError() << "padding must be smaller than the kernel on each side";
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = cast<RankedTensorType>(getType()).getShape();
  SmallVector<int64_t> expected = {
      in[0], convOutputSize(in[1], kernel[0], padding[0], padding[1], strides[0], 1),
      convOutputSize(in[2], kernel[1], padding[2], padding[3], strides[1], 1), in[3]};
  if (llvm::is_contained(expected, 0))
    return emitOpError() << "the kernel is larger than the input";
  if (!shapesAgree(out, expected))
    return emitOpError() << "result shape " << shapeString(out)
                         << " does not match the pooling's shape "
                         << shapeString(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// PackedConstantOp
//===----------------------------------------------------------------------===//

/// The value a 4-bit field holds (two's complement when signed).
static int8_t nibbleValue(int nibble, bool isSigned) {
  return static_cast<int8_t>(isSigned && nibble >= 8 ? nibble - 16 : nibble);
}

LogicalResult PackedConstantOp::verify() {
  RankedTensorType type = getType();
  if (failed(verifyTensor(*this, "result", type)))
    return failure();
  QuantizedType qtype = getQuantizedElementType(type);
  if (qtype.getStorageTypeIntegralWidth() != 4)
    return emitOpError() << "holds 4-bit values but the result's storage type "
                            "is "
                         << qtype.getStorageType();
  if (!type.hasStaticShape())
    return emitOpError() << "result must have a static shape";

  ElementsAttr packed = getPacked();
  auto packedType = cast<ShapedType>(packed.getType());
  if (packedType.getRank() != 1 || !packedType.getElementType().isInteger(8))
    return emitOpError() << "packed must be a 1-D tensor of i8 bytes, got "
                         << packedType;
  int64_t numel = type.getNumElements();
  int64_t bytes = packedType.getNumElements();
  if (bytes != (numel + 1) / 2)
    return emitOpError() << "packed holds " << bytes << " bytes but "
                         << numel << " 4-bit values need " << (numel + 1) / 2;

  // The unused high nibble of an odd count's last byte must be zero.
  if (numel % 2 == 1 && bytes > 0 &&
      (getPacked().getValues<APInt>()[bytes - 1].getZExtValue() >> 4) != 0)
    return emitOpError() << "the unused high nibble of the last byte must be zero";
  // Every nibble must lie in the storage range. Four bits cannot leave the
  // full range, so only a narrowed type such as i4<-7:7> needs the scan
  // (which is linear in the weights, and verification runs after every
  // pass).
  int64_t lo = qtype.getStorageTypeMin(), hi = qtype.getStorageTypeMax();
  bool narrowed = qtype.isSigned() ? (lo > -8 || hi < 7) : (lo > 0 || hi < 15);
  if (!narrowed)
    return success();
  // A byte is valid when both its nibbles are: one table lookup per byte
  // (the values themselves are only decoded to name the first bad one).
  bool isSigned = qtype.isSigned();
  auto inRange = [&](int nibble) {
    int64_t value = nibbleValue(nibble, isSigned);
    return value >= lo && value <= hi;
  };
  std::array<bool, 256> valid;
  for (int byte = 0; byte < 256; ++byte)
    valid[byte] = inRange(byte & 0xF) && inRange(byte >> 4);
  if (auto dense = dyn_cast<DenseIntElementsAttr>(getPacked());
      dense && !dense.isSplat() && dense.getElementType().isInteger(8) &&
      llvm::all_of(dense.getRawData(),
                   [&](char byte) { return valid[static_cast<uint8_t>(byte)]; }))
    return success();
  std::vector<int8_t> values = nibbleValues();
  for (int64_t index = 0; index < numel; ++index) {
    int64_t value = values[index];
    if (value < lo || value > hi)
      return emitOpError() << "element " << index << " is " << value
                           << ", outside the storage range [" << lo << ", "
                           << hi << "]";
  }
  return success();
}

std::vector<int8_t> PackedConstantOp::nibbleValues() {
  bool isSigned = getQuantizedElementType(getType()).isSigned();
  // Each byte's two values, low nibble first, looked up rather than decoded.
  std::array<std::array<int8_t, 2>, 256> pairs;
  for (int byte = 0; byte < 256; ++byte)
    pairs[byte] = {nibbleValue(byte & 0xF, isSigned), nibbleValue(byte >> 4, isSigned)};
  std::vector<int8_t> values;
  auto decode = [&](auto bytes, size_t count) {
    values.resize(2 * count);
    for (size_t i = 0; i < count; ++i) {
      const std::array<int8_t, 2> &pair = pairs[bytes(i)];
      values[2 * i] = pair[0];
      values[2 * i + 1] = pair[1];
    }
  };
  // The bytes straight from a dense i8 attribute's storage (one byte each);
  // other forms element by element.
  auto dense = dyn_cast<DenseIntElementsAttr>(getPacked());
  if (dense && !dense.isSplat() && dense.getElementType().isInteger(8)) {
    ArrayRef<char> raw = dense.getRawData();
    decode([&](size_t i) { return static_cast<uint8_t>(raw[i]); }, raw.size());
    return values;
  }
  SmallVector<uint8_t> bytes;
  for (APInt byte : getPacked().getValues<APInt>())
    bytes.push_back(static_cast<uint8_t>(byte.getZExtValue()));
  decode([&](size_t i) { return bytes[i]; }, bytes.size());
  return values;
}

//===----------------------------------------------------------------------===//
// VnniDotOp, PairDotOp
//===----------------------------------------------------------------------===//

/// An x86 dot-product op's shapes: an accumulator of 4, 8 or 16 int32
/// lanes (one xmm, ymm or zmm register) and operands of `perLane` values
/// (`what`) per lane.
static LogicalResult verifyX86Dot(Operation *op, VectorType acc, VectorType operand,
                                  int64_t perLane, StringRef what) {
  int64_t lanes = acc.getNumElements();
  if (lanes != 4 && lanes != 8 && lanes != 16)
    return op->emitOpError() << "acc must have 4, 8 or 16 int32 lanes (xmm, ymm, zmm), got "
                             << lanes;
  int64_t values = operand.getNumElements();
  if (values != perLane * lanes)
    return op->emitOpError() << "operands must have " << perLane << " " << what
                             << " per int32 lane: " << perLane * lanes << " for " << lanes
                             << " lanes, got " << values;
  return success();
}

LogicalResult VnniDotOp::verify() {
  return verifyX86Dot(*this, getAcc().getType(), getLhs().getType(), 4, "bytes");
}

LogicalResult PairDotOp::verify() {
  return verifyX86Dot(*this, getAcc().getType(), getLhs().getType(), 2, "int16 values");
}

#define GET_OP_CLASSES
#include "qforge/Dialect/QF/IR/QFOps.cpp.inc"

//===----------------------------------------------------------------------===//
// ParallelForOp
//===----------------------------------------------------------------------===//

// qf.parallel_for (%begin, %end) in %items { ... } attr-dict
ParseResult ParallelForOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<OpAsmParser::Argument> bounds;
  OpAsmParser::UnresolvedOperand items;
  Type i64 = parser.getBuilder().getI64Type();
  if (parser.parseArgumentList(bounds, OpAsmParser::Delimiter::Paren) ||
      parser.parseKeyword("in") || parser.parseOperand(items) ||
      parser.resolveOperand(items, i64, result.operands))
    return failure();
  for (OpAsmParser::Argument &bound : bounds)
    bound.type = i64;
  Region *body = result.addRegion();
  if (parser.parseRegion(*body, bounds) || parser.parseOptionalAttrDict(result.attributes))
    return failure();
  return success();
}

void ParallelForOp::print(OpAsmPrinter &p) {
  p << " (";
  llvm::interleaveComma(getBody().getArguments(), p,
                        [&](BlockArgument arg) { p.printOperand(arg); });
  p << ") in " << getItems() << " ";
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false);
  p.printOptionalAttrDict((*this)->getAttrs());
}

LogicalResult ParallelForOp::verify() {
  if (getBody().empty())
    return emitOpError("needs a body");
  Block &entry = getBody().front();
  if (entry.getNumArguments() != 2 ||
      !llvm::all_of(entry.getArgumentTypes(), [](Type t) { return t.isInteger(64); }))
    return emitOpError("body must take two i64 arguments: the chunk's begin and end");
  return success();
}
