//===- qforge.cpp - the qforge compiler driver ----------------------------===//
//
// Model in, artefact out. Subcommands:
//   qforge import MODEL.onnx -o MODEL.mlir   ONNX to MLIR (TOSA on tensors)
//   qforge compile MODEL.onnx -o OUT          object/library + C header,
//                                            executable, or IR
//   qforge calibrate MODEL.onnx --calib-data=X.npy -o TABLE.json
//                                            observe activations on samples
//   qforge run MODEL.onnx IN.npy... -o DIR   import, lower, JIT-run
//   qforge list-ops [--markdown]             the supported ONNX operators
//
//===----------------------------------------------------------------------===//

#include "qforge/Calibration/Calibrator.h"
#include "qforge/Dialect/QF/Utils/OnnxNames.h"
#include "qforge/Emit/Emitter.h"
#include "qforge/Execution/JitRunner.h"
#include "qforge/Import/OnnxImporter.h"
#include "qforge/Quantization/Equalize.h"
#include "qforge/Quantization/MeasuredBiasCorrection.h"
#include "qforge/Quantization/PrecisionSearch.h"
#include "qforge/Quantization/Quantize.h"
#include "qforge/Quantization/Report.h"
#include "qforge/Support/Npy.h"
#include "qforge/Pipeline/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "mlir/Transforms/Passes.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"

#include <cctype>
#include <limits>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory qforgeCategory("qforge options");

static cl::SubCommand importCmd("import", "Import an ONNX model as MLIR");
static cl::SubCommand compileCmd(
    "compile", "Compile an ONNX model ahead of time: an object file or static "
               "library with its C header, a standalone executable, or LLVM "
               "IR, assembly or the lowered MLIR");
static cl::SubCommand runCmd(
    "run", "Import an ONNX model, lower it and run it in-process (JIT) on "
           ".npy inputs; writes OUTDIR/output_<i>.npy");
static cl::SubCommand calibrateCmd(
    "calibrate",
    "Run the float model (JIT) on sample data, record every tensor "
    "quantization will rewrite and write a calibration table (JSON) with the "
    "range each method chooses");
static cl::SubCommand listOpsCmd("list-ops",
                                 "List the supported ONNX operators");

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::sub(importCmd),
                                      cl::sub(runCmd), cl::sub(compileCmd),
                                      cl::sub(calibrateCmd),
                                      cl::cat(qforgeCategory));
static cl::list<std::string> runInputs(cl::Positional,
                                       cl::desc("<input.npy>... (model input order)"),
                                       cl::sub(runCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> outputFile(
    "o",
    cl::desc("Output: a file for import ('-' for stdout), a directory for run; "
             "for compile the object or library (its header goes beside it, "
             "extension .h), the executable, or the IR file; for calibrate "
             "the table ('-' for stdout)"),
    cl::value_desc("path"), cl::init("-"), cl::sub(importCmd), cl::sub(runCmd),
    cl::sub(compileCmd), cl::sub(calibrateCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> emitKind(
    "emit", cl::desc("What compile writes: obj (default; plus a C header), "
                     "lib (a static library; plus a C header), "
                     "exe (a standalone executable: OUT IN.npy... -o OUTDIR "
                     "[--bench N]), llvm (LLVM IR), asm, mlir (the "
                     "LLVM-dialect module)"),
    cl::value_desc("obj|lib|exe|llvm|asm|mlir"), cl::init("obj"), cl::sub(compileCmd),
    cl::cat(qforgeCategory));
static cl::opt<std::string> targetName(
    "target",
    cl::desc("Code generation target: host (default; this CPU's features), "
             "x86_64 or x86_64-avx2 (AVX2), x86_64-v2 (SSE4.2, no AVX), "
             "x86_64-avxvnni (AVX2 and AVX-VNNI), "
             "x86_64-avx512vnni, x86_64-amx (AVX-512 VNNI and VBMI, AMX-INT8), "
             "the CPUs skylake, alderlake, icelake-server, "
             "sapphirerapids (AMX) and znver4, aarch64, aarch64-dotprod, aarch64-i8mm. "
             "It also picks the kernels: targets with AMX-INT8 run int8 matmuls "
             "and convolutions of at least 32 rows on AMX tiles (the VNNI kernel "
             "where the system refuses AMX at run time, or QFORGE_AMX=0), "
             "targets with AVX-512 VNNI get qforge's "
             "vpdpbusd int8 and int4 kernels, targets with AVX-512 the float FMA "
             "kernels (convolutions, matmuls, depthwise convolutions), targets "
             "with AVX-VNNI but no AVX-512 the vpdpbusd int8 and int4 kernels on "
             "256-bit registers, targets with AVX2 and FMA but no AVX-512 the "
             "float FMA kernels on 256-bit registers and, without AVX-VNNI, "
             "int8 and int4 kernels on vpmaddwd (bytes widened to int16), every "
             "AArch64 target the float fmla kernels and those with dotprod or "
             "i8mm the sdot or smmla int8 and int4 kernels, the others the "
             "reference loops"),
    cl::value_desc("name"), cl::init("host"), cl::sub(compileCmd),
    cl::cat(qforgeCategory));
static cl::opt<int64_t> threads(
    "threads",
    cl::desc("Threads the compiled model runs on (qforge's kernels and large "
             "element-wise ops split their output; other ops and the reference "
             "loops run on the calling thread): 0 "
             "(default) = the CPUs online when it runs, 1 = sequential code "
             "with no thread pool. The environment variable QFORGE_NUM_THREADS "
             "overrides the number at run time (executables: --threads N)"),
    cl::value_desc("N"), cl::init(0), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<bool> profileLayers(
    "profile",
    cl::desc("Time each layer (ONNX node, with the nodes fused into it) at "
             "run time: the executable's --profile prints where the time "
             "goes; an object or library exports NAME_profile_seconds and "
             "NAME_profile_names (declared in its header). Costs a clock "
             "read per layer"),
    cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Pin an input's shape, e.g. --input-shape=input:1x3x224x224 "
             "(repeatable). Without it a dynamic leading (batch) dimension "
             "becomes 1 and any other dynamic dimension is an error"),
    cl::value_desc("NAME:DIMS"), cl::sub(importCmd), cl::sub(runCmd),
    cl::sub(compileCmd), cl::sub(calibrateCmd), cl::cat(qforgeCategory));
static cl::list<std::string> stateOutputs(
    "state",
    cl::desc("Output OUTPUT is a state the next call passes back as input "
             "INPUT (repeatable); the header and the executable's --stream "
             "carry it. A recurrent layer (LSTM, GRU, RNN) whose initial "
             "state is a graph input and whose final state a graph output "
             "needs none"),
    cl::value_desc("OUTPUT=INPUT"), cl::sub(importCmd), cl::sub(compileCmd),
    cl::cat(qforgeCategory));
static cl::opt<std::string> functionName(
    "name",
    cl::desc("Name of the generated function (import: default main; compile: "
             "default the model file's name, and the prefix of the header's "
             "symbols)"),
    cl::init("main"), cl::sub(importCmd), cl::sub(compileCmd),
    cl::cat(qforgeCategory));
static cl::opt<bool> debugInfo(
    "debug-info",
    cl::desc("Print locations (each op's ONNX node name) in the output"),
    cl::sub(importCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> scratchOwner(
    "scratch",
    cl::desc("Who owns the scratch arena of intermediate tensors: model "
             "(default; allocated per call) or caller (a trailing argument of "
             "NAME_run; obj and lib only)"),
    cl::value_desc("model|caller"), cl::init("model"), cl::sub(compileCmd),
    cl::cat(qforgeCategory));
static cl::opt<bool> timePasses(
    "time-passes",
    cl::desc("Print, on stderr, the wall time of each stage of the compilation (import, "
             "quantization, every lowering pass, LLVM's translation, -O3 and code "
             "generation) as one tree"),
    cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<bool> memReport(
    "mem-report",
    cl::desc("Print, on stderr, the compiler's peak resident memory after each stage and "
             "the model's weight bytes"),
    cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<bool> quiet("quiet", cl::desc("Print nothing but errors"),
                           cl::sub(compileCmd), cl::sub(calibrateCmd),
                           cl::cat(qforgeCategory));
static cl::list<std::string> calibData(
    "calib-data",
    cl::desc("Calibration samples: one .npy file per model input, in input "
             "order (repeat the option), leading dimension = samples; or one "
             "directory holding INPUT_NAME.npy per input"),
    cl::value_desc("FILE.npy|DIR"), cl::sub(calibrateCmd),
    cl::cat(qforgeCategory));
static cl::opt<std::string> calibMethod(
    "calib-method",
    cl::desc("Range method recorded as the table's default: minmax (default), "
             "percentile, entropy (KL divergence), mse (least squared "
             "quantization error); the table holds every method's range"),
    cl::value_desc("minmax|percentile|entropy|mse"), cl::init("minmax"),
    cl::sub(calibrateCmd), cl::cat(qforgeCategory));
static cl::opt<double> calibPercentile(
    "calib-percentile",
    cl::desc("The percentile method's p: the range holds p% of the values "
             "(default 99.99)"),
    cl::value_desc("p"), cl::init(99.99), cl::sub(calibrateCmd),
    cl::cat(qforgeCategory));
static cl::opt<std::string> crossLayerEqualization(
    "cross-layer-equalization",
    cl::desc("Before calibrating, rescale the channels consecutive "
             "convolutions share so that their weight ranges match "
             "(qf-equalize-cross-layer): 'exact' across ReLU, max pooling and "
             "layout ops (the float model computes the same); "
             "'relu6-to-relu' across ReLU6 too, lifting it to ReLU (the float "
             "model changes where an activation exceeded 6). The table "
             "records it and compile repeats it (default: off)"),
    cl::value_desc("off|exact|relu6-to-relu"), cl::init("off"), cl::sub(calibrateCmd),
    cl::cat(qforgeCategory));
static cl::opt<std::string> calibTable(
    "calib-table",
    cl::desc("A calibration table from 'qforge calibrate'; checked against the "
             "model (a stale table is an error naming the tensor) and used "
             "by --precision=int8|int4|auto"),
    cl::value_desc("TABLE.json"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> precision(
    "precision",
    cl::desc("fp32 (default); int8 or int4: convolutions and matmuls with "
             "constant weights compute in integers with int8 activations "
             "from --calib-table and int8 weights per output channel (int8) "
             "or 4-bit weights with --group-size scales, packed two per byte "
             "(int4); the rest stays float. int8-dynamic: matmuls (Gemm, "
             "MatMul) with int8 weights and their activation quantized at run "
             "time on each call (no --calib-table). auto: a precision per "
             "layer (int8 or float for --optimize-for=speed, float alone on "
             "targets without integer kernels; int4, int8 or float for size) "
             "chosen by measuring the model on --eval-data so that the "
             "accuracy drop stays within --max-drop"),
    cl::value_desc("fp32|int8|int4|int8-dynamic|auto"), cl::init("fp32"),
    cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> precisionPlanFile(
    "precision-plan",
    cl::desc("With --precision=int8|int4: a per-layer precision plan (JSON, as "
             "--save-precision-plan writes): its layers take its precision "
             "(int4, int8 or fp32), the others --precision's"),
    cl::value_desc("PLAN.json"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> savePrecisionPlan(
    "save-precision-plan",
    cl::desc("With --precision=auto: write the chosen plan (and the search's "
             "measurements) to FILE, for --precision-plan"),
    cl::value_desc("PLAN.json"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::list<std::string> evalData(
    "eval-data",
    cl::desc("With --precision=auto: the samples the accuracy drop is measured "
             "on (the calibration data format: one .npy per input, or a "
             "directory; at most 1000 model runs per candidate)"),
    cl::value_desc("IN.npy|DIR"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> evalLabels(
    "eval-labels",
    cl::desc("With --precision=auto --metric=top1: the class of each evaluation "
             "sample (.npy of integers); the drop is then float accuracy minus "
             "quantized accuracy, else the share of samples whose top class "
             "changes"),
    cl::value_desc("LABELS.npy"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> maxDrop(
    "max-drop",
    cl::desc("With --precision=auto: the largest accepted drop of --metric "
             "against the float model, as a fraction (0.005) or a percentage "
             "(0.5%); default 1%"),
    cl::value_desc("D"), cl::init("1%"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> accuracyMetric(
    "metric",
    cl::desc("With --precision=auto: top1 (default with --eval-labels), cosine "
             "(default without: 1 - mean cosine similarity of the outputs), iou "
             "(1 - IoU of the first output's mask > 0.5) or mse (relative "
             "squared error)"),
    cl::value_desc("top1|cosine|iou|mse"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> optimizeFor(
    "optimize-for",
    cl::desc("With --precision=auto: speed (default; int8 layers, float where "
             "the budget needs it; all float on targets without integer "
             "kernels) or size (int4 layers, then int8, then float)"),
    cl::value_desc("speed|size"), cl::init("speed"), cl::sub(compileCmd),
    cl::cat(qforgeCategory));
static cl::opt<int64_t> groupSize(
    "group-size",
    cl::desc("With --precision=int4: weights per scale along the reduction "
             "axis (default 32; 0 = one scale per output channel). Layers "
             "whose reduction axis is not a multiple longer than a group get "
             "per-channel scales"),
    cl::value_desc("n"), cl::init(32), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> reportFile(
    "report",
    cl::desc("With --precision=int8|int4|auto|int8-dynamic: write what "
             "quantization did per layer (precision, weight bytes before and "
             "after, SQNR with --report-data) and in total (weight ratio, "
             "activation arena) as JSON to FILE, as one self-contained HTML "
             "page (charts and a sortable table) to FILE.html, or as a table "
             "to stdout with '-'"),
    cl::value_desc("FILE.json|FILE.html|-"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::list<std::string> reportData(
    "report-data",
    cl::desc("With --report: measure each quantized layer's SQNR against the "
             "float model on these samples (the calibration data format: "
             "one .npy per input, or a directory; at most 100 model runs)"),
    cl::value_desc("IN.npy|DIR"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> reportProfile(
    "report-profile",
    cl::desc("With --report: each layer's time per run in the report, from "
             "the --profile-json output of this model's executable compiled "
             "with --profile"),
    cl::value_desc("PROFILE.json"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<double> sqnrThreshold(
    "sqnr-threshold",
    cl::desc("With --report-data: flag layers whose SQNR is below this many "
             "dB (default 20)"),
    cl::value_desc("dB"), cl::init(20.0), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::list<std::string> excludeNodes(
    "exclude",
    cl::desc("With --precision=int8|int4|auto: leave these ONNX nodes (convolutions "
             "or matmuls, by node name) float; comma-separated or repeated"),
    cl::value_desc("NODE,..."), cl::CommaSeparated, cl::sub(compileCmd),
    cl::cat(qforgeCategory));
static cl::list<std::string> keepFloatOps(
    "keep-float",
    cl::desc("With --precision=int8|int4|auto: leave every node of these kinds "
             "float: Conv, Gemm, MatMul (Gemm and MatMul both name matmul "
             "layers)"),
    cl::value_desc("OPTYPE,..."), cl::CommaSeparated, cl::sub(compileCmd),
    cl::cat(qforgeCategory));
static cl::opt<bool> biasCorrection(
    "bias-correction",
    cl::desc("With --precision=int8|int4|auto: subtract from each output "
             "channel's bias the mean its weights' rounding adds, from the "
             "calibration table's channel means of the layer's input (tables "
             "from an older qforge have none: re-run calibrate)"),
    cl::init(false), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::list<std::string> biasCorrectionData(
    "bias-correction-data",
    cl::desc("With --precision=int8|int4|auto: run the quantized model beside "
             "the float model on these samples (the calibration data format; "
             "at most 100 model runs per round) and take each layer's mean "
             "output error per channel out of its bias, round by round; the "
             "round whose outputs came closest to float's is kept (no "
             "correction if none improved)"),
    cl::value_desc("IN.npy|DIR"), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<int> biasCorrectionRounds(
    "bias-correction-rounds",
    cl::desc("With --bias-correction-data: correction rounds, each measured "
             "(default 4)"),
    cl::value_desc("n"), cl::init(4), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> weightScales(
    "weight-scales",
    cl::desc("With int8 layers: one weight scale per output channel (channel, "
             "the default) or one for the whole tensor (tensor: the largest "
             "|w| / 127; coarser, for comparison with per-tensor quantizers)"),
    cl::value_desc("channel|tensor"), cl::init("channel"), cl::sub(compileCmd),
    cl::cat(qforgeCategory));
static cl::opt<bool> int4ScaleSearch(
    "int4-scale-search",
    cl::desc("With int4 layers: choose each group's scale among clipped "
             "candidates (1 to 0.6 times the largest |w| / 7) by the least "
             "weight error weighted by the input channels' mean squares from "
             "the calibration table"),
    cl::init(false), cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> activationScheme(
    "activation-scheme",
    cl::desc("With --precision=int8|int4|auto: asymmetric activations (default; "
             "zero point from the range) or symmetric (zero point 0)"),
    cl::value_desc("asymmetric|symmetric"), cl::init("asymmetric"),
    cl::sub(compileCmd), cl::cat(qforgeCategory));
static cl::opt<std::string> quantMethod(
    "calib-method-override",
    cl::desc("With --precision=int8|int4|auto: use this method's ranges instead of the "
             "table's default (minmax, percentile, entropy, mse)"),
    cl::value_desc("method"), cl::sub(compileCmd), cl::cat(qforgeCategory));
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

/// Imports `inputFile` with the command line's options as function `name`;
/// null on failure (already reported).
static OwningOpRef<ModuleOp> importModel(MLIRContext &context,
                                         llvm::StringRef name) {
  qforge::ImportOptions options;
  options.functionName = name.str();
  for (const std::string &text : inputShapes) {
    std::string name, error;
    std::vector<int64_t> shape;
    if (!qforge::parseInputShape(text, name, shape, error)) {
      llvm::errs() << "qforge: error: --input-shape: " << error << "\n";
      return nullptr;
    }
    options.inputShapes[name] = shape;
  }
  for (const std::string &text : stateOutputs) {
    std::string output, input, error;
    if (!qforge::parseStatePair(text, output, input, error)) {
      llvm::errs() << "qforge: error: --state: " << error << "\n";
      return nullptr;
    }
    options.states.emplace_back(output, input);
  }
  return qforge::importOnnxFile(context, inputFile, options);
}

static int runImport(MLIRContext &context) {
  OwningOpRef<ModuleOp> module = importModel(context, functionName);
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
  OwningOpRef<ModuleOp> module = importModel(context, functionName);
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

/// A C identifier from a model file name: "mnist-cnn.onnx" -> "mnist_cnn".
static std::string symbolFromPath(llvm::StringRef path) {
  std::string name;
  for (char c : llvm::sys::path::stem(path))
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
    name = "model_" + name;
  return name;
}

/// Writes `content` through an output file that is removed unless the
/// whole write succeeds.
static bool writeFile(llvm::StringRef path,
                      llvm::function_ref<bool(llvm::raw_pwrite_stream &,
                                              std::string &)> write) {
  std::string error;
  auto output = openOutputFile(path, &error);
  if (!output) {
    llvm::errs() << "qforge: error: " << error << "\n";
    return false;
  }
  if (!write(output->os(), error)) {
    llvm::errs() << "qforge: error: " << error << "\n";
    return false;
  }
  output->os().flush();
  if (output->os().has_error()) {
    llvm::errs() << "qforge: error: cannot write '" << path << "'\n";
    output->os().clear_error();
    return false;
  }
  output->keep();
  return true;
}

/// Cross-layer equalization of the float model, as calibrate chose it (and
/// the table records it); says what it did unless --quiet.
static void equalize(ModuleOp module, StringRef name,
                     const qforge::CalibrationTable::Equalization &how) {
  qforge::EqualizationSummary done = qforge::equalizeCrossLayer(
      module.lookupSymbol<func::FuncOp>(name),
      {how.relu6ToRelu, static_cast<int>(how.iterations)});
  if (quiet || outputFile == "-")
    return;
  llvm::outs() << "qforge: cross-layer equalization: " << done.pairs
               << " pairs of convolutions rescaled";
  if (how.relu6ToRelu)
    llvm::outs() << ", " << done.relu6Lifted << " ReLU6 lifted to ReLU";
  llvm::outs() << "\n";
}

static int runCalibrate(MLIRContext &context) {
  std::optional<qforge::CalibMethod> method =
      qforge::parseCalibMethod(calibMethod);
  if (!method) {
    llvm::errs() << "qforge: error: --calib-method=" << calibMethod
                 << " is not one of minmax, percentile, entropy, mse\n";
    return 1;
  }
  if (!(calibPercentile > 0 && calibPercentile <= 100)) {
    llvm::errs() << "qforge: error: --calib-percentile="
                 << llvm::format("%g", calibPercentile.getValue())
                 << " is not in (0, 100]\n";
    return 1;
  }
  if (crossLayerEqualization != "off" && crossLayerEqualization != "exact" &&
      crossLayerEqualization != "relu6-to-relu") {
    llvm::errs() << "qforge: error: --cross-layer-equalization=" << crossLayerEqualization
                 << " is not one of off, exact, relu6-to-relu\n";
    return 1;
  }
  OwningOpRef<ModuleOp> module = importModel(context, functionName);
  if (!module)
    return 1;
  std::optional<qforge::CalibrationTable::Equalization> equalization;
  if (crossLayerEqualization != "off") {
    equalization = {crossLayerEqualization == "relu6-to-relu",
                    qforge::EqualizationOptions().iterations};
    equalize(*module, functionName, *equalization);
  }
  qforge::CalibrationOptions options;
  options.dataPaths.assign(calibData.begin(), calibData.end());
  options.method = *method;
  options.range.percentile = calibPercentile;
  options.quiet = quiet || outputFile == "-";
  options.modelPath = inputFile;
  std::optional<qforge::CalibrationTable> table =
      qforge::calibrate(*module, functionName, options);
  if (!table)
    return 1;
  table->equalization = equalization;
  return writeFile(outputFile, [&](llvm::raw_pwrite_stream &os, std::string &) {
           qforge::writeCalibrationTable(*table, os);
           return true;
         })
             ? 0
             : 1;
}

/// Reads --calib-table and checks it against the tensors the model's
/// observers would record.
static std::optional<qforge::CalibrationTable> readCheckedTable(ModuleOp module) {
  qforge::CalibrationTable table;
  std::string error;
  if (!qforge::readCalibrationTable(calibTable, table, error)) {
    llvm::errs() << "qforge: error: " << calibTable << ": " << error << "\n";
    return std::nullopt;
  }
  if (failed(qforge::checkTableMatches(module, table, calibTable)))
    return std::nullopt;
  return table;
}

/// What `qforge compile` was asked for, once its options are checked.
struct CompileRequest {
  qforge::EmitKind kind = qforge::EmitKind::Object;
  qforge::TargetSpec target;
  std::string name;      // The model function and the header's prefix.
  bool quantize = false; // int8 or int4 from a calibration table.
  bool dynamic = false;  // int8-dynamic.
  bool search = false;   // auto: a precision per layer, searched.
  bool callerScratch = false;
};

static bool fail(const llvm::Twine &message) {
  llvm::errs() << "qforge: error: " << message << "\n";
  return false;
}

/// Checks the options that say what to write and for which target.
static bool checkOutputOptions(CompileRequest &request) {
  if (outputFile == "-")
    return fail("compile needs -o OUT");
  if (threads < 0)
    return fail("--threads=" + llvm::Twine(threads.getValue()) +
                " is negative (0 means the CPUs online at run time)");
  if (emitKind == "llvm")
    request.kind = qforge::EmitKind::LLVMIR;
  else if (emitKind == "asm")
    request.kind = qforge::EmitKind::Assembly;
  else if (emitKind != "obj" && emitKind != "exe" && emitKind != "lib" && emitKind != "mlir")
    return fail("--emit=" + emitKind + " is not one of obj, lib, exe, llvm, asm, mlir");
  std::string error;
  if (!qforge::resolveTarget(targetName, request.target, error))
    return fail("--target: " + error);
  if (scratchOwner != "model" && scratchOwner != "caller")
    return fail("--scratch=" + scratchOwner + " is not one of model, caller");
  request.callerScratch = scratchOwner == "caller";
  if (request.callerScratch && emitKind == "exe")
    return fail("executables own their scratch memory; --scratch=caller is for obj and lib");
  request.name = functionName.getNumOccurrences() ? functionName.getValue()
                                                  : symbolFromPath(inputFile);
  return true;
}

/// --max-drop as a fraction: "0.5%" or "0.005".
static std::optional<double> parseDrop(StringRef text) {
  bool percent = text.consume_back("%");
  double value;
  if (text.trim().getAsDouble(value) || !(value >= 0) || !std::isfinite(value))
    return std::nullopt;
  return percent ? value / 100 : value;
}

/// --metric, or its default: top1 with labels, cosine without.
static qforge::AccuracyMetric chosenMetric() {
  if (!accuracyMetric.empty())
    return *qforge::parseAccuracyMetric(accuracyMetric);
  return evalLabels.empty() ? qforge::AccuracyMetric::Cosine : qforge::AccuracyMetric::Top1;
}

/// Checks the options of --precision=auto, and that none is given without
/// it.
static bool checkSearchOptions(const CompileRequest &request) {
  if (!request.search) {
    if (!evalData.empty() || !evalLabels.empty() || !savePrecisionPlan.empty() ||
        accuracyMetric.getNumOccurrences() || maxDrop.getNumOccurrences() ||
        optimizeFor.getNumOccurrences())
      return fail("--eval-data, --eval-labels, --metric, --max-drop, --optimize-for and "
                  "--save-precision-plan steer the precision search; they need "
                  "--precision=auto");
    if (!precisionPlanFile.empty() && !request.quantize)
      return fail("--precision-plan sets precisions per layer of a quantized model; it "
                  "needs --precision=int8 or int4");
    return true;
  }
  if (evalData.empty())
    return fail("--precision=auto needs --eval-data: the samples it measures the accuracy "
                "drop on");
  if (!precisionPlanFile.empty())
    return fail("--precision-plan gives the precisions --precision=auto would choose; give "
                "one or the other");
  if (!parseDrop(maxDrop))
    return fail("--max-drop=" + maxDrop +
                " is not a non-negative fraction (0.005) or percentage (0.5%)");
  if (!accuracyMetric.empty() && !qforge::parseAccuracyMetric(accuracyMetric))
    return fail("--metric=" + accuracyMetric + " is not one of top1, cosine, iou, mse");
  if (!evalLabels.empty() && chosenMetric() != qforge::AccuracyMetric::Top1)
    return fail("--eval-labels gives the classes --metric=top1 scores; --metric=" +
                accuracyMetric + " compares with the float model");
  if (optimizeFor != "speed" && optimizeFor != "size")
    return fail("--optimize-for=" + optimizeFor + " is not one of speed, size");
  return true;
}

/// Checks the options that say how to quantize.
static bool checkQuantizationOptions(CompileRequest &request) {
  if (precision != "fp32" && precision != "int8" && precision != "int4" &&
      precision != "int8-dynamic" && precision != "auto")
    return fail("--precision=" + precision +
                " is not one of fp32, int8, int4, int8-dynamic, auto");
  request.dynamic = precision == "int8-dynamic";
  request.search = precision == "auto";
  request.quantize = precision != "fp32" && !request.dynamic;
  if (request.dynamic && (!calibTable.empty() || !excludeNodes.empty() ||
                          !keepFloatOps.empty() || !reportData.empty()))
    return fail("--precision=int8-dynamic quantizes every matmul's activation at run "
                "time; it takes no --calib-table, --exclude, --keep-float or --report-data");
  if (request.quantize && calibTable.empty())
    return fail("--precision=" + precision + " needs --calib-table (from 'qforge calibrate')");
  if (groupSize < 0)
    return fail("--group-size=" + llvm::Twine(groupSize.getValue()) +
                " must be 0 (per channel) or positive");
  if (weightScales != "channel" && weightScales != "tensor")
    return fail("--weight-scales=" + weightScales + " is not one of channel, tensor");
  if (activationScheme != "asymmetric" && activationScheme != "symmetric")
    return fail("--activation-scheme=" + activationScheme +
                " is not one of asymmetric, symmetric");
  for (const std::string &kind : keepFloatOps)
    if (kind != "Conv" && kind != "Gemm" && kind != "MatMul")
      return fail("--keep-float=" + kind + " is not one of Conv, Gemm, MatMul");
  if ((!excludeNodes.empty() || !keepFloatOps.empty()) && !request.quantize)
    return fail("--exclude and --keep-float choose what stays float in a quantized "
                "model; they need --precision=int8, int4 or auto");
  if (!reportData.empty() && reportFile.empty())
    return fail("--report-data measures SQNR for the report; it needs --report");
  if (!biasCorrectionData.empty() && !request.quantize)
    return fail("--bias-correction-data corrects a quantized model's biases; it needs "
                "--precision=int8, int4 or auto");
  if (biasCorrectionRounds < 1 || biasCorrectionRounds > 16)
    return fail("--bias-correction-rounds=" + llvm::Twine(biasCorrectionRounds.getValue()) +
                " is not in 1..16");
  if (!reportProfile.empty() && reportFile.empty())
    return fail("--report-profile adds layer times to the report; it needs --report");
  if (!reportFile.empty() && !request.quantize && !request.dynamic)
    return fail("--report describes quantization; it needs --precision=int8, int4 or "
                "int8-dynamic");
  if (!quantMethod.empty() && !qforge::parseCalibMethod(quantMethod))
    return fail("method '" + quantMethod + "' is not one of minmax, percentile, entropy, mse");
  return checkSearchOptions(request);
}

/// The quantizer's options from the command line and the table.
static qforge::QuantizeOptions quantizeOptions(const qforge::CalibrationTable &table) {
  qforge::QuantizeOptions options;
  options.method = table.method;
  options.precision = precision == "int4" ? qforge::WeightPrecision::Int4
                                          : qforge::WeightPrecision::Int8;
  options.groupSize = groupSize;
  options.symmetric = activationScheme == "symmetric";
  options.biasCorrection = biasCorrection;
  options.int4ScaleSearch = int4ScaleSearch;
  options.perTensorWeights = weightScales == "tensor";
  if (!quantMethod.empty())
    options.method = *qforge::parseCalibMethod(quantMethod);
  options.excludedNodes.assign(excludeNodes.begin(), excludeNodes.end());
  options.keepFloatOps.assign(keepFloatOps.begin(), keepFloatOps.end());
  return options;
}

/// A name given to --exclude or in --precision-plan that matched nothing
/// is a typo or a node that is no convolution or matmul; either way the
/// user's intent was not applied.
static bool checkNamedNodesExist(const qforge::QuantizationReport &report,
                                 const qforge::QuantizeOptions &options) {
  auto unknown = [&](auto &&nodes) {
    std::vector<std::string> missing;
    for (const std::string &node : nodes)
      if (llvm::none_of(report.layers,
                        [&](const qforge::QuantizedLayer &l) { return l.node == node; }))
        missing.push_back(node);
    return llvm::join(missing, ", ");
  };
  std::string excluded = unknown(excludeNodes);
  std::string planned = unknown(llvm::make_first_range(options.layerPrecision));
  if (!excluded.empty())
    fail(inputFile + ": --exclude names no convolution or matmul node: " + excluded);
  if (!planned.empty())
    fail(inputFile + ": " + precisionPlanFile +
         " names no convolution or matmul node of the model: " + planned);
  return excluded.empty() && planned.empty();
}

/// The file at `path` as `parse` (text, error) reads it; nullopt after an
/// error naming the file.
template <typename T>
static std::optional<T> readParsedFile(const std::string &path,
                                       std::optional<T> (*parse)(StringRef, std::string &)) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    fail(path + ": " + buffer.getError().message());
    return std::nullopt;
  }
  std::string error;
  std::optional<T> parsed = parse((*buffer)->getBuffer(), error);
  if (!parsed)
    fail(path + ": " + error);
  return parsed;
}

/// --precision-plan's layers, into `options`.
static bool readPrecisionPlan(qforge::QuantizeOptions &options,
                              qforge::QuantizationReport &report) {
  if (precisionPlanFile.empty())
    return true;
  std::optional<qforge::PrecisionPlan> plan =
      readParsedFile(precisionPlanFile, qforge::parsePrecisionPlan);
  if (!plan)
    return false;
  options.layerPrecision = plan->layers;
  report.planFile = precisionPlanFile;
  return true;
}

/// --precision=auto: searches a plan on copies of the float `module` and
/// sets it in `options`; records the search in `report` and, with
/// --save-precision-plan, writes the plan.
static bool searchPrecisionPlan(MLIRContext &context, ModuleOp module,
                                const CompileRequest &request,
                                const qforge::CalibrationTable &table,
                                qforge::QuantizeOptions &options,
                                qforge::QuantizationReport &report) {
  qforge::PrecisionSearchOptions search;
  search.base = options;
  search.evalData.assign(evalData.begin(), evalData.end());
  search.labelsPath = evalLabels;
  search.metric = report.searchMetric = chosenMetric();
  search.maxDrop = report.maxDrop = *parseDrop(maxDrop);
  search.objective = optimizeFor == "size" ? qforge::SearchObjective::Size
                                           : qforge::SearchObjective::Speed;
  search.integerKernels = qforge::hasIntegerKernels(qforge::kernelFamilyFor(request.target));
  search.progress = !quiet;
  {
    // Each candidate would repeat quantization's warnings; the final
    // quantization gives them once.
    ScopedDiagnosticHandler silence(&context, [](Diagnostic &d) {
      return success(d.getSeverity() == DiagnosticSeverity::Warning);
    });
    report.search = qforge::searchPrecision(module, request.name, table, search);
  }
  if (!report.search)
    return false;
  options.layerPrecision = report.search->plan.layers;
  if (savePrecisionPlan.empty())
    return true;
  return writeFile(savePrecisionPlan, [&](llvm::raw_pwrite_stream &os, std::string &) {
    os << llvm::formatv("{0:2}", llvm::json::Value(qforge::precisionPlanJSON(
                                     report.search->plan, qforge::searchSummaryJSON(report))))
       << "\n";
    return true;
  });
}

/// Every quantized layer's int32 accumulator provably holds its sums (the
/// bound quantization computed from the integer weights and bias); a layer
/// whose could overflow is an error naming it and the way out.
static bool checkAccumulatorBounds(const qforge::QuantizationReport &report) {
  bool ok = true;
  for (const qforge::QuantizedLayer &l : report.layers)
    if (l.accumulatorBound > std::numeric_limits<int32_t>::max()) {
      llvm::WithColor::error(llvm::errs(), "qforge")
          << inputFile << ": node '" << l.node << "': its int32 accumulator could reach "
          << l.accumulatorBound << ", beyond 2^31-1 (255 x the largest sum of |weights| of "
          << "an output channel, plus the bias); keep it float with --exclude=" << l.node
          << "\n";
      ok = false;
    }
  return ok;
}

/// While alive, --quiet keeps warnings to itself (they are not errors).
struct QuietWarnings : ScopedDiagnosticHandler {
  explicit QuietWarnings(MLIRContext &context)
      : ScopedDiagnosticHandler(&context, [](Diagnostic &d) {
          return success(quiet && d.getSeverity() == DiagnosticSeverity::Warning);
        }) {}
};

/// Reports what is still float (not the model's own input scaling before
/// its first quantize, nor what the user excluded) as warnings, checked as
/// the lowering will see it.
static bool reportRemainingFloat(MLIRContext &context, ModuleOp module) {
  PassManager verify(&context);
  qforge::buildQuantizedContractPipeline(verify, /*warnOnly=*/true);
  QuietWarnings silence(context);
  context.printOpOnDiagnostic(false);
  LogicalResult verified = verify.run(module);
  context.printOpOnDiagnostic(true);
  return succeeded(verified);
}

/// --report-profile's layer times into `report`; every layer must be a node
/// of the imported `module` (a profile of another model is an error).
static bool readReportProfile(ModuleOp module, qforge::QuantizationReport &report) {
  if (reportProfile.empty())
    return true;
  std::optional<qforge::LayerTimes> times =
      readParsedFile(reportProfile, qforge::parseLayerTimes);
  if (!times)
    return false;
  llvm::StringSet<> nodes;
  module.walk([&](Operation *op) { nodes.insert(qforge::onnxNodeName(op->getLoc())); });
  std::vector<std::string> unknown;
  for (const auto &[node, ms] : times->layers)
    if (!nodes.contains(node))
      unknown.push_back(node);
  if (!unknown.empty())
    return fail(reportProfile + ": layers that are no node of " + inputFile +
                " (a profile of another model?): " + llvm::join(unknown, ", "));
  times->file = reportProfile;
  report.times = std::move(*times);
  return true;
}

/// Quantizes the imported model as --precision asks, filling `report`.
static bool quantizeModel(MLIRContext &context, ModuleOp module,
                          const CompileRequest &request, qforge::QuantizationReport &report) {
  report.model = inputFile;
  report.precision = precision;
  auto func = module.lookupSymbol<func::FuncOp>(request.name);
  // A table is checked against the model even when nothing is quantized.
  std::optional<qforge::CalibrationTable> table;
  if ((!calibTable.empty() && !(table = readCheckedTable(module))) ||
      !readReportProfile(module, report))
    return false;
  if (request.dynamic) {
    report.layers = qforge::quantizeDynamic(func);
    return true;
  }
  if (!request.quantize)
    return true;
  if (table->equalization)
    equalize(module, request.name, *table->equalization);
  OwningOpRef<ModuleOp> floatModule;
  if (!reportData.empty())
    floatModule = module.clone();
  qforge::QuantizeOptions options = quantizeOptions(*table);
  if (!readPrecisionPlan(options, report) ||
      (request.search &&
       !searchPrecisionPlan(context, module, request, *table, options, report)))
    return false;
  if (!biasCorrectionData.empty() &&
      !qforge::correctBiasesOnData(
          module, request.name, *table, options,
          std::vector<std::string>(biasCorrectionData.begin(), biasCorrectionData.end()),
          biasCorrectionRounds, /*maxRuns=*/100))
    return false;
  {
    // Degenerate weight channels and ranges are warnings.
    QuietWarnings silence(context);
    report.layers = qforge::quantizeFunction(func, *table, options);
  }
  if (!checkNamedNodesExist(report, options) || !checkAccumulatorBounds(report))
    return false;
  report.sqnrThresholdDb = sqnrThreshold;
  if (floatModule) {
    std::vector<std::string> paths(reportData.begin(), reportData.end());
    if (!qforge::measureLayerSqnr(*floatModule, module, request.name, report, paths,
                                  /*maxRuns=*/100))
      return false;
  }
  // After the SQNR measurement, which reads the layers' outputs as
  // quantization left them.
  return reportRemainingFloat(context, module);
}

/// Lowers the model to the LLVM dialect with the target's kernels.
static bool lowerModel(ModuleOp module, const CompileRequest &request,
                       std::vector<qforge::TensorSpec> &inputs,
                       std::vector<qforge::TensorSpec> &outputs,
                       qforge::ScratchMemory &scratch, TimingScope &timing) {
  qforge::KernelOptions kernels;
  kernels.family = qforge::kernelFamilyFor(request.target);
  kernels.threads = threads;
  if (!qforge::functionSignature(module, request.name, inputs, outputs) ||
      failed(qforge::lowerToLLVMDialect(module, request.name, &scratch,
                                        request.callerScratch, kernels, profileLayers,
                                        &timing)))
    return false;
  if (!quiet)
    llvm::outs() << "qforge: " << request.name << ": scratch arena "
                 << llvm::format("%.1f", scratch.arenaBytes / 1024.0) << " KiB for "
                 << scratch.buffers << " intermediate buffers of "
                 << llvm::format("%.1f", scratch.totalBytes / 1024.0) << " KiB (at most "
                 << llvm::format("%.1f", scratch.peakBytes / 1024.0)
                 << " KiB live at once)\n";
  return true;
}

/// Writes --report, as a table on stdout or as JSON.
static bool writeReport(const qforge::QuantizationReport &report) {
  if (reportFile == "-") {
    qforge::printReportTable(llvm::outs(), report);
    return true;
  }
  return reportFile.empty() ||
         writeFile(reportFile, [&](llvm::raw_pwrite_stream &os, std::string &) {
           if (StringRef(reportFile).ends_with_insensitive(".html"))
             qforge::writeReportHTML(os, report);
           else
             qforge::writeReportJSON(os, report);
           return true;
         });
}

/// The MLIR context and the printer of its diagnostics, released together.
struct MlirSession {
  explicit MlirSession(const DialectRegistry &registry)
      : context(registry), handler(&context, printDiagnostic) {}
  MLIRContext context;
  ScopedDiagnosticHandler handler;
};

/// Translates the lowered `module` to LLVM IR, then releases it and the MLIR
/// session: the context keeps every weight attribute made on the way
/// (initializers, their layouts, packed panels) until it is destroyed, and
/// LLVM's optimization and code generation need none of them.
static bool translateAndRelease(OwningOpRef<ModuleOp> &module,
                                std::unique_ptr<MlirSession> &session,
                                const CompileRequest &request,
                                qforge::TranslatedModel &translated, TimingScope &timing) {
  std::string error;
  if (!qforge::translateModel(*module, request.name, request.target, translated, error,
                              &timing))
    return fail(error);
  module = OwningOpRef<ModuleOp>();
  session.reset();
#ifdef __GLIBC__
  // glibc keeps freed heap pages mapped; give them back before LLVM's peak.
  malloc_trim(0);
#endif
  return true;
}

/// Writes the artefact --emit asks for (other than MLIR) from the
/// translated model; an object file or library gets its C header beside it
/// (or neither is left behind).
static bool writeArtefact(qforge::TranslatedModel &translated, const CompileRequest &request,
                          const std::vector<qforge::TensorSpec> &inputs,
                          const std::vector<qforge::TensorSpec> &outputs,
                          const qforge::ScratchMemory &scratch, TimingScope &timing) {
  std::string error;
  if (emitKind == "exe")
    return qforge::linkExecutable(translated, request.name, inputs, outputs, scratch,
                                  request.target, inputFile, outputFile, error, &timing) ||
           fail(error);
  if (!writeFile(outputFile, [&](llvm::raw_pwrite_stream &os, std::string &err) {
        if (emitKind != "lib")
          return qforge::emitCode(translated, request.kind, request.target, os, err, &timing);
        // A static library: the object, archived.
        llvm::SmallString<0> object;
        llvm::raw_svector_ostream objectStream(object);
        return qforge::emitCode(translated, request.kind, request.target, objectStream, err,
                                &timing) &&
               qforge::writeStaticLibrary(object, request.name + ".o", os, err);
      }))
    return false;
  if (request.kind != qforge::EmitKind::Object)
    return true;
  llvm::SmallString<256> header(outputFile);
  llvm::sys::path::replace_extension(header, "h");
  if (writeFile(header, [&](llvm::raw_pwrite_stream &os, std::string &) {
        os << qforge::cHeader(request.name, inputs, outputs, scratch, inputFile,
                              request.target, translated.profiledLayers,
                              translated.threadControl);
        return true;
      }))
    return true;
  llvm::sys::fs::remove(outputFile);
  return false;
}

/// --mem-report: the peak resident memory after each stage.
class MemoryReport {
public:
  void after(llvm::StringRef stage) {
    if (!memReport)
      return;
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    stages.push_back({stage.str(), usage.ru_maxrss / 1024.0}); // KiB on Linux
  }
  void print(int64_t weightBytes) const {
    if (!memReport)
      return;
    llvm::errs() << "qforge: peak resident memory (MiB), model weights "
                 << llvm::format("%.1f", weightBytes / 1048576.0) << " MiB:\n";
    for (const auto &[stage, mib] : stages)
      llvm::errs() << llvm::format("  after %-12s %8.1f\n", stage.c_str(), mib);
  }

private:
  std::vector<std::pair<std::string, double>> stages;
};

/// Bytes of the constant tensors (the weights) of an imported module.
static int64_t weightBytes(ModuleOp module) {
  int64_t bytes = 0;
  module.walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs())
      if (auto elements = dyn_cast<DenseElementsAttr>(attr.getValue()))
        if (elements.getNumElements() > 1 && elements.getElementType().isIntOrFloat())
          bytes += elements.getNumElements() *
                   llvm::divideCeil(elements.getElementType().getIntOrFloatBitWidth(), 8);
  });
  return bytes;
}

static int runCompile(std::unique_ptr<MlirSession> &session) {
  MLIRContext &context = session->context;
  CompileRequest request;
  if (!checkOutputOptions(request) || !checkQuantizationOptions(request))
    return 1;
  DefaultTimingManager timingManager;
  timingManager.setEnabled(timePasses);
  TimingScope timing = timingManager.getRootScope();
  MemoryReport memory;
  TimingScope importing = timing.nest("import");
  OwningOpRef<ModuleOp> module = importModel(context, request.name);
  if (!module)
    return 1;
  importing.stop();
  memory.after("import");
  int64_t weights = memReport ? weightBytes(*module) : 0;
  qforge::QuantizationReport report;
  TimingScope quantizing = timing.nest("quantize");
  if (!quantizeModel(context, *module, request, report))
    return 1;
  quantizing.stop();
  memory.after("quantize");
  std::vector<qforge::TensorSpec> inputs, outputs;
  qforge::ScratchMemory scratch;
  TimingScope lowering = timing.nest("lower");
  if (!lowerModel(*module, request, inputs, outputs, scratch, lowering))
    return 1;
  lowering.stop();
  memory.after("lower");
  report.activationArenaBytes = scratch.arenaBytes;
  if (!writeReport(report))
    return 1;
  TimingScope emitting = timing.nest("emit");
  bool written;
  if (emitKind == "mlir") {
    written = writeFile(outputFile, [&](llvm::raw_pwrite_stream &os, std::string &) {
      module->print(os);
      return true;
    });
  } else {
    qforge::TranslatedModel translated;
    written = translateAndRelease(module, session, request, translated, emitting) &&
              writeArtefact(translated, request, inputs, outputs, scratch, emitting);
  }
  emitting.stop();
  memory.after("emit");
  memory.print(weights);
  return written ? 0 : 1;
}

static int runListOps() {
  std::vector<qforge::SupportedOp> ops = qforge::supportedOnnxOps();
  if (!markdown) {
    for (const qforge::SupportedOp &op : ops)
      llvm::outs() << op.name << "\n";
    return 0;
  }
  llvm::outs()
      << "# ONNX operators\n\n"
      << "Generated by `qforge list-ops --markdown` from the importer's own "
         "table; a test fails when\nthis file and the code disagree. Operators "
         "of the default domain (`ai.onnx`) and the optimizer steps of\n"
         "`ai.onnx.preview.training`, opsets 7 and newer (\"since\" is "
         "the oldest opset whose form the converter reads; attribute and input\n"
         "forms that changed between opsets are both handled); in models of opsets "
         "1-6, the\noperators whose form has not changed since (unary element-wise "
         "ops, reductions,\nglobal pools, InstanceNormalization). Constant "
         "integer computations (shape\narithmetic) are evaluated at import. "
         "Everything else is reported by name, with every node\nthat uses it, "
         "in one run. What the TOSA ops become further down: see "
         "`docs/design.md`.\n\n"
      << "| ONNX operator | since opset | becomes | notes |\n"
      << "| --- | --- | --- | --- |\n";
  for (const qforge::SupportedOp &op : ops)
    llvm::outs() << "| " << op.name << " | " << op.minOpset << " | "
                 << op.lowersTo << " | " << op.notes << " |\n";
  std::vector<qforge::UnsupportedOp> missing = qforge::unsupportedOnnxOps();
  llvm::outs() << "\n## Not supported\n\n"
               << ops.size() << " of the " << ops.size() + missing.size()
               << " operators of ONNX 1.23 (default domain and ai.onnx.preview.training) "
                  "are supported;\nthese " << missing.size()
               << " are not (a model that uses one is rejected with every such node "
                  "named):\n\n"
               << "| ONNX operator | since opset | why not |\n| --- | --- | --- |\n";
  for (const qforge::UnsupportedOp &op : missing)
    llvm::outs() << "| " << op.name << " | " << op.sinceOpset << " | " << op.reason << " |\n";
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(qforgeCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qforge: a quantizing compiler for ONNX models\n\n"
      "  qforge import MODEL.onnx -o MODEL.mlir [--input-shape=NAME:DIMS]...\n"
      "  qforge compile MODEL.onnx -o OUT [--emit=obj|lib|exe|llvm|asm|mlir] "
      "[--target=NAME] [--name=SYMBOL]\n"
      "  qforge calibrate MODEL.onnx --calib-data=IN.npy... -o TABLE.json "
      "[--calib-method=minmax|percentile|entropy|mse]\n"
      "  qforge run MODEL.onnx IN.npy... -o OUTDIR [--input-shape=NAME:DIMS]...\n"
      "  qforge list-ops [--markdown]\n");
  // The lowering pipelines are parsed from text, so every pass must be
  // registered, and the context must know every dialect they create.
  registerAllPasses();
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  auto session = std::make_unique<MlirSession>(registry);
  MLIRContext &context = session->context;
  if (importCmd)
    return runImport(context);
  if (runCmd)
    return runRun(context);
  if (compileCmd)
    return runCompile(session);
  if (calibrateCmd)
    return runCalibrate(context);
  if (listOpsCmd)
    return runListOps();
  llvm::errs() << "qforge: error: no subcommand; see 'qforge --help'\n";
  return 1;
}
