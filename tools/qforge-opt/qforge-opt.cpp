//===- qforge-opt.cpp - qforge's opt-style driver -------------------------===//
//
// Every upstream dialect and pass, plus qf and qforge's passes, behind
// MlirOptMain: what mlir-opt does, with our pieces registered.
//
//===----------------------------------------------------------------------===//

#include "qforge/Codegen/Passes.h"
#include "qforge/Conversion/Passes.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Pipeline/Pipelines.h"
#include "qforge/Quantization/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  registry.insert<qforge::qf::QFDialect>();
  qforge::registerQFPasses();
  qforge::registerQForgeQuantizationPasses();
  qforge::registerQForgeConversionPasses();
  qforge::registerQForgeCodegenPasses();
  qforge::registerQForgePipelines();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qforge modular optimizer driver\n", registry));
}
