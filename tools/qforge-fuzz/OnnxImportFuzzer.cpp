//===- OnnxImportFuzzer.cpp - fuzz target: ONNX models --------------------===//
//
// The bytes are a model file: parsed, imported, verified and, when qforge
// accepts the model, compiled in float through the whole lowering to LLVM
// IR (stopping short of machine code, which only LLVM's backend sees).
// A step that fails must say why with an error diagnostic: a silent failure
// is what the user would see as a bare non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "qforge/Import/OnnxImporter.h"
#include "qforge/Pipeline/Pipelines.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

using namespace mlir;
using namespace qforge;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  fuzz::registerAllPasses();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = fuzz::writeTemporaryFile(
      "model.onnx", llvm::StringRef(reinterpret_cast<const char *>(data), size));
  fuzz::InputContext context;
  auto saidWhy = [&](const char *step) {
    if (context.errors() == 0)
      fuzz::invariantBroken(std::string(step) + " failed without an error message");
    return 0;
  };
  OwningOpRef<ModuleOp> module = importOnnxFile(context.get(), path, {});
  if (!module)
    return saidWhy("import");
  if (failed(lowerToLLVMDialect(*module, "main")))
    return saidWhy("lowering to the LLVM dialect");
  registerBuiltinDialectTranslation(context.get());
  registerLLVMDialectTranslation(context.get());
  llvm::LLVMContext llvmContext;
  if (!translateModuleToLLVMIR(*module, llvmContext, "fuzz"))
    return saidWhy("translation to LLVM IR");
  return 0;
}
