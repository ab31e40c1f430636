//===- JitRunner.h - running an imported model in-process -------*- C++ -*-===//
//
// Lowers a module with qforge's float pipeline and runs its entry function
// through MLIR's ExecutionEngine. Used by `qforge run`, the conformance suite
// and (later) calibration, so that all of them execute the same lowering the
// ahead-of-time compiler uses.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_EXECUTION_JITRUNNER_H
#define QFORGE_EXECUTION_JITRUNNER_H

#include "qforge/Pipeline/Pipelines.h"
#include "qforge/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <optional>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace qforge {

struct TensorSpec {
  DType dtype;
  std::vector<int64_t> shape;
};

/// The .npy dtype holding an MLIR element type, if any.
std::optional<DType> dtypeFor(mlir::Type elementType);

/// The input and output specs of function `name` in `module` (statically
/// shaped tensors of .npy-compatible types). Reports at the function and
/// returns false otherwise.
bool functionSignature(mlir::ModuleOp module, llvm::StringRef name,
                       std::vector<TensorSpec> &inputs,
                       std::vector<TensorSpec> &outputs);

/// The intermediate buffers of a compiled function, measured after
/// bufferization: each is allocated before its first use and freed after its
/// last, so at most `peakBytes` of them are live at once.
struct ScratchMemory {
  int64_t peakBytes = 0;  // The most live at once.
  int64_t totalBytes = 0; // All intermediate buffers together.
  int64_t buffers = 0;
  int64_t arenaBytes = 0; // The planned arena they live in.
  bool callerOwned = false;
};

/// Gives function `name` a C interface (`_mlir_ciface_<name>`, taking
/// pointers to memref descriptors: inputs, then outputs) and runs qforge's
/// lowering pipeline on `module`, leaving it in the LLVM dialect. Fills
/// `scratch` when given.
/// With `callerOwnedScratch` the function takes the scratch arena as a
/// trailing memref<?xi8> argument.
/// `kernels` are the target-specific kernels the code may use.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       llvm::StringRef name,
                                       ScratchMemory *scratch = nullptr,
                                       bool callerOwnedScratch = false,
                                       const KernelOptions &kernels = {});

class JitModel {
public:
  /// Lowers `module` in place and JIT-compiles the function `name`. Errors
  /// go to the context's diagnostic handler.
  /// `symbols` are C functions of this process the compiled code may call
  /// (the calibration collector), by name.
  static std::unique_ptr<JitModel>
  compile(mlir::ModuleOp module, llvm::StringRef name,
          llvm::ArrayRef<std::pair<std::string, void *>> symbols = {});
  ~JitModel();

  const std::vector<TensorSpec> &inputs() const { return inputSpecs; }
  const std::vector<TensorSpec> &outputs() const { return outputSpecs; }

  /// Runs the model once. Each input must match its spec exactly; on a
  /// mismatch returns false with `error` naming the input.
  bool run(const std::vector<NpyArray> &inputs, std::vector<NpyArray> &outputs,
           std::string &error);

private:
  JitModel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::string entry;
  std::vector<TensorSpec> inputSpecs, outputSpecs;
};

} // namespace qforge

#endif // QFORGE_EXECUTION_JITRUNNER_H
