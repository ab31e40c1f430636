//===- Emitter.h - ahead-of-time code and headers ---------------*- C++ -*-===//
//
// From a module lowered to the LLVM dialect to LLVM IR, assembly or an
// object file for a named target (through LLVM's TargetMachine, in-process),
// and the C header that goes with it.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_EMIT_EMITTER_H
#define QFORGE_EMIT_EMITTER_H

#include "qforge/Support/ModelInterface.h"
#include "qforge/Support/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

#include <string>
#include <vector>

namespace qforge {

enum class EmitKind { LLVMIR, Assembly, Object };

/// A model in LLVM IR with the target machine that compiles it. It owns its
/// LLVM context, so the MLIR context (and the weight attributes it keeps
/// until destroyed) can be released before LLVM's optimization and code
/// generation, the compiler's most memory-hungry stages.
struct TranslatedModel {
  TranslatedModel();
  TranslatedModel(TranslatedModel &&);
  ~TranslatedModel();
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
  std::unique_ptr<llvm::TargetMachine> machine;
  /// What the C header needs to know of the module (see cHeader): the
  /// number of layers its `<name>_profile_seconds` table times (0 without
  /// --profile), and whether it runs kernels on the thread pool (its object
  /// then exports `<name>_set_threads`).
  int64_t profiledLayers = 0;
  bool threadControl = false;
};

/// Translates `module` (already in the LLVM dialect; its entry point is
/// function `name`) to LLVM IR for `target`, with the runtime functions it
/// calls linked in, timed under `timing` when given. Returns false with
/// `error` on failure.
bool translateModel(mlir::ModuleOp module, llvm::StringRef name, const TargetSpec &target,
                    TranslatedModel &translated, std::string &error,
                    mlir::TimingScope *timing = nullptr);

/// Optimizes `translated` (LLVM -O3) and writes it as `kind` to `os`.
/// Returns false with `error` on failure.
bool emitCode(TranslatedModel &translated, EmitKind kind, const TargetSpec &target,
              llvm::raw_pwrite_stream &os, std::string &error,
              mlir::TimingScope *timing = nullptr);

/// Wraps an object file (its bytes) in a static archive (GNU format with a
/// symbol table) written to `os`. Returns false with `error`.
bool writeStaticLibrary(llvm::StringRef objectBytes, llvm::StringRef memberName,
                        llvm::raw_ostream &os, std::string &error);

/// The C header of a compiled model (lib/Emit/Header.cpp, docs/c-api.md):
/// the shared C API block (include/qforge/model_api.h), its shapes and
/// dtypes as macros, the scratch arena's size, the descriptor-based entry
/// point the object exports, the plain-pointer wrapper
/// `<name>_run(inputs..., outputs...)` (with a trailing `void *scratch` when
/// the caller owns the arena), the handle API (`<name>_create`, `_invoke`,
/// `_destroy`, tensor metadata, `<name>_api()`); with `profiledLayers`, the
/// per-layer time tables; with `threadControl`, the exported
/// `<name>_set_threads`.
std::string cHeader(llvm::StringRef name, const std::vector<TensorSpec> &inputs,
                    const std::vector<TensorSpec> &outputs,
                    const ScratchMemory &scratch, llvm::StringRef modelPath,
                    const TargetSpec &target, int64_t profiledLayers,
                    bool threadControl);

/// Emits `translated` as an object file and links it with qforge's
/// .npy-reading main() into the executable `outPath`:
/// `OUT IN_0.npy ... -o OUTDIR [--bench N] [--profile]`. Returns false with `error`;
/// `outPath` is then left untouched.
bool linkExecutable(TranslatedModel &translated, llvm::StringRef name,
                    const std::vector<TensorSpec> &inputs,
                    const std::vector<TensorSpec> &outputs,
                    const ScratchMemory &scratch, const TargetSpec &target,
                    llvm::StringRef modelPath, llvm::StringRef outPath,
                    std::string &error, mlir::TimingScope *timing = nullptr);

} // namespace qforge

#endif // QFORGE_EMIT_EMITTER_H
