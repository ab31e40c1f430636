//===- ElementwiseOps.cpp - ONNX element-wise operators -------------------===//
//
// Arithmetic, comparisons, activations and casts. Numpy broadcasting becomes
// a rank-aligning tosa.reshape in front of the TOSA op; integer arithmetic on
// constants (shape computations) is evaluated on the host.
//
//===----------------------------------------------------------------------===//

#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <type_traits>
#include <limits>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

bool isFloatTensor(Value v) { return isa<FloatType>(typeOf(v).getElementType()); }

/// Requires `v` to be a float tensor; reports otherwise.
LogicalResult requireFloat(NodeContext &ctx, Value v) {
  if (isFloatTensor(v))
    return success();
  std::string what;
  llvm::raw_string_ostream os(what);
  os << "element type " << typeOf(v).getElementType();
  return ctx.unsupported(what);
}

/// TOSA's lowering has no unsigned comparison or division. Unsigned inputs
/// of up to 32 bits are widened to a signed type that holds all their values
/// (zero-extended by tosa.cast), computed on, and narrowed back.
Type widerSigned(Type element) {
  auto intType = dyn_cast<IntegerType>(element);
  if (!intType || !intType.isUnsigned() || intType.getWidth() > 32)
    return {};
  return IntegerType::get(element.getContext(), intType.getWidth() < 32 ? 32 : 64);
}

/// The bits of uint64 values with the top one flipped: signed comparisons
/// of the results order the unsigned values (x ^ 2^63 maps [0, 2^64) onto
/// [-2^63, 2^63) keeping order), and flipping again restores them.
Value flipTopBit(NodeContext &ctx, Value bits) {
  Value top = splat(ctx.b, ctx.loc, ctx.b.getI64Type(),
                    SmallVector<int64_t>(typeOf(bits).getRank(), 1), -0x1p63);
  return binary<tosa::BitwiseXorOp>(ctx.b, ctx.loc, bits, top);
}

/// Float to integer conversion as ONNX specifies it: truncation toward zero
/// (TOSA's cast rounds): ceil for negatives, floor otherwise, then cast.
Value truncatingCast(NodeContext &ctx, Value x, Type target) {
  RankedTensorType type = typeOf(x);
  Type source = type.getElementType();
  Value zero = splat(ctx.b, ctx.loc, source, SmallVector<int64_t>(type.getRank(), 1), 0);
  Value negative = binary<tosa::GreaterOp>(ctx.b, ctx.loc, zero, x, ctx.b.getI1Type());
  Value up = tosa::CeilOp::create(ctx.b, ctx.loc, type, x);
  Value down = tosa::FloorOp::create(ctx.b, ctx.loc, type, x);
  Value truncated = tosa::SelectOp::create(ctx.b, ctx.loc, type, negative, up, down);
  // Unsigned targets go through a signed type twice as wide (at least 32
  // bits): a direct cast would saturate at the signed maximum (153.0 would
  // become 127 as uint8).
  auto intTarget = cast<IntegerType>(target);
  if (intTarget.isUnsigned() && intTarget.getWidth() <= 32) {
    Type wide = ctx.b.getIntegerType(std::max(32u, 2 * intTarget.getWidth()));
    return castElements(ctx.b, ctx.loc, castElements(ctx.b, ctx.loc, truncated, wide), target);
  }
  return tosa::CastOp::create(ctx.b, ctx.loc, type.clone(target), truncated);
}

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

/// Constants up to this many elements are folded on the host.
constexpr int64_t kMaxHostFoldElements = 1 << 20;

/// Host evaluation of Add/Sub/Mul/Div on constant inputs (integer shape
/// arithmetic, float scalars feeding Range, constant weight preprocessing).
bool foldArithmetic(NodeContext &ctx, function_ref<int64_t(int64_t, int64_t)> intOp,
                    function_ref<double(double, double)> floatOp) {
  HostTensor lhs = ctx.constInput(0), rhs = ctx.constInput(1);
  if (!lhs || !rhs || lhs.getElementType() != rhs.getElementType() ||
      lhs.getElementType().isInteger(1) ||
      std::max(lhs.getNumElements(), rhs.getNumElements()) > kMaxHostFoldElements)
    return false;
  if (isa<IntegerType>(lhs.getElementType()))
    ctx.setOutput(0, foldIntBinary(lhs, rhs, intOp));
  else
    ctx.setOutput(0, foldFloatBinary(lhs, rhs, floatOp));
  return true;
}

LogicalResult convertAdd(NodeContext &ctx) {
  if (foldArithmetic(ctx, [](int64_t a, int64_t b) { return a + b; },
                     [](double a, double b) { return a + b; }))
    return success();
  ctx.setOutput(0, binary<tosa::AddOp>(ctx.b, ctx.loc, ctx.input(0), ctx.input(1)));
  return success();
}

LogicalResult convertSub(NodeContext &ctx) {
  if (foldArithmetic(ctx, [](int64_t a, int64_t b) { return a - b; },
                     [](double a, double b) { return a - b; }))
    return success();
  ctx.setOutput(0, binary<tosa::SubOp>(ctx.b, ctx.loc, ctx.input(0), ctx.input(1)));
  return success();
}

LogicalResult convertMul(NodeContext &ctx) {
  if (foldArithmetic(ctx, [](int64_t a, int64_t b) { return a * b; },
                     [](double a, double b) { return a * b; }))
    return success();
  ctx.setOutput(0, mul(ctx.b, ctx.loc, ctx.input(0), ctx.input(1)));
  return success();
}

LogicalResult convertDiv(NodeContext &ctx) {
  // ONNX integer division truncates toward zero, as C++ does.
  if (foldArithmetic(ctx, [](int64_t a, int64_t b) { return b ? a / b : 0; },
                     [](double a, double b) { return a / b; }))
    return success();
  Value lhs = ctx.input(0), rhs = ctx.input(1);
  Type element = typeOf(lhs).getElementType();
  if (isa<FloatType>(element)) {
    ctx.setOutput(0, divide(ctx.b, ctx.loc, lhs, rhs));
    return success();
  }
  if (element.isInteger(32)) {
    ctx.setOutput(0, binary<tosa::IntDivOp>(ctx.b, ctx.loc, lhs, rhs));
    return success();
  }
  if (Type wide = widerSigned(element); wide && wide.isInteger(32)) {
    Value q = binary<tosa::IntDivOp>(ctx.b, ctx.loc, castElements(ctx.b, ctx.loc, lhs, wide),
                                     castElements(ctx.b, ctx.loc, rhs, wide));
    ctx.setOutput(0, castElements(ctx.b, ctx.loc, q, element));
    return success();
  }
  return ctx.unsupported("run-time division of this integer type");
}

LogicalResult convertPow(NodeContext &ctx) {
  Value base = ctx.input(0), exponent = ctx.input(1);
  Type baseElement = typeOf(base).getElementType();
  if (isa<IntegerType>(baseElement)) {
    // Integer powers are computed in double precision, which holds every
    // int32 result exactly, and truncated back like ONNX's reference.
    Type f64 = ctx.b.getF64Type();
    Value p = binary<tosa::PowOp>(ctx.b, ctx.loc, castElements(ctx.b, ctx.loc, base, f64),
                                  castElements(ctx.b, ctx.loc, exponent, f64));
    ctx.setOutput(0, truncatingCast(ctx, p, baseElement));
    return success();
  }
  exponent = castElements(ctx.b, ctx.loc, exponent, typeOf(base).getElementType());
  ctx.setOutput(0, binary<tosa::PowOp>(ctx.b, ctx.loc, base, exponent));
  return success();
}

/// True when every input is an integer (not bool) host constant.
bool allIntConstants(NodeContext &ctx) {
  for (int i = 0; i < ctx.node.input_size(); ++i) {
    HostTensor v = ctx.constInput(i);
    if (!v || !isa<IntegerType>(v.getElementType()) ||
        v.getElementType().isInteger(1))
      return false;
  }
  return true;
}

/// Folds a variadic integer op over constant inputs on the host.
bool foldIntVariadic(NodeContext &ctx,
                     function_ref<int64_t(int64_t, int64_t)> op) {
  if (!allIntConstants(ctx))
    return false;
  HostTensor acc = ctx.constInput(0);
  for (int i = 1; i < ctx.node.input_size(); ++i)
    acc = foldIntBinary(acc, ctx.constInput(i), op);
  ctx.setOutput(0, acc);
  return true;
}

template <typename OpT>
LogicalResult convertVariadic(NodeContext &ctx) {
  if constexpr (std::is_same_v<OpT, tosa::MaximumOp>) {
    if (foldIntVariadic(ctx, [](int64_t a, int64_t b) { return std::max(a, b); }))
      return success();
  } else if constexpr (std::is_same_v<OpT, tosa::MinimumOp>) {
    if (foldIntVariadic(ctx, [](int64_t a, int64_t b) { return std::min(a, b); }))
      return success();
  } else if constexpr (std::is_same_v<OpT, tosa::AddOp>) {
    if (foldIntVariadic(ctx, [](int64_t a, int64_t b) { return a + b; }))
      return success();
  }
  Type element = ctx.inputType(0).getElementType();
  if (element.isUnsignedInteger(64)) {
    // Sums wrap the same in any signedness; Max and Min compare the bits
    // with the top one flipped.
    bool compares = !std::is_same_v<OpT, tosa::AddOp>;
    auto operand = [&](int i) {
      Value bits = ctx.signlessInput(i);
      return compares ? flipTopBit(ctx, bits) : bits;
    };
    Value acc = operand(0);
    for (int i = 1; i < ctx.node.input_size(); ++i)
      acc = binary<OpT>(ctx.b, ctx.loc, acc, operand(i));
    ctx.setOutput(0, ctx.onnxView(compares ? flipTopBit(ctx, acc) : acc, element));
    return success();
  }
  Type wide = widerSigned(element);
  Type work = wide ? wide : element;
  Value acc = castElements(ctx.b, ctx.loc, ctx.input(0), work);
  for (int i = 1; i < ctx.node.input_size(); ++i)
    acc = binary<OpT>(ctx.b, ctx.loc, acc, castElements(ctx.b, ctx.loc, ctx.input(i), work));
  ctx.setOutput(0, castElements(ctx.b, ctx.loc, acc, element));
  return success();
}

/// Mod: with fmod = 1 the remainder of truncated division (C's fmod, the
/// dividend's sign; the only form floats take), else of floored division
/// (the divisor's sign): the truncated remainder plus the divisor where the
/// two signs differ. Unsigned integers up to 32 bits through a wider signed
/// type.
LogicalResult convertMod(NodeContext &ctx) {
  bool fmod = ctx.getInt("fmod", 0) != 0;
  Type element = ctx.inputType(0).getElementType();
  bool isFloat = isa<FloatType>(element);
  if (isFloat && !fmod) {
    ctx.emitError() << "fmod must be 1 for floating-point inputs";
    return failure();
  }
  bool u64 = element.isUnsignedInteger(64);
  Type wide = widerSigned(element);
  Type work = wide ? wide : u64 ? ctx.b.getI64Type() : element;
  Value a = u64 ? ctx.signlessInput(0) : castElements(ctx.b, ctx.loc, ctx.input(0), work);
  Value b = u64 ? ctx.signlessInput(1) : castElements(ctx.b, ctx.loc, ctx.input(1), work);
  int64_t rank = std::max(typeOf(a).getRank(), typeOf(b).getRank());
  a = alignRank(ctx.b, ctx.loc, a, rank);
  b = alignRank(ctx.b, ctx.loc, b, rank);
  SmallVector<int64_t> shape = broadcastShape(typeOf(a).getShape(), typeOf(b).getShape());
  a = broadcastTo(ctx.b, ctx.loc, a, shape);
  b = broadcastTo(ctx.b, ctx.loc, b, shape);
  if (u64) {
    // No negative operands: both forms are the unsigned remainder.
    ctx.setOutput(0, ctx.onnxView(arith::RemUIOp::create(ctx.b, ctx.loc, a, b), element));
    return success();
  }
  Value r = isFloat ? Value(arith::RemFOp::create(ctx.b, ctx.loc, a, b))
                    : Value(arith::RemSIOp::create(ctx.b, ctx.loc, a, b));
  if (!fmod) {
    Type bool1 = ctx.b.getI1Type();
    Value zero = splat(ctx.b, ctx.loc, work, SmallVector<int64_t>(rank, 1), 0);
    Value rNegative = binary<tosa::GreaterOp>(ctx.b, ctx.loc, zero, r, bool1);
    Value bNegative = binary<tosa::GreaterOp>(ctx.b, ctx.loc, zero, b, bool1);
    Value nonZero = tosa::LogicalNotOp::create(
        ctx.b, ctx.loc, tensorType(shape, bool1),
        binary<tosa::EqualOp>(ctx.b, ctx.loc, r, zero, bool1));
    Value differ = binary<tosa::LogicalAndOp>(
        ctx.b, ctx.loc, nonZero, binary<tosa::LogicalXorOp>(ctx.b, ctx.loc, rNegative, bNegative));
    r = tosa::SelectOp::create(ctx.b, ctx.loc, typeOf(r), differ,
                               binary<tosa::AddOp>(ctx.b, ctx.loc, r, b), r);
  }
  ctx.setOutput(0, castElements(ctx.b, ctx.loc, r, element));
  return success();
}

/// BitShift of unsigned integers up to 32 bits, in a wider signed type
/// (zero-extended, so the right shift is logical; narrowing keeps the low
/// bits of a left shift).
LogicalResult convertBitShift(NodeContext &ctx) {
  std::string direction = ctx.getString("direction", "");
  if (direction != "LEFT" && direction != "RIGHT") {
    ctx.emitError() << "direction '" << direction << "' is not LEFT or RIGHT";
    return failure();
  }
  Type element = ctx.inputType(0).getElementType();
  bool u64 = element.isUnsignedInteger(64);
  Type work = widerSigned(element);
  if (!work && !u64)
    return ctx.unsupported("BitShift of signed or non-integer types");
  // 64-bit values shift as their bits: logical shifts are unsigned ones.
  Value x = u64 ? ctx.signlessInput(0) : castElements(ctx.b, ctx.loc, ctx.input(0), work);
  Value y = u64 ? ctx.signlessInput(1) : castElements(ctx.b, ctx.loc, ctx.input(1), work);
  Value shifted = direction == "LEFT"
                      ? binary<tosa::LogicalLeftShiftOp>(ctx.b, ctx.loc, x, y)
                      : binary<tosa::LogicalRightShiftOp>(ctx.b, ctx.loc, x, y);
  ctx.setOutput(0, u64 ? ctx.onnxView(shifted, element) : castElements(ctx.b, ctx.loc, shifted, element));
  return success();
}

/// The integer operands of a bitwise op in a type TOSA's lowering takes:
/// unsigned ones (up to 32 bits) zero-extended into a wider signed type;
/// null for 64-bit unsigned.
Type bitwiseWorkType(Type element) {
  if (element.isUnsignedInteger())
    return widerSigned(element);
  return element.isSignlessInteger() && !element.isInteger(1) ? element : Type();
}

template <typename OpT>
LogicalResult convertBitwise(NodeContext &ctx) {
  Type element = ctx.inputType(0).getElementType();
  Type work = bitwiseWorkType(element);
  if (!work)
    return ctx.unsupported("this operator on " + std::string(element.isUnsignedInteger(64)
                                                                   ? "64-bit unsigned integers"
                                                                   : "non-integer types"));
  Value x = castElements(ctx.b, ctx.loc, ctx.input(0), work);
  Value y;
  if constexpr (std::is_same_v<OpT, tosa::BitwiseNotOp>)
    y = tosa::BitwiseNotOp::create(ctx.b, ctx.loc, typeOf(x), x);
  else
    y = binary<OpT>(ctx.b, ctx.loc, x, castElements(ctx.b, ctx.loc, ctx.input(1), work));
  // Narrowing keeps the low bits: the result's bit pattern in `element`.
  ctx.setOutput(0, castElements(ctx.b, ctx.loc, y, element));
  return success();
}

LogicalResult convertMean(NodeContext &ctx) {
  Value sum = ctx.input(0);
  for (int i = 1; i < ctx.node.input_size(); ++i)
    sum = binary<tosa::AddOp>(ctx.b, ctx.loc, sum, ctx.input(i));
  ctx.setOutput(0, mulScalar(ctx.b, ctx.loc, sum, 1.0 / ctx.node.input_size()));
  return success();
}

//===----------------------------------------------------------------------===//
// Comparisons and logic
//===----------------------------------------------------------------------===//

template <typename OpT, bool swap, bool negate>
LogicalResult convertCompare(NodeContext &ctx) {
  if (allIntConstants(ctx)) {
    auto compare = [](int64_t a, int64_t b) -> int64_t {
      if constexpr (std::is_same_v<OpT, tosa::EqualOp>)
        return a == b;
      else if constexpr (std::is_same_v<OpT, tosa::GreaterOp>)
        return a > b;
      else
        return a >= b;
    };
    HostTensor a = ctx.constInput(swap ? 1 : 0), c = ctx.constInput(swap ? 0 : 1);
    ctx.setOutput(0, foldIntBinary(a, c,
                                   [&](int64_t x, int64_t y) -> int64_t {
                                     return negate ? !compare(x, y) : compare(x, y);
                                   },
                                   ctx.b.getI1Type()));
    return success();
  }
  Value lhs = ctx.input(swap ? 1 : 0), rhs = ctx.input(swap ? 0 : 1);
  Value result = binary<OpT>(ctx.b, ctx.loc, lhs, rhs, ctx.b.getI1Type());
  if (negate)
    result = tosa::LogicalNotOp::create(ctx.b, ctx.loc, typeOf(result), result);
  ctx.setOutput(0, result);
  return success();
}

template <typename OpT>
LogicalResult convertLogical(NodeContext &ctx) {
  ctx.setOutput(0, binary<OpT>(ctx.b, ctx.loc, ctx.input(0), ctx.input(1)));
  return success();
}

LogicalResult convertNot(NodeContext &ctx) {
  Value x = ctx.input(0);
  ctx.setOutput(0, tosa::LogicalNotOp::create(ctx.b, ctx.loc, typeOf(x), x));
  return success();
}

LogicalResult convertWhere(NodeContext &ctx) {
  Value cond = ctx.input(0), x = ctx.input(1), y = ctx.input(2);
  int64_t rank = std::max({typeOf(cond).getRank(), typeOf(x).getRank(),
                           typeOf(y).getRank()});
  cond = alignRank(ctx.b, ctx.loc, cond, rank);
  x = alignRank(ctx.b, ctx.loc, x, rank);
  y = alignRank(ctx.b, ctx.loc, y, rank);
  SmallVector<int64_t> shape = broadcastShape(
      broadcastShape(typeOf(cond).getShape(), typeOf(x).getShape()),
      typeOf(y).getShape());
  ctx.setOutput(0, tosa::SelectOp::create(
                       ctx.b, ctx.loc,
                       tensorType(shape, typeOf(x).getElementType()), cond, x, y));
  return success();
}

//===----------------------------------------------------------------------===//
// Unary math
//===----------------------------------------------------------------------===//

template <typename OpT>
LogicalResult convertUnary(NodeContext &ctx) {
  Value x = ctx.input(0);
  ctx.setOutput(0, OpT::create(ctx.b, ctx.loc, typeOf(x), x));
  return success();
}

template <typename OpT>
LogicalResult convertUnaryFloat(NodeContext &ctx) {
  if (failed(requireFloat(ctx, ctx.input(0))))
    return failure();
  return convertUnary<OpT>(ctx);
}

/// Folds an integer unary op on a constant input on the host.
bool foldIntUnary(NodeContext &ctx, function_ref<int64_t(int64_t)> op) {
  if (!allIntConstants(ctx))
    return false;
  HostTensor v = ctx.constInput(0);
  SmallVector<int64_t> values = intValues(v);
  for (int64_t &x : values)
    x = op(x);
  ctx.setOutput(0, makeIntTensor(v.getElementType(), v.getType().getShape(), values));
  return true;
}

LogicalResult convertAbs(NodeContext &ctx) {
  if (foldIntUnary(ctx, [](int64_t x) { return x < 0 ? -x : x; }))
    return success();
  return convertUnary<tosa::AbsOp>(ctx);
}

LogicalResult convertNeg(NodeContext &ctx) {
  if (foldIntUnary(ctx, [](int64_t x) { return -x; }))
    return success();
  Value x = ctx.input(0);
  Type element = typeOf(x).getElementType();
  Value zp = zeroPoint(ctx.b, ctx.loc, element);
  ctx.setOutput(0, tosa::NegateOp::create(ctx.b, ctx.loc, typeOf(x), x, zp, zp));
  return success();
}

LogicalResult convertSqrt(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  SmallVector<int64_t> ones(typeOf(x).getRank(), 1);
  Value half = splat(ctx.b, ctx.loc, typeOf(x).getElementType(), ones, 0.5);
  ctx.setOutput(0, binary<tosa::PowOp>(ctx.b, ctx.loc, x, half));
  return success();
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

constexpr double kInf = std::numeric_limits<double>::infinity();

LogicalResult convertRelu(NodeContext &ctx) {
  ctx.setOutput(0, clamp(ctx.b, ctx.loc, ctx.input(0), 0.0, kInf));
  return success();
}

LogicalResult convertClip(NodeContext &ctx) {
  Value x = ctx.input(0);
  double lo = -kInf, hi = kInf;
  if (ctx.opset < 11) {
    lo = ctx.getFloat("min", -std::numeric_limits<float>::infinity());
    hi = ctx.getFloat("max", std::numeric_limits<float>::infinity());
  } else {
    // min and max became optional inputs in opset 11.
    for (int i : {1, 2}) {
      if (!ctx.hasInput(i))
        continue;
      HostTensor bound = ctx.constInput(i);
      if (!bound) {
        // A bound known only at run time: maximum/minimum with broadcasting.
        if (i == 1)
          x = binary<tosa::MaximumOp>(ctx.b, ctx.loc, x, ctx.input(1));
        else
          x = binary<tosa::MinimumOp>(ctx.b, ctx.loc, x, ctx.input(2));
        continue;
      }
      double v = isa<FloatType>(bound.getElementType())
                     ? floatValues(bound)[0]
                     : static_cast<double>(intValues(bound)[0]);
      (i == 1 ? lo : hi) = v;
    }
  }
  ctx.setOutput(0, clamp(ctx.b, ctx.loc, x, lo, hi));
  return success();
}

/// max(x, 0) + slope * min(x, 0), which is x for x >= 0 and slope * x below.
Value leakyLike(NodeContext &ctx, Value x, Value slope) {
  Value positive = clamp(ctx.b, ctx.loc, x, 0.0, kInf);
  Value negative = clamp(ctx.b, ctx.loc, x, -kInf, 0.0);
  return binary<tosa::AddOp>(ctx.b, ctx.loc, positive,
                             mul(ctx.b, ctx.loc, negative, slope));
}

LogicalResult convertLeakyRelu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  SmallVector<int64_t> ones(typeOf(x).getRank(), 1);
  Value alpha = splat(ctx.b, ctx.loc, typeOf(x).getElementType(), ones,
                      ctx.getFloat("alpha", 0.01f));
  ctx.setOutput(0, leakyLike(ctx, x, alpha));
  return success();
}

LogicalResult convertPRelu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  ctx.setOutput(0, leakyLike(ctx, x, ctx.input(1)));
  return success();
}

/// clamp(alpha * x + beta, 0, 1).
Value hardSigmoid(NodeContext &ctx, Value x, double alpha, double beta) {
  Value y = addScalar(ctx.b, ctx.loc, mulScalar(ctx.b, ctx.loc, x, alpha), beta);
  return clamp(ctx.b, ctx.loc, y, 0.0, 1.0);
}

LogicalResult convertHardSigmoid(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  ctx.setOutput(0, hardSigmoid(ctx, x, ctx.getFloat("alpha", 0.2f),
                               ctx.getFloat("beta", 0.5f)));
  return success();
}

LogicalResult convertHardSwish(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  // x * HardSigmoid(x) with alpha = 1/6, beta = 1/2.
  ctx.setOutput(0, mul(ctx.b, ctx.loc, x, hardSigmoid(ctx, x, 1.0 / 6.0, 0.5)));
  return success();
}

/// x * sigmoid(z) for the tanh form of GELU, 0.5 x (1 + tanh(z / 2)): the
/// same function, without 1 + tanh cancelling for negative z.
Value timesSigmoid(NodeContext &ctx, Value x, Value z) {
  Value s = tosa::SigmoidOp::create(ctx.b, ctx.loc, typeOf(z), z);
  return mul(ctx.b, ctx.loc, x, s);
}

/// Swish: x * sigmoid(alpha * x).
LogicalResult convertSwish(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  ctx.setOutput(0, timesSigmoid(ctx, x, mulScalar(ctx.b, ctx.loc, x, ctx.getFloat("alpha", 1.0f))));
  return success();
}

LogicalResult convertGelu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  std::string approximate = ctx.getString("approximate", "none");
  if (approximate == "tanh") {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    //   = x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3))
    Value cube = mul(ctx.b, ctx.loc, mul(ctx.b, ctx.loc, x, x), x);
    Value poly = binary<tosa::AddOp>(ctx.b, ctx.loc, x,
                                     mulScalar(ctx.b, ctx.loc, cube, 0.044715));
    Value z = mulScalar(ctx.b, ctx.loc, poly, 2.0 * std::sqrt(2.0 / M_PI));
    ctx.setOutput(0, timesSigmoid(ctx, x, z));
    return success();
  }
  if (approximate != "none")
    return ctx.unsupported("approximate='" + approximate + "'");
  // 0.5 x (1 + erf(x / sqrt(2))) = 0.5 x erfc(-x / sqrt(2)): no
  // cancellation in 1 + erf for negative x.
  Value scaled = mulScalar(ctx.b, ctx.loc, x, -1.0 / std::sqrt(2.0));
  Value c = math::ErfcOp::create(ctx.b, ctx.loc, scaled);
  ctx.setOutput(0, mul(ctx.b, ctx.loc, x, mulScalar(ctx.b, ctx.loc, c, 0.5)));
  return success();
}

/// log(1 + exp(x)) as max(x, 0) + log1p(exp(-|x|)): large inputs do not
/// overflow exp, and small terms are not lost in 1 + e.
Value softplus(NodeContext &ctx, Value x) {
  Value absX = tosa::AbsOp::create(ctx.b, ctx.loc, typeOf(x), x);
  Value negAbs = mulScalar(ctx.b, ctx.loc, absX, -1.0);
  Value e = tosa::ExpOp::create(ctx.b, ctx.loc, typeOf(x), negAbs);
  Value l = math::Log1pOp::create(ctx.b, ctx.loc, e);
  return binary<tosa::AddOp>(ctx.b, ctx.loc, clamp(ctx.b, ctx.loc, x, 0.0, kInf), l);
}

LogicalResult convertSoftplus(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  ctx.setOutput(0, softplus(ctx, x));
  return success();
}

LogicalResult convertMish(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  // x tanh(softplus(x))
  Value sp = softplus(ctx, x);
  ctx.setOutput(0, mul(ctx.b, ctx.loc, x, tosa::TanhOp::create(ctx.b, ctx.loc, typeOf(sp), sp)));
  return success();
}

/// x for x > 0, alpha (exp(x / scale) - 1) otherwise, as alpha
/// expm1(min(x, 0) / scale): exact near zero, where exp(x) - 1 cancels.
/// Elu is scale 1, Celu scale alpha.
Value elu(NodeContext &ctx, Value x, double alpha, double scale) {
  Value negative = clamp(ctx.b, ctx.loc, x, -kInf, 0.0);
  if (scale != 1.0)
    negative = mulScalar(ctx.b, ctx.loc, negative, 1.0 / scale);
  Value e = math::ExpM1Op::create(ctx.b, ctx.loc, negative);
  Value scaled = mulScalar(ctx.b, ctx.loc, e, alpha);
  return binary<tosa::AddOp>(ctx.b, ctx.loc, clamp(ctx.b, ctx.loc, x, 0.0, kInf), scaled);
}

LogicalResult convertElu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  ctx.setOutput(0, elu(ctx, x, ctx.getFloat("alpha", 1.0f), 1.0));
  return success();
}

LogicalResult convertCelu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  double alpha = ctx.getFloat("alpha", 1.0f);
  ctx.setOutput(0, elu(ctx, x, alpha, alpha));
  return success();
}

LogicalResult convertSelu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  // ONNX's defaults, as float32 values.
  double alpha = ctx.getFloat("alpha", 1.67326319217681884765625f);
  double gamma = ctx.getFloat("gamma", 1.05070102214813232421875f);
  ctx.setOutput(0, mulScalar(ctx.b, ctx.loc, elu(ctx, x, alpha, 1.0), gamma));
  return success();
}

/// A splat of `x`'s element type and rank (all dimensions 1).
Value scalarLike(NodeContext &ctx, Value x, double value) {
  RankedTensorType type = typeOf(x);
  return splat(ctx.b, ctx.loc, type.getElementType(),
               SmallVector<int64_t>(type.getRank(), 1), value);
}

/// where(cond, a, b) under broadcasting, in `like`'s shape.
Value select(NodeContext &ctx, Value cond, Value a, Value b, Value like) {
  RankedTensorType type = typeOf(like);
  int64_t rank = type.getRank();
  return tosa::SelectOp::create(ctx.b, ctx.loc, type, alignRank(ctx.b, ctx.loc, cond, rank),
                                alignRank(ctx.b, ctx.loc, a, rank),
                                alignRank(ctx.b, ctx.loc, b, rank));
}

LogicalResult convertThresholdedRelu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  Value above = binary<tosa::GreaterOp>(ctx.b, ctx.loc, x,
                                        scalarLike(ctx, x, ctx.getFloat("alpha", 1.0f)),
                                        ctx.b.getI1Type());
  ctx.setOutput(0, select(ctx, above, x, scalarLike(ctx, x, 0.0), x));
  return success();
}

LogicalResult convertSoftsign(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  // x / (1 + |x|)
  Value absX = tosa::AbsOp::create(ctx.b, ctx.loc, typeOf(x), x);
  ctx.setOutput(0, divide(ctx.b, ctx.loc, x, addScalar(ctx.b, ctx.loc, absX, 1.0)));
  return success();
}

LogicalResult convertShrink(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  // x + bias below -lambd, x - bias above lambd, 0 between.
  double bias = ctx.getFloat("bias", 0.0f), lambd = ctx.getFloat("lambd", 0.5f);
  Type bool1 = ctx.b.getI1Type();
  Value below = binary<tosa::GreaterOp>(ctx.b, ctx.loc, scalarLike(ctx, x, -lambd), x, bool1);
  Value above = binary<tosa::GreaterOp>(ctx.b, ctx.loc, x, scalarLike(ctx, x, lambd), bool1);
  Value high = select(ctx, above, addScalar(ctx.b, ctx.loc, x, -bias), scalarLike(ctx, x, 0.0), x);
  ctx.setOutput(0, select(ctx, below, addScalar(ctx.b, ctx.loc, x, bias), high, x));
  return success();
}

LogicalResult convertSign(NodeContext &ctx) {
  Value x = ctx.input(0);
  Type element = typeOf(x).getElementType();
  if (element.isUnsignedInteger()) {
    Type wide = widerSigned(element);
    if (!wide)
      return ctx.unsupported("Sign of 64-bit unsigned integers");
    x = castElements(ctx.b, ctx.loc, x, wide);
  }
  Type bool1 = ctx.b.getI1Type();
  Value zero = scalarLike(ctx, x, 0.0);
  Value positive = binary<tosa::GreaterOp>(ctx.b, ctx.loc, x, zero, bool1);
  Value negative = binary<tosa::GreaterOp>(ctx.b, ctx.loc, zero, x, bool1);
  Value low = select(ctx, negative, scalarLike(ctx, x, -1.0), zero, x);
  Value sign = select(ctx, positive, scalarLike(ctx, x, 1.0), low, x);
  ctx.setOutput(0, castElements(ctx.b, ctx.loc, sign, element));
  return success();
}

LogicalResult convertIsNaN(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  // NaN is the one value not equal to itself.
  Value same = binary<tosa::EqualOp>(ctx.b, ctx.loc, x, x, ctx.b.getI1Type());
  ctx.setOutput(0, tosa::LogicalNotOp::create(ctx.b, ctx.loc, typeOf(same), same));
  return success();
}

LogicalResult convertIsInf(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  bool negative = ctx.getInt("detect_negative", 1) != 0;
  bool positive = ctx.getInt("detect_positive", 1) != 0;
  Type bool1 = ctx.b.getI1Type();
  Value found = splat(ctx.b, ctx.loc, bool1, typeOf(x).getShape(), 0);
  for (auto [wanted, value] : {std::pair{negative, -kInf}, std::pair{positive, kInf}})
    if (wanted)
      found = binary<tosa::LogicalOrOp>(
          ctx.b, ctx.loc, found,
          binary<tosa::EqualOp>(ctx.b, ctx.loc, x, scalarLike(ctx, x, value), bool1));
  ctx.setOutput(0, found);
  return success();
}

/// A float element-wise math op on tensors (lowered with the rest of the
/// element-wise ops).
template <typename OpT>
LogicalResult convertMathUnary(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (failed(requireFloat(ctx, x)))
    return failure();
  ctx.setOutput(0, OpT::create(ctx.b, ctx.loc, x));
  return success();
}

//===----------------------------------------------------------------------===//
// Cast
//===----------------------------------------------------------------------===//

/// Input 0 cast to element type `target` (ONNX Cast semantics).
LogicalResult castInput(NodeContext &ctx, Type target) {
  // Constants are cast on the host (shape computations, scalars).
  if (HostTensor value = ctx.constInput(0);
      value && value.getNumElements() <= kMaxHostFoldElements) {
    ArrayRef<int64_t> shape = value.getType().getShape();
    bool fromInt = isa<IntegerType>(value.getElementType());
    if (isa<FloatType>(target)) {
      SmallVector<double> values;
      if (fromInt)
        for (int64_t v : intValues(value))
          values.push_back(static_cast<double>(v));
      else
        values = floatValues(value);
      ctx.setOutput(0, makeFloatTensor(target, shape, values));
      return success();
    }
    SmallVector<int64_t> values;
    if (fromInt) {
      values = intValues(value);
    } else {
      for (double v : floatValues(value))
        values.push_back(target.isInteger(1) ? v != 0.0 : static_cast<int64_t>(v));
    }
    if (target.isInteger(1))
      for (int64_t &v : values)
        v = v != 0;
    ctx.setOutput(0, makeIntTensor(target, shape, values));
    return success();
  }
  Value x = ctx.input(0);
  RankedTensorType type = typeOf(x);
  Type source = type.getElementType();
  if (source == target) {
    ctx.setOutput(0, x);
    return success();
  }
  if (target.isInteger(1)) {
    // Anything to bool: x != 0.
    Value zero = splat(ctx.b, ctx.loc, source, SmallVector<int64_t>(type.getRank(), 1), 0);
    Value isZero = binary<tosa::EqualOp>(ctx.b, ctx.loc, x, zero, ctx.b.getI1Type());
    ctx.setOutput(0, tosa::LogicalNotOp::create(ctx.b, ctx.loc, typeOf(isZero), isZero));
    return success();
  }
  if (isa<FloatType>(source) && isa<IntegerType>(target)) {
    ctx.setOutput(0, truncatingCast(ctx, x, target));
    return success();
  }
  ctx.setOutput(0, castElements(ctx.b, ctx.loc, x, target));
  return success();
}

LogicalResult convertCast(NodeContext &ctx) {
  int64_t to = ctx.getInt("to", 0);
  Type target = convertElementType(ctx.b.getContext(), static_cast<int>(to));
  if (!target)
    return ctx.unsupported("casting to " + onnxTypeName(static_cast<int>(to)));
  return castInput(ctx, target);
}

/// Cast to the element type of input 1 (whose values are not read).
LogicalResult convertCastLike(NodeContext &ctx) {
  return castInput(ctx, ctx.inputType(1).getElementType());
}

LogicalResult convertIdentity(NodeContext &ctx) {
  if (HostTensor value = ctx.constInput(0))
    ctx.setOutput(0, value);
  else
    ctx.setOutput(0, ctx.input(0));
  return success();
}

} // namespace

void addElementwiseConverters(ConverterMap &map) {
  auto add = [&](StringRef name, ConvertFn fn, int since, StringRef lowersTo,
                 StringRef notes = "") {
    addConverter(map, name, fn, since, lowersTo, notes);
  };
  add("Add", convertAdd, 7, "tosa.add", "constants fold on the host");
  add("Sub", convertSub, 7, "tosa.sub", "constants fold on the host");
  add("Mul", convertMul, 7, "tosa.mul", "constants fold on the host");
  add("Div", convertDiv, 7, "arith.divf on tensors (float, exact), tosa.intdiv (int32)",
      "constants fold on the host");
  add("Pow", convertPow, 7, "tosa.pow", "integer bases computed in f64");
  add("Max", convertVariadic<tosa::MaximumOp>, 8, "tosa.maximum",
      "variadic; unsigned up to 32 bits via a wider signed type, uint64 on its bits with the "
      "top one flipped");
  add("Min", convertVariadic<tosa::MinimumOp>, 8, "tosa.minimum",
      "variadic; unsigned up to 32 bits via a wider signed type, uint64 on its bits with the "
      "top one flipped");
  add("Sum", convertVariadic<tosa::AddOp>, 8, "tosa.add", "variadic");
  add("Mean", convertMean, 8, "tosa.add + tosa.mul", "variadic");
  add("BitShift", convertBitShift, 11, "tosa.logical_left_shift / tosa.logical_right_shift",
      "unsigned up to 32 bits via a wider signed type, uint64 on its bits");
  add("Mod", convertMod, 10, "arith.remsi / arith.remf on tensors (+ tosa.select)",
      "fmod 0 and 1; unsigned up to 32 bits via a wider signed type, uint64 as arith.remui");
  add("Equal", convertCompare<tosa::EqualOp, false, false>, 7, "tosa.equal");
  add("Greater", convertCompare<tosa::GreaterOp, false, false>, 7, "tosa.greater");
  add("Less", convertCompare<tosa::GreaterOp, true, false>, 7, "tosa.greater (swapped)");
  add("GreaterOrEqual", convertCompare<tosa::GreaterEqualOp, false, false>, 12,
      "tosa.greater_equal");
  add("LessOrEqual", convertCompare<tosa::GreaterEqualOp, true, false>, 12,
      "tosa.greater_equal (swapped)");
  add("BitwiseAnd", convertBitwise<tosa::BitwiseAndOp>, 18, "tosa.bitwise_and",
      "unsigned up to 32 bits via a wider signed type");
  add("BitwiseOr", convertBitwise<tosa::BitwiseOrOp>, 18, "tosa.bitwise_or",
      "unsigned up to 32 bits via a wider signed type");
  add("BitwiseXor", convertBitwise<tosa::BitwiseXorOp>, 18, "tosa.bitwise_xor",
      "unsigned up to 32 bits via a wider signed type");
  add("BitwiseNot", convertBitwise<tosa::BitwiseNotOp>, 18, "tosa.bitwise_not",
      "unsigned up to 32 bits via a wider signed type");
  add("And", convertLogical<tosa::LogicalAndOp>, 7, "tosa.logical_and");
  add("Or", convertLogical<tosa::LogicalOrOp>, 7, "tosa.logical_or");
  add("Xor", convertLogical<tosa::LogicalXorOp>, 7, "tosa.logical_xor");
  add("Not", convertNot, 1, "tosa.logical_not");
  add("Where", convertWhere, 9, "tosa.select");
  add("Abs", convertAbs, 6, "tosa.abs");
  add("Neg", convertNeg, 6, "tosa.negate");
  add("Exp", convertUnaryFloat<tosa::ExpOp>, 6, "tosa.exp");
  add("Log", convertUnaryFloat<tosa::LogOp>, 6, "tosa.log");
  add("Sqrt", convertSqrt, 6, "tosa.pow(x, 0.5)");
  add("Reciprocal", convertUnaryFloat<tosa::ReciprocalOp>, 6, "tosa.reciprocal");
  add("Erf", convertUnaryFloat<tosa::ErfOp>, 9, "tosa.erf");
  add("Sigmoid", convertUnaryFloat<tosa::SigmoidOp>, 6, "tosa.sigmoid");
  add("Tanh", convertUnaryFloat<tosa::TanhOp>, 6, "tosa.tanh");
  add("Floor", convertUnaryFloat<tosa::FloorOp>, 6, "tosa.floor");
  add("Ceil", convertUnaryFloat<tosa::CeilOp>, 6, "tosa.ceil");
  add("Sin", convertUnaryFloat<tosa::SinOp>, 7, "tosa.sin");
  add("Cos", convertUnaryFloat<tosa::CosOp>, 7, "tosa.cos");
  add("Relu", convertRelu, 6, "tosa.clamp [0, inf)");
  add("Clip", convertClip, 6, "tosa.clamp",
      "min/max attributes (opset < 11) or inputs");
  add("LeakyRelu", convertLeakyRelu, 6, "tosa.clamp + tosa.mul + tosa.add");
  add("PRelu", convertPRelu, 7, "tosa.clamp + tosa.mul + tosa.add", "broadcast slope");
  add("HardSigmoid", convertHardSigmoid, 6, "tosa.mul + tosa.add + tosa.clamp");
  add("HardSwish", convertHardSwish, 14, "x * hardsigmoid(x) in TOSA");
  add("Swish", convertSwish, 24, "x * tosa.sigmoid(alpha x)");
  add("Gelu", convertGelu, 20, "math.erfc (none), tosa.sigmoid (tanh)",
      "approximate none|tanh; both in forms without cancellation");
  add("Softplus", convertSoftplus, 1, "tosa.exp + math.log1p (overflow-safe form)");
  add("Mish", convertMish, 18, "x tanh(softplus(x))");
  add("Elu", convertElu, 6, "tosa.clamp + math.expm1");
  add("Celu", convertCelu, 12, "tosa.clamp + math.expm1");
  add("Selu", convertSelu, 6, "tosa.clamp + math.expm1 + tosa.mul");
  add("ThresholdedRelu", convertThresholdedRelu, 10, "tosa.greater + tosa.select");
  add("Softsign", convertSoftsign, 1, "x / (1 + |x|) (arith.divf)");
  add("Shrink", convertShrink, 9, "tosa.greater + tosa.select", "float only");
  add("Sign", convertSign, 9, "tosa.greater + tosa.select");
  add("IsNaN", convertIsNaN, 9, "tosa.equal(x, x) + tosa.logical_not");
  add("IsInf", convertIsInf, 10, "tosa.equal with +-inf", "detect_negative, detect_positive");
  add("Round", convertMathUnary<math::RoundEvenOp>, 11, "math.roundeven",
      "halves to even, as ONNX specifies");
  add("Tan", convertMathUnary<math::TanOp>, 7, "math.tan");
  add("Asin", convertMathUnary<math::AsinOp>, 7, "math.asin");
  add("Acos", convertMathUnary<math::AcosOp>, 7, "math.acos");
  add("Atan", convertMathUnary<math::AtanOp>, 7, "math.atan");
  add("Sinh", convertMathUnary<math::SinhOp>, 9, "math.sinh");
  add("Cosh", convertMathUnary<math::CoshOp>, 9, "math.cosh");
  add("Asinh", convertMathUnary<math::AsinhOp>, 9, "math.asinh");
  add("Acosh", convertMathUnary<math::AcoshOp>, 9, "math.acosh");
  add("Atanh", convertMathUnary<math::AtanhOp>, 9, "math.atanh");
  add("Cast", convertCast, 6, "tosa.cast",
      "float to int truncates toward zero as ONNX specifies; no strings");
  add("CastLike", convertCastLike, 15, "tosa.cast", "as Cast, to input 1's element type");
  add("Identity", convertIdentity, 1, "(forwarded)");
}

} // namespace qforge::onnx_import
