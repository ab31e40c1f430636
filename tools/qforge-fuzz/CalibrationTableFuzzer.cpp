//===- CalibrationTableFuzzer.cpp - fuzz target: calibration tables -------===//
//
// `qforge compile --calib-table` trusts nothing in the table: the reader
// checks its structure, checkTableMatches its tensors against the model, and
// quantization turns its ranges into scales and zero points. This target
// runs all three on a fixed model (QFORGE_FUZZ_MODEL, by default the bundled
// MNIST CNN), so ranges a real table never holds (zero-width, 1e308,
// denormal, a wrong method) reach the arithmetic. The quantized module must
// verify.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "qforge/Calibration/CalibrationTable.h"
#include "qforge/Import/OnnxImporter.h"
#include "qforge/Quantization/Equalize.h"
#include "qforge/Quantization/Quantize.h"

#include "mlir/IR/Verifier.h"

#include <cstdlib>

using namespace mlir;
using namespace qforge;

static std::string modelPath() {
  if (const char *path = std::getenv("QFORGE_FUZZ_MODEL"))
    return path;
  return QFORGE_FUZZ_DEFAULT_MODEL;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  fuzz::registerAllPasses();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CalibrationTable table;
  std::string error;
  if (!parseCalibrationTable(llvm::StringRef(reinterpret_cast<const char *>(data), size),
                             table, error))
    return 0;
  // A fresh context per input: quantization creates attributes the context
  // keeps for its lifetime.
  fuzz::InputContext context;
  OwningOpRef<ModuleOp> module = importOnnxFile(context.get(), modelPath(), {});
  if (!module)
    fuzz::invariantBroken("cannot import the fuzzing model " + modelPath());
  if (failed(checkTableMatches(*module, table, "fuzz input")))
    return 0;
  auto func = module->lookupSymbol<func::FuncOp>("main");
  // As compile does: a table that says so equalizes the float model first.
  if (table.equalization)
    equalizeCrossLayer(func, {table.equalization->relu6ToRelu,
                              static_cast<int>(table.equalization->iterations)});
  // The table's sample count, which nothing else reads, picks the weight
  // precision and activation scheme, so the fuzzer reaches every variant.
  QuantizeOptions options;
  options.method = table.method;
  options.precision = table.samples & 1 ? WeightPrecision::Int4 : WeightPrecision::Int8;
  options.symmetric = table.samples & 2;
  quantizeFunction(func, table, options);
  if (failed(verify(*module)))
    fuzz::invariantBroken("quantization with an accepted table left IR that does not verify");
  return 0;
}
