//===- QuantTypeChecks.cpp - checks of !quant.uniform tensors -------------===//

#include "qforge/Dialect/QF/IR/QuantTypeChecks.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::quant;

namespace qforge::qf {

QuantizedType getQuantizedElementType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return dyn_cast<QuantizedType>(shaped.getElementType());
  return dyn_cast<QuantizedType>(type);
}

bool isPerTensor(Type type) {
  return isa_and_nonnull<UniformQuantizedType>(getQuantizedElementType(type));
}

static LogicalResult checkZeroPoint(EmitErrorFn emitError, StringRef what,
                                    QuantizedType qtype, int64_t zeroPoint) {
  int64_t lo = qtype.getStorageTypeMin(), hi = qtype.getStorageTypeMax();
  if (zeroPoint >= lo && zeroPoint <= hi)
    return success();
  return emitError() << what << " has zero point " << zeroPoint
                     << ", outside the storage range [" << lo << ", " << hi
                     << "] of " << qtype.getStorageType();
}

static LogicalResult verifyPerAxis(EmitErrorFn emitError, StringRef what,
                                   RankedTensorType type,
                                   UniformQuantizedPerAxisType qtype) {
  int64_t axis = qtype.getQuantizedDimension();
  if (axis >= type.getRank())
    return emitError() << what << " is quantized along axis " << axis
                       << " but has rank " << type.getRank();
  int64_t dim = type.getDimSize(axis);
  int64_t count = qtype.getScales().size();
  if (!ShapedType::isDynamic(dim) && dim != count)
    return emitError() << what << " has " << count << " scales for axis "
                       << axis << " of size " << dim;
  for (auto [i, zeroPoint] : llvm::enumerate(qtype.getZeroPoints()))
    if (failed(checkZeroPoint(emitError,
                              (what + " channel " + llvm::Twine(i)).str(),
                              qtype, zeroPoint)))
      return failure();
  return success();
}

static LogicalResult verifySubChannel(EmitErrorFn emitError, StringRef what,
                                      RankedTensorType type,
                                      UniformQuantizedSubChannelType qtype) {
  if (!type.hasStaticShape())
    return emitError() << what
                       << " is quantized in blocks and needs a static shape";
  // The scale tensor has one entry per block: dim / block along each axis,
  // where an axis without a block size is one block.
  SmallVector<int64_t> blocksPerDim(type.getShape());
  for (auto [axis, block] : qtype.getBlockSizeInfo()) {
    if (axis >= type.getRank())
      return emitError() << what << " has a block size for axis " << axis
                         << " but has rank " << type.getRank();
    int64_t dim = type.getDimSize(axis);
    if (block <= 0 || dim % block != 0)
      return emitError() << what << " has block size " << block
                         << " along axis " << axis
                         << ", which does not divide its size " << dim;
    blocksPerDim[axis] = dim / block;
  }
  for (int64_t axis = 0; axis < type.getRank(); ++axis) {
    bool blocked = llvm::any_of(qtype.getQuantizedDimensions(),
                                [&](int32_t d) { return d == axis; });
    if (!blocked)
      blocksPerDim[axis] = 1;
  }
  ArrayRef<int64_t> scaleShape = qtype.getScales().getType().getShape();
  if (scaleShape != ArrayRef<int64_t>(blocksPerDim)) {
    auto diag = emitError() << what << " has scales of shape [";
    llvm::interleaveComma(scaleShape, diag);
    diag << "] but its blocks need [";
    llvm::interleaveComma(blocksPerDim, diag);
    return diag << "]";
  }
  // Zero points are stored at the storage width; read them with its sign.
  for (APInt zeroPoint : qtype.getZeroPoints().getValues<APInt>()) {
    int64_t value = qtype.isSigned() ? zeroPoint.getSExtValue()
                                     : static_cast<int64_t>(zeroPoint.getZExtValue());
    if (failed(checkZeroPoint(emitError, what, qtype, value)))
      return failure();
  }
  return success();
}

LogicalResult verifyQuantizedTensorType(EmitErrorFn emitError, StringRef what,
                                        RankedTensorType type) {
  Type element = type.getElementType();
  auto qtype = dyn_cast<QuantizedType>(element);
  if (!qtype || !isa<UniformQuantizedType, UniformQuantizedPerAxisType,
                     UniformQuantizedSubChannelType>(qtype))
    return emitError() << what << " has element type " << element
                       << "; qf supports !quant.uniform per tensor, per axis "
                          "or per block";
  unsigned bits = qtype.getStorageTypeIntegralWidth();
  if (bits != 4 && bits != 8 && bits != 16 && bits != 32)
    return emitError() << what << " has " << bits
                       << "-bit storage; qf supports 4, 8, 16 and 32 bits";

  if (auto perTensor = dyn_cast<UniformQuantizedType>(qtype))
    return checkZeroPoint(emitError, what, qtype, perTensor.getZeroPoint());
  if (auto perAxis = dyn_cast<UniformQuantizedPerAxisType>(qtype))
    return verifyPerAxis(emitError, what, type, perAxis);
  return verifySubChannel(emitError, what, type,
                          cast<UniformQuantizedSubChannelType>(qtype));
}

std::string whyNotRequantizable(QuantizedType from, QuantizedType to) {
  std::string reason;
  llvm::raw_string_ostream os(reason);
  if (from.getExpressedType() != to.getExpressedType()) {
    os << "input expresses '" << from.getExpressedType()
       << "' values but the result expresses '" << to.getExpressedType()
       << "'";
  } else if (isa<UniformQuantizedSubChannelType>(from) ||
             isa<UniformQuantizedSubChannelType>(to)) {
    os << "block-quantized tensors cannot be requantized";
  } else if (auto toAxis = dyn_cast<UniformQuantizedPerAxisType>(to)) {
    auto fromAxis = dyn_cast<UniformQuantizedPerAxisType>(from);
    if (!fromAxis ||
        fromAxis.getQuantizedDimension() != toAxis.getQuantizedDimension())
      os << "a result quantized along axis " << toAxis.getQuantizedDimension()
         << " needs an input quantized along the same axis";
  }
  return reason;
}

} // namespace qforge::qf
