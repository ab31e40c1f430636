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

using namespace mlir;

namespace qforge {

namespace {

/// A depthwise convolution the vector kernels take: one output per input
/// channel, a multiple of kDepthwiseLanes channels.
bool isVectorDepthwise(qf::Conv2DOp conv) {
  int64_t groups = conv.getGroups();
  int64_t inChannels = conv.getInput().getType().getDimSize(3);
  int64_t outChannels = conv.getFilter().getType().getDimSize(0);
  return groups > 1 && groups == inChannels && outChannels == groups &&
         groups % kDepthwiseLanes == 0;
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
  Value input = storageOf(rewriter, loc, conv.getInput());
  ArrayRef<int64_t> outShape = conv.getType().getShape(), pad = conv.getPadding();
  std::optional<ChannelRequantization> epilogue =
      channelEpilogue(*p, conv.getBias(), outShape[3], conv.getClamp(), conv.getType());
  const ChannelRequantization *e = epilogue ? &*epilogue : nullptr;
  bool isSigned = p->act.isSigned;
  int64_t zeroPoint = p->act.zeroPoints[0];
  // The row kernel pads as it copies its input into channel blocks; the
  // vector kernel reads the input padded with the zero point.
  Value acc =
      rows ? buildDepthwiseRowDot(rewriter, loc, input, isSigned, zeroPoint, pad, p->values,
                                  outShape, conv.getStrides(), conv.getDilations(), e)
           : buildDepthwiseConv(rewriter, loc, l.padWithZeroPoint(input, pad, zeroPoint),
                                isSigned, zeroPoint, p->values, outShape, conv.getStrides(),
                                conv.getDilations(), e);
  Value result = finishKernelProduct(rewriter, loc, acc, e != nullptr, *p, conv.getBias(), 3,
                                     conv.getClamp(), conv.getType());
  rewriter.replaceOp(op, resultFromStorage(rewriter, loc, result, conv.getType()));
}

} // namespace qforge
