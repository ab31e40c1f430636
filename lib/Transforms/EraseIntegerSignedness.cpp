//===- EraseIntegerSignedness.cpp - signless integers at function edges ---===//

#include "qforge/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

namespace qforge {
#define GEN_PASS_DEF_ERASEINTEGERSIGNEDNESSPASS
#include "qforge/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// The signless counterpart of a tensor of signed/unsigned integers, or
/// null when `type` needs no change.
Type signlessOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return {};
  auto intType = dyn_cast<IntegerType>(tensor.getElementType());
  if (!intType || intType.isSignless())
    return {};
  return tensor.clone(IntegerType::get(type.getContext(), intType.getWidth()));
}

/// If `op` is a one-to-one unrealized cast, its input.
Value castInput(Operation *op) {
  auto cast = dyn_cast_or_null<UnrealizedConversionCastOp>(op);
  if (!cast || cast.getNumOperands() != 1 || cast.getNumResults() != 1)
    return {};
  return cast.getOperand(0);
}

struct EraseIntegerSignednessPass
    : qforge::impl::EraseIntegerSignednessPassBase<EraseIntegerSignednessPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    OpBuilder builder(func.getContext());
    Block &entry = func.getBody().front();

    for (BlockArgument arg : entry.getArguments()) {
      Type signless = signlessOf(arg.getType());
      if (!signless)
        continue;
      Type old = arg.getType();
      arg.setType(signless);
      for (OpOperand &use : llvm::make_early_inc_range(arg.getUses())) {
        Operation *user = use.getOwner();
        if (castInput(user) && user->getResult(0).getType() == signless) {
          user->getResult(0).replaceAllUsesWith(arg);
          user->erase();
          continue;
        }
        // Any other user still expects the old type: give it a cast, which
        // reconcile-unrealized-casts removes if it pairs up.
        builder.setInsertionPointToStart(&entry);
        Value back = UnrealizedConversionCastOp::create(builder, arg.getLoc(),
                                                        old, Value(arg))
                         .getResult(0);
        use.set(back);
      }
    }

    SmallVector<Type> resultTypes(func.getResultTypes());
    func.walk([&](func::ReturnOp ret) {
      for (OpOperand &operand : ret->getOpOperands()) {
        Type signless = signlessOf(operand.get().getType());
        if (!signless)
          continue;
        resultTypes[operand.getOperandNumber()] = signless;
        Operation *producer = operand.get().getDefiningOp();
        Value source = castInput(producer);
        if (source && source.getType() == signless) {
          operand.set(source);
          if (producer->use_empty())
            producer->erase();
          continue;
        }
        builder.setInsertionPoint(ret);
        operand.set(UnrealizedConversionCastOp::create(
                        builder, ret.getLoc(), signless, operand.get())
                        .getResult(0));
      }
    });
    func.setFunctionType(FunctionType::get(
        func.getContext(), entry.getArgumentTypes(), resultTypes));
  }
};

} // namespace
