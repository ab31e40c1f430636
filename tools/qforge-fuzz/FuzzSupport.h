//===- FuzzSupport.h - what qforge's fuzz targets share ---------*- C++ -*-===//
//
// Each fuzz target feeds one reader of untrusted input and lets the
// sanitizers judge: a crash, a sanitizer report, a timeout or a leak is a
// finding; a clean rejection is the expected outcome for most inputs.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_FUZZ_FUZZSUPPORT_H
#define QFORGE_FUZZ_FUZZSUPPORT_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace qforge::fuzz {

/// Registers every pass, upstream and qforge's, as qforge-opt does (the
/// lowering stages are textual pipelines). For LLVMFuzzerInitialize.
void registerAllPasses();

/// A context for one input, knowing every dialect the tools know (all of
/// upstream's and qf): single-threaded (the fuzzer runs one input at a
/// time, and threads would hide which input did what) and silent (printing
/// every rejection would slow the fuzzer to a crawl).
class InputContext {
public:
  InputContext();
  /// Knowing only `registry`'s dialects (passes load the ones they create).
  explicit InputContext(const mlir::DialectRegistry &registry);
  mlir::MLIRContext &get() { return context; }
  /// Error diagnostics so far: a step that fails must have said why.
  int errors() const { return errorCount; }

private:
  mlir::MLIRContext context;
  int errorCount = 0;
  mlir::ScopedDiagnosticHandler silence;
};

/// Writes `bytes` to a file named `name` in a directory private to this
/// process and returns its path (for readers that take a path).
std::string writeTemporaryFile(llvm::StringRef name, llvm::StringRef bytes);

/// Stops the process with `what` on stderr: the input broke an invariant
/// that no sanitizer checks.
[[noreturn]] void invariantBroken(const std::string &what);

} // namespace qforge::fuzz

#endif // QFORGE_FUZZ_FUZZSUPPORT_H
