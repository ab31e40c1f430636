//===- qforge.cpp - the qforge compiler driver ----------------------------===//
//
// Model in, artefact out. Subcommands:
//   qforge import MODEL.onnx -o MODEL.mlir   ONNX to MLIR (TOSA on tensors)
//   qforge run MODEL.onnx IN.npy... -o DIR   import, lower, JIT-run (float)
//   qforge list-ops [--markdown]             the supported ONNX operators
//
//===----------------------------------------------------------------------===//

#include "qforge/Execution/JitRunner.h"
#include "qforge/Import/OnnxImporter.h"
#include "qforge/Support/Npy.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory qforgeCategory("qforge options");

static cl::SubCommand importCmd("import", "Import an ONNX model as MLIR");
static cl::SubCommand runCmd(
    "run", "Import an ONNX model, lower it and run it in-process (JIT) on "
           ".npy inputs; writes OUTDIR/output_<i>.npy");
static cl::SubCommand listOpsCmd("list-ops",
                                 "List the supported ONNX operators");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::sub(importCmd),
                                      cl::sub(runCmd), cl::cat(qforgeCategory));
static cl::list<std::string> runInputs(cl::Positional,
                                       cl::desc("<input.npy>... (model input order)"),
                                       cl::sub(runCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> outputFile(
    "o", cl::desc("Output: a file for import ('-' for stdout), a directory for run"),
    cl::value_desc("path"), cl::init("-"), cl::sub(importCmd), cl::sub(runCmd),
    cl::cat(qforgeCategory));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Pin an input's shape, e.g. --input-shape=input:1x3x224x224 "
             "(repeatable). Without it a dynamic leading (batch) dimension "
             "becomes 1 and any other dynamic dimension is an error"),
    cl::value_desc("NAME:DIMS"), cl::sub(importCmd), cl::sub(runCmd),
    cl::cat(qforgeCategory));
static cl::opt<std::string> functionName("name",
                                         cl::desc("Name of the generated function"),
                                         cl::init("main"), cl::sub(importCmd),
                                         cl::cat(qforgeCategory));
static cl::opt<bool> debugInfo(
    "debug-info",
    cl::desc("Print locations (each op's ONNX node name) in the output"),
    cl::sub(importCmd), cl::cat(qforgeCategory));
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

/// Imports `inputFile` with the command line's options; null on failure
/// (already reported).
static OwningOpRef<ModuleOp> importModel(MLIRContext &context) {
  qforge::ImportOptions options;
  options.functionName = functionName;
  for (const std::string &text : inputShapes) {
    std::string name, error;
    std::vector<int64_t> shape;
    if (!qforge::parseInputShape(text, name, shape, error)) {
      llvm::errs() << "qforge: error: --input-shape: " << error << "\n";
      return nullptr;
    }
    options.inputShapes[name] = shape;
  }
  return qforge::importOnnxFile(context, inputFile, options);
}

static int runImport(MLIRContext &context) {
  OwningOpRef<ModuleOp> module = importModel(context);
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
  OpPrintingFlags flags;
  if (debugInfo)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  module->print(output->os(), flags);
  output->os().flush();
  if (output->os().has_error()) {
    llvm::errs() << "qforge: error: cannot write '" << outputFile << "'\n";
    output->os().clear_error();
    return 1;
  }
  output->keep();
  return 0;
}

static int runRun(MLIRContext &context) {
  if (outputFile == "-") {
    llvm::errs() << "qforge: error: run needs -o OUTDIR\n";
    return 1;
  }
  std::vector<qforge::NpyArray> inputs;
  for (const std::string &path : runInputs) {
    qforge::NpyArray array;
    std::string error;
    if (!qforge::readNpy(path, array, error)) {
      llvm::errs() << "qforge: error: " << path << ": " << error << "\n";
      return 1;
    }
    inputs.push_back(std::move(array));
  }
  OwningOpRef<ModuleOp> module = importModel(context);
  if (!module)
    return 1;
  std::unique_ptr<qforge::JitModel> model =
      qforge::JitModel::compile(*module, functionName);
  if (!model)
    return 1;
  std::vector<qforge::NpyArray> outputs;
  std::string error;
  if (!model->run(inputs, outputs, error)) {
    llvm::errs() << "qforge: error: " << error << "\n";
    return 1;
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(outputFile)) {
    llvm::errs() << "qforge: error: cannot create '" << outputFile
                 << "': " << ec.message() << "\n";
    return 1;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    llvm::SmallString<256> path(outputFile);
    llvm::sys::path::append(path, "output_" + std::to_string(i) + ".npy");
    if (!qforge::writeNpy(path, outputs[i], error)) {
      llvm::errs() << "qforge: error: cannot write '" << path << "': " << error
                   << "\n";
      return 1;
    }
  }
  return 0;
}

static int runListOps() {
  std::vector<qforge::SupportedOp> ops = qforge::supportedOnnxOps();
  if (!markdown) {
    for (const qforge::SupportedOp &op : ops)
      llvm::outs() << op.name << "\n";
    return 0;
  }
  llvm::outs()
      << "# Supported ONNX operators\n\n"
      << "Generated by `qforge list-ops --markdown` from the importer's own "
         "table; a test fails when\nthis file and the code disagree. Operators "
         "of the default domain (`ai.onnx`), opsets 7 and\nnewer (\"since\" is "
         "the oldest opset whose form the converter reads; attribute and input\n"
         "forms that changed between opsets are both handled). Constant "
         "integer computations (shape\narithmetic) are evaluated at import. "
         "Everything else is reported by name, with every node\nthat uses it, "
         "in one run. What the TOSA ops become further down: see "
         "`docs/design.md`.\n\n"
      << "| ONNX operator | since opset | becomes | notes |\n"
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
      "  qforge run MODEL.onnx IN.npy... -o OUTDIR [--input-shape=NAME:DIMS]...\n"
      "  qforge list-ops [--markdown]\n");
  // The lowering pipelines are parsed from text, so every pass must be
  // registered, and the context must know every dialect they create.
  registerAllPasses();
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  MLIRContext context(registry);
  ScopedDiagnosticHandler handler(&context, printDiagnostic);
  if (importCmd)
    return runImport(context);
  if (runCmd)
    return runRun(context);
  if (listOpsCmd)
    return runListOps();
  llvm::errs() << "qforge: error: no subcommand; see 'qforge --help'\n";
  return 1;
}
