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
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace qforge {

enum class EmitKind { LLVMIR, Assembly, Object };

/// Translates `module` (already in the LLVM dialect; its entry point is
/// function `name`) and writes it as `kind` for `target`, its stages timed
/// under `timing` when given. Returns false with `error` on failure.
bool emitCode(mlir::ModuleOp module, llvm::StringRef name, const TargetSpec &target,
              EmitKind kind, llvm::raw_pwrite_stream &os, std::string &error,
              mlir::TimingScope *timing = nullptr);

/// Whether `module` (in the LLVM dialect) runs kernels on the thread pool;
/// its object then exports `<name>_set_threads`.
bool usesThreadPool(mlir::ModuleOp module);

/// Wraps an object file (its bytes) in a static archive (GNU format with a
/// symbol table) written to `os`. Returns false with `error`.
bool writeStaticLibrary(llvm::StringRef objectBytes, llvm::StringRef memberName,
                        llvm::raw_ostream &os, std::string &error);

/// The number of layers function `name` of `module` times (its
/// `<name>_profile_seconds` table from qf-profile-layers), 0 when it was
/// compiled without --profile.
int64_t profiledLayers(mlir::ModuleOp module, llvm::StringRef name);

/// The C header of a compiled model (lib/Emit/Header.cpp, docs/c-api.md):
/// the shared C API block (include/qforge/model_api.h), its shapes and
/// dtypes as macros, the scratch arena's size, the descriptor-based entry
/// point the object exports, the plain-pointer wrapper
/// `<name>_run(inputs..., outputs...)` (with a trailing `void *scratch` when
/// the caller owns the arena), the handle API (`<name>_create`, `_invoke`,
/// `_destroy`, tensor metadata, `<name>_api()`); with `profiledLayers`, the
/// per-layer time tables; with `threadControl` (usesThreadPool), the
/// exported `<name>_set_threads`.
std::string cHeader(llvm::StringRef name, const std::vector<TensorSpec> &inputs,
                    const std::vector<TensorSpec> &outputs,
                    const ScratchMemory &scratch, llvm::StringRef modelPath,
                    const TargetSpec &target, int64_t profiledLayers,
                    bool threadControl);

/// Emits `module` (in the LLVM dialect) as an object file and links it with
/// qforge's .npy-reading main() into the executable `outPath`:
/// `OUT IN_0.npy ... -o OUTDIR [--bench N] [--profile]`. Returns false with `error`;
/// `outPath` is then left untouched.
bool linkExecutable(mlir::ModuleOp module, llvm::StringRef name,
                    const std::vector<TensorSpec> &inputs,
                    const std::vector<TensorSpec> &outputs,
                    const ScratchMemory &scratch, const TargetSpec &target,
                    llvm::StringRef modelPath, llvm::StringRef outPath,
                    std::string &error, mlir::TimingScope *timing = nullptr);

} // namespace qforge

#endif // QFORGE_EMIT_EMITTER_H
