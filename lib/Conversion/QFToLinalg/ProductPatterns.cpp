//===- ProductPatterns.cpp - integer matmuls and convolutions -------------===//
//
// qf.matmul and qf.conv2d as their definition: exact int32 sums of
// (x - z_x) * (w - z_w[c]) (one per block with block-quantized weights,
// combined in int64), the bias, then one requantization per channel.
//
//===----------------------------------------------------------------------===//

#include "PatternsInternal.h"

#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Utils/Layout.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace qforge {

namespace {

/// Weight zero points per output channel, or null when all are 0.
Value weightZeroPoints(const QuantParams &w, int64_t channels, IntegerLinalg &l) {
  if (llvm::all_of(w.zeroPoints, [](int64_t z) { return z == 0; }))
    return {};
  return l.vector(l.i32(), w.channelZeroPoints(channels));
}

/// The blocks of weights the lowerability check has accepted.
std::optional<WeightBlocks> blocksOf(Type weights, int64_t channelAxis, int64_t axis) {
  if (!readQuantParams(weights).blocked)
    return std::nullopt;
  std::string error;
  std::optional<WeightBlocks> blocks =
      readWeightBlocks(cast<RankedTensorType>(weights), channelAxis, axis, error);
  assert(blocks && "checkLowerable reports unreadable blocks");
  return blocks;
}

struct MatmulLowering : OpConversionPattern<qf::MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::MatmulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    QuantParams a = readQuantParams(op.getLhs().getType());
    QuantParams w = readQuantParams(op.getRhs().getType());
    std::optional<WeightBlocks> blocks = blocksOf(op.getRhs().getType(), 1, 0);
    Value rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(adaptor.getLhs().getType());
    int64_t n = cast<RankedTensorType>(rhs.getType()).getDimSize(1);
    int64_t rows = 1;
    for (int64_t d : lhsType.getShape().drop_back())
      rows *= d;
    SmallVector<ReassociationIndices> reassoc;
    Value lhs = collapseToRows(l.b, l.loc, adaptor.getLhs(), reassoc);
    Value weightZp = weightZeroPoints(w, n, l);
    Value acc = blocks ? blockSums(lhs, rhs, rows, n, a, w, *blocks, l)
                       : sums(lhs, rhs, weightZp, rows, n, a, w, l);
    Value result = finishProduct(acc, adaptor.getBias(), 1, a, w, blocks ? &*blocks : nullptr,
                                 op.getClamp(), op.getType(), l);
    result = expandFromRows(l.b, l.loc, result, lhsType.getShape(), n, reassoc);
    rewriter.replaceOp(op, result);
    return success();
  }

  /// int32 [rows, N] over (m, n, k).
  static Value sums(Value lhs, Value rhs, Value weightZp, int64_t rows, int64_t n,
                    const QuantParams &a, const QuantParams &w, IntegerLinalg &l) {
    MLIRContext *ctx = l.b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                   AffineMap::get(3, 0, {d(2), d(1)}, ctx)};
    if (weightZp)
      maps.push_back(AffineMap::get(3, 0, {d(1)}, ctx));
    maps.push_back(AffineMap::get(3, 0, {d(0), d(1)}, ctx));
    return l.accumulate({rows, n}, lhs, rhs, weightZp, maps, {par, par, red}, a, w);
  }

  /// One int32 sum per block, (m, g, n, k-in-block) into [M, G, N] with K
  /// split into [G, block] on both sides, combined into int64 [M, N].
  static Value blockSums(Value lhs, Value rhs, int64_t rows, int64_t n, const QuantParams &a,
                         const QuantParams &w, const WeightBlocks &blocks, IntegerLinalg &l) {
    MLIRContext *ctx = l.b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    int64_t g = blocks.count, bs = blocks.size;
    Value lhs3 = tensor::ExpandShapeOp::create(
        l.b, l.loc,
        RankedTensorType::get({rows, g, bs}, cast<ShapedType>(lhs.getType()).getElementType()),
        lhs, SmallVector<ReassociationIndices>{{0}, {1, 2}});
    Value rhs3 = tensor::ExpandShapeOp::create(
        l.b, l.loc,
        RankedTensorType::get({g, bs, n}, cast<ShapedType>(rhs.getType()).getElementType()), rhs,
        SmallVector<ReassociationIndices>{{0, 1}, {2}});
    SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx),
                                   AffineMap::get(4, 0, {d(1), d(3), d(2)}, ctx),
                                   AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx)};
    Value partial =
        l.accumulate({rows, g, n}, lhs3, rhs3, Value(), maps, {par, par, par, red}, a, w);
    return l.combineBlocks(partial, blocks);
  }
};

/// The geometry of a convolution, from the op.
struct ConvGeometry {
  ArrayRef<int64_t> stride, dil;
  int64_t groups, cg, og;
};

struct Conv2DLowering : OpConversionPattern<qf::Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::Conv2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    QuantParams a = readQuantParams(op.getInput().getType());
    QuantParams w = readQuantParams(op.getFilter().getType());
    std::optional<WeightBlocks> blocks = blocksOf(op.getFilter().getType(), 0, 3);
    Value filter = adaptor.getFilter();
    auto fType = cast<RankedTensorType>(filter.getType());
    int64_t o = fType.getDimSize(0), groups = op.getGroups();
    ConvGeometry geometry{op.getStrides(), op.getDilations(), groups, fType.getDimSize(3),
                          o / groups};
    Value input = l.padWithZeroPoint(adaptor.getInput(), op.getPadding(), a.zeroPoints[0]);
    Value weightZp = weightZeroPoints(w, o, l);
    // Ungrouped filters go output-channels-last (HWCF), so that the output
    // channel loop reads them contiguously and the loop can be vectorized
    // (qf-vectorizable-loop-order, qf-tile-and-vectorize).
    if (geometry.groups == 1)
      filter = filterToHWCF(l.b, l.loc, filter);
    SmallVector<int64_t> outShape(op.getType().getShape());
    Value acc = blocks ? blockSums(input, filter, outShape, geometry, a, w, *blocks, l)
                       : sums(input, filter, weightZp, outShape, geometry, a, w, l);
    rewriter.replaceOp(op, finishProduct(acc, adaptor.getBias(), 3, a, w,
                                         blocks ? &*blocks : nullptr, op.getClamp(),
                                         op.getType(), l));
    return success();
  }

  /// int32 [N, OH, OW, O] over (n, oh, ow, o, kh, kw, c), c running over
  /// one group's input channels.
  static Value sums(Value input, Value filter, Value weightZp, ArrayRef<int64_t> outShape,
                    const ConvGeometry &g, const QuantParams &a, const QuantParams &w,
                    IntegerLinalg &l) {
    MLIRContext *ctx = l.b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    AffineExpr inChannel = g.groups == 1 ? d(6) : d(3).floorDiv(g.og) * g.cg + d(6);
    AffineMap filterMap = g.groups == 1 ? AffineMap::get(7, 0, {d(4), d(5), d(6), d(3)}, ctx)
                                        : AffineMap::get(7, 0, {d(3), d(4), d(5), d(6)}, ctx);
    SmallVector<AffineMap> maps = {
        AffineMap::get(7, 0,
                       {d(0), d(1) * g.stride[0] + d(4) * g.dil[0],
                        d(2) * g.stride[1] + d(5) * g.dil[1], inChannel},
                       ctx),
        filterMap};
    if (weightZp)
      maps.push_back(AffineMap::get(7, 0, {d(3)}, ctx));
    maps.push_back(AffineMap::get(7, 0, {d(0), d(1), d(2), d(3)}, ctx));
    return l.accumulate(outShape, input, filter, weightZp, maps,
                        {par, par, par, par, red, red, red}, a, w);
  }

  /// One int32 sum per block of input channels (all taps), (n, oh, ow, g,
  /// o, kh, kw, c-in-block) into [N, OH, OW, G, O] with channels split into
  /// [G, block] on both sides, combined into int64 [N, OH, OW, O].
  static Value blockSums(Value input, Value filter, ArrayRef<int64_t> outShape,
                         const ConvGeometry &geo, const QuantParams &a, const QuantParams &w,
                         const WeightBlocks &blocks, IntegerLinalg &l) {
    MLIRContext *ctx = l.b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    int64_t g = blocks.count, bs = blocks.size;
    auto in4 = cast<RankedTensorType>(input.getType());
    auto f4 = cast<RankedTensorType>(filter.getType()); // HWCF
    Value input5 = tensor::ExpandShapeOp::create(
        l.b, l.loc,
        RankedTensorType::get({in4.getDimSize(0), in4.getDimSize(1), in4.getDimSize(2), g, bs},
                              in4.getElementType()),
        input, SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
    Value filter5 = tensor::ExpandShapeOp::create(
        l.b, l.loc,
        RankedTensorType::get({f4.getDimSize(0), f4.getDimSize(1), g, bs, f4.getDimSize(3)},
                              f4.getElementType()),
        filter, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}, {4}});
    SmallVector<AffineMap> maps = {
        AffineMap::get(8, 0,
                       {d(0), d(1) * geo.stride[0] + d(5) * geo.dil[0],
                        d(2) * geo.stride[1] + d(6) * geo.dil[1], d(3), d(7)},
                       ctx),
        AffineMap::get(8, 0, {d(5), d(6), d(3), d(7), d(4)}, ctx),
        AffineMap::get(8, 0, {d(0), d(1), d(2), d(3), d(4)}, ctx)};
    SmallVector<int64_t> partialShape = {outShape[0], outShape[1], outShape[2], g, outShape[3]};
    Value partial = l.accumulate(partialShape, input5, filter5, Value(), maps,
                                 {par, par, par, par, par, red, red, red}, a, w);
    return l.combineBlocks(partial, blocks);
  }
};

} // namespace

void populateProductPatterns(const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, Conv2DLowering>(converter, patterns.getContext());
}

} // namespace qforge
