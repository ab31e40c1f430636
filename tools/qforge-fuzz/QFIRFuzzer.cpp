//===- QFIRFuzzer.cpp - fuzz target: qforge-opt on qf IR ------------------===//
//
// The bytes are MLIR text, as qforge-opt reads it: every upstream dialect
// plus qf. Text that parses and verifies then goes through qf's rewrites and
// its lowering to linalg (QFORGE_FUZZ_PIPELINE overrides the pipeline). The
// qf verifiers are the contract: IR they accept must not crash a qf pass,
// and a pass that fails must say why.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include <cstdlib>

using namespace mlir;
using namespace qforge;

static constexpr const char *kDefaultPipeline =
    "builtin.module(func.func(qf-fuse-qdq,qf-sink-transposes,qf-sink-dequantize,"
    "canonicalize,qf-lower-to-linalg,canonicalize))";

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  fuzz::registerAllPasses();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::InputContext context;
  // MLIR's lexer expects the NUL after the text that a file buffer has.
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context.get());
  if (!module)
    return 0;
  const char *pipeline = std::getenv("QFORGE_FUZZ_PIPELINE");
  PassManager pm(&context.get());
  if (failed(parsePassPipeline(pipeline ? pipeline : kDefaultPipeline, pm)))
    fuzz::invariantBroken("the pipeline does not parse");
  if (failed(pm.run(*module)) && context.errors() == 0)
    fuzz::invariantBroken("a pass failed without an error message");
  return 0;
}
