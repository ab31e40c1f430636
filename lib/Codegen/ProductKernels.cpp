//===- ProductKernels.cpp - qf products on dot-product instructions -------===//
//
// qf.matmul, and ungrouped qf.conv2d as the product of its windows and its
// filter matrix, on the packed dot-product kernel
// (Kernels/DotProductMatmul.h): what it takes and how it is called.
//
//===----------------------------------------------------------------------===//

#include "KernelEntries.h"
#include "QuantizedProduct.h"

#include "qforge/Codegen/Kernels/PackedGemm.h"
#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace qforge {

namespace {

/// The product's weights as the kernel multiplies them: [K, N] (a
/// convolution's OHWI filter as its [KH*KW*C, O] matrix), with their runs
/// when they come in blocks.
struct ProductMatrix {
  DotProductWeights weights;
  std::optional<WeightRuns> runs; // what weights.runs points to
};

std::unique_ptr<ProductMatrix> productMatrix(Operation *op, const QuantizedProduct &p) {
  auto matrix = std::make_unique<ProductMatrix>();
  DenseIntElementsAttr values = p.values;
  int64_t channels, repeats = 1;
  if (isa<qf::Conv2DOp>(op)) {
    ArrayRef<int64_t> ohwi = cast<ShapedType>(values.getType()).getShape();
    channels = ohwi[0];
    repeats = ohwi[1] * ohwi[2];
    values = cast<DenseIntElementsAttr>(filterAsMatrix(values));
  } else {
    channels = cast<ShapedType>(values.getType()).getDimSize(1);
  }
  if (p.blocks)
    matrix->runs = weightRuns(*p.blocks, channels, repeats);
  matrix->weights = {values, p.nibbles, matrix->runs ? &*matrix->runs : nullptr};
  return matrix;
}

/// An ungrouped KH x KW convolution as one dot-product matrix product: the
/// windows of `input` padded by the zero point, [N*OH*OW, KH*KW*C], times
/// the [KH*KW*C, O] filter matrix, folded back to [N, OH, OW, O]. A 1x1
/// stride-1 convolution's windows are the input itself; others
/// buildDotProductConv reads in place or unfolds.
Value windowProduct(OpBuilder &b, Location loc, DotInstruction instruction, qf::Conv2DOp op,
                    Value input, const DotProductWeights &matrix, const QuantParams &act,
                    const ChannelRequantization *epilogue) {
  ArrayRef<int64_t> outShape = op.getType().getShape(), stride = op.getStrides();
  ArrayRef<int64_t> filterShape = op.getFilter().getType().getShape(); // OHWI
  int64_t kh = filterShape[1], kw = filterShape[2];
  auto inType = cast<RankedTensorType>(input.getType());
  bool pointwise = kh == 1 && kw == 1 && stride[0] == 1 && stride[1] == 1 &&
                   inType.getDimSize(1) == outShape[1] && inType.getDimSize(2) == outShape[2];
  Value acc;
  if (!pointwise) {
    ConvWindows windows{input,
                        SmallVector<int64_t, 4>(op.getPadding()),
                        kh,
                        kw,
                        SmallVector<int64_t, 4>(outShape),
                        SmallVector<int64_t, 2>(stride),
                        SmallVector<int64_t, 2>(op.getDilations())};
    acc = buildDotProductConv(b, loc, instruction, windows, act.isSigned, act.zeroPoints[0],
                              matrix, epilogue);
  } else {
    Value rows = tensor::CollapseShapeOp::create(
        b, loc, input, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
    acc = buildDotProductMatmul(b, loc, instruction, rows, act.isSigned, act.zeroPoints[0],
                                matrix, epilogue);
  }
  return tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get(outShape, cast<RankedTensorType>(acc.getType()).getElementType()),
      acc, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
}

void emitMatmul(qf::MatmulOp op, DotInstruction instruction, const QuantizedProduct &p,
                RewriterBase &rewriter) {
  Location loc = op.getLoc();
  Value lhs = storageOf(rewriter, loc, op.getLhs());
  ArrayRef<int64_t> lhsShape = op.getLhs().getType().getShape();
  int64_t n = op.getRhs().getType().getDimSize(1);
  SmallVector<ReassociationIndices> reassoc;
  lhs = collapseToRows(rewriter, loc, lhs, reassoc);
  std::unique_ptr<ProductMatrix> matrix = productMatrix(op, p);
  std::optional<ChannelRequantization> epilogue =
      channelEpilogue(p, op.getBias(), n, op.getClamp(), op.getType());
  Value acc = buildDotProductMatmul(rewriter, loc, instruction, lhs, p.act.isSigned,
                                    p.act.zeroPoints[0], matrix->weights,
                                    epilogue ? &*epilogue : nullptr);
  Value result = finishKernelProduct(rewriter, loc, acc, epilogue.has_value(), p, op.getBias(),
                                     1, op.getClamp(), op.getType());
  result = expandFromRows(rewriter, loc, result, lhsShape, n, reassoc);
  rewriter.replaceOp(op, resultFromStorage(rewriter, loc, result, op.getType()));
}

void emitConv(qf::Conv2DOp op, DotInstruction instruction, const QuantizedProduct &p,
              RewriterBase &rewriter) {
  Location loc = op.getLoc();
  Value input = storageOf(rewriter, loc, op.getInput());
  int64_t channels = op.getType().getDimSize(3);
  std::unique_ptr<ProductMatrix> matrix = productMatrix(op, p);
  std::optional<ChannelRequantization> epilogue =
      channelEpilogue(p, op.getBias(), channels, op.getClamp(), op.getType());
  Value acc = windowProduct(rewriter, loc, instruction, op, input, matrix->weights, p.act,
                            epilogue ? &*epilogue : nullptr);
  Value result = finishKernelProduct(rewriter, loc, acc, epilogue.has_value(), p, op.getBias(),
                                     3, op.getClamp(), op.getType());
  rewriter.replaceOp(op, resultFromStorage(rewriter, loc, result, op.getType()));
}

} // namespace

bool dotProductComputes(Operation *op, DotInstruction instruction) {
  auto conv = dyn_cast<qf::Conv2DOp>(op);
  if (!isa<qf::MatmulOp>(op) && !(conv && conv.getGroups() == 1))
    return false;
  std::optional<QuantizedProduct> p = readQuantizedProduct(op);
  if (!p || (p->blocks && p->blocks->size % dotProductDepth(instruction) != 0))
    return false;
  return dotProductFitsInt32(productMatrix(op, *p)->weights);
}

void emitDotProduct(Operation *op, DotInstruction instruction, RewriterBase &rewriter) {
  std::optional<QuantizedProduct> p = readQuantizedProduct(op);
  assert(p && "the kernel computes the op");
  rewriter.setInsertionPoint(op);
  if (auto matmul = dyn_cast<qf::MatmulOp>(op))
    return emitMatmul(matmul, instruction, *p, rewriter);
  emitConv(cast<qf::Conv2DOp>(op), instruction, *p, rewriter);
}

} // namespace qforge
