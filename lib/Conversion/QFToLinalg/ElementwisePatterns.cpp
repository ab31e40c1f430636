//===- ElementwisePatterns.cpp - qf.lookup and qf.mul element by element --===//

#include "PatternsInternal.h"

#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Utils/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace qforge {

namespace {

/// y = table[zext(x)]: one load from the 256-byte constant per element (the
/// stored byte's bit pattern is the index, whatever its signedness).
struct LookupLowering : OpConversionPattern<qf::LookupOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::LookupOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    Value table = arith::ConstantOp::create(rewriter, op.getLoc(), op.getTable());
    Value input = adaptor.getInput();
    Type byteType = cast<RankedTensorType>(input.getType()).getElementType();
    Value result = l.map(input, byteType, /*axis=*/-1, /*channel=*/{},
                         [&](OpBuilder &nb, Location nl, Value byte, ValueRange) {
                           Value index = arith::IndexCastUIOp::create(
                               nb, nl, nb.getIndexType(), l.widen(nb, nl, byte, false));
                           return tensor::ExtractOp::create(nb, nl, table, index).getResult();
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// An operand broadcast to the result: its size-1 dimensions where the
/// result's are larger collapsed away (into a neighbouring dimension's
/// group), and the map reading the dimensions it keeps. The vectorizer
/// takes such projected permutations, not maps with constant indices.
std::pair<Value, AffineMap> broadcastOperand(OpBuilder &b, Location loc, Value operand,
                                             RankedTensorType result) {
  auto type = cast<RankedTensorType>(operand.getType());
  SmallVector<ReassociationIndices> groups;
  SmallVector<AffineExpr> exprs;
  ReassociationIndices pending;
  for (int64_t d = 0; d < result.getRank(); ++d) {
    pending.push_back(d);
    if (type.getDimSize(d) == 1 && result.getDimSize(d) != 1)
      continue; // broadcast: joins the next kept dimension's group
    groups.push_back(pending);
    pending.clear();
    exprs.push_back(b.getAffineDimExpr(d));
  }
  if (!pending.empty() && !groups.empty())
    groups.back().append(pending.begin(), pending.end());
  AffineMap map = AffineMap::get(result.getRank(), 0, exprs, b.getContext());
  if (exprs.size() == static_cast<size_t>(type.getRank()))
    return {operand, map};
  return {tensor::CollapseShapeOp::create(b, loc, operand, groups), map};
}

/// y = clamp(z_y + roundeven(float((a - z_a) * (b - z_b)) * M)) with
/// M = s_a * s_b / s_y in float32: the product of two 9-bit differences is
/// exact in int32, and scaleToStorage rounds as every requantization does.
struct MulLowering : OpConversionPattern<qf::MulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::MulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    QuantParams a = readQuantParams(op.getLhs().getType());
    QuantParams b = readQuantParams(op.getRhs().getType());
    QuantParams out = readQuantParams(op.getType());
    // Named copies: lambdas below capture them (captured structured bindings
    // are C++20).
    auto bounds = clampBounds(op.getClamp(), out);
    auto lo = bounds.first, hi = bounds.second;
    float multiplier = static_cast<float>(a.scales[0] * b.scales[0] / out.scales[0]);
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    Type storageType = rewriter.getIntegerType(storageBits(out));
    auto resultType = RankedTensorType::get(op.getType().getShape(), storageType);
    Value init = tensor::EmptyOp::create(rewriter, op.getLoc(), resultType.getShape(),
                                         storageType);
    SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                               utils::IteratorType::parallel);
    auto [lhsValue, lhsMap] = broadcastOperand(rewriter, op.getLoc(), lhs, resultType);
    auto [rhsValue, rhsMap] = broadcastOperand(rewriter, op.getLoc(), rhs, resultType);
    SmallVector<AffineMap> maps = {lhsMap, rhsMap,
                                   rewriter.getMultiDimIdentityMap(resultType.getRank())};
    Value result =
        linalg::GenericOp::create(
            rewriter, op.getLoc(), TypeRange{resultType}, ValueRange{lhsValue, rhsValue},
            ValueRange{init}, maps, iterators,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              // One op per statement: the IR's order must not depend on the
              // order in which the host compiler evaluates arguments.
              auto centered = [&](Value v, const QuantParams &p) -> Value {
                Value zeroPoint = l.intConst(nb, nl, l.i32(), p.zeroPoints[0]);
                Value wide = l.widen(nb, nl, v, p.isSigned);
                return arith::SubIOp::create(nb, nl, wide, zeroPoint);
              };
              Value rhsCentered = centered(args[1], b);
              Value lhsCentered = centered(args[0], a);
              Value product = arith::MulIOp::create(nb, nl, lhsCentered, rhsCentered);
              Value m = arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(multiplier));
              linalg::YieldOp::create(nb, nl,
                                      scaleToStorage(nb, nl, product, m, out.zeroPoints[0], lo,
                                                     hi, storageType));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateElementwisePatterns(const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<LookupLowering, MulLowering>(converter, patterns.getContext());
}

} // namespace qforge
