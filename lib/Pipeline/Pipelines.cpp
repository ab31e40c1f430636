//===- Pipelines.cpp - qforge's lowering pipelines ------------------------===//

#include "qforge/Pipeline/Pipelines.h"
#include "qforge/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;

namespace qforge {

/// Stages are written as textual pipelines: they read like the documentation
/// and like the qforge-opt command lines in the tests.
static void addTextual(OpPassManager &pm, llvm::StringRef pipeline) {
  if (failed(parsePassPipeline(pipeline, pm)))
    llvm::report_fatal_error("qforge: malformed built-in pipeline");
}

void buildTosaToLinalgPipeline(OpPassManager &pm) {
  // tosa-optional-decompositions rewrites transpose_conv2d (which has no
  // direct linalg lowering) as a conv2d over a padded, reversed input.
  // The importer uses arith on whole tensors where TOSA has no exact op
  // (float division); convert-elementwise-to-linalg turns those into
  // linalg.generic like the rest.
  // qf ops first: their reference lowering is linalg on tensors too.
  pm.addNestedPass<func::FuncOp>(createLowerQFToLinalgPass());
  addTextual(pm, "func.func(tosa-optional-decompositions,tosa-to-linalg-named,"
                 "tosa-to-linalg,tosa-to-arith,tosa-to-tensor,"
                 "convert-elementwise-to-linalg)");
  pm.addNestedPass<func::FuncOp>(createEraseIntegerSignednessPass());
  addTextual(pm, "reconcile-unrealized-casts,canonicalize,"
                 "func.func(linalg-fuse-elementwise-ops),canonicalize,cse");
  // After fusion, which would otherwise fold layout transposes into the
  // reordered convolutions and make their reads strided again.
  pm.addNestedPass<func::FuncOp>(createVectorizableLoopOrderPass());
}

void buildBufferizePipeline(OpPassManager &pm, const ScratchOptions &scratch) {
  addTextual(pm, "one-shot-bufferize{bufferize-function-boundaries "
                 "function-boundary-type-conversion=identity-layout-map},"
                 "buffer-results-to-out-params{modify-public-functions "
                 "hoist-static-allocs},canonicalize,"
                 "buffer-deallocation-pipeline");
  pm.addNestedPass<func::FuncOp>(createFreeAfterLastUsePass());
  if (scratch.planArena)
    pm.addNestedPass<func::FuncOp>(
        createPlanScratchArenaPass(PlanScratchArenaPassOptions{scratch.callerOwned}));
}

void buildLowerToLLVMPipeline(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createMemrefCopyToLinalgPass());
  addTextual(pm, "convert-linalg-to-loops,lower-affine,convert-scf-to-cf,"
                 "expand-strided-metadata,finalize-memref-to-llvm,"
                 // LLVM intrinsics first; libm calls for what has none (erf).
                 "convert-math-to-llvm,convert-math-to-libm,"
                 "convert-arith-to-llvm,convert-func-to-llvm,"
                 "convert-cf-to-llvm,convert-index-to-llvm,convert-ub-to-llvm,"
                 "reconcile-unrealized-casts");
}

void buildLoweringPipeline(OpPassManager &pm, const ScratchOptions &scratch) {
  buildTosaToLinalgPipeline(pm);
  buildBufferizePipeline(pm, scratch);
  buildLowerToLLVMPipeline(pm);
}

void registerQForgePipelines() {
  PassPipelineRegistration<>(
      "qforge-tosa-to-linalg",
      "Lower imported TOSA to linalg/tensor/arith on tensors and fuse "
      "element-wise ops",
      buildTosaToLinalgPipeline);
  PassPipelineRegistration<>(
      "qforge-bufferize",
      "Bufferize (one-shot, function boundaries), turn results into "
      "out-params, free buffers at their last use, plan one scratch arena",
      [](OpPassManager &pm) { buildBufferizePipeline(pm); });
  PassPipelineRegistration<>("qforge-lower-to-llvm",
                             "Lower bufferized loops to the LLVM dialect",
                             buildLowerToLLVMPipeline);
  PassPipelineRegistration<>("qforge-lower",
                             "The whole lowering: TOSA on tensors to the LLVM "
                             "dialect",
                             [](OpPassManager &pm) { buildLoweringPipeline(pm); });
}

} // namespace qforge
