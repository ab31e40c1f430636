//===- FuzzSupport.cpp - what qforge's fuzz targets share -----------------===//

#include "FuzzSupport.h"

#include "qforge/Codegen/Passes.h"
#include "qforge/Conversion/Passes.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Quantization/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace qforge::fuzz {

void registerAllPasses() {
  mlir::registerAllPasses();
  registerQFPasses();
  registerQForgeQuantizationPasses();
  registerQForgeConversionPasses();
  registerQForgeCodegenPasses();
}

static const mlir::DialectRegistry &toolRegistry() {
  // Built once; contexts copy from it.
  static const mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry;
    mlir::registerAllDialects(*r);
    mlir::registerAllExtensions(*r);
    r->insert<qf::QFDialect>();
    return r;
  }();
  return *registry;
}

InputContext::InputContext() : InputContext(toolRegistry()) {}

InputContext::InputContext(const mlir::DialectRegistry &registry)
    : context(registry, mlir::MLIRContext::Threading::DISABLED),
      silence(&context, [this](mlir::Diagnostic &d) {
        errorCount += d.getSeverity() == mlir::DiagnosticSeverity::Error;
        return mlir::success();
      }) {}

namespace {
/// A temporary directory, removed with what it holds when the process exits.
struct PrivateDirectory {
  std::string path;
  PrivateDirectory() {
    llvm::SmallString<128> dir;
    if (std::error_code ec = llvm::sys::fs::createUniqueDirectory("qforge-fuzz", dir))
      invariantBroken("cannot create a temporary directory: " + ec.message());
    path = std::string(dir);
  }
  ~PrivateDirectory() { llvm::sys::fs::remove_directories(path); }
};
} // namespace

static const std::string &privateDirectory() {
  static const PrivateDirectory dir;
  return dir.path;
}

std::string writeTemporaryFile(llvm::StringRef name, llvm::StringRef bytes) {
  llvm::SmallString<128> path(privateDirectory());
  llvm::sys::path::append(path, name);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    invariantBroken("cannot write " + std::string(path) + ": " + ec.message());
  os << bytes;
  os.close();
  if (os.has_error())
    invariantBroken("cannot write " + std::string(path));
  return std::string(path);
}

void invariantBroken(const std::string &what) {
  llvm::errs() << "qforge-fuzz: invariant broken: " << what << "\n";
  std::abort();
}

} // namespace qforge::fuzz
