//===- OnnxImporter.h - ONNX models to MLIR ---------------------*- C++ -*-===//
//
// Reads an ONNX model and builds one func.func on tensors, mostly TOSA (see
// docs/onnx-ops.md for what each operator becomes), every op located at its
// ONNX node name.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_IMPORT_ONNXIMPORTER_H
#define QFORGE_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace qforge {

struct ImportOptions {
  /// Input name -> full shape, overriding the model's (dynamic) dimensions.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Name of the generated function.
  std::string functionName = "main";
  /// Graph output -> graph input: states the next call passes back in, beyond
  /// the recurrent layers' own (which are found; see markStateOutputs).
  std::vector<std::pair<std::string, std::string>> states;
};

/// Parses "OUTPUT=INPUT" (the --state syntax). Returns false and sets `error`
/// when the text is malformed.
bool parseStatePair(llvm::StringRef text, std::string &output, std::string &input,
                    std::string &error);

/// Parses "NAME:1x3x224x224" (the --input-shape syntax). Returns false and
/// sets `error` when the text is malformed.
bool parseInputShape(llvm::StringRef text, std::string &name,
                     std::vector<int64_t> &shape, std::string &error);

/// Imports the model at `path`. Problems are reported through the context's
/// diagnostic engine, each naming the file and, for nodes, the node; the
/// result is null when anything was reported as an error.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext &context,
                                                 llvm::StringRef path,
                                                 const ImportOptions &options);

/// One supported operator, for documentation and the conformance runner.
struct SupportedOp {
  std::string name;
  int minOpset;      // Earliest opset whose form the converter handles.
  std::string lowersTo; // What it becomes, e.g. "tosa.conv2d (NCHW<->NHWC transposes)".
  std::string notes;    // Limits, e.g. "constant `shape` input only".
};

/// Every operator type of the default ONNX domain the importer converts.
std::vector<SupportedOp> supportedOnnxOps();

/// One ONNX operator the importer does not convert, and why.
struct UnsupportedOp {
  std::string name;
  int sinceOpset; // The opset that introduced it.
  std::string reason;
};

/// Every operator of ONNX's default domain and of ai.onnx.preview.training
/// (as of the newest ONNX release qforge knows) without a converter.
std::vector<UnsupportedOp> unsupportedOnnxOps();

/// Registers the dialects an imported module uses.
void registerImportDialects(mlir::DialectRegistry &registry);

} // namespace qforge

#endif // QFORGE_IMPORT_ONNXIMPORTER_H
