//===- Lowering.cpp - a model lowered to the LLVM dialect -----------------===//

#include "qforge/Codegen/Passes.h"
#include "qforge/Pipeline/Pipelines.h"
#include "qforge/Support/ModelInterface.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace qforge {

namespace {

/// Walks the bufferized function in program order: memref.alloc makes a
/// buffer live, memref.dealloc ends it.
ScratchMemory measureScratch(func::FuncOp func) {
  ScratchMemory m;
  int64_t live = 0;
  llvm::DenseMap<Value, int64_t> sizes;
  func.walk([&](Operation *op) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape())
        return;
      int64_t bytes = type.getNumElements() *
                      std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
      sizes[alloc.getResult()] = bytes;
      live += bytes;
      m.totalBytes += bytes;
      ++m.buffers;
      m.peakBytes = std::max(m.peakBytes, live);
    } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      live -= sizes.lookup(dealloc.getMemref());
    }
  });
  return m;
}

/// Runs `pm` on `module`, its passes timed under `timing` as `stage`. The
/// module is verified once, after the stage, not after each of its passes
/// (12-20% of a ResNet-18 compile: docs/performance.md); qforge-opt and
/// the lit tests keep verifying after every pass.
LogicalResult runStage(PassManager &pm, ModuleOp module, TimingScope *timing,
                       StringRef stage) {
  pm.enableVerifier(false);
  TimingScope scope = timing ? timing->nest(stage) : TimingScope();
  if (timing)
    pm.enableTiming(scope);
  if (failed(pm.run(module)))
    return failure();
  TimingScope verifying = scope.nest("verify");
  return verify(module);
}

} // namespace

LogicalResult lowerToLLVMDialect(ModuleOp module, StringRef name,
                                 ScratchMemory *scratch, bool callerOwnedScratch,
                                 const KernelOptions &kernels, bool profileLayers,
                                 TimingScope *timing) {
  auto func = module.lookupSymbol<func::FuncOp>(name);
  if (!func)
    return emitError(module.getLoc()) << "no function @" << name;
  // The C interface wrapper takes pointers to memref descriptors, one per
  // input, then one per output (results become out-parameters).
  func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                UnitAttr::get(module.getContext()));
  // Interface facts on the arguments are read before lowering
  // (functionSignature); LLVM IR has no place for them.
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    func.removeArgAttr(i, kSequenceInputAttrName);
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    func.removeResultAttr(i, StringAttr::get(module.getContext(), kStateInputAttrName));
  PassManager toBuffers(module.getContext());
  buildTosaToLinalgPipeline(toBuffers, kernels);
  buildBufferizePipeline(toBuffers, ScratchOptions{/*planArena=*/false});
  if (failed(runStage(toBuffers, module, timing, "to buffers")))
    return failure();
  // Measured with one buffer per tensor, then laid out in the arena.
  ScratchMemory measured = measureScratch(func);
  PassManager plan(module.getContext());
  plan.addNestedPass<func::FuncOp>(createPlanScratchArenaPass(
      PlanScratchArenaPassOptions{callerOwnedScratch}));
  if (failed(runStage(plan, module, timing, "scratch arena")))
    return failure();
  if (auto bytes = func->getAttrOfType<IntegerAttr>(qf::kScratchBytesAttrName))
    measured.arenaBytes = bytes.getInt();
  measured.callerOwned = callerOwnedScratch;
  if (scratch)
    *scratch = measured;
  PassManager toLLVM(module.getContext());
  buildLowerToLLVMPipeline(toLLVM, kernels.threads, profileLayers);
  return runStage(toLLVM, module, timing, "to the LLVM dialect");
}

} // namespace qforge
