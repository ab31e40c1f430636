//===- OutlineParallelFor.cpp - qf.parallel_for bodies as functions -------===//
//
// On the LLVM dialect, where every value a body uses from outside is a
// pointer, an integer or a struct of them: the body moves into its own
// function and the captured values travel in a struct on the caller's
// stack, so one function-pointer signature serves every kernel.
//
//===----------------------------------------------------------------------===//

#include "qforge/Codegen/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace qforge {
#define GEN_PASS_DEF_OUTLINEPARALLELFORPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// The thread pool's entry point (lib/Runtime/ParallelFor.c).
constexpr llvm::StringLiteral kRuntimeName = "qforge_parallel_for";

/// Values computed from constants alone by ops without side effects:
/// recomputing them in the body keeps them constants for LLVM (a
/// descriptor's sizes, a global's address) instead of loads.
class Recomputable {
public:
  bool operator()(Value v) {
    auto known = memo.find(v);
    if (known != memo.end())
      return known->second;
    Operation *def = v.getDefiningOp();
    bool result = def && def->getNumRegions() == 0 && isMemoryEffectFree(def) &&
                  llvm::all_of(def->getOperands(), [&](Value o) { return (*this)(o); });
    return memo[v] = result;
  }

private:
  DenseMap<Value, bool> memo;
};

void recompute(OpBuilder &b, Value v, IRMapping &mapping) {
  if (mapping.contains(v))
    return;
  Operation *def = v.getDefiningOp();
  for (Value operand : def->getOperands())
    recompute(b, operand, mapping);
  b.clone(*def, mapping);
}

struct OutlineParallelForPass
    : qforge::impl::OutlineParallelForPassBase<OutlineParallelForPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<qforge::qf::ParallelForOp> loops;
    module.walk([&](qforge::qf::ParallelForOp op) { loops.push_back(op); });
    if (loops.empty())
      return;
    MLIRContext *context = &getContext();
    auto ptr = LLVM::LLVMPointerType::get(context);
    auto i64 = IntegerType::get(context, 64);
    // Compiled for one thread, the bodies are called directly, and so are
    // loops of a single item.
    auto runtime = module.lookupSymbol<LLVM::LLVMFuncOp>(kRuntimeName);
    if (!runtime && llvm::any_of(loops, [&](qforge::qf::ParallelForOp loop) {
          return !runsOnCallingThread(loop);
        })) {
      auto b = OpBuilder::atBlockEnd(module.getBody());
      runtime = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), kRuntimeName,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context), {ptr, ptr, i64, i64}));
    }
    SymbolTable symbols(module);
    for (qforge::qf::ParallelForOp loop : loops)
      if (failed(outline(loop, runtime, symbols)))
        return signalPassFailure();
  }

  bool runsOnCallingThread(qforge::qf::ParallelForOp loop) {
    return threads == 1 || matchPattern(loop.getItems(), m_One());
  }

  LogicalResult outline(qforge::qf::ParallelForOp loop, LLVM::LLVMFuncOp runtime,
                        SymbolTable &symbols) {
    auto parent = loop->getParentOfType<LLVM::LLVMFuncOp>();
    if (!parent)
      return loop.emitError("qf.parallel_for must be inside an llvm.func: lower the "
                            "function to the LLVM dialect first");
    MLIRContext *context = &getContext();
    Location loc = loop.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(context);
    auto i64 = IntegerType::get(context, 64);

    SetVector<Value> captured;
    getUsedValuesDefinedAbove(loop.getBody(), captured);
    Recomputable recomputable;
    SmallVector<Value> passed, recomputed;
    for (Value v : captured)
      (recomputable(v) ? recomputed : passed).push_back(v);
    SmallVector<Type> fields;
    for (Value v : passed)
      fields.push_back(v.getType());
    auto contextType = LLVM::LLVMStructType::getLiteral(context, fields);

    // The body: unpack the context, recompute the constants, branch to the
    // old entry block with the chunk's bounds.
    OpBuilder b(context);
    b.setInsertionPointAfter(parent);
    auto body = LLVM::LLVMFuncOp::create(
        b, loc, (parent.getName() + "_chunk").str(),
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context), {ptr, i64, i64}),
        LLVM::Linkage::Internal);
    symbols.insert(body); // renames it if the name is taken
    // Called directly (one item, or one thread), LLVM's inliner would put
    // every layer back into the model's function, whose size -O3 and
    // code generation then pay for superlinearly.
    body.setNoInline(true);
    Block *entry = body.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    IRMapping mapping;
    for (auto [i, v] : llvm::enumerate(passed)) {
      Value field = LLVM::GEPOp::create(b, loc, ptr, contextType, entry->getArgument(0),
                                        ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
      mapping.map(v, LLVM::LoadOp::create(b, loc, v.getType(), field));
    }
    for (Value v : recomputed)
      recompute(b, v, mapping);
    Block *first = &loop.getBody().front();
    body.getBody().getBlocks().splice(body.getBody().end(), loop.getBody().getBlocks());
    LLVM::BrOp::create(b, loc, ValueRange{entry->getArgument(1), entry->getArgument(2)}, first);
    for (Value v : captured)
      v.replaceUsesWithIf(mapping.lookup(v), [&](OpOperand &use) {
        return body->isProperAncestor(use.getOwner());
      });
    body.walk([](qforge::qf::ParallelYieldOp yield) {
      OpBuilder rb(yield);
      LLVM::ReturnOp::create(rb, yield.getLoc(), ValueRange{});
      yield.erase();
    });

    // The call: fill the context (allocated once, in the entry block, so
    // that a call inside a loop does not grow the stack).
    b.setInsertionPoint(loop);
    Value contextPtr;
    if (passed.empty()) {
      contextPtr = LLVM::ZeroOp::create(b, loc, ptr);
    } else {
      OpBuilder entryBuilder = OpBuilder::atBlockBegin(&parent.getBody().front());
      Value one = LLVM::ConstantOp::create(entryBuilder, loc, i64, 1);
      contextPtr = LLVM::AllocaOp::create(entryBuilder, loc, ptr, contextType, one);
      for (auto [i, v] : llvm::enumerate(passed)) {
        Value field = LLVM::GEPOp::create(b, loc, ptr, contextType, contextPtr,
                                          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
        LLVM::StoreOp::create(b, loc, v, field);
      }
    }
    if (runsOnCallingThread(loop)) {
      // The whole range as one chunk, on the calling thread.
      Value begin = LLVM::ConstantOp::create(b, loc, i64, 0);
      LLVM::CallOp::create(b, loc, body, ValueRange{contextPtr, begin, loop.getItems()});
    } else {
      Value function = LLVM::AddressOfOp::create(b, loc, body);
      Value threadCount = LLVM::ConstantOp::create(b, loc, i64, threads);
      LLVM::CallOp::create(b, loc, runtime,
                           ValueRange{function, contextPtr, loop.getItems(), threadCount});
    }
    loop.erase();
    return success();
  }
};

} // namespace
