//===- EraseIntegerSignedness.cpp - signless integers after TOSA lowering -===//

#include "qforge/Codegen/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

namespace qforge {
#define GEN_PASS_DEF_ERASEINTEGERSIGNEDNESSPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// `type` with signed/unsigned integers (scalar or tensor element) made
/// signless; `type` itself when nothing changes.
Type signless(Type type) {
  auto erase = [](Type t) -> Type {
    if (auto intType = dyn_cast<IntegerType>(t); intType && !intType.isSignless())
      return IntegerType::get(t.getContext(), intType.getWidth());
    return t;
  };
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.clone(erase(tensor.getElementType()));
  return erase(type);
}

struct EraseIntegerSignednessPass
    : qforge::impl::EraseIntegerSignednessPassBase<EraseIntegerSignednessPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    // Every value: block arguments (the function's and those of nested
    // regions such as linalg bodies) and op results. After TOSA's lowering
    // the ops that interpret integers (arith) are already signless; the
    // ones left with unsigned types only move data (linalg.transpose,
    // tensor.empty, casts).
    func.walk([](Block *block) {
      for (BlockArgument arg : block->getArguments())
        arg.setType(signless(arg.getType()));
    });
    func.walk([](Operation *op) {
      for (OpResult result : op->getResults())
        result.setType(signless(result.getType()));
    });
    // Casts between types that are now equal are identities.
    func.walk([](UnrealizedConversionCastOp cast) {
      if (cast.getNumOperands() == 1 && cast.getNumResults() == 1 &&
          cast.getOperand(0).getType() == cast.getResult(0).getType()) {
        cast.getResult(0).replaceAllUsesWith(cast.getOperand(0));
        cast.erase();
      }
    });
    SmallVector<Type> inputs, results;
    for (Type t : func.getArgumentTypes())
      inputs.push_back(signless(t));
    for (Type t : func.getResultTypes())
      results.push_back(signless(t));
    func.setFunctionType(FunctionType::get(func.getContext(), inputs, results));
  }
};

} // namespace
