//===- qforge.cpp - the qforge compiler driver ----------------------------===//
//
// Model in, artefact out. Subcommands:
//   qforge import MODEL.onnx -o MODEL.mlir   ONNX to MLIR (TOSA on tensors)
//   qforge list-ops [--markdown]             the supported ONNX operators
//
//===----------------------------------------------------------------------===//

#include "qforge/Import/OnnxImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory qforgeCategory("qforge options");

static cl::SubCommand importCmd("import", "Import an ONNX model as MLIR");
static cl::SubCommand listOpsCmd("list-ops",
                                 "List the supported ONNX operators");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::sub(importCmd),
                                      cl::cat(qforgeCategory));
static cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' for stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::sub(importCmd), cl::cat(qforgeCategory));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Pin an input's shape, e.g. --input-shape=input:1x3x224x224 "
             "(repeatable). Without it a dynamic leading (batch) dimension "
             "becomes 1 and any other dynamic dimension is an error"),
    cl::value_desc("NAME:DIMS"), cl::sub(importCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> functionName("name",
                                         cl::desc("Name of the generated function"),
                                         cl::init("main"), cl::sub(importCmd),
                                         cl::cat(qforgeCategory));
static cl::opt<bool> markdown("markdown",
                              cl::desc("Print a Markdown table (docs/onnx-ops.md)"),
                              cl::sub(listOpsCmd), cl::cat(qforgeCategory));

/// Prints diagnostics as "FILE: error: message", naming the model file
/// rather than a meaningless line and column.
static LogicalResult printDiagnostic(Diagnostic &diag) {
  std::string where;
  diag.getLocation()->walk([&](Location loc) {
    if (auto file = dyn_cast<FileLineColLoc>(loc)) {
      where = file.getFilename().str();
      if (file.getLine() != 0)
        where += ":" + std::to_string(file.getLine()) + ":" +
                 std::to_string(file.getColumn());
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  llvm::raw_ostream &os = llvm::errs();
  os << "qforge: ";
  if (!where.empty())
    os << where << ": ";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    llvm::WithColor(os, llvm::HighlightColor::Error) << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    llvm::WithColor(os, llvm::HighlightColor::Warning) << "warning: ";
    break;
  case DiagnosticSeverity::Note:
    llvm::WithColor(os, llvm::HighlightColor::Note) << "note: ";
    break;
  case DiagnosticSeverity::Remark:
    llvm::WithColor(os, llvm::HighlightColor::Remark) << "remark: ";
    break;
  }
  os << diag.str() << "\n";
  for (Diagnostic &note : diag.getNotes())
    os << "qforge: note: " << note.str() << "\n";
  return success();
}

static int runImport(MLIRContext &context) {
  qforge::ImportOptions options;
  options.functionName = functionName;
  for (const std::string &text : inputShapes) {
    std::string name, error;
    std::vector<int64_t> shape;
    if (!qforge::parseInputShape(text, name, shape, error)) {
      llvm::errs() << "qforge: error: --input-shape: " << error << "\n";
      return 1;
    }
    options.inputShapes[name] = shape;
  }
  OwningOpRef<ModuleOp> module =
      qforge::importOnnxFile(context, inputFile, options);
  if (!module)
    return 1;
  std::string error;
  // The output file is written only once the import succeeded, and removed
  // again if writing fails: no half-written files.
  auto output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "qforge: error: " << error << "\n";
    return 1;
  }
  module->print(output->os(), OpPrintingFlags().elideLargeElementsAttrs(
                                  std::numeric_limits<int64_t>::max()));
  output->os().flush();
  if (output->os().has_error()) {
    llvm::errs() << "qforge: error: cannot write '" << outputFile << "'\n";
    output->os().clear_error();
    return 1;
  }
  output->keep();
  return 0;
}

static int runListOps() {
  std::vector<qforge::SupportedOp> ops = qforge::supportedOnnxOps();
  if (!markdown) {
    for (const qforge::SupportedOp &op : ops)
      llvm::outs() << op.name << "\n";
    return 0;
  }
  llvm::outs() << "| ONNX operator | since opset | becomes | notes |\n"
               << "| --- | --- | --- | --- |\n";
  for (const qforge::SupportedOp &op : ops)
    llvm::outs() << "| " << op.name << " | " << op.minOpset << " | "
                 << op.lowersTo << " | " << op.notes << " |\n";
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(qforgeCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qforge: a quantizing compiler for ONNX models\n\n"
      "  qforge import MODEL.onnx -o MODEL.mlir [--input-shape=NAME:DIMS]...\n"
      "  qforge list-ops [--markdown]\n");
  MLIRContext context;
  ScopedDiagnosticHandler handler(&context, printDiagnostic);
  if (importCmd)
    return runImport(context);
  if (listOpsCmd)
    return runListOps();
  llvm::errs() << "qforge: error: no subcommand; see 'qforge --help'\n";
  return 1;
}
