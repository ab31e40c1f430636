//===- Requantize.cpp - integer-only requantization arithmetic ------------===//

#include "qforge/Transforms/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;

namespace qforge {

std::pair<int64_t, int64_t> fixedPointMultiplier(double multiplier, int bits) {
  int exponent;
  double fraction = std::frexp(multiplier, &exponent); // [0.5, 1)
  int64_t m = std::llround(std::ldexp(fraction, bits));
  if (m == (int64_t(1) << bits)) {
    m /= 2;
    ++exponent;
  }
  int64_t shift = bits - exponent;
  // Beyond 62 the product cannot reach a half unit; keep the shift usable.
  if (shift > 62) {
    m >>= (shift - 62);
    shift = 62;
  }
  return {m, shift};
}

namespace {

/// An integer constant of `like`'s type: a scalar, or a splat vector.
Value constantLike(OpBuilder &b, Location loc, Type like, int64_t v) {
  if (auto vec = dyn_cast<VectorType>(like))
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vec, b.getIntegerAttr(vec.getElementType(), v)));
  return arith::ConstantOp::create(b, loc, like, b.getIntegerAttr(like, v));
}

Type withElement(Type like, Type element) {
  if (auto vec = dyn_cast<VectorType>(like))
    return vec.clone(element);
  return element;
}

} // namespace

// With p = q 2^n + r (0 <= r < 2^n) and h = 2^(n-1):
// (p + h - 1 + (q & 1)) >> n is q when r < h, q + 1 when r > h, and on a
// tie (r = h) q + (q & 1), the even one: five operations and no compare in
// the innermost epilogue of every integer kernel.
Value finishRequantization(OpBuilder &b, Location loc, Value p, Value n, int64_t zeroPoint,
                           int64_t lo, int64_t hi, Type storage) {
  Type t = p.getType();
  Value one = constantLike(b, loc, t, 1);
  Value odd = arith::AndIOp::create(b, loc, arith::ShRSIOp::create(b, loc, p, n), one);
  Value halfMinusOne = arith::SubIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, one, arith::SubIOp::create(b, loc, n, one)), one);
  Value biased =
      arith::AddIOp::create(b, loc, p, arith::AddIOp::create(b, loc, halfMinusOne, odd));
  Value r = arith::ShRSIOp::create(b, loc, biased, n);
  r = arith::AddIOp::create(b, loc, r, constantLike(b, loc, t, zeroPoint));
  r = arith::MaxSIOp::create(b, loc, r, constantLike(b, loc, t, lo));
  r = arith::MinSIOp::create(b, loc, r, constantLike(b, loc, t, hi));
  return arith::TruncIOp::create(b, loc, withElement(t, storage), r);
}

ChannelRequantization::Tables
ChannelRequantization::materialize(OpBuilder &b, Location loc, int64_t channels) const {
  auto table = [&](auto values, Type element, int64_t fill) -> Value {
    using T = typename decltype(values)::value_type;
    std::vector<T> padded(values.begin(), values.end());
    padded.resize(channels, static_cast<T>(fill));
    auto type = RankedTensorType::get({channels}, element);
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(type, ArrayRef<T>(padded)));
  };
  Tables t;
  if (!bias.empty())
    t.bias = table(bias, b.getI32Type(), 0);
  t.multiplier = table(multiplier, b.getI32Type(), 0);
  // A shift of at least 1 keeps the rounding defined in padded lanes too.
  t.shift = table(shift, b.getI8Type(), 1);
  return t;
}

Value ChannelRequantization::apply(OpBuilder &b, Location loc, const Tables &tables,
                                   Value acc, Value c) const {
  auto accType = cast<VectorType>(acc.getType());
  Type i64 = b.getI64Type();
  auto wide = accType.clone(i64);
  SmallVector<bool> inBounds = {true};
  auto read = [&](Value table, Type element) -> Value {
    Value pad = arith::ConstantOp::create(b, loc, element, b.getIntegerAttr(element, 0));
    return vector::TransferReadOp::create(b, loc, accType.clone(element), table, ValueRange{c},
                                          pad, inBounds);
  };
  if (tables.bias)
    acc = arith::AddIOp::create(b, loc, acc, read(tables.bias, b.getI32Type()));
  Value m = arith::ExtSIOp::create(b, loc, wide, read(tables.multiplier, b.getI32Type()));
  Value n = arith::ExtUIOp::create(b, loc, wide, read(tables.shift, b.getI8Type()));
  Value p = arith::MulIOp::create(b, loc, arith::ExtSIOp::create(b, loc, wide, acc), m);
  return finishRequantization(b, loc, p, n, zeroPoint, lo, hi, b.getIntegerType(bits));
}

} // namespace qforge
