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

void buildTosaToLinalgPipeline(OpPassManager &pm, const KernelOptions &kernels) {
  // tosa-optional-decompositions rewrites transpose_conv2d (which has no
  // direct linalg lowering) as a conv2d over a padded, reversed input.
  // The importer uses arith on whole tensors where TOSA has no exact op
  // (float division); convert-elementwise-to-linalg turns those into
  // linalg.generic like the rest.
  // Quantized values stay quantized through ops that only move them, and
  // QDQ-form compute becomes qf integer ops; then the qf ops go first:
  // their reference lowering is linalg on tensors too.
  pm.addNestedPass<func::FuncOp>(createSinkDequantizePass());
  pm.addNestedPass<func::FuncOp>(createFuseQDQPass());
  // Once quantized values are adjacent to the integer adds: the importer's
  // NCHW/NHWC transposes then cancel across residual adds and activations.
  pm.addNestedPass<func::FuncOp>(createSinkTransposesPass());
  pm.addNestedPass<func::FuncOp>(
      createLowerQFToLinalgPass(LowerQFToLinalgPassOptions{
          kernels.x86Vnni, kernels.armDotprod, kernels.armI8mm}));
  // Float convolutions and matmuls with constant weights, before TOSA's
  // own lowering would take them.
  if (kernels.x86Avx512)
    pm.addNestedPass<func::FuncOp>(createFloatGemmKernelsPass());
  addTextual(pm, "func.func(tosa-optional-decompositions,tosa-to-linalg-named,"
                 "tosa-to-linalg,tosa-to-arith,tosa-to-tensor,"
                 "convert-elementwise-to-linalg)");
  pm.addNestedPass<func::FuncOp>(createEraseIntegerSignednessPass());
  addTextual(pm, "reconcile-unrealized-casts,canonicalize,"
                 "func.func(linalg-fuse-elementwise-ops),canonicalize,cse");
  // After fusion, which would otherwise fold layout transposes into the
  // reordered convolutions and make their reads strided again.
  pm.addNestedPass<func::FuncOp>(createVectorizableLoopOrderPass());
  pm.addNestedPass<func::FuncOp>(createTileAndVectorizePass());
  addTextual(pm, "canonicalize,cse");
}

void buildBufferizePipeline(OpPassManager &pm, const ScratchOptions &scratch) {
  addTextual(pm, "one-shot-bufferize{bufferize-function-boundaries "
                 "function-boundary-type-conversion=identity-layout-map},"
                 // Loops that carried a tensor now carry the same buffer
                 // around: folded away, a result is its allocation again,
                 // which buffer-results-to-out-params can hoist.
                 "canonicalize,"
                 "buffer-results-to-out-params{modify-public-functions "
                 "hoist-static-allocs},canonicalize,"
                 "buffer-deallocation-pipeline");
  pm.addNestedPass<func::FuncOp>(createFreeAfterLastUsePass());
  if (scratch.planArena)
    pm.addNestedPass<func::FuncOp>(
        createPlanScratchArenaPass(PlanScratchArenaPassOptions{scratch.callerOwned}));
}

void buildLowerToLLVMPipeline(OpPassManager &pm, int64_t threads) {
  // Kernel loops marked for threads become qf.parallel_for while they are
  // still loops; the bodies become functions once they are LLVM.
  if (threads != 1)
    pm.addNestedPass<func::FuncOp>(createParallelizeLoopsPass());
  pm.addNestedPass<func::FuncOp>(createLowerStridedCopiesPass());
  pm.addNestedPass<func::FuncOp>(createLowerVnniDotPass());
  // n-D vector transfers become 1-D loads and stores first.
  addTextual(pm, "func.func(convert-vector-to-scf{full-unroll=true}),"
                 "convert-linalg-to-loops,"
                 // Views at loop-dependent offsets leave affine.apply ops.
                 "expand-strided-metadata,lower-affine,convert-scf-to-cf,"
                 // LLVM intrinsics first; libm calls for what has none (erf;
                 // on vectors, one call per lane, hence vectors after).
                 "convert-math-to-llvm,convert-math-to-libm,"
                 "convert-vector-to-llvm,finalize-memref-to-llvm,"
                 "convert-arith-to-llvm,convert-func-to-llvm,"
                 "convert-cf-to-llvm,convert-index-to-llvm,convert-ub-to-llvm,"
                 "reconcile-unrealized-casts");
  if (threads != 1)
    pm.addPass(createOutlineParallelForPass(OutlineParallelForPassOptions{threads}));
}

void buildLoweringPipeline(OpPassManager &pm, const ScratchOptions &scratch,
                           const KernelOptions &kernels) {
  buildTosaToLinalgPipeline(pm, kernels);
  buildBufferizePipeline(pm, scratch);
  buildLowerToLLVMPipeline(pm, kernels.threads);
}

void registerQForgePipelines() {
  PassPipelineRegistration<>(
      "qforge-tosa-to-linalg",
      "Lower imported TOSA to linalg/tensor/arith on tensors, fuse "
      "element-wise ops, order loops for vectors, tile and vectorize",
      [](OpPassManager &pm) { buildTosaToLinalgPipeline(pm); });
  PassPipelineRegistration<>(
      "qforge-bufferize",
      "Bufferize (one-shot, function boundaries), turn results into "
      "out-params, free buffers at their last use, plan one scratch arena",
      [](OpPassManager &pm) { buildBufferizePipeline(pm); });
  PassPipelineRegistration<>("qforge-lower-to-llvm",
                             "Lower bufferized vectors and loops to the LLVM dialect",
                             [](OpPassManager &pm) { buildLowerToLLVMPipeline(pm); });
  PassPipelineRegistration<>("qforge-lower",
                             "The whole lowering: TOSA on tensors to the LLVM "
                             "dialect",
                             [](OpPassManager &pm) { buildLoweringPipeline(pm); });
}

} // namespace qforge
