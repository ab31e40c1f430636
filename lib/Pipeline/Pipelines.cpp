//===- Pipelines.cpp - every pass pipeline qforge runs --------------------===//

#include "qforge/Pipeline/Pipelines.h"
#include "qforge/Codegen/Passes.h"
#include "qforge/Conversion/Passes.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;

namespace qforge {

/// Stages are written as textual pipelines: they read like the documentation
/// and like the qforge-opt command lines in the tests.
static void addTextual(OpPassManager &pm, llvm::StringRef pipeline) {
  if (failed(parsePassPipeline(pipeline, pm)))
    llvm::report_fatal_error("qforge: malformed built-in pipeline");
}

KernelFamily kernelFamilyFor(const TargetSpec &target) {
  // AVX-512 VNNI comes only with AVX-512 (x86-64-v4 names no features).
  if (hasFeature(target, "avx512vnni") && hasFeature(target, "avx512vbmi") &&
      hasFeature(target, "amx-int8") && hasFeature(target, "amx-tile"))
    return KernelFamily::X86Amx;
  if (hasFeature(target, "avx512vnni"))
    return hasFeature(target, "avx512vbmi") ? KernelFamily::X86Avx512VnniVbmi
                                            : KernelFamily::X86Avx512Vnni;
  if (hasFeature(target, "avx512f"))
    return KernelFamily::X86Avx512;
  if (hasFeature(target, "avxvnni"))
    return KernelFamily::X86AvxVnni;
  if (hasFeature(target, "avx2") && hasFeature(target, "fma"))
    return KernelFamily::X86Avx2;
  if (hasFeature(target, "i8mm"))
    return KernelFamily::ArmI8mm;
  if (hasFeature(target, "dotprod"))
    return KernelFamily::ArmDotprod;
  if (llvm::StringRef(target.triple).starts_with("aarch64"))
    return KernelFamily::ArmNeon;
  return KernelFamily::Reference;
}

void buildTosaToLinalgPipeline(OpPassManager &pm, const KernelOptions &kernels) {
  // tosa-optional-decompositions rewrites transpose_conv2d (which has no
  // direct linalg lowering) as a conv2d over a padded, reversed input.
  // The importer uses arith on whole tensors where TOSA has no exact op
  // (float division); convert-elementwise-to-linalg turns those into
  // linalg.generic like the rest.
  // Quantized values stay quantized through ops that only move them, and
  // QDQ-form compute becomes qf integer ops; then the qf ops go first:
  // their lowerings are linalg on tensors too.
  pm.addNestedPass<func::FuncOp>(createSinkDequantizePass());
  pm.addNestedPass<func::FuncOp>(createFuseQDQPass());
  // Once quantized values are adjacent to the integer adds: the importer's
  // NCHW/NHWC transposes then cancel across residual adds and activations.
  pm.addNestedPass<func::FuncOp>(createSinkTransposesPass());
  // The target's kernels take the products they compute (integer and
  // float, before TOSA's own lowering would take the float ones); the
  // reference lowering takes every other qf op.
  pm.addNestedPass<func::FuncOp>(
      createSelectKernelsPass(SelectKernelsPassOptions{kernels.family}));
  pm.addNestedPass<func::FuncOp>(createLowerToKernelsPass());
  pm.addNestedPass<func::FuncOp>(createLowerQFToLinalgPass());
  // tosa-to-scf: tosa.scatter (MaxUnpool's run-time indices) becomes a loop.
  addTextual(pm, "func.func(tosa-optional-decompositions,tosa-to-scf,tosa-to-linalg-named,"
                 "tosa-to-linalg,tosa-to-arith,tosa-to-tensor,"
                 "convert-elementwise-to-linalg)");
  pm.addNestedPass<func::FuncOp>(createEraseIntegerSignednessPass());
  addTextual(pm, "reconcile-unrealized-casts,canonicalize");
  pm.addNestedPass<func::FuncOp>(createFuseElementwisePass());
  addTextual(pm, "canonicalize,cse");
  // The fused element-wise chains that consume a kernel's result run on
  // its registers before it stores them.
  pm.addNestedPass<func::FuncOp>(createFuseKernelEpiloguesPass());
  // After fusion, which would otherwise fold layout transposes into the
  // reordered convolutions and make their reads strided again.
  pm.addNestedPass<func::FuncOp>(createVectorizableLoopOrderPass());
  pm.addNestedPass<func::FuncOp>(createTileAndVectorizePass());
  addTextual(pm, "canonicalize,cse");
}

void buildBufferizePipeline(OpPassManager &pm, const ScratchOptions &scratch) {
  // CSE gave ops of one shape one tensor.empty as their destination; one
  // each keeps the bufferization's analysis from comparing them all.
  pm.addNestedPass<func::FuncOp>(createDistinctEmptyTensorsPass());
  pm.addNestedPass<func::FuncOp>(createDistinctResultsPass());
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

void buildLowerToLLVMPipeline(OpPassManager &pm, int64_t threads, bool profileLayers) {
  // Layers are still top-level loops and linalg ops, each at its node's
  // location.
  if (profileLayers)
    pm.addPass(createProfileLayersPass());
  // Kernel loops marked for threads become qf.parallel_for while they are
  // still loops; the bodies become functions once they are LLVM (called
  // directly when compiled for one thread), one per shape of layer.
  pm.addNestedPass<func::FuncOp>(createParallelizeLoopsPass());
  // AMX kernels ask the runtime before they run (a call, declared here).
  pm.addPass(createLowerAmxReadyPass());
  // The layers left sequential become functions too, so that LLVM
  // optimizes one layer at a time; copies between strided views are loops
  // by then, and go with them.
  pm.addNestedPass<func::FuncOp>(createLowerStridedCopiesPass());
  pm.addNestedPass<func::FuncOp>(createOutlineLayersPass());
  pm.addNestedPass<func::FuncOp>(createLowerVnniDotPass());
  // exp, tanh, erf and the like in the loops' vector lanes, before the
  // LLVM lowering would call libm once per lane.
  pm.addNestedPass<func::FuncOp>(createApproximateMathPass());
  // n-D vector transfers become 1-D loads and stores first.
  addTextual(pm, "func.func(convert-vector-to-scf{full-unroll=true}),"
                 "convert-linalg-to-loops,"
                 // Views at loop-dependent offsets leave affine.apply ops.
                 "expand-strided-metadata,lower-affine,convert-scf-to-cf,"
                 // LLVM intrinsics first; libm calls for what has none and
                 // qf-approximate-math left (sin, cos; on vectors, one call
                 // per lane, hence vectors after).
                 "convert-math-to-llvm,convert-math-to-libm,"
                 "convert-vector-to-llvm,finalize-memref-to-llvm,"
                 "convert-arith-to-llvm,convert-func-to-llvm,"
                 // Branches carry AMX tiles (a kernel's accumulators
                 // around its reduction loop): converted with the tiles'
                 // type conversion.
                 "convert-to-llvm{filter-dialects=cf,amx},convert-index-to-llvm,convert-ub-to-llvm,"
                 "reconcile-unrealized-casts");
  pm.addPass(createOutlineParallelForPass(OutlineParallelForPassOptions{threads}));
  pm.addPass(createShareChunkBodiesPass());
}

void buildLoweringPipeline(OpPassManager &pm, const ScratchOptions &scratch,
                           const KernelOptions &kernels, bool profileLayers) {
  buildTosaToLinalgPipeline(pm, kernels);
  buildBufferizePipeline(pm, scratch);
  buildLowerToLLVMPipeline(pm, kernels.threads, profileLayers);
}

void buildObserversPipeline(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createInsertObserversPass());
}

void buildObserverCallsPipeline(OpPassManager &pm) {
  pm.addPass(createLowerObserversToCallsPass());
}

void buildQuantizedContractPipeline(OpPassManager &pm, bool warnOnly) {
  pm.addNestedPass<func::FuncOp>(createSinkDequantizePass());
  pm.addPass(createCanonicalizerPass());
  VerifyQuantizedPassOptions options;
  // The model's own input scaling, before its first quantize, is not
  // quantization's business.
  options.allowInputPreparation = true;
  options.warnOnly = warnOnly;
  pm.addNestedPass<func::FuncOp>(createVerifyQuantizedPass(options));
}

namespace {

/// The lowering stages' options on qforge-opt's command line, so that the
/// driver's pipelines for any target can be reproduced there.
struct LoweringOptions : PassPipelineOptions<LoweringOptions> {
  Option<KernelFamily> kernels{
      *this, "kernels", llvm::cl::desc("The target's kernel family (qf-select-kernels)"),
      llvm::cl::init(KernelFamily::Reference),
      QFORGE_KERNEL_FAMILY_VALUES};
  Option<int64_t> threads{*this, "threads",
                          llvm::cl::desc("Threads the kernels split their work over (1: "
                                         "sequential code, 0: the CPUs online at run time)"),
                          llvm::cl::init(1)};
  Option<bool> profile{*this, "profile",
                       llvm::cl::desc("Record each layer's time at run time (qf-profile-layers)"),
                       llvm::cl::init(false)};
  Option<bool> callerOwnedScratch{
      *this, "caller-owned-scratch",
      llvm::cl::desc("Take the scratch arena as a trailing function argument"),
      llvm::cl::init(false)};

  KernelOptions kernelOptions() const { return {kernels, threads}; }
  ScratchOptions scratchOptions() const { return {true, callerOwnedScratch}; }
};

} // namespace

void registerQForgePipelines() {
  PassPipelineRegistration<LoweringOptions>(
      "qforge-tosa-to-linalg",
      "Lower imported TOSA and qf to linalg/tensor/arith on tensors with the "
      "target's kernels, fuse element-wise ops, order loops for vectors, tile "
      "and vectorize",
      [](OpPassManager &pm, const LoweringOptions &options) {
        buildTosaToLinalgPipeline(pm, options.kernelOptions());
      });
  PassPipelineRegistration<LoweringOptions>(
      "qforge-bufferize",
      "Bufferize (one-shot, function boundaries), turn results into "
      "out-params, free buffers at their last use, plan one scratch arena",
      [](OpPassManager &pm, const LoweringOptions &options) {
        buildBufferizePipeline(pm, options.scratchOptions());
      });
  PassPipelineRegistration<LoweringOptions>(
      "qforge-lower-to-llvm", "Lower bufferized vectors and loops to the LLVM dialect",
      [](OpPassManager &pm, const LoweringOptions &options) {
        buildLowerToLLVMPipeline(pm, options.threads, options.profile);
      });
  PassPipelineRegistration<LoweringOptions>(
      "qforge-lower", "The whole lowering: TOSA on tensors to the LLVM dialect",
      [](OpPassManager &pm, const LoweringOptions &options) {
        buildLoweringPipeline(pm, options.scratchOptions(), options.kernelOptions(),
                              options.profile);
      });
}

} // namespace qforge
