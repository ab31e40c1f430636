//===- LowerQFToLinalg.cpp - qf ops to integer linalg on tensors ----------===//
//
// The reference lowering of the qf dialect: exact integer accumulation and
// integer-only requantization, written as linalg.generic ops so that the
// existing float lowering compiles them. Quantized tensors become their
// signless storage integers.
//
//===----------------------------------------------------------------------===//

#include "qforge/Transforms/Passes.h"
#include "qforge/Transforms/ConstantLayout.h"

#include "QF/QFOps.h"
#include "QF/QuantTypeChecks.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

namespace qforge {
#define GEN_PASS_DEF_LOWERQFTOLINALGPASS
#include "qforge/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;
using namespace mlir::quant;
using qforge::qf::getQuantizedElementType;

namespace {

/// Quantization parameters of a tensor type, per tensor (axis -1) or per
/// axis.
struct Params {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t axis = -1;
  bool isSigned = true;
  unsigned bits = 8;
  int64_t qmin = 0, qmax = 0;
};

FailureOr<Params> paramsOf(Operation *op, Type type) {
  QuantizedType q = getQuantizedElementType(type);
  Params p;
  p.isSigned = q.isSigned();
  p.bits = q.getStorageTypeIntegralWidth();
  p.qmin = q.getStorageTypeMin();
  p.qmax = q.getStorageTypeMax();
  if (auto t = dyn_cast<UniformQuantizedType>(q)) {
    p.scales = {t.getScale()};
    p.zeroPoints = {t.getZeroPoint()};
    return p;
  }
  if (auto t = dyn_cast<UniformQuantizedPerAxisType>(q)) {
    p.scales.assign(t.getScales().begin(), t.getScales().end());
    p.zeroPoints.assign(t.getZeroPoints().begin(), t.getZeroPoints().end());
    p.axis = t.getQuantizedDimension();
    return p;
  }
  op->emitOpError() << "uses blocked (sub-channel) quantization, which is not "
                       "lowered yet";
  return failure();
}

/// M = m * 2^-shift with m in [2^30, 2^31), for a positive real multiplier.
std::pair<int64_t, int64_t> fixedPoint(double multiplier) {
  int exponent;
  double fraction = std::frexp(multiplier, &exponent); // [0.5, 1)
  int64_t m = std::llround(fraction * static_cast<double>(1LL << 31));
  if (m == (1LL << 31)) {
    m /= 2;
    ++exponent;
  }
  int64_t shift = 31 - exponent;
  // Beyond 62 the product cannot reach a half unit; keep the shift usable.
  if (shift > 62) {
    m >>= (shift - 62);
    shift = 62;
  }
  return {m, shift};
}

struct Lowering {
  OpBuilder &b;
  Location loc;

  Type i32() { return b.getI32Type(); }
  Type i64() { return b.getI64Type(); }

  Value intConst(OpBuilder &nb, Location nl, Type type, int64_t v) {
    return arith::ConstantOp::create(nb, nl, type, nb.getIntegerAttr(type, v));
  }

  /// A 1-D constant tensor.
  Value vector(Type element, ArrayRef<int64_t> values) {
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, element);
    SmallVector<APInt> ints;
    for (int64_t v : values)
      ints.push_back(APInt(element.getIntOrFloatBitWidth(), static_cast<uint64_t>(v),
                           /*isSigned=*/true));
    return arith::ConstantOp::create(b, loc, type, DenseElementsAttr::get(type, ints));
  }
  Value vector(FloatType element, ArrayRef<double> values) {
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, element);
    SmallVector<APFloat> floats;
    for (double v : values) {
      APFloat f(v);
      bool lost;
      f.convert(element.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      floats.push_back(f);
    }
    return arith::ConstantOp::create(b, loc, type, DenseElementsAttr::get(type, floats));
  }

  /// Storage integer to i32 with the storage's signedness.
  Value widen(OpBuilder &nb, Location nl, Value v, bool isSigned) {
    if (v.getType().getIntOrFloatBitWidth() >= 32)
      return v;
    if (isSigned)
      return arith::ExtSIOp::create(nb, nl, i32(), v);
    return arith::ExtUIOp::create(nb, nl, i32(), v);
  }

  /// linalg.generic mapping each element of `input` to `outElement`; the
  /// `channel` tensors (1-D) are read at the element's index along `axis`.
  Value map(Value input, Type outElement, int64_t axis, ArrayRef<Value> channel,
            function_ref<Value(OpBuilder &, Location, Value, ValueRange)> body) {
    auto type = cast<RankedTensorType>(input.getType());
    unsigned rank = type.getRank();
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(), outElement);
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
    for (size_t i = 0; i < channel.size(); ++i)
      maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(axis)));
    maps.push_back(b.getMultiDimIdentityMap(rank));
    SmallVector<Value> inputs = {input};
    llvm::append_range(inputs, channel);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
               iterators,
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value r = body(nb, nl, args[0], args.slice(1, channel.size()));
                 linalg::YieldOp::create(nb, nl, r);
               })
        .getResult(0);
  }

  /// Requantizes int32 accumulators: y = clamp(zp + round(acc * M[c])), the
  /// multipliers per channel along `axis` (or one for the tensor).
  Value requantize(Value acc, int64_t axis, ArrayRef<double> multipliers,
                   int64_t zeroPoint, int64_t lo, int64_t hi, unsigned bits) {
    SmallVector<int64_t> m0, shift;
    for (double m : multipliers) {
      auto [mm, s] = fixedPoint(m);
      m0.push_back(mm);
      shift.push_back(s);
    }
    bool perChannel = multipliers.size() > 1;
    SmallVector<Value> channel;
    if (perChannel)
      channel = {vector(i64(), m0), vector(i64(), shift)};
    Type storage = b.getIntegerType(bits);
    return map(acc, storage, perChannel ? axis : 0, channel,
               [&](OpBuilder &nb, Location nl, Value a, ValueRange ch) {
                 Value mul = perChannel ? ch[0] : intConst(nb, nl, i64(), m0[0]);
                 Value n = perChannel ? ch[1] : intConst(nb, nl, i64(), shift[0]);
                 Value p = arith::MulIOp::create(
                     nb, nl, arith::ExtSIOp::create(nb, nl, i64(), a), mul);
                 // Round p / 2^n half to even: q = floor, then up when the
                 // remainder is over half, or exactly half and q is odd.
                 Value q = arith::ShRSIOp::create(nb, nl, p, n);
                 Value rem = arith::SubIOp::create(
                     nb, nl, p, arith::ShLIOp::create(nb, nl, q, n));
                 Value one = intConst(nb, nl, i64(), 1);
                 Value half = arith::ShLIOp::create(
                     nb, nl, one, arith::SubIOp::create(nb, nl, n, one));
                 Value over = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sgt, rem, half);
                 Value tie = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, rem, half);
                 Value odd = arith::TruncIOp::create(nb, nl, nb.getI1Type(),
                                                     arith::AndIOp::create(nb, nl, q, one));
                 Value up = arith::OrIOp::create(nb, nl, over,
                                                 arith::AndIOp::create(nb, nl, tie, odd));
                 Value r = arith::AddIOp::create(
                     nb, nl, q, arith::ExtUIOp::create(nb, nl, i64(), up));
                 r = arith::AddIOp::create(nb, nl, r, intConst(nb, nl, i64(), zeroPoint));
                 r = arith::MaxSIOp::create(nb, nl, r, intConst(nb, nl, i64(), lo));
                 r = arith::MinSIOp::create(nb, nl, r, intConst(nb, nl, i64(), hi));
                 return arith::TruncIOp::create(nb, nl, storage, r).getResult();
               });
  }

  /// Adds an int32 bias [C] along `axis` to int32 accumulators.
  Value addBias(Value acc, Value bias, int64_t axis) {
    return map(acc, i32(), axis, {bias},
               [&](OpBuilder &nb, Location nl, Value a, ValueRange ch) {
                 return arith::AddIOp::create(nb, nl, a, ch[0]).getResult();
               });
  }

  /// The integer product both matmul and conv reduce to: a linalg.generic
  /// accumulating (x - z_x) * (w - z_w[c]) into a zeroed int32 tensor of
  /// `outShape`. The maps index x, w, the per-channel weight zero points and
  /// the result.
  Value accumulate(ArrayRef<int64_t> outShape, Value x, Value w, Value weightZp,
                   ArrayRef<AffineMap> maps,
                   ArrayRef<utils::IteratorType> iterators, const Params &xp,
                   const Params &wp) {
    int64_t zx = xp.zeroPoints[0];
    return linalg::GenericOp::create(
               b, loc, TypeRange{RankedTensorType::get(outShape, i32())},
               ValueRange{x, w, weightZp}, ValueRange{zeros(outShape)}, maps,
               iterators,
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value xv = arith::SubIOp::create(nb, nl, widen(nb, nl, args[0], xp.isSigned),
                                                  intConst(nb, nl, i32(), zx));
                 Value wv = arith::SubIOp::create(nb, nl, widen(nb, nl, args[1], wp.isSigned),
                                                  args[2]);
                 Value prod = arith::MulIOp::create(nb, nl, xv, wv);
                 linalg::YieldOp::create(
                     nb, nl, ValueRange{arith::AddIOp::create(nb, nl, args[3], prod)});
               })
        .getResult(0);
  }

  /// Zero-filled int32 tensor.
  Value zeros(ArrayRef<int64_t> shape) {
    Value empty = tensor::EmptyOp::create(b, loc, shape, i32());
    return linalg::FillOp::create(b, loc, ValueRange{intConst(b, loc, i32(), 0)},
                                  ValueRange{empty})
        .getResult(0);
  }
};

struct LowerQFToLinalgPass
    : qforge::impl::LowerQFToLinalgPassBase<LowerQFToLinalgPass> {
  /// Quantized value -> its storage-typed replacement.
  DenseMap<Value, Value> storage;

  Value storageOf(Value v) {
    auto it = storage.find(v);
    return it == storage.end() ? v : it->second;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    OpBuilder builder(func.getContext());
    SmallVector<Operation *> lowered;
    // Stops at the first op that cannot be lowered: the ones after it would
    // only repeat the problem through its result.
    WalkResult walk = func.walk([&](Operation *op) {
      // Observers matter to calibration only, which lowers them to calls
      // before this pass (qf-lower-observers-to-calls); anywhere else they
      // compute nothing.
      if (isa<qforge::qf::ObserveOp>(op)) {
        lowered.push_back(op);
        return WalkResult::advance();
      }
      if (!isa<qforge::qf::QuantizeOp, qforge::qf::DequantizeOp,
               qforge::qf::RequantizeOp, qforge::qf::MatmulOp,
               qforge::qf::Conv2DOp, StorageCastOp>(op))
        return WalkResult::advance();
      builder.setInsertionPoint(op);
      Lowering l{builder, op->getLoc()};
      if (failed(lower(op, l)))
        return WalkResult::interrupt();
      lowered.push_back(op);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    // Any other op still using a quantized value cannot be lowered.
    for (Operation *op : lowered)
      for (Value result : op->getResults())
        if (getQuantizedElementType(result.getType()))
          for (Operation *user : result.getUsers())
            if (!llvm::is_contained(lowered, user)) {
              user->emitOpError() << "uses a quantized tensor; only qf and "
                                     "quant ops can be lowered with one";
              return signalPassFailure();
            }
    for (Operation *op : llvm::reverse(lowered)) {
      op->dropAllUses();
      op->erase();
    }
  }

  LogicalResult lower(Operation *op, Lowering &l) {
    if (auto cast = dyn_cast<StorageCastOp>(op)) {
      if (getQuantizedElementType(cast.getType()))
        storage[cast.getResult()] = cast.getInput(); // int -> quantized
      else
        cast.getResult().replaceAllUsesWith(storageOf(cast.getInput()));
      return success();
    }
    if (auto q = dyn_cast<qforge::qf::QuantizeOp>(op))
      return lowerQuantize(q, l);
    if (auto d = dyn_cast<qforge::qf::DequantizeOp>(op))
      return lowerDequantize(d, l);
    if (auto r = dyn_cast<qforge::qf::RequantizeOp>(op))
      return lowerRequantize(r, l);
    if (auto m = dyn_cast<qforge::qf::MatmulOp>(op))
      return lowerMatmul(m, l);
    return lowerConv(cast<qforge::qf::Conv2DOp>(op), l);
  }

  LogicalResult lowerQuantize(qforge::qf::QuantizeOp op, Lowering &l) {
    auto p = paramsOf(op, op.getType());
    if (failed(p))
      return failure();
    auto element = cast<FloatType>(op.getInput().getType().getElementType());
    bool perAxis = p->axis >= 0;
    SmallVector<double> zps(p->zeroPoints.begin(), p->zeroPoints.end());
    SmallVector<Value> channel;
    if (perAxis)
      channel = {l.vector(element, p->scales), l.vector(element, zps)};
    Type out = l.b.getIntegerType(p->bits);
    auto constant = [&](OpBuilder &nb, Location nl, double v) -> Value {
      return arith::ConstantOp::create(nb, nl, element, nb.getFloatAttr(element, v));
    };
    storage[op.getResult()] = l.map(
        op.getInput(), out, p->axis, channel,
        [&](OpBuilder &nb, Location nl, Value x, ValueRange ch) {
          Value s = perAxis ? ch[0] : constant(nb, nl, p->scales[0]);
          Value z = perAxis ? ch[1] : constant(nb, nl, zps[0]);
          Value v = math::RoundEvenOp::create(nb, nl, arith::DivFOp::create(nb, nl, x, s));
          v = arith::AddFOp::create(nb, nl, v, z);
          v = arith::MaximumFOp::create(nb, nl, v, constant(nb, nl, p->qmin));
          v = arith::MinimumFOp::create(nb, nl, v, constant(nb, nl, p->qmax));
          Value i = arith::FPToSIOp::create(nb, nl, nb.getI64Type(), v);
          return arith::TruncIOp::create(nb, nl, out, i).getResult();
        });
    return success();
  }

  LogicalResult lowerDequantize(qforge::qf::DequantizeOp op, Lowering &l) {
    auto p = paramsOf(op, op.getInput().getType());
    if (failed(p))
      return failure();
    auto element = cast<FloatType>(op.getType().getElementType());
    bool perAxis = p->axis >= 0;
    SmallVector<Value> channel;
    if (perAxis)
      channel = {l.vector(element, p->scales), l.vector(l.i32(), p->zeroPoints)};
    Value result = l.map(
        storageOf(op.getInput()), element, p->axis, channel,
        [&](OpBuilder &nb, Location nl, Value q, ValueRange ch) {
          Value s = perAxis ? ch[0]
                            : arith::ConstantOp::create(nb, nl, element,
                                                        nb.getFloatAttr(element, p->scales[0]))
                                  .getResult();
          Value z = perAxis ? ch[1] : l.intConst(nb, nl, l.i32(), p->zeroPoints[0]);
          Value d = arith::SubIOp::create(nb, nl, l.widen(nb, nl, q, p->isSigned), z);
          Value f = arith::SIToFPOp::create(nb, nl, element, d);
          return arith::MulFOp::create(nb, nl, f, s).getResult();
        });
    op.getResult().replaceAllUsesWith(result);
    return success();
  }

  LogicalResult lowerRequantize(qforge::qf::RequantizeOp op, Lowering &l) {
    auto in = paramsOf(op, op.getInput().getType());
    auto out = paramsOf(op, op.getType());
    if (failed(in) || failed(out))
      return failure();
    if (out->axis >= 0 && out->zeroPoints.size() > 1 &&
        llvm::any_of(out->zeroPoints, [&](int64_t z) { return z != out->zeroPoints[0]; }))
      return op.emitOpError() << "per-axis result zero points must agree to be lowered";
    bool perAxis = in->axis >= 0;
    SmallVector<Value> channel;
    if (perAxis)
      channel = {l.vector(l.i32(), in->zeroPoints)};
    Value acc = l.map(storageOf(op.getInput()), l.i32(), in->axis, channel,
                      [&](OpBuilder &nb, Location nl, Value q, ValueRange ch) {
                        Value z = perAxis ? ch[0]
                                          : l.intConst(nb, nl, l.i32(), in->zeroPoints[0]);
                        return arith::SubIOp::create(
                                   nb, nl, l.widen(nb, nl, q, in->isSigned), z)
                            .getResult();
                      });
    SmallVector<double> multipliers;
    for (size_t c = 0; c < in->scales.size(); ++c)
      multipliers.push_back(in->scales[c] /
                            out->scales[out->scales.size() > 1 ? c : 0]);
    storage[op.getResult()] = l.requantize(acc, in->axis, multipliers,
                                           out->zeroPoints[0], out->qmin, out->qmax,
                                           out->bits);
    return success();
  }

  /// The epilogue shared by matmul and conv: bias, then either the int32
  /// accumulator or its requantization to the result type.
  FailureOr<Value> finish(Operation *op, Value acc, Value bias,
                          int64_t channelAxis, const Params &act,
                          const Params &weight,
                          std::optional<ArrayRef<int64_t>> clamp, Value result,
                          Lowering &l) {
    if (bias)
      acc = l.addBias(acc, bias, channelAxis);
    if (!getQuantizedElementType(result.getType()))
      return acc;
    auto out = paramsOf(op, result.getType());
    if (failed(out))
      return failure();
    SmallVector<double> multipliers;
    for (double ws : weight.scales)
      multipliers.push_back(act.scales[0] * ws / out->scales[0]);
    int64_t lo = clamp ? (*clamp)[0] : out->qmin;
    int64_t hi = clamp ? (*clamp)[1] : out->qmax;
    return l.requantize(acc, channelAxis, multipliers, out->zeroPoints[0], lo,
                        hi, out->bits);
  }

  /// Makes `value` stand for `result`: the storage of a quantized result, a
  /// direct replacement otherwise.
  void bind(Value result, Value value) {
    if (getQuantizedElementType(result.getType()))
      storage[result] = value;
    else
      result.replaceAllUsesWith(value);
  }

  LogicalResult lowerMatmul(qforge::qf::MatmulOp op, Lowering &l) {
    auto a = paramsOf(op, op.getLhs().getType());
    auto w = paramsOf(op, op.getRhs().getType());
    if (failed(a) || failed(w))
      return failure();
    Value lhs = storageOf(op.getLhs()), rhs = storageOf(op.getRhs());
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    int64_t rank = lhsType.getRank();
    int64_t n = cast<RankedTensorType>(rhs.getType()).getDimSize(1);
    int64_t rows = 1;
    for (int64_t d : lhsType.getShape().drop_back())
      rows *= d;
    SmallVector<ReassociationIndices> reassoc;
    if (rank > 2) {
      ReassociationIndices leading;
      for (int64_t d = 0; d < rank - 1; ++d)
        leading.push_back(d);
      reassoc = {leading, {rank - 1}};
      lhs = tensor::CollapseShapeOp::create(l.b, l.loc, lhs, reassoc);
    }
    SmallVector<int64_t> wzp(w->zeroPoints);
    if (wzp.size() == 1)
      wzp.assign(n, wzp[0]);
    Value weightZp = l.vector(l.i32(), wzp);
    MLIRContext *ctx = op.getContext();
    AffineExpr m = getAffineDimExpr(0, ctx), nn = getAffineDimExpr(1, ctx),
               kk = getAffineDimExpr(2, ctx);
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {m, kk}, ctx),
                                   AffineMap::get(3, 0, {kk, nn}, ctx),
                                   AffineMap::get(3, 0, {nn}, ctx),
                                   AffineMap::get(3, 0, {m, nn}, ctx)};
    SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel,
                                                  utils::IteratorType::parallel,
                                                  utils::IteratorType::reduction};
    Value acc = l.accumulate({rows, n}, lhs, rhs, weightZp, maps, iterators, *a, *w);
    auto value = finish(op, acc, op.getBias(), 1, *a, *w, op.getClamp(),
                        op.getResult(), l);
    if (failed(value))
      return failure();
    Value result = *value;
    if (rank > 2) {
      // Back to [..., M, N].
      SmallVector<int64_t> shape(lhsType.getShape());
      shape.back() = n;
      auto t = RankedTensorType::get(
          shape, cast<RankedTensorType>(result.getType()).getElementType());
      result = tensor::ExpandShapeOp::create(l.b, l.loc, t, result, reassoc);
    }
    bind(op.getResult(), result);
    return success();
  }

  LogicalResult lowerConv(qforge::qf::Conv2DOp op, Lowering &l) {
    auto a = paramsOf(op, op.getInput().getType());
    auto w = paramsOf(op, op.getFilter().getType());
    if (failed(a) || failed(w))
      return failure();
    Value input = storageOf(op.getInput()), filter = storageOf(op.getFilter());
    auto inType = cast<RankedTensorType>(input.getType());
    auto fType = cast<RankedTensorType>(filter.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> pad = op.getPadding(), stride = op.getStrides(),
                      dil = op.getDilations();
    int64_t groups = op.getGroups();
    int64_t o = fType.getDimSize(0), cg = fType.getDimSize(3), og = o / groups;
    if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
      // Pad with the input's zero point: real zero, contributing nothing.
      SmallVector<int64_t> shape(inType.getShape());
      shape[1] += pad[0] + pad[1];
      shape[2] += pad[2] + pad[3];
      SmallVector<OpFoldResult> low = {l.b.getIndexAttr(0), l.b.getIndexAttr(pad[0]),
                                       l.b.getIndexAttr(pad[2]), l.b.getIndexAttr(0)};
      SmallVector<OpFoldResult> high = {l.b.getIndexAttr(0), l.b.getIndexAttr(pad[1]),
                                        l.b.getIndexAttr(pad[3]), l.b.getIndexAttr(0)};
      Value zp = l.intConst(l.b, l.loc, inType.getElementType(), a->zeroPoints[0]);
      input = tensor::PadOp::create(l.b, l.loc, inType.clone(shape), input, low, high, zp);
    }
    SmallVector<int64_t> wzp(w->zeroPoints);
    if (wzp.size() == 1)
      wzp.assign(o, wzp[0]);
    Value weightZp = l.vector(l.i32(), wzp);
    MLIRContext *ctx = op.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    // (n, oh, ow, o, kh, kw, c): c runs over one group's input channels.
    AffineExpr inChannel = groups == 1 ? d(6) : d(3).floorDiv(og) * cg + d(6);
    // Ungrouped filters go output-channels-last (HWCF), so that the output
    // channel loop reads them contiguously and the loop can be vectorized
    // (qf-vectorizable-loop-order, qf-tile-and-vectorize).
    AffineMap filterMap = AffineMap::get(7, 0, {d(3), d(4), d(5), d(6)}, ctx);
    if (groups == 1) {
      filter = qforge::filterToHWCF(l.b, l.loc, filter);
      filterMap = AffineMap::get(7, 0, {d(4), d(5), d(6), d(3)}, ctx);
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(7, 0, {d(0), d(1) * stride[0] + d(4) * dil[0],
                              d(2) * stride[1] + d(5) * dil[1], inChannel}, ctx),
        filterMap,
        AffineMap::get(7, 0, {d(3)}, ctx),
        AffineMap::get(7, 0, {d(0), d(1), d(2), d(3)}, ctx)};
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    SmallVector<utils::IteratorType> iterators = {par, par, par, par, red, red, red};
    SmallVector<int64_t> outShape(resultType.getShape());
    Value acc = l.accumulate(outShape, input, filter, weightZp, maps, iterators, *a, *w);
    auto value = finish(op, acc, op.getBias(), 3, *a, *w, op.getClamp(),
                        op.getResult(), l);
    if (failed(value))
      return failure();
    bind(op.getResult(), *value);
    return success();
  }
};

} // namespace
