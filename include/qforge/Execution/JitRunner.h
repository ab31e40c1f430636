//===- JitRunner.h - running an imported model in-process -------*- C++ -*-===//
//
// Lowers a module with qforge's pipeline (qforge/Pipeline, the lowering the
// ahead-of-time compiler uses) and runs its entry function through MLIR's
// ExecutionEngine. Used by `qforge run`, the conformance suite and
// calibration.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_EXECUTION_JITRUNNER_H
#define QFORGE_EXECUTION_JITRUNNER_H

#include "qforge/Support/ModelInterface.h"
#include "qforge/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <optional>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace qforge {

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
