//===- IntegerLinalg.cpp - the reference integer computations -------------===//

#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"

#include "qforge/Dialect/QF/IR/QuantTypeChecks.h"
#include "qforge/Dialect/QF/Utils/Requantize.h"
#include "qforge/Dialect/QF/Utils/Layout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"

using namespace mlir;

namespace qforge {

unsigned storageBits(const QuantParams &params) { return std::max(8u, params.bits); }

Value IntegerLinalg::intConst(OpBuilder &nb, Location nl, Type type, int64_t v) {
  return arith::ConstantOp::create(nb, nl, type, nb.getIntegerAttr(type, v));
}

Value IntegerLinalg::vector(Type element, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, element);
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(element.getIntOrFloatBitWidth(), static_cast<uint64_t>(v),
                         /*isSigned=*/true));
  return arith::ConstantOp::create(b, loc, type, DenseElementsAttr::get(type, ints));
}

Value IntegerLinalg::vector(FloatType element, ArrayRef<double> values) {
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

Value IntegerLinalg::widen(OpBuilder &nb, Location nl, Value v, bool isSigned) {
  if (v.getType().getIntOrFloatBitWidth() >= 32)
    return v;
  if (isSigned)
    return arith::ExtSIOp::create(nb, nl, i32(), v);
  return arith::ExtUIOp::create(nb, nl, i32(), v);
}

Value IntegerLinalg::map(Value input, Type outElement, int64_t axis, ArrayRef<Value> channel,
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
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value r = body(nb, nl, args[0], args.slice(1, channel.size()));
               linalg::YieldOp::create(nb, nl, r);
             })
      .getResult(0);
}

Value IntegerLinalg::requantize(Value acc, int64_t axis, ArrayRef<double> multipliers,
                                int64_t zeroPoint, int64_t lo, int64_t hi, unsigned bits) {
  bool perChannel = multipliers.size() > 1;
  SmallVector<Value> channel;
  // Stored as a kernel's epilogue stores them: a float32 per channel.
  if (perChannel)
    channel = {vector(b.getF32Type(), multipliers)};
  Type storage = b.getIntegerType(bits);
  return map(acc, storage, perChannel ? axis : 0, channel,
             [&](OpBuilder &nb, Location nl, Value a, ValueRange ch) {
               Value mul = perChannel
                               ? ch[0]
                               : arith::ConstantOp::create(
                                     nb, nl,
                                     nb.getF32FloatAttr(static_cast<float>(multipliers[0])))
                                     .getResult();
               return scaleToStorage(nb, nl, a, mul, zeroPoint, lo, hi, storage);
             });
}

Value IntegerLinalg::padWithZeroPoint(Value input, ArrayRef<int64_t> pad, int64_t zeroPoint) {
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  return padSpatial(b, loc, input, pad, b.getIntegerAttr(element, zeroPoint));
}

Value IntegerLinalg::addBias(Value acc, Value bias, int64_t axis) {
  Type accType = cast<RankedTensorType>(acc.getType()).getElementType();
  return map(acc, accType, axis, {bias}, [&](OpBuilder &nb, Location nl, Value a, ValueRange ch) {
    Value v = ch[0];
    if (v.getType() != accType)
      v = arith::ExtSIOp::create(nb, nl, accType, v);
    return arith::AddIOp::create(nb, nl, a, v).getResult();
  });
}

Value IntegerLinalg::accumulate(ArrayRef<int64_t> outShape, Value x, Value w, Value weightZp,
                                ArrayRef<AffineMap> maps, ArrayRef<utils::IteratorType> iterators,
                                const QuantParams &xp, const QuantParams &wp) {
  int64_t zx = xp.zeroPoints[0];
  SmallVector<Value> inputs = {x, w};
  if (weightZp)
    inputs.push_back(weightZp);
  return linalg::GenericOp::create(
             b, loc, TypeRange{RankedTensorType::get(outShape, i32())}, inputs,
             ValueRange{zeros(outShape, i32())}, maps, iterators,
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

Value IntegerLinalg::combineBlocks(Value partial, const WeightBlocks &blocks) {
  auto type = cast<RankedTensorType>(partial.getType());
  int64_t rank = type.getRank(); // [..., G, C]
  int64_t channels = type.getShape().back();
  SmallVector<int64_t> outShape(type.getShape().drop_back(2));
  outShape.push_back(channels);
  auto multType = RankedTensorType::get({blocks.count, channels}, b.getI8Type());
  SmallVector<APInt> bytes;
  for (int64_t m : blocks.multiples)
    bytes.push_back(APInt(8, static_cast<uint64_t>(m)));
  Value mult =
      arith::ConstantOp::create(b, loc, multType, DenseElementsAttr::get(multType, bytes));
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
             ValueRange{partial, mult}, ValueRange{zeros(outShape, i64())}, maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value p = arith::ExtSIOp::create(nb, nl, i64(), args[0]);
               Value m = arith::ExtUIOp::create(nb, nl, i64(), args[1]);
               Value prod = arith::MulIOp::create(nb, nl, p, m);
               linalg::YieldOp::create(
                   nb, nl, ValueRange{arith::AddIOp::create(nb, nl, args[2], prod)});
             })
      .getResult(0);
}

Value IntegerLinalg::zeros(ArrayRef<int64_t> shape, Type element) {
  Value empty = tensor::EmptyOp::create(b, loc, shape, element);
  return linalg::FillOp::create(b, loc, ValueRange{intConst(b, loc, element, 0)},
                                ValueRange{empty})
      .getResult(0);
}

Value finishProduct(Value acc, Value bias, int64_t channelAxis, const QuantParams &act,
                    const QuantParams &weight, const WeightBlocks *blocks,
                    std::optional<ArrayRef<int64_t>> clamp, Type resultType, IntegerLinalg &l) {
  if (bias)
    acc = l.addBias(acc, bias, channelAxis);
  if (!qf::getQuantizedElementType(resultType))
    return acc;
  QuantParams out = readQuantParams(resultType);
  SmallVector<double> multipliers = outputMultipliers(
      act, blocks ? ArrayRef<double>(blocks->units) : ArrayRef<double>(weight.scales), out);
  auto [lo, hi] = clampBounds(clamp, out);
  return l.requantize(acc, channelAxis, multipliers, out.zeroPoints[0], lo, hi,
                      storageBits(out));
}

Value collapseToRows(OpBuilder &b, Location loc, Value x,
                     SmallVectorImpl<ReassociationIndices> &reassoc) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  if (rank <= 2)
    return x;
  ReassociationIndices leading;
  for (int64_t d = 0; d < rank - 1; ++d)
    leading.push_back(d);
  reassoc.assign({leading, {rank - 1}});
  return tensor::CollapseShapeOp::create(b, loc, x, reassoc);
}

Value expandFromRows(OpBuilder &b, Location loc, Value rows, ArrayRef<int64_t> operandShape,
                     int64_t n, ArrayRef<ReassociationIndices> reassoc) {
  if (reassoc.empty())
    return rows;
  SmallVector<int64_t> shape(operandShape);
  shape.back() = n;
  auto type =
      RankedTensorType::get(shape, cast<RankedTensorType>(rows.getType()).getElementType());
  return tensor::ExpandShapeOp::create(b, loc, type, rows, reassoc);
}

} // namespace qforge
