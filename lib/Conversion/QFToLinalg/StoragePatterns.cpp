//===- StoragePatterns.cpp - quantized values to and from storage ---------===//
//
// quant.scast disappears (a quantized value is its storage), observers are
// erased (outside calibration they record nothing), and quantize,
// dequantize, requantize and packed 4-bit constants compute as their
// definitions say.
//
//===----------------------------------------------------------------------===//

#include "PatternsInternal.h"

#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/QuantTypeChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace qforge {

namespace {

/// quant.scast either way: the storage is the value.
struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Observers matter to calibration only, which lowers them to calls before
/// this conversion (qf-lower-observers-to-calls); anywhere else they
/// compute nothing.
struct ObserveLowering : OpConversionPattern<qf::ObserveOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::ObserveOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    rewriter.eraseOp(op);
    return success();
  }
};

/// q = clamp(roundeven(x / scale) + zero_point), in the float type of x,
/// per tensor or per axis.
struct QuantizeLowering : OpConversionPattern<qf::QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::QuantizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    QuantParams p = readQuantParams(op.getType());
    auto element = cast<FloatType>(op.getInput().getType().getElementType());
    bool perAxis = p.axis >= 0;
    SmallVector<double> zps(p.zeroPoints.begin(), p.zeroPoints.end());
    SmallVector<Value> channel;
    if (perAxis)
      channel = {l.vector(element, p.scales), l.vector(element, zps)};
    Type out = rewriter.getIntegerType(storageBits(p));
    auto constant = [&](OpBuilder &nb, Location nl, double v) -> Value {
      return arith::ConstantOp::create(nb, nl, element, nb.getFloatAttr(element, v));
    };
    Value result = l.map(
        adaptor.getInput(), out, p.axis, channel,
        [&](OpBuilder &nb, Location nl, Value x, ValueRange ch) {
          Value s = perAxis ? ch[0] : constant(nb, nl, p.scales[0]);
          Value z = perAxis ? ch[1] : constant(nb, nl, zps[0]);
          Value v = math::RoundEvenOp::create(nb, nl, arith::DivFOp::create(nb, nl, x, s));
          v = arith::AddFOp::create(nb, nl, v, z);
          v = arith::MaximumFOp::create(nb, nl, v, constant(nb, nl, p.qmin));
          v = arith::MinimumFOp::create(nb, nl, v, constant(nb, nl, p.qmax));
          Value i = arith::FPToSIOp::create(nb, nl, nb.getI64Type(), v);
          return arith::TruncIOp::create(nb, nl, out, i).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// x = (q - zero_point) * scale.
struct DequantizeLowering : OpConversionPattern<qf::DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::DequantizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    QuantParams p = readQuantParams(op.getInput().getType());
    auto element = cast<FloatType>(op.getType().getElementType());
    bool perAxis = p.axis >= 0;
    SmallVector<Value> channel;
    if (perAxis)
      channel = {l.vector(element, p.scales), l.vector(l.i32(), p.zeroPoints)};
    Value result = l.map(
        adaptor.getInput(), element, p.axis, channel,
        [&](OpBuilder &nb, Location nl, Value q, ValueRange ch) {
          Value s = perAxis ? ch[0]
                            : arith::ConstantOp::create(nb, nl, element,
                                                        nb.getFloatAttr(element, p.scales[0]))
                                  .getResult();
          Value z = perAxis ? ch[1] : l.intConst(nb, nl, l.i32(), p.zeroPoints[0]);
          Value d = arith::SubIOp::create(nb, nl, l.widen(nb, nl, q, p.isSigned), z);
          Value f = arith::SIToFPOp::create(nb, nl, element, d);
          return arith::MulFOp::create(nb, nl, f, s).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// (q - z_in) rescaled by s_in / s_out (per input channel) to the result.
struct RequantizeLowering : OpConversionPattern<qf::RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::RequantizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    QuantParams in = readQuantParams(op.getInput().getType());
    QuantParams out = readQuantParams(op.getType());
    bool perAxis = in.axis >= 0;
    SmallVector<Value> channel;
    if (perAxis)
      channel = {l.vector(l.i32(), in.zeroPoints)};
    Value acc = l.map(adaptor.getInput(), l.i32(), in.axis, channel,
                      [&](OpBuilder &nb, Location nl, Value q, ValueRange ch) {
                        Value z = perAxis ? ch[0] : l.intConst(nb, nl, l.i32(), in.zeroPoints[0]);
                        return arith::SubIOp::create(nb, nl, l.widen(nb, nl, q, in.isSigned), z)
                            .getResult();
                      });
    SmallVector<double> multipliers;
    for (size_t c = 0; c < in.scales.size(); ++c)
      multipliers.push_back(in.scales[c] / out.scales[out.scales.size() > 1 ? c : 0]);
    rewriter.replaceOp(op, l.requantize(acc, in.axis, multipliers, out.zeroPoints[0], out.qmin,
                                        out.qmax, storageBits(out)));
    return success();
  }
};

/// 4-bit weights unpacked to one i8 per value (sign- or zero-extended), in
/// the result's shape.
struct PackedConstantLowering : OpConversionPattern<qf::PackedConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::PackedConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    auto type = op.getType();
    bool isSigned = qf::getQuantizedElementType(type).isSigned();
    auto packed = cast<DenseElementsAttr>(op.getPacked());
    int64_t bytes = packed.getNumElements();
    Value raw = arith::ConstantOp::create(l.b, l.loc, packed);
    Value flat = tensor::CollapseShapeOp::create(l.b, l.loc, unpackPairs(raw, bytes, isSigned, l),
                                                 SmallVector<ReassociationIndices>{{0, 1}});
    int64_t numel = type.getNumElements();
    if (numel != 2 * bytes)
      flat = tensor::ExtractSliceOp::create(
          l.b, l.loc, flat, ArrayRef<OpFoldResult>{l.b.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{l.b.getIndexAttr(numel)},
          ArrayRef<OpFoldResult>{l.b.getIndexAttr(1)});
    if (type.getRank() == 1) {
      rewriter.replaceOp(op, flat);
      return success();
    }
    ReassociationIndices all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    rewriter.replaceOp(op, tensor::ExpandShapeOp::create(
                               l.b, l.loc, RankedTensorType::get(type.getShape(), l.b.getI8Type()),
                               flat, SmallVector<ReassociationIndices>{all}));
    return success();
  }

  /// [bytes, 2]: each byte's low nibble, then its high one, extended.
  static Value unpackPairs(Value raw, int64_t bytes, bool isSigned, IntegerLinalg &l) {
    Type i8 = l.b.getI8Type();
    MLIRContext *ctx = l.b.getContext();
    AffineExpr byte = getAffineDimExpr(0, ctx);
    Value init = tensor::EmptyOp::create(l.b, l.loc, ArrayRef<int64_t>{bytes, 2}, i8);
    return linalg::GenericOp::create(
               l.b, l.loc, TypeRange{init.getType()}, ValueRange{raw}, ValueRange{init},
               {AffineMap::get(2, 0, {byte}, ctx), l.b.getMultiDimIdentityMap(2)},
               {utils::IteratorType::parallel, utils::IteratorType::parallel},
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 // Element 2i is the low nibble: move it up first, so that one
                 // right shift extends either nibble.
                 Value half = linalg::IndexOp::create(nb, nl, 1);
                 Value isLow = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, half,
                                                     arith::ConstantIndexOp::create(nb, nl, 0));
                 Value four = l.intConst(nb, nl, i8, 4);
                 Value moved = arith::SelectOp::create(
                     nb, nl, isLow, arith::ShLIOp::create(nb, nl, args[0], four), args[0]);
                 Value v = isSigned ? arith::ShRSIOp::create(nb, nl, moved, four).getResult()
                                    : arith::ShRUIOp::create(nb, nl, moved, four).getResult();
                 linalg::YieldOp::create(nb, nl, v);
               })
        .getResult(0);
  }
};

} // namespace

void populateStoragePatterns(const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<StorageCastLowering, ObserveLowering, QuantizeLowering, DequantizeLowering,
               RequantizeLowering, PackedConstantLowering>(converter, patterns.getContext());
}

} // namespace qforge
