//===- DepthwiseKernels.cpp - depthwise qf.conv2d on vector kernels -------===//
//
// A depthwise convolution (one output per input channel) keeps channels in
// vector lanes (Kernels/DepthwiseConv.h): with vpdpbusd one instruction per
// kernel row for 16 channels, elsewhere a multiply and add per tap.
//
//===----------------------------------------------------------------------===//

#include "KernelEntries.h"
#include "QuantizedProduct.h"

#include "qforge/Codegen/Kernels/DepthwiseConv.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace qforge {

namespace {

/// A depthwise convolution the vector kernels take: one output per input
/// channel (any number: the kernels compute whole vectors of
/// kDepthwiseLanes channels, see padToWholeVectors).
bool isVectorDepthwise(qf::Conv2DOp conv) {
  int64_t groups = conv.getGroups();
  int64_t inChannels = conv.getInput().getType().getDimSize(3);
  int64_t outChannels = conv.getFilter().getType().getDimSize(0);
  return groups > 1 && groups == inChannels && outChannels == groups;
}

/// A depthwise problem with its channels grown to whole vectors: the input
/// padded with its zero point and the filter with zero weights (OHWI: the
/// channels are outermost, so the zeros go at the end). The padded
/// channels' outputs are computed and sliced away, which costs less than
/// the reference loops the layer would otherwise take.
struct WholeVectors {
  Value input;
  DenseIntElementsAttr filter;
  SmallVector<int64_t> outShape;
};

WholeVectors padToWholeVectors(OpBuilder &b, Location loc, Value input,
                               DenseIntElementsAttr filter, ArrayRef<int64_t> outShape,
                               int64_t zeroPoint) {
  int64_t channels = outShape[3];
  int64_t padded = llvm::divideCeil(channels, kDepthwiseLanes) * kDepthwiseLanes;
  WholeVectors whole{input, filter, SmallVector<int64_t>(outShape)};
  if (padded == channels)
    return whole;
  whole.outShape[3] = padded;
  auto inType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> inShape(inType.getShape());
  inShape[3] = padded;
  SmallVector<OpFoldResult> low(4, b.getIndexAttr(0)), high(4, b.getIndexAttr(0));
  high[3] = b.getIndexAttr(padded - channels);
  Value zero = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(inType.getElementType(), zeroPoint));
  whole.input = tensor::PadOp::create(b, loc, inType.clone(inShape), input, low, high, zero);
  auto filterType = cast<RankedTensorType>(filter.getType());
  SmallVector<int64_t> filterShape(filterType.getShape());
  filterShape[0] = padded;
  SmallVector<APInt> weights(filter.getValues<APInt>());
  weights.resize(filterType.getNumElements() / channels * padded,
                 APInt(filterType.getElementTypeBitWidth(), 0));
  whole.filter = DenseIntElementsAttr::get(filterType.clone(filterShape), weights);
  return whole;
}

} // namespace

bool depthwiseComputes(Operation *op, bool rows) {
  auto conv = dyn_cast<qf::Conv2DOp>(op);
  if (!conv || !isVectorDepthwise(conv))
    return false;
  std::optional<QuantizedProduct> p = readQuantizedProduct(op);
  if (!p || p->blocks)
    return false;
  return !rows || depthwiseRowDotFits(conv.getFilter().getType().getDimSize(2),
                                      conv.getDilations()[1]);
}

void emitDepthwise(Operation *op, bool rows, RewriterBase &rewriter) {
  auto conv = cast<qf::Conv2DOp>(op);
  std::optional<QuantizedProduct> p = readQuantizedProduct(op);
  assert(p && "the kernel computes the op");
  rewriter.setInsertionPoint(op);
  Location loc = op->getLoc();
  IntegerLinalg l{rewriter, loc};
  ArrayRef<int64_t> outShape = conv.getType().getShape(), pad = conv.getPadding();
  std::optional<ChannelRequantization> epilogue =
      channelEpilogue(*p, conv.getBias(), outShape[3], conv.getClamp(), conv.getType());
  const ChannelRequantization *e = epilogue ? &*epilogue : nullptr;
  bool isSigned = p->act.isSigned;
  int64_t zeroPoint = p->act.zeroPoints[0];
  WholeVectors whole = padToWholeVectors(rewriter, loc, storageOf(rewriter, loc, conv.getInput()),
                                         p->values, outShape, zeroPoint);
  // The row kernel pads as it copies its input into channel blocks; the
  // vector kernel reads the input padded with the zero point.
  Value acc =
      rows ? buildDepthwiseRowDot(rewriter, loc, whole.input, isSigned, zeroPoint, pad,
                                  whole.filter, whole.outShape, conv.getStrides(),
                                  conv.getDilations(), e)
           : buildDepthwiseConv(rewriter, loc, l.padWithZeroPoint(whole.input, pad, zeroPoint),
                                isSigned, zeroPoint, whole.filter, whole.outShape,
                                conv.getStrides(), conv.getDilations(), e);
  if (whole.outShape[3] != outShape[3]) {
    SmallVector<OpFoldResult> zeros(4, rewriter.getIndexAttr(0)),
        ones(4, rewriter.getIndexAttr(1)), sizes;
    for (int64_t size : outShape)
      sizes.push_back(rewriter.getIndexAttr(size));
    acc = tensor::ExtractSliceOp::create(
        rewriter, loc, RankedTensorType::get(outShape, getElementTypeOrSelf(acc)), acc, zeros,
        sizes, ones);
  }
  Value result = finishKernelProduct(rewriter, loc, acc, e != nullptr, *p, conv.getBias(), 3,
                                     conv.getClamp(), conv.getType());
  rewriter.replaceOp(op, resultFromStorage(rewriter, loc, result, conv.getType()));
}

} // namespace qforge
