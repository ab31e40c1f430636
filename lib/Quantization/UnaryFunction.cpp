//===- UnaryFunction.cpp - float element-wise chains of one input ---------===//

#include "UnaryFunction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;

namespace {

using Operands = SmallVector<Value, 2>;

/// The operands an element-wise float op computes on (not a multiply's
/// shift or a negate's zero points), or nullopt for ops this file cannot
/// evaluate.
std::optional<Operands> dataOperands(Operation *op) {
  if (isa<tosa::MulOp>(op))
    return Operands{op->getOperand(0), op->getOperand(1)};
  if (isa<tosa::NegateOp>(op))
    return Operands{op->getOperand(0)};
  if (isa<tosa::AddOp, tosa::SubOp, tosa::MaximumOp, tosa::MinimumOp, tosa::PowOp,
          tosa::ClampOp, tosa::SigmoidOp, tosa::TanhOp, tosa::ErfOp, tosa::ExpOp, tosa::LogOp,
          tosa::AbsOp, tosa::ReciprocalOp, math::ExpOp, math::ExpM1Op, math::LogOp,
          math::Log1pOp, math::TanhOp, math::ErfOp, math::ErfcOp, math::AbsFOp, math::SqrtOp,
          arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp, arith::NegFOp,
          arith::MaximumFOp, arith::MinimumFOp>(op))
    return Operands(op->getOperands());
  return std::nullopt;
}

/// The op's value on scalar operands, in double precision.
double apply(Operation *op, ArrayRef<double> v) {
  double a = v[0], b = v.size() > 1 ? v[1] : 0.0;
  return TypeSwitch<Operation *, double>(op)
      .Case<tosa::AddOp, arith::AddFOp>([&](auto) { return a + b; })
      .Case<tosa::SubOp, arith::SubFOp>([&](auto) { return a - b; })
      .Case<tosa::MulOp, arith::MulFOp>([&](auto) { return a * b; })
      .Case<arith::DivFOp>([&](auto) { return a / b; })
      .Case<tosa::MaximumOp, arith::MaximumFOp>([&](auto) {
        return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
      })
      .Case<tosa::MinimumOp, arith::MinimumFOp>([&](auto) {
        return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
      })
      .Case<tosa::PowOp>([&](auto) { return std::pow(a, b); })
      .Case<tosa::ClampOp>([&](tosa::ClampOp c) {
        double lo = cast<FloatAttr>(c.getMinValAttr()).getValueAsDouble();
        double hi = cast<FloatAttr>(c.getMaxValAttr()).getValueAsDouble();
        return std::isnan(a) ? a : std::clamp(a, lo, hi);
      })
      .Case<tosa::SigmoidOp>([&](auto) { return 1.0 / (1.0 + std::exp(-a)); })
      .Case<tosa::TanhOp, math::TanhOp>([&](auto) { return std::tanh(a); })
      .Case<tosa::ErfOp, math::ErfOp>([&](auto) { return std::erf(a); })
      .Case<math::ErfcOp>([&](auto) { return std::erfc(a); })
      .Case<tosa::ExpOp, math::ExpOp>([&](auto) { return std::exp(a); })
      .Case<math::ExpM1Op>([&](auto) { return std::expm1(a); })
      .Case<tosa::LogOp, math::LogOp>([&](auto) { return std::log(a); })
      .Case<math::Log1pOp>([&](auto) { return std::log1p(a); })
      .Case<tosa::AbsOp, math::AbsFOp>([&](auto) { return std::fabs(a); })
      .Case<math::SqrtOp>([&](auto) { return std::sqrt(a); })
      .Case<tosa::ReciprocalOp>([&](auto) { return 1.0 / a; })
      .Case<tosa::NegateOp, arith::NegFOp>([&](auto) { return -a; })
      .Default([](Operation *) -> double { llvm_unreachable("not an evaluable op"); });
}

/// The value of a float constant of one value (one element, or a splat),
/// also behind the tosa.reshape that gives a scalar the operand's rank, or
/// nullopt.
std::optional<double> scalarConstant(Value v) {
  while (auto reshape = v.getDefiningOp<tosa::ReshapeOp>())
    v = reshape.getInput1();
  DenseElementsAttr dense;
  if (!matchPattern(v, m_Constant(&dense)) || !isa<FloatType>(dense.getElementType()) ||
      !dense.isSplat())
    return std::nullopt;
  return (*dense.value_begin<APFloat>()).convertToDouble();
}

/// The ops after `input` that compute from it and one-valued constants
/// alone, element by element, in its shape.
SmallVector<Operation *> reachableChain(Value input, const DenseSet<Operation *> &claimed) {
  SetVector<Value> reached;
  reached.insert(input);
  SmallVector<Operation *> chain;
  Block *block = input.getParentBlock();
  Block::iterator it = input.getDefiningOp() ? std::next(input.getDefiningOp()->getIterator())
                                             : block->begin();
  for (Operation &op : llvm::make_range(it, block->end())) {
    std::optional<Operands> operands = dataOperands(&op);
    if (!operands || op.getNumResults() != 1 || claimed.contains(&op) ||
        op.getResult(0).getType() != input.getType())
      continue;
    bool fromInput = false, onlyScalars = true;
    for (Value operand : *operands) {
      if (reached.contains(operand))
        fromInput = true;
      else if (!scalarConstant(operand))
        onlyScalars = false;
    }
    if (fromInput && onlyScalars) {
      reached.insert(op.getResult(0));
      chain.push_back(&op);
    }
  }
  return chain;
}

/// The ops of `chain` that `end` depends on, in program order, when every
/// value they compute (but `end`) is used by them alone; else empty.
SmallVector<Operation *> chainEndingAt(ArrayRef<Operation *> chain, Operation *end) {
  DenseSet<Operation *> inChain(chain.begin(), chain.end()), needed;
  SmallVector<Operation *> work = {end};
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!needed.insert(op).second)
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp(); def && inChain.contains(def))
        work.push_back(def);
  }
  SmallVector<Operation *> ops;
  for (Operation *op : chain) {
    if (!needed.contains(op))
      continue;
    if (op != end && llvm::any_of(op->getUsers(),
                                  [&](Operation *user) { return !needed.contains(user); }))
      return {};
    ops.push_back(op);
  }
  return ops;
}

} // namespace

std::optional<double> qforge::UnaryFunction::evaluate(double x) const {
  DenseMap<Value, double> values;
  values[input] = x;
  for (Operation *op : ops) {
    SmallVector<double, 2> args;
    // Kept in a variable: a range-for over `*dataOperands(op)` would read the
    // optional after its destruction.
    std::optional<Operands> operands = dataOperands(op);
    for (Value operand : *operands) {
      auto known = values.find(operand);
      args.push_back(known != values.end() ? known->second : *scalarConstant(operand));
    }
    values[op->getResult(0)] = apply(op, args);
  }
  double y = values.lookup(output);
  if (std::isnan(y))
    return std::nullopt;
  return y;
}

SmallVector<qforge::UnaryFunction>
qforge::findUnaryFunctions(Block &block, const std::function<bool(Value)> &isStart,
                           const std::function<bool(Value)> &isEnd) {
  SmallVector<Value> starts;
  for (Value arg : block.getArguments())
    starts.push_back(arg);
  for (Operation &op : block)
    llvm::append_range(starts, op.getResults());
  SmallVector<UnaryFunction> functions;
  DenseSet<Operation *> claimed;
  for (Value start : starts) {
    auto type = dyn_cast<RankedTensorType>(start.getType());
    if (!type || !isa<FloatType>(type.getElementType()) ||
        claimed.contains(start.getDefiningOp()) || !isStart(start))
      continue;
    SmallVector<Operation *> chain = reachableChain(start, claimed);
    // The longest chain: from the last op whose result's quantization is
    // known back to the start.
    for (Operation *end : llvm::reverse(chain)) {
      if (!isEnd(end->getResult(0)))
        continue;
      SmallVector<Operation *> ops = chainEndingAt(chain, end);
      if (ops.empty())
        continue;
      claimed.insert(ops.begin(), ops.end());
      functions.push_back({start, end->getResult(0), std::move(ops)});
      break;
    }
  }
  return functions;
}
