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
#include "qforge/Transforms/DepthwiseConv.h"
#include "qforge/Transforms/PackedGemm.h"
#include "qforge/Transforms/Requantize.h"
#include "qforge/Transforms/DotProductMatmul.h"

#include "QF/QFOps.h"
#include "QF/QuantTypeChecks.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/Matchers.h"
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
  bool blocked = false; // Scales per block: see blocksOf.
};

FailureOr<Params> paramsOf(Operation *op, Type type, bool allowBlocked = false) {
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
  if (allowBlocked) {
    p.blocked = true;
    p.zeroPoints = {0}; // blocksOf insists on it.
    return p;
  }
  op->emitOpError() << "uses blocked (sub-channel) quantization, which is not "
                       "lowered yet";
  return failure();
}

using qforge::fixedPointMultiplier;

/// Block-quantized weights as the lowering computes with them: every block
/// scale is an integer multiple c (1..255) of a per-channel unit u, so the
/// blocks' int32 sums combine exactly as sum_g c[g] * partial[g] in int64
/// and one requantization per channel (at s_act * u / s_out) finishes the
/// job. qf-quantize produces exactly this form.
struct Blocks {
  int64_t axis = 0;     // The blocked (reduction) axis of the weights.
  int64_t size = 0;     // Values per block along it.
  int64_t count = 0;    // Blocks along it.
  SmallVector<double> units;             // u per output channel.
  SmallVector<int64_t> multiples;        // c, [count][channels] row-major.
};

/// Reads the blocks of a weight type quantized in blocks along `axis` only
/// (per output channel along `channelAxis`), or fails with a diagnostic.
FailureOr<Blocks> blocksOf(Operation *op, RankedTensorType type,
                           int64_t channelAxis, int64_t axis) {
  auto q = cast<UniformQuantizedSubChannelType>(getQuantizedElementType(type));
  Blocks blocks;
  blocks.axis = axis;
  int64_t channels = type.getDimSize(channelAxis);
  for (auto [dim, size] : q.getBlockSizeInfo()) {
    if (dim == axis) {
      blocks.size = size;
    } else if (dim == channelAxis) {
      if (size != 1)
        return op->emitOpError() << "weights in blocks of " << size
                                 << " output channels cannot be lowered; "
                                    "blocks must lie within one channel";
    } else if (size != type.getDimSize(dim)) {
      return op->emitOpError() << "weights blocked along axis " << dim
                               << " cannot be lowered; only axis " << axis
                               << " may be split";
    }
  }
  if (blocks.size == 0)
    blocks.size = type.getDimSize(axis);
  blocks.count = type.getDimSize(axis) / blocks.size;
  if (llvm::any_of(q.getZeroPoints().getValues<APInt>(),
                   [](const APInt &z) { return !z.isZero(); }))
    return op->emitOpError() << "block-quantized weights must be symmetric "
                                "(zero points 0) to be lowered";
  // Scales are laid out with one entry per block along every axis; index
  // them by (channel, block).
  ArrayRef<int64_t> scaleShape = q.getScales().getType().getShape();
  SmallVector<double> scales;
  for (APFloat f : q.getScales().getValues<APFloat>())
    scales.push_back(f.convertToDouble());
  SmallVector<int64_t> strides(scaleShape.size(), 1);
  for (int64_t d = static_cast<int64_t>(scaleShape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * scaleShape[d + 1];
  auto scaleAt = [&](int64_t channel, int64_t block) {
    return scales[channel * strides[channelAxis] + block * strides[axis]];
  };
  blocks.multiples.assign(blocks.count * channels, 0);
  for (int64_t c = 0; c < channels; ++c) {
    double largest = 0;
    for (int64_t g = 0; g < blocks.count; ++g)
      largest = std::max(largest, scaleAt(c, g));
    double unit = largest / 255.0;
    blocks.units.push_back(unit);
    for (int64_t g = 0; g < blocks.count; ++g) {
      double s = scaleAt(c, g);
      int64_t m = std::llround(s / unit);
      if (m < 1 || m > 255 || std::fabs(m * unit - s) > 1e-6 * s)
        return op->emitOpError()
               << "block scale " << s << " (channel " << c << ", block " << g
               << ") is not a multiple 1..255 of the channel's unit "
               << unit << " (its largest block scale / 255); only such "
                  "block scales are lowered";
      blocks.multiples[g * channels + c] = m;
    }
  }
  return blocks;
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

  /// Requantizes int32 or int64 accumulators: y = clamp(zp + round(acc *
  /// M[c])), the multipliers per channel along `axis` (or one for the
  /// tensor), as qforge::scaleToStorage computes it.
  Value requantize(Value acc, int64_t axis, ArrayRef<double> multipliers,
                   int64_t zeroPoint, int64_t lo, int64_t hi, unsigned bits) {
    bool perChannel = multipliers.size() > 1;
    SmallVector<Value> channel;
    // Stored as a kernel's epilogue stores them: a float32 per channel.
    if (perChannel)
      channel = {vector(b.getF32Type(), multipliers)};
    Type storage = b.getIntegerType(bits);
    return map(acc, storage, perChannel ? axis : 0, channel,
               [&](OpBuilder &nb, Location nl, Value a, ValueRange ch) {
                 Value mul = perChannel ? ch[0]
                                        : arith::ConstantOp::create(
                                              nb, nl, nb.getF32FloatAttr(
                                                          static_cast<float>(multipliers[0])))
                                              .getResult();
                 return qforge::scaleToStorage(nb, nl, a, mul, zeroPoint, lo, hi, storage);
               });
  }

  /// NHWC storage grown by `pad` = [top, bottom, left, right] of the zero
  /// point: real zero, contributing nothing to a sum of (x - zp).
  Value padWithZeroPoint(Value input, ArrayRef<int64_t> pad, int64_t zeroPoint) {
    Type element = cast<RankedTensorType>(input.getType()).getElementType();
    return qforge::padSpatial(b, loc, input, pad, b.getIntegerAttr(element, zeroPoint));
  }

  /// Adds an int32 bias [C] along `axis` to int32 or int64 accumulators.
  Value addBias(Value acc, Value bias, int64_t axis) {
    Type accType = cast<RankedTensorType>(acc.getType()).getElementType();
    return map(acc, accType, axis, {bias},
               [&](OpBuilder &nb, Location nl, Value a, ValueRange ch) {
                 Value v = ch[0];
                 if (v.getType() != accType)
                   v = arith::ExtSIOp::create(nb, nl, accType, v);
                 return arith::AddIOp::create(nb, nl, a, v).getResult();
               });
  }

  /// The integer product both matmul and conv reduce to: a linalg.generic
  /// accumulating (x - z_x) * (w - z_w[c]) into a zeroed int32 tensor of
  /// `outShape`. The maps index x, w, the per-channel weight zero points
  /// (`weightZp`; null, and no map, for symmetric weights) and the result.
  Value accumulate(ArrayRef<int64_t> outShape, Value x, Value w, Value weightZp,
                   ArrayRef<AffineMap> maps,
                   ArrayRef<utils::IteratorType> iterators, const Params &xp,
                   const Params &wp) {
    int64_t zx = xp.zeroPoints[0];
    SmallVector<Value> inputs = {x, w};
    if (weightZp)
      inputs.push_back(weightZp);
    return linalg::GenericOp::create(
               b, loc, TypeRange{RankedTensorType::get(outShape, i32())},
               inputs, ValueRange{zeros(outShape, i32())}, maps, iterators,
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value xv = widen(nb, nl, args[0], xp.isSigned);
                 if (zx != 0)
                   xv = arith::SubIOp::create(nb, nl, xv, intConst(nb, nl, i32(), zx));
                 Value wv = widen(nb, nl, args[1], wp.isSigned);
                 if (weightZp)
                   wv = arith::SubIOp::create(nb, nl, wv, args[2]);
                 Value prod = arith::MulIOp::create(nb, nl, xv, wv);
                 linalg::YieldOp::create(
                     nb, nl, ValueRange{arith::AddIOp::create(nb, nl, args.back(), prod)});
               })
        .getResult(0);
  }

  /// Block sums combined exactly: acc[.., c] = sum_g multiple[g][c] *
  /// partial[.., g, c] in int64, where `partial` has the blocks in its
  /// second-to-last dimension and channels in its last.
  Value combineBlocks(Value partial, const Blocks &blocks) {
    auto type = cast<RankedTensorType>(partial.getType());
    int64_t rank = type.getRank(); // [..., G, C]
    int64_t channels = type.getShape().back();
    SmallVector<int64_t> outShape(type.getShape().drop_back(2));
    outShape.push_back(channels);
    auto multType = RankedTensorType::get({blocks.count, channels}, b.getI8Type());
    SmallVector<APInt> bytes;
    for (int64_t m : blocks.multiples)
      bytes.push_back(APInt(8, static_cast<uint64_t>(m)));
    Value mult = arith::ConstantOp::create(b, loc, multType,
                                           DenseElementsAttr::get(multType, bytes));
    // Iteration space: the output's dims, then the block index.
    MLIRContext *ctx = b.getContext();
    int64_t dims = rank; // outShape.size() + 1
    SmallVector<AffineExpr> partialIdx, outIdx;
    for (int64_t d = 0; d + 2 < rank; ++d) {
      partialIdx.push_back(getAffineDimExpr(d, ctx));
      outIdx.push_back(getAffineDimExpr(d, ctx));
    }
    AffineExpr c = getAffineDimExpr(rank - 2, ctx), g = getAffineDimExpr(rank - 1, ctx);
    partialIdx.append({g, c});
    outIdx.push_back(c);
    SmallVector<AffineMap> maps = {AffineMap::get(dims, 0, partialIdx, ctx),
                                   AffineMap::get(dims, 0, {g, c}, ctx),
                                   AffineMap::get(dims, 0, outIdx, ctx)};
    SmallVector<utils::IteratorType> iterators(dims - 1, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    return linalg::GenericOp::create(
               b, loc, TypeRange{RankedTensorType::get(outShape, i64())},
               ValueRange{partial, mult}, ValueRange{zeros(outShape, i64())}, maps,
               iterators,
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value p = arith::ExtSIOp::create(nb, nl, i64(), args[0]);
                 Value m = arith::ExtUIOp::create(nb, nl, i64(), args[1]);
                 Value prod = arith::MulIOp::create(nb, nl, p, m);
                 linalg::YieldOp::create(
                     nb, nl, ValueRange{arith::AddIOp::create(nb, nl, args[2], prod)});
               })
        .getResult(0);
  }

  /// Zero-filled integer tensor.
  Value zeros(ArrayRef<int64_t> shape, Type element) {
    Value empty = tensor::EmptyOp::create(b, loc, shape, element);
    return linalg::FillOp::create(b, loc, ValueRange{intConst(b, loc, element, 0)},
                                  ValueRange{empty})
        .getResult(0);
  }
};

struct LowerQFToLinalgPass
    : qforge::impl::LowerQFToLinalgPassBase<LowerQFToLinalgPass> {
  using LowerQFToLinalgPassBase::LowerQFToLinalgPassBase;

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
               qforge::qf::Conv2DOp, qforge::qf::PackedConstantOp,
               qforge::qf::AddOp, qforge::qf::AvgPool2DOp, StorageCastOp>(op))
        return WalkResult::advance();
      // A quantized operand must come from an op lowered before this one;
      // anything else (a function argument, say) has no storage to use.
      for (auto [i, operand] : llvm::enumerate(op->getOperands()))
        if (getQuantizedElementType(operand.getType()) && !storage.count(operand)) {
          op->emitOpError() << "operand " << i
                            << " is a quantized value not produced by a qf or "
                               "quant op; cast it from its storage integers "
                               "with quant.scast";
          return WalkResult::interrupt();
        }
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
    if (auto p = dyn_cast<qforge::qf::PackedConstantOp>(op))
      return lowerPackedConstant(p, l);
    if (auto add = dyn_cast<qforge::qf::AddOp>(op))
      return lowerAdd(add, l);
    if (auto pool = dyn_cast<qforge::qf::AvgPool2DOp>(op))
      return lowerAvgPool(pool, l);
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
  /// With block-quantized weights `acc` holds the combined int64 sums (see
  /// Blocks) and `blocks` says at what per-channel unit.
  FailureOr<Value> finish(Operation *op, Value acc, Value bias,
                          int64_t channelAxis, const Params &act,
                          const Params &weight, const Blocks *blocks,
                          std::optional<ArrayRef<int64_t>> clamp,
                          Value result, Lowering &l) {
    if (bias)
      acc = l.addBias(acc, bias, channelAxis);
    if (!getQuantizedElementType(result.getType())) {
      if (blocks)
        return op->emitOpError() << "with block-quantized weights the result "
                                    "must be quantized, not an accumulator";
      return acc;
    }
    auto out = paramsOf(op, result.getType());
    if (failed(out))
      return failure();
    SmallVector<double> multipliers = outputMultipliers(
        act, blocks ? ArrayRef<double>(blocks->units) : ArrayRef<double>(weight.scales), *out);
    auto [lo, hi] = clampBounds(clamp, *out);
    return l.requantize(acc, channelAxis, multipliers, out->zeroPoints[0], lo,
                        hi, out->bits);
  }

  /// The real requantization multiplier s_act * s_w / s_out of each weight
  /// scale (or block unit).
  static SmallVector<double> outputMultipliers(const Params &act, ArrayRef<double> weightScales,
                                               const Params &out) {
    SmallVector<double> multipliers;
    for (double ws : weightScales)
      multipliers.push_back(act.scales[0] * ws / out.scales[0]);
    return multipliers;
  }

  /// The op's clamp in storage units, or the whole storage range.
  static std::pair<int64_t, int64_t> clampBounds(std::optional<ArrayRef<int64_t>> clamp,
                                                 const Params &out) {
    return clamp ? std::pair((*clamp)[0], (*clamp)[1]) : std::pair(out.qmin, out.qmax);
  }

  /// The requantization `finish` would apply, as per-channel tables a
  /// kernel applies in registers: for a quantized result with a constant
  /// (or no) bias. None otherwise (the kernel returns accumulators). With
  /// blocks the kernel's accumulators are the combined block sums, in units
  /// of `blocks->units`; they fit int32 below 2^30 (dotProductFitsInt32), so
  /// a bias below 2^30 keeps the sum exact in int32 as in the reference's
  /// int64.
  std::optional<qforge::ChannelRequantization>
  channelEpilogue(Operation *op, Value bias, const Params &act, const Params &weight,
                  const Blocks *blocks, int64_t channels,
                  std::optional<ArrayRef<int64_t>> clamp, Value result) {
    if (!getQuantizedElementType(result.getType()))
      return std::nullopt;
    auto out = paramsOf(op, result.getType());
    if (failed(out))
      return std::nullopt;
    qforge::ChannelRequantization e;
    if (bias) {
      DenseIntElementsAttr values;
      if (!matchPattern(storageOf(bias), m_Constant(&values)))
        return std::nullopt;
      for (const APInt &v : values.getValues<APInt>()) {
        if (blocks && std::abs(v.getSExtValue()) >= (int64_t(1) << 30))
          return std::nullopt;
        e.bias.push_back(static_cast<int32_t>(v.getSExtValue()));
      }
      if (values.isSplat())
        e.bias.assign(channels, e.bias.front());
    }
    SmallVector<double> multipliers = outputMultipliers(
        act, blocks ? ArrayRef<double>(blocks->units) : ArrayRef<double>(weight.scales), *out);
    for (int64_t c = 0; c < channels; ++c)
      e.multiplier.push_back(
          static_cast<float>(multipliers.size() == 1 ? multipliers[0] : multipliers[c]));
    e.zeroPoint = out->zeroPoints[0];
    std::tie(e.lo, e.hi) = clampBounds(clamp, *out);
    e.bits = out->bits;
    return e;
  }

  /// Weight zero points per output channel, or null when all are 0.
  static Value weightZeroPoints(const Params &w, int64_t channels, Lowering &l) {
    if (llvm::all_of(w.zeroPoints, [](int64_t z) { return z == 0; }))
      return {};
    SmallVector<int64_t> wzp(w.zeroPoints);
    if (wzp.size() == 1)
      wzp.assign(channels, wzp[0]);
    return l.vector(l.i32(), wzp);
  }

  /// 4-bit weights unpacked to one i8 per value (sign- or zero-extended),
  /// in the result's shape.
  LogicalResult lowerPackedConstant(qforge::qf::PackedConstantOp op, Lowering &l) {
    auto type = op.getType();
    bool isSigned = getQuantizedElementType(type).isSigned();
    auto packed = cast<DenseElementsAttr>(op.getPacked());
    int64_t bytes = packed.getNumElements();
    Value raw = arith::ConstantOp::create(l.b, l.loc, packed);
    Type i8 = l.b.getI8Type();
    MLIRContext *ctx = op.getContext();
    AffineExpr byte = getAffineDimExpr(0, ctx);
    Value init = tensor::EmptyOp::create(l.b, l.loc, ArrayRef<int64_t>{bytes, 2}, i8);
    Value pairs =
        linalg::GenericOp::create(
            l.b, l.loc, TypeRange{init.getType()}, ValueRange{raw}, ValueRange{init},
            {AffineMap::get(2, 0, {byte}, ctx), l.b.getMultiDimIdentityMap(2)},
            {utils::IteratorType::parallel, utils::IteratorType::parallel},
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              // Element 2i is the low nibble: move it up first, so that one
              // right shift extends either nibble.
              Value half = linalg::IndexOp::create(nb, nl, 1);
              Value isLow = arith::CmpIOp::create(
                  nb, nl, arith::CmpIPredicate::eq, half,
                  arith::ConstantIndexOp::create(nb, nl, 0));
              Value four = l.intConst(nb, nl, i8, 4);
              Value moved = arith::SelectOp::create(
                  nb, nl, isLow, arith::ShLIOp::create(nb, nl, args[0], four), args[0]);
              Value v = isSigned
                            ? arith::ShRSIOp::create(nb, nl, moved, four).getResult()
                            : arith::ShRUIOp::create(nb, nl, moved, four).getResult();
              linalg::YieldOp::create(nb, nl, v);
            })
            .getResult(0);
    Value flat = tensor::CollapseShapeOp::create(
        l.b, l.loc, pairs, SmallVector<ReassociationIndices>{{0, 1}});
    int64_t numel = type.getNumElements();
    if (numel != 2 * bytes)
      flat = tensor::ExtractSliceOp::create(
          l.b, l.loc, flat, ArrayRef<OpFoldResult>{l.b.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{l.b.getIndexAttr(numel)},
          ArrayRef<OpFoldResult>{l.b.getIndexAttr(1)});
    if (type.getRank() == 1) {
      storage[op.getResult()] = flat;
      return success();
    }
    ReassociationIndices all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    storage[op.getResult()] = tensor::ExpandShapeOp::create(
        l.b, l.loc, RankedTensorType::get(type.getShape(), i8), flat,
        SmallVector<ReassociationIndices>{all});
    return success();
  }

  /// (a - z_a) * m_a + (b - z_b) * m_b with one shift n for both
  /// multipliers (chosen for the larger), then one rounding: in int32 with
  /// multipliers of up to 22 bits when the sum and the rounding's half unit
  /// cannot leave int32 for any inputs (16 lanes to a vector instead of 8,
  /// no 64-bit multiplies), else in int64 with 31 bits.
  LogicalResult lowerAdd(qforge::qf::AddOp op, Lowering &l) {
    auto a = paramsOf(op, op.getLhs().getType());
    auto b = paramsOf(op, op.getRhs().getType());
    auto out = paramsOf(op, op.getType());
    if (failed(a) || failed(b) || failed(out))
      return failure();
    double ma = a->scales[0] / out->scales[0], mb = b->scales[0] / out->scales[0];
    auto largestTerm = [](const Params &p) {
      return std::max(p.qmax - p.zeroPoints[0], p.zeroPoints[0] - p.qmin);
    };
    int64_t shift = 0, mA = 0, mB = 0;
    auto choose = [&](int bits) {
      shift = fixedPointMultiplier(std::max(ma, mb), bits).second;
      mA = std::llround(std::ldexp(ma, static_cast<int>(shift)));
      mB = std::llround(std::ldexp(mb, static_cast<int>(shift)));
    };
    Type wide = l.i32();
    choose(22);
    int64_t bound = largestTerm(*a) * mA + largestTerm(*b) * mB +
                    (shift >= 1 && shift <= 30 ? int64_t(1) << (shift - 1) : 0);
    if (shift < 1 || shift > 30 || bound >= (int64_t(1) << 31)) {
      wide = l.i64();
      choose(31);
    }
    std::optional<ArrayRef<int64_t>> clamp = op.getClamp();
    int64_t lo = clamp ? (*clamp)[0] : out->qmin, hi = clamp ? (*clamp)[1] : out->qmax;
    Value lhs = storageOf(op.getLhs()), rhs = storageOf(op.getRhs());
    auto type = cast<RankedTensorType>(lhs.getType());
    unsigned rank = type.getRank();
    Type storageType = l.b.getIntegerType(out->bits);
    Value init = tensor::EmptyOp::create(l.b, l.loc, type.getShape(), storageType);
    AffineMap id = l.b.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    Value result =
        linalg::GenericOp::create(
            l.b, l.loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, ValueRange{init},
            SmallVector<AffineMap>{id, id, id}, iterators,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              auto term = [&](Value v, const Params &p, int64_t m) -> Value {
                Value w = l.widen(nb, nl, v, p.isSigned);
                Value d = arith::SubIOp::create(nb, nl, w,
                                                l.intConst(nb, nl, l.i32(), p.zeroPoints[0]));
                if (wide != d.getType())
                  d = arith::ExtSIOp::create(nb, nl, wide, d);
                return arith::MulIOp::create(nb, nl, d, l.intConst(nb, nl, wide, m));
              };
              Value p = arith::AddIOp::create(nb, nl, term(args[0], *a, mA),
                                              term(args[1], *b, mB));
              linalg::YieldOp::create(
                  nb, nl,
                  qforge::finishRequantization(nb, nl, p, l.intConst(nb, nl, wide, shift),
                                               out->zeroPoints[0], lo, hi, storageType));
            })
            .getResult(0);
    storage[op.getResult()] = result;
    return success();
  }

  /// int32 window sums of (x - z_x) over the input padded with z_x, then
  /// one requantization at s_x / (n * s_y), n the window's valid elements.
  LogicalResult lowerAvgPool(qforge::qf::AvgPool2DOp op, Lowering &l) {
    auto in = paramsOf(op, op.getInput().getType());
    auto out = paramsOf(op, op.getType());
    if (failed(in) || failed(out))
      return failure();
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      pad = op.getPadding();
    auto resultType = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = op.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    // (n, oh, ow, c, kh, kw)
    // The window's extent comes from a shape-only operand, as for linalg's
    // pooling ops.
    Value window = tensor::EmptyOp::create(l.b, l.loc, kernel, l.b.getI8Type());
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0, {d(0), d(1) * strides[0] + d(4), d(2) * strides[1] + d(5), d(3)},
                       ctx),
        AffineMap::get(6, 0, {d(4), d(5)}, ctx),
        AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx)};
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    SmallVector<int64_t> shape(resultType.getShape());
    const Params &p = *in;
    Value sum =
        linalg::GenericOp::create(
            l.b, l.loc, TypeRange{RankedTensorType::get(shape, l.i32())},
            ValueRange{l.padWithZeroPoint(storageOf(op.getInput()), pad, p.zeroPoints[0]),
                       window},
            ValueRange{l.zeros(shape, l.i32())}, maps,
            SmallVector<utils::IteratorType>{par, par, par, par, red, red},
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value v = arith::SubIOp::create(nb, nl, l.widen(nb, nl, args[0], p.isSigned),
                                              l.intConst(nb, nl, l.i32(), p.zeroPoints[0]));
              linalg::YieldOp::create(nb, nl, ValueRange{arith::AddIOp::create(nb, nl, args[2], v)});
            })
            .getResult(0);
    // Valid elements of the window at output row (or column) o along an
    // axis of `size` inputs.
    auto valid = [](int64_t o, int64_t size, int64_t k, int64_t stride, int64_t before) {
      int64_t begin = o * stride - before;
      return std::min(begin + k, size) - std::max<int64_t>(begin, 0);
    };
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    int64_t oh = shape[1], ow = shape[2];
    SmallVector<double> multipliers;
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        int64_t n = valid(y, inShape[1], kernel[0], strides[0], pad[0]) *
                    valid(x, inShape[2], kernel[1], strides[1], pad[2]);
        multipliers.push_back(in->scales[0] / (static_cast<double>(n) * out->scales[0]));
      }
    if (llvm::all_equal(multipliers)) {
      storage[op.getResult()] = l.requantize(sum, 3, {multipliers[0]}, out->zeroPoints[0],
                                             out->qmin, out->qmax, out->bits);
      return success();
    }
    // A multiplier per output position: requantized along the positions of
    // [N, OH * OW, C].
    SmallVector<ReassociationIndices> positions = {{0}, {1, 2}, {3}};
    Value flat = tensor::CollapseShapeOp::create(l.b, l.loc, sum, positions);
    Value requantized = l.requantize(flat, 1, multipliers, out->zeroPoints[0], out->qmin,
                                     out->qmax, out->bits);
    storage[op.getResult()] = tensor::ExpandShapeOp::create(
        l.b, l.loc, resultType.clone(cast<RankedTensorType>(requantized.getType()).getElementType()),
        requantized, positions);
    return success();
  }

  /// Makes `value` stand for `result`: the storage of a quantized result, a
  /// direct replacement otherwise.
  void bind(Value result, Value value) {
    if (getQuantizedElementType(result.getType()))
      storage[result] = value;
    else
      result.replaceAllUsesWith(value);
  }

  /// The dot-product instruction the target's kernels use, if any.
  std::optional<qforge::DotInstruction> dotInstruction() const {
    if (vnni)
      return qforge::DotInstruction::X86Vnni;
    if (smmla)
      return qforge::DotInstruction::ArmSmmla;
    if (sdot)
      return qforge::DotInstruction::ArmSdot;
    return std::nullopt;
  }

  /// The constant weights of a product the target kernels (dot-product
  /// matmul, vectorized depthwise) can compute, as signed values in the
  /// op's layout: 8-bit activations and symmetric signed weights, either
  /// int8 in one block, or (VNNI only) 4-bit from a qf.packed_constant,
  /// per channel or in blocks of whole kernel steps. Null when the pass may
  /// not use a kernel.
  struct KernelWeights {
    DenseIntElementsAttr values;
    bool nibbles = false;
  };
  std::optional<KernelWeights> kernelWeights(const Params &a, const Params &w, Value original,
                                             Value weights, const std::optional<Blocks> &blocks) {
    if (!dotInstruction() || a.bits != 8 || !w.isSigned ||
        llvm::any_of(w.zeroPoints, [](int64_t z) { return z != 0; }))
      return std::nullopt;
    if (w.bits == 8 && !blocks) {
      DenseIntElementsAttr values;
      if (!matchPattern(weights, m_Constant(&values)))
        return std::nullopt;
      return KernelWeights{values, false};
    }
    auto packed = original.getDefiningOp<qforge::qf::PackedConstantOp>();
    if (w.bits != 4 || !vnni || !packed || (blocks && blocks->size % 4 != 0))
      return std::nullopt;
    auto type = cast<ShapedType>(packed.getType());
    std::vector<int8_t> values = packed.nibbleValues();
    values.resize(type.getNumElements()); // without an odd count's unused nibble
    auto i8Type = RankedTensorType::get(type.getShape(), IntegerType::get(original.getContext(), 8));
    return KernelWeights{DenseIntElementsAttr::get(i8Type, ArrayRef<int8_t>(values)), true};
  }

  /// int32 kernel sums as the int64 sums the blocked requantization takes.
  static Value widenToI64(Value acc, Lowering &l) {
    auto type = cast<RankedTensorType>(acc.getType());
    return arith::ExtSIOp::create(l.b, l.loc, type.clone(l.b.getI64Type()), acc);
  }

  /// The run multiples of block-quantized weights whose product's
  /// reduction axis repeats the blocks `repeats` times (a convolution's
  /// KH x KW windows over the blocked input channels).
  static qforge::WeightRuns weightRuns(const Blocks &blocks, int64_t channels,
                                       int64_t repeats) {
    qforge::WeightRuns runs;
    runs.size = blocks.size;
    for (int64_t r = 0; r < repeats * blocks.count; ++r)
      for (int64_t c = 0; c < channels; ++c)
        runs.multiples.push_back(
            static_cast<int32_t>(blocks.multiples[(r % blocks.count) * channels + c]));
    return runs;
  }

  LogicalResult lowerMatmul(qforge::qf::MatmulOp op, Lowering &l) {
    auto a = paramsOf(op, op.getLhs().getType());
    auto w = paramsOf(op, op.getRhs().getType(), /*allowBlocked=*/true);
    if (failed(a) || failed(w))
      return failure();
    std::optional<Blocks> blocks;
    if (w->blocked) {
      auto read = blocksOf(op, op.getRhs().getType(), /*channelAxis=*/1, /*axis=*/0);
      if (failed(read))
        return failure();
      blocks = std::move(*read);
    }
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
    Value weightZp = weightZeroPoints(*w, n, l);
    MLIRContext *ctx = op.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    Value acc;
    std::optional<qforge::ChannelRequantization> epilogue;
    std::optional<qforge::WeightRuns> runs;
    if (blocks)
      runs = weightRuns(*blocks, n, 1);
    std::optional<KernelWeights> kernel = kernelWeights(*a, *w, op.getRhs(), rhs, blocks);
    qforge::DotProductWeights dot;
    if (kernel)
      dot = {kernel->values, kernel->nibbles, runs ? &*runs : nullptr};
    if (kernel && qforge::dotProductFitsInt32(dot)) {
      // Block sums are exact in int32 here, the reference's int64 sums.
      epilogue = channelEpilogue(op, op.getBias(), *a, *w, blocks ? &*blocks : nullptr, n,
                                 op.getClamp(), op.getResult());
      acc = qforge::buildDotProductMatmul(l.b, l.loc, *dotInstruction(), lhs, a->isSigned,
                                          a->zeroPoints[0], dot,
                                          epilogue ? &*epilogue : nullptr);
      if (blocks && !epilogue)
        acc = widenToI64(acc, l);
    } else if (!blocks) {
      // (m, n, k)
      SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                     AffineMap::get(3, 0, {d(2), d(1)}, ctx)};
      if (weightZp)
        maps.push_back(AffineMap::get(3, 0, {d(1)}, ctx));
      maps.push_back(AffineMap::get(3, 0, {d(0), d(1)}, ctx));
      acc = l.accumulate({rows, n}, lhs, rhs, weightZp, maps, {par, par, red}, *a, *w);
    } else {
      // One int32 sum per block: (m, g, n, k-in-block) into [M, G, N],
      // with K split into [G, block] on both sides.
      int64_t g = blocks->count, bs = blocks->size;
      Value lhs3 = tensor::ExpandShapeOp::create(
          l.b, l.loc,
          RankedTensorType::get({rows, g, bs}, cast<ShapedType>(lhs.getType()).getElementType()),
          lhs, SmallVector<ReassociationIndices>{{0}, {1, 2}});
      Value rhs3 = tensor::ExpandShapeOp::create(
          l.b, l.loc,
          RankedTensorType::get({g, bs, n}, cast<ShapedType>(rhs.getType()).getElementType()),
          rhs, SmallVector<ReassociationIndices>{{0, 1}, {2}});
      SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx),
                                     AffineMap::get(4, 0, {d(1), d(3), d(2)}, ctx),
                                     AffineMap::get(4, 0, {d(0), d(1), d(2)}, ctx)};
      Value partial = l.accumulate({rows, g, n}, lhs3, rhs3, Value(), maps,
                                   {par, par, par, red}, *a, *w);
      acc = l.combineBlocks(partial, *blocks);
    }
    // A kernel with a fused epilogue has requantized already.
    auto value = epilogue ? FailureOr<Value>(acc)
                          : finish(op, acc, op.getBias(), 1, *a, *w,
                                   blocks ? &*blocks : nullptr, op.getClamp(),
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

  /// An ungrouped KH x KW convolution as one dot-product matrix product:
  /// the windows of `input` padded by `pad` of the zero point,
  /// [N*OH*OW, KH*KW*C], times `matrix`, the OHWI filter as [KH*KW*C, O],
  /// folded back to [N, OH, OW, O]. A 1x1 stride-1 convolution's windows
  /// are the input itself; others buildDotProductConv reads in place or
  /// unfolds.
  Value windowProduct(Value input, ArrayRef<int64_t> pad, int64_t kh, int64_t kw,
                      const qforge::DotProductWeights &matrix, ArrayRef<int64_t> outShape,
                      ArrayRef<int64_t> stride, ArrayRef<int64_t> dil, const Params &a,
                      const qforge::ChannelRequantization *epilogue, Lowering &l) {
    auto inType = cast<RankedTensorType>(input.getType());
    bool pointwise = kh == 1 && kw == 1 && stride[0] == 1 && stride[1] == 1 &&
                     inType.getDimSize(1) == outShape[1] && inType.getDimSize(2) == outShape[2];
    Value acc;
    if (!pointwise) {
      qforge::ConvWindows windows{input,
                                  SmallVector<int64_t, 4>(pad),
                                  kh,
                                  kw,
                                  SmallVector<int64_t, 4>(outShape),
                                  SmallVector<int64_t, 2>(stride),
                                  SmallVector<int64_t, 2>(dil)};
      acc = qforge::buildDotProductConv(l.b, l.loc, *dotInstruction(), windows, a.isSigned,
                                        a.zeroPoints[0], matrix, epilogue);
    } else {
      Value rows = tensor::CollapseShapeOp::create(
          l.b, l.loc, input, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
      acc = qforge::buildDotProductMatmul(l.b, l.loc, *dotInstruction(), rows, a.isSigned,
                                          a.zeroPoints[0], matrix, epilogue);
    }
    return tensor::ExpandShapeOp::create(
        l.b, l.loc,
        RankedTensorType::get(outShape, cast<RankedTensorType>(acc.getType()).getElementType()),
        acc,
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  }

  LogicalResult lowerConv(qforge::qf::Conv2DOp op, Lowering &l) {
    auto a = paramsOf(op, op.getInput().getType());
    auto w = paramsOf(op, op.getFilter().getType(), /*allowBlocked=*/true);
    if (failed(a) || failed(w))
      return failure();
    std::optional<Blocks> blocks;
    if (w->blocked) {
      if (op.getGroups() != 1)
        return op.emitOpError() << "grouped convolutions with block-quantized "
                                   "filters are not lowered";
      auto read = blocksOf(op, op.getFilter().getType(), /*channelAxis=*/0,
                           /*axis=*/3);
      if (failed(read))
        return failure();
      blocks = std::move(*read);
    }
    Value input = storageOf(op.getInput()), filter = storageOf(op.getFilter());
    auto inType = cast<RankedTensorType>(input.getType());
    auto fType = cast<RankedTensorType>(filter.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> pad = op.getPadding(), stride = op.getStrides(),
                      dil = op.getDilations();
    int64_t groups = op.getGroups();
    int64_t o = fType.getDimSize(0), cg = fType.getDimSize(3), og = o / groups;
    bool depthwise = groups > 1 && groups == inType.getDimSize(3) && o == groups &&
                     groups % qforge::kDepthwiseLanes == 0;
    std::optional<KernelWeights> kernel =
        groups == 1 || depthwise ? kernelWeights(*a, *w, op.getFilter(), filter, blocks)
                                 : std::nullopt;
    // The VNNI depthwise kernel pads as it copies its input into channel
    // blocks, the product kernels reading windows in place as they copy it
    // to the bytes they read; every other path reads the padded NHWC tensor.
    bool rowDot = kernel && depthwise && vnni && !blocks &&
                  qforge::depthwiseRowDotFits(fType.getDimSize(2), dil[1]);
    auto padded = [&] { return l.padWithZeroPoint(input, pad, a->zeroPoints[0]); };
    std::optional<qforge::WeightRuns> runs;
    if (blocks)
      runs = weightRuns(*blocks, o, fType.getDimSize(1) * fType.getDimSize(2));
    // The filter as the [KH*KW*C, O] matrix the product kernel takes (the
    // depthwise kernel reads it as it is).
    qforge::DotProductWeights matrix;
    if (kernel && !depthwise)
      matrix = {cast<DenseIntElementsAttr>(qforge::filterAsMatrix(kernel->values)),
                kernel->nibbles, runs ? &*runs : nullptr};
    if (kernel && (depthwise || qforge::dotProductFitsInt32(matrix))) {
      std::optional<qforge::ChannelRequantization> epilogue =
          channelEpilogue(op, op.getBias(), *a, *w, blocks ? &*blocks : nullptr, o,
                          op.getClamp(), op.getResult());
      const qforge::ChannelRequantization *e = epilogue ? &*epilogue : nullptr;
      Value acc = rowDot ? qforge::buildDepthwiseRowDot(l.b, l.loc, input, a->isSigned,
                                                        a->zeroPoints[0], pad, kernel->values,
                                                        resultType.getShape(), stride, dil, e)
                  : depthwise ? qforge::buildDepthwiseConv(l.b, l.loc, padded(), a->isSigned,
                                                           a->zeroPoints[0], kernel->values,
                                                           resultType.getShape(), stride, dil, e)
                              : windowProduct(input, pad, fType.getDimSize(1),
                                              fType.getDimSize(2), matrix, resultType.getShape(),
                                              stride, dil, *a, e, l);
      // A kernel with a fused epilogue has requantized already; block sums
      // (exact in int32) without one go through the blocked requantization.
      if (blocks && !e)
        acc = widenToI64(acc, l);
      auto value = e ? FailureOr<Value>(acc)
                     : finish(op, acc, op.getBias(), 3, *a, *w, blocks ? &*blocks : nullptr,
                              op.getClamp(), op.getResult(), l);
      if (failed(value))
        return failure();
      bind(op.getResult(), *value);
      return success();
    }
    input = padded();
    Value weightZp = weightZeroPoints(*w, o, l);
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
    auto par = utils::IteratorType::parallel, red = utils::IteratorType::reduction;
    SmallVector<int64_t> outShape(resultType.getShape());
    Value acc;
    if (!blocks) {
      SmallVector<AffineMap> maps = {
          AffineMap::get(7, 0, {d(0), d(1) * stride[0] + d(4) * dil[0],
                                d(2) * stride[1] + d(5) * dil[1], inChannel}, ctx),
          filterMap};
      if (weightZp)
        maps.push_back(AffineMap::get(7, 0, {d(3)}, ctx));
      maps.push_back(AffineMap::get(7, 0, {d(0), d(1), d(2), d(3)}, ctx));
      acc = l.accumulate(outShape, input, filter, weightZp, maps,
                         {par, par, par, par, red, red, red}, *a, *w);
    } else {
      // One int32 sum per block of input channels (all taps):
      // (n, oh, ow, g, o, kh, kw, c-in-block) into [N, OH, OW, G, O].
      // Channels split into [G, block] on both sides.
      int64_t g = blocks->count, bs = blocks->size;
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
          AffineMap::get(8, 0, {d(0), d(1) * stride[0] + d(5) * dil[0],
                                d(2) * stride[1] + d(6) * dil[1], d(3), d(7)}, ctx),
          AffineMap::get(8, 0, {d(5), d(6), d(3), d(7), d(4)}, ctx),
          AffineMap::get(8, 0, {d(0), d(1), d(2), d(3), d(4)}, ctx)};
      SmallVector<int64_t> partialShape = {outShape[0], outShape[1], outShape[2],
                                           g, outShape[3]};
      Value partial = l.accumulate(partialShape, input5, filter5, Value(), maps,
                                   {par, par, par, par, par, red, red, red}, *a, *w);
      acc = l.combineBlocks(partial, *blocks);
    }
    auto value = finish(op, acc, op.getBias(), 3, *a, *w,
                        blocks ? &*blocks : nullptr, op.getClamp(),
                        op.getResult(), l);
    if (failed(value))
      return failure();
    bind(op.getResult(), *value);
    return success();
  }
};

} // namespace
