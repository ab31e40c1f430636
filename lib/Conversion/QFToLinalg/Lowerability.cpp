//===- Lowerability.cpp - what the reference conversion cannot take -------===//
//
// Everything the conversion would fail on is reported before anything is
// rewritten, each problem once, at its op (not again at the ops using its
// results): the rewrite patterns can then assume a lowerable function, and
// a model with several problems shows them all in one run.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToLinalg/QFToLinalg.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/QuantTypeChecks.h"
#include "qforge/Dialect/QF/Utils/QuantParams.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using qforge::qf::getQuantizedElementType;

namespace qforge {

namespace {

/// The ops the conversion rewrites.
bool isLowered(Operation *op) {
  return isa<qf::QuantizeOp, qf::DequantizeOp, qf::RequantizeOp, qf::MatmulOp, qf::Conv2DOp,
             qf::PackedConstantOp, qf::AddOp, qf::AvgPool2DOp, qf::LookupOp, qf::MulOp,
             qf::ObserveOp, quant::StorageCastOp>(op);
}

/// Fails, with the op's diagnostic, when `type` is quantized in blocks
/// (only weights may be).
LogicalResult notBlocked(Operation *op, Type type) {
  if (readQuantParams(type).blocked)
    return op->emitOpError() << "uses blocked (sub-channel) quantization, which is not "
                                "lowered yet";
  return success();
}

/// Both checks run, so that each problem of the op is reported.
LogicalResult both(LogicalResult a, LogicalResult b) {
  return success(succeeded(a) && succeeded(b));
}

/// Weights in blocks must be of the form the integer sums combine exactly.
LogicalResult readableBlocks(Operation *op, Type weights, int64_t channelAxis, int64_t axis) {
  if (!readQuantParams(weights).blocked)
    return success();
  std::string error;
  if (!readWeightBlocks(cast<RankedTensorType>(weights), channelAxis, axis, error))
    return op->emitOpError() << error;
  return success();
}

/// A product with block-quantized weights ends in one requantization per
/// channel: its result must be quantized (per tensor or per axis).
LogicalResult productResult(Operation *op, Type weights, Type result) {
  if (!getQuantizedElementType(result)) {
    if (readQuantParams(weights).blocked)
      return op->emitOpError() << "with block-quantized weights the result must be "
                                  "quantized, not an accumulator";
    return success();
  }
  return notBlocked(op, result);
}

LogicalResult checkOp(qf::RequantizeOp op) {
  if (failed(both(notBlocked(op, op.getInput().getType()), notBlocked(op, op.getType()))))
    return failure();
  QuantParams out = readQuantParams(op.getType());
  if (out.axis >= 0 && !llvm::all_equal(out.zeroPoints))
    return op.emitOpError() << "per-axis result zero points must agree to be lowered";
  return success();
}

LogicalResult checkOp(qf::MatmulOp op) {
  if (failed(notBlocked(op, op.getLhs().getType())))
    return failure();
  if (failed(readableBlocks(op, op.getRhs().getType(), /*channelAxis=*/1, /*axis=*/0)))
    return failure();
  return productResult(op, op.getRhs().getType(), op.getType());
}

LogicalResult checkOp(qf::Conv2DOp op) {
  if (failed(notBlocked(op, op.getInput().getType())))
    return failure();
  Type filter = op.getFilter().getType();
  if (readQuantParams(filter).blocked && op.getGroups() != 1)
    return op.emitOpError() << "grouped convolutions with block-quantized filters are not "
                               "lowered";
  if (failed(readableBlocks(op, filter, /*channelAxis=*/0, /*axis=*/3)))
    return failure();
  return productResult(op, filter, op.getType());
}

/// The op's own quantization forms.
LogicalResult checkForms(Operation *op) {
  if (auto q = dyn_cast<qf::QuantizeOp>(op))
    return notBlocked(op, q.getType());
  if (auto d = dyn_cast<qf::DequantizeOp>(op))
    return notBlocked(op, d.getInput().getType());
  if (auto r = dyn_cast<qf::RequantizeOp>(op))
    return checkOp(r);
  if (auto m = dyn_cast<qf::MatmulOp>(op))
    return checkOp(m);
  if (auto c = dyn_cast<qf::Conv2DOp>(op))
    return checkOp(c);
  if (auto a = dyn_cast<qf::AddOp>(op))
    return both(both(notBlocked(op, a.getLhs().getType()), notBlocked(op, a.getRhs().getType())),
                notBlocked(op, a.getType()));
  if (auto p = dyn_cast<qf::AvgPool2DOp>(op))
    return both(notBlocked(op, p.getInput().getType()), notBlocked(op, p.getType()));
  if (auto m = dyn_cast<qf::MulOp>(op))
    return both(both(notBlocked(op, m.getLhs().getType()), notBlocked(op, m.getRhs().getType())),
                notBlocked(op, m.getType()));
  if (auto t = dyn_cast<qf::LookupOp>(op))
    return both(notBlocked(op, t.getInput().getType()), notBlocked(op, t.getType()));
  return success();
}

/// A quantized operand must come from an op the conversion lowers;
/// anything else (a function argument, say) has no storage to use.
LogicalResult checkOperandsHaveStorage(Operation *op) {
  for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
    Operation *def = operand.getDefiningOp();
    if (getQuantizedElementType(operand.getType()) && !(def && isLowered(def)))
      return op->emitOpError() << "operand " << i
                               << " is a quantized value not produced by a qf or quant op; "
                                  "cast it from its storage integers with quant.scast";
  }
  return success();
}

} // namespace

LogicalResult checkLowerable(func::FuncOp func) {
  // An op that cannot be lowered poisons its results: the ops using them
  // would only repeat its problem.
  llvm::DenseSet<Value> poisoned;
  auto poisons = [&](Operation *op) {
    return llvm::any_of(op->getOperands(), [&](Value v) { return poisoned.contains(v); });
  };
  bool ok = true;
  llvm::SetVector<Operation *> foreignUsers;
  func.walk([&](Operation *op) {
    if (!isLowered(op))
      return;
    if (poisons(op) || failed(checkOperandsHaveStorage(op)) || failed(checkForms(op))) {
      ok = false;
      poisoned.insert(op->result_begin(), op->result_end());
      return;
    }
    for (Value result : op->getResults())
      if (getQuantizedElementType(result.getType()))
        for (Operation *user : result.getUsers())
          if (!isLowered(user))
            foreignUsers.insert(user);
  });
  for (Operation *user : foreignUsers) {
    if (poisons(user))
      continue;
    user->emitOpError() << "uses a quantized tensor; only qf and quant ops can be lowered "
                           "with one";
    ok = false;
  }
  return success(ok);
}

} // namespace qforge
