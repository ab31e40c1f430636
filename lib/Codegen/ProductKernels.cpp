//===- ProductKernels.cpp - qf products on dot-product instructions -------===//
//
// qf.matmul, and ungrouped qf.conv2d as the product of its windows and its
// filter matrix, on the packed dot-product kernel
// (Kernels/DotProductMatmul.h): what it takes and how it is called.
//
//===----------------------------------------------------------------------===//

#include "KernelEntries.h"
#include "QuantizedProduct.h"

#include "qforge/Codegen/Kernels/AmxMatmul.h"
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

/// Whether the convolution is a 1x1 stride-1 one whose input is its
/// windows' matrix.
bool isPointwise(qf::Conv2DOp op) {
  ArrayRef<int64_t> outShape = op.getType().getShape(), stride = op.getStrides();
  ArrayRef<int64_t> filterShape = op.getFilter().getType().getShape(); // OHWI
  ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
  return filterShape[1] == 1 && filterShape[2] == 1 && stride[0] == 1 && stride[1] == 1 &&
         inShape[1] == outShape[1] && inShape[2] == outShape[2];
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
  Value acc;
  if (!isPointwise(op)) {
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

Value matmulStorage(qf::MatmulOp op, DotInstruction instruction, const QuantizedProduct &p,
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
  return expandFromRows(rewriter, loc, result, lhsShape, n, reassoc);
}

Value convStorage(qf::Conv2DOp op, DotInstruction instruction, const QuantizedProduct &p,
                  RewriterBase &rewriter) {
  Location loc = op.getLoc();
  Value input = storageOf(rewriter, loc, op.getInput());
  int64_t channels = op.getType().getDimSize(3);
  std::unique_ptr<ProductMatrix> matrix = productMatrix(op, p);
  std::optional<ChannelRequantization> epilogue =
      channelEpilogue(p, op.getBias(), channels, op.getClamp(), op.getType());
  Value acc = windowProduct(rewriter, loc, instruction, op, input, matrix->weights, p.act,
                            epilogue ? &*epilogue : nullptr);
  return finishKernelProduct(rewriter, loc, acc, epilogue.has_value(), p, op.getBias(), 3,
                             op.getClamp(), op.getType());
}

/// The product's result as its storage integers.
Value productStorage(Operation *op, DotInstruction instruction, const QuantizedProduct &p,
                    RewriterBase &rewriter) {
  if (auto matmul = dyn_cast<qf::MatmulOp>(op))
    return matmulStorage(matmul, instruction, p, rewriter);
  return convStorage(cast<qf::Conv2DOp>(op), instruction, p, rewriter);
}

/// The product's rows (outputs per column) and reduction length.
std::pair<int64_t, int64_t> rowsAndDepth(Operation *op) {
  if (auto matmul = dyn_cast<qf::MatmulOp>(op)) {
    ArrayRef<int64_t> shape = matmul.getLhs().getType().getShape();
    int64_t rows = 1;
    for (int64_t d : shape.drop_back())
      rows *= d;
    return {rows, shape.back()};
  }
  auto conv = cast<qf::Conv2DOp>(op);
  ArrayRef<int64_t> out = conv.getType().getShape(), filter = conv.getFilter().getType().getShape();
  return {out[0] * out[1] * out[2], filter[1] * filter[2] * filter[3]};
}

/// A matmul or a convolution of one group: the products the dot-product
/// kernels take.
bool isUngroupedProduct(Operation *op) {
  auto conv = dyn_cast<qf::Conv2DOp>(op);
  return isa<qf::MatmulOp>(op) || (conv && conv.getGroups() == 1);
}

/// Whether `instruction`'s kernel computes the quantized product `p` of
/// `op`: its weight blocks are whole steps and int32 holds its sums.
bool dotProductTakes(Operation *op, const QuantizedProduct &p, DotInstruction instruction) {
  if (p.blocks && p.blocks->size % dotProductDepth(instruction) != 0)
    return false;
  return dotProductFitsInt32(productMatrix(op, p)->weights);
}

} // namespace

bool dotProductComputes(Operation *op, DotInstruction instruction) {
  if (!isUngroupedProduct(op))
    return false;
  std::optional<QuantizedProduct> p = readQuantizedProduct(op);
  return p && dotProductTakes(op, *p, instruction);
}

bool amxProductComputes(Operation *op) {
  if (!isUngroupedProduct(op))
    return false;
  std::optional<QuantizedProduct> p = readQuantizedProduct(op);
  if (!p || p->nibbles || p->blocks)
    return false;
  // A product of fewer rows than a tile block, or a short reduction, fills
  // too little of the tiles to beat the VNNI kernel.
  auto [rows, depth] = rowsAndDepth(op);
  if (rows < kAmxBlockRows || depth < kAmxMinDepth)
    return false;
  // A convolution the tiles cannot read in place is unfolded, and then
  // padded to whole steps unless its rows already are: two copies of its
  // windows, which cost more than the tiles save (ResNet-18's 7x7 stem:
  // 0.78 ms against the VNNI kernel's 0.54).
  auto conv = dyn_cast<qf::Conv2DOp>(op);
  if (conv && !isPointwise(conv) &&
      !amxReadsWindowsInPlace(conv.getInput().getType().getDimSize(3),
                              conv.getType().getDimSize(2)) &&
      depth % kAmxStepBytes != 0)
    return false;
  // Last, as it sums every weight column: whether int32 holds the sums.
  return dotProductTakes(op, *p, DotInstruction::X86Amx);
}

void emitDotProduct(Operation *op, DotInstruction instruction, RewriterBase &rewriter) {
  std::optional<QuantizedProduct> p = readQuantizedProduct(op);
  assert(p && "the kernel computes the op");
  rewriter.setInsertionPoint(op);
  Value storage = productStorage(op, instruction, *p, rewriter);
  rewriter.replaceOp(op, resultFromStorage(rewriter, op->getLoc(), storage,
                                           op->getResult(0).getType()));
}

} // namespace qforge
