//===- AddAndPoolPatterns.cpp - quantized sums requantized once -----------===//

#include "PatternsInternal.h"

#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Utils/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace qforge {

namespace {

/// The fixed-point form of (a - z_a) * m_a + (b - z_b) * m_b: one shift n
/// for both multipliers (chosen for the larger), in int32 with multipliers
/// of up to 22 bits when the sum and the rounding's half unit cannot leave
/// int32 for any inputs (16 lanes to a vector instead of 8, no 64-bit
/// multiplies), else in int64 with 31 bits.
struct AddArithmetic {
  int64_t shift = 0, mA = 0, mB = 0;
  bool wide = false; // int64

  AddArithmetic(const QuantParams &a, const QuantParams &b, const QuantParams &out) {
    double ma = a.scales[0] / out.scales[0], mb = b.scales[0] / out.scales[0];
    auto largestTerm = [](const QuantParams &p) {
      return std::max(p.qmax - p.zeroPoints[0], p.zeroPoints[0] - p.qmin);
    };
    auto choose = [&](int bits) {
      shift = fixedPointMultiplier(std::max(ma, mb), bits).second;
      mA = std::llround(std::ldexp(ma, static_cast<int>(shift)));
      mB = std::llround(std::ldexp(mb, static_cast<int>(shift)));
    };
    choose(22);
    int64_t bound = largestTerm(a) * mA + largestTerm(b) * mB +
                    (shift >= 1 && shift <= 30 ? int64_t(1) << (shift - 1) : 0);
    if (shift < 1 || shift > 30 || bound >= (int64_t(1) << 31)) {
      wide = true;
      choose(31);
    }
  }
};

struct AddLowering : OpConversionPattern<qf::AddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::AddOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    QuantParams a = readQuantParams(op.getLhs().getType());
    QuantParams b = readQuantParams(op.getRhs().getType());
    QuantParams out = readQuantParams(op.getType());
    AddArithmetic arith(a, b, out);
    Type wide = arith.wide ? l.i64() : l.i32();
    // Named copies: lambdas below capture them (captured structured bindings
    // are C++20).
    auto bounds = clampBounds(op.getClamp(), out);
    auto lo = bounds.first, hi = bounds.second;
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto type = cast<RankedTensorType>(lhs.getType());
    unsigned rank = type.getRank();
    Type storageType = l.b.getIntegerType(storageBits(out));
    Value init = tensor::EmptyOp::create(l.b, l.loc, type.getShape(), storageType);
    AffineMap id = l.b.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    Value result =
        linalg::GenericOp::create(
            l.b, l.loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, ValueRange{init},
            SmallVector<AffineMap>{id, id, id}, iterators,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              auto term = [&](Value v, const QuantParams &p, int64_t m) -> Value {
                Value w = l.widen(nb, nl, v, p.isSigned);
                Value d = arith::SubIOp::create(nb, nl, w,
                                                l.intConst(nb, nl, l.i32(), p.zeroPoints[0]));
                if (wide != d.getType())
                  d = arith::ExtSIOp::create(nb, nl, wide, d);
                return arith::MulIOp::create(nb, nl, d, l.intConst(nb, nl, wide, m));
              };
              Value p = arith::AddIOp::create(nb, nl, term(args[0], a, arith.mA),
                                              term(args[1], b, arith.mB));
              linalg::YieldOp::create(
                  nb, nl,
                  finishRequantization(nb, nl, p, l.intConst(nb, nl, wide, arith.shift),
                                       out.zeroPoints[0], lo, hi, storageType));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Valid elements of the window at output row (or column) o along an axis
/// of `size` inputs.
int64_t validTaps(int64_t o, int64_t size, int64_t k, int64_t stride, int64_t before) {
  int64_t begin = o * stride - before;
  return std::min(begin + k, size) - std::max<int64_t>(begin, 0);
}

/// int32 window sums of (x - z_x) over the input padded with z_x, then one
/// requantization at s_x / (n * s_y), n the window's valid elements.
struct AvgPoolLowering : OpConversionPattern<qf::AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::AvgPool2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    QuantParams in = readQuantParams(op.getInput().getType());
    QuantParams out = readQuantParams(op.getType());
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(), pad = op.getPadding();
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> shape(resultType.getShape());
    Value sum = windowSums(adaptor.getInput(), kernel, strides, pad, shape, in, l);
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    SmallVector<double> multipliers;
    for (int64_t y = 0; y < shape[1]; ++y)
      for (int64_t x = 0; x < shape[2]; ++x) {
        int64_t n = validTaps(y, inShape[1], kernel[0], strides[0], pad[0]) *
                    validTaps(x, inShape[2], kernel[1], strides[1], pad[2]);
        multipliers.push_back(in.scales[0] / (static_cast<double>(n) * out.scales[0]));
      }
    unsigned bits = storageBits(out);
    if (llvm::all_equal(multipliers)) {
      rewriter.replaceOp(op, l.requantize(sum, 3, {multipliers[0]}, out.zeroPoints[0], out.qmin,
                                          out.qmax, bits));
      return success();
    }
    // A multiplier per output position: requantized along the positions of
    // [N, OH * OW, C].
    SmallVector<ReassociationIndices> positions = {{0}, {1, 2}, {3}};
    Value flat = tensor::CollapseShapeOp::create(l.b, l.loc, sum, positions);
    Value requantized =
        l.requantize(flat, 1, multipliers, out.zeroPoints[0], out.qmin, out.qmax, bits);
    rewriter.replaceOp(
        op, tensor::ExpandShapeOp::create(
                l.b, l.loc,
                resultType.clone(cast<RankedTensorType>(requantized.getType()).getElementType()),
                requantized, positions));
    return success();
  }

  /// int32 [N, OH, OW, C] over (n, oh, ow, c, kh, kw) of the input padded
  /// with its zero point; the window's extent comes from a shape-only
  /// operand, as for linalg's pooling ops.
  static Value windowSums(Value input, ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> pad, ArrayRef<int64_t> shape, const QuantParams &p,
                          IntegerLinalg &l) {
    MLIRContext *ctx = l.b.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    Value window = tensor::EmptyOp::create(l.b, l.loc, kernel, l.b.getI8Type());
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0, {d(0), d(1) * strides[0] + d(4), d(2) * strides[1] + d(5), d(3)},
                       ctx),
        AffineMap::get(6, 0, {d(4), d(5)}, ctx),
        AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx)};
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    return linalg::GenericOp::create(
               l.b, l.loc, TypeRange{RankedTensorType::get(shape, l.i32())},
               ValueRange{l.padWithZeroPoint(input, pad, p.zeroPoints[0]), window},
               ValueRange{l.zeros(shape, l.i32())}, maps,
               SmallVector<utils::IteratorType>{par, par, par, par, red, red},
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value v = arith::SubIOp::create(nb, nl, l.widen(nb, nl, args[0], p.isSigned),
                                                 l.intConst(nb, nl, l.i32(), p.zeroPoints[0]));
                 linalg::YieldOp::create(nb, nl,
                                         ValueRange{arith::AddIOp::create(nb, nl, args[2], v)});
               })
        .getResult(0);
  }
};

} // namespace

void populateAddAndPoolPatterns(const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<AddLowering, AvgPoolLowering>(converter, patterns.getContext());
}

} // namespace qforge
