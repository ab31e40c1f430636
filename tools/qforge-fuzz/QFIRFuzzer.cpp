//===- QFIRFuzzer.cpp - fuzz target: qforge-opt on qf IR ------------------===//
//
// The bytes are MLIR text in the dialects qf IR is written in (qf, quant,
// func, arith, tensor, tosa). Text that parses and verifies then goes
// through qf's rewrites and its lowering to linalg (QFORGE_FUZZ_PIPELINE
// overrides the pipeline). The qf verifiers are the contract: IR they accept
// must not crash a qf pass, and a pass that fails must say why. The other
// upstream dialects' parsers are left out: their bugs are not qforge's to
// fix (docs/reliability.md lists the one this target found).
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/InitAllExtensions.h"

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

/// What the parser knows; the passes load the dialects they create.
static const DialectRegistry &qfRegistry() {
  static const DialectRegistry *registry = [] {
    auto *r = new DialectRegistry;
    r->insert<qf::QFDialect, quant::QuantDialect, func::FuncDialect, arith::ArithDialect,
              tensor::TensorDialect, tosa::TosaDialect>();
    registerAllExtensions(*r);
    return r;
  }();
  return *registry;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  fuzz::registerAllPasses();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::InputContext context(qfRegistry());
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
