//===- Executable.cpp - standalone executables ----------------------------===//
//
// A compiled model plus a small C main() (ExecutableMain.inc) that reads one
// .npy per input, runs the model (sample by sample when an input holds
// several batches), writes OUTDIR/output_<i>.npy and can time itself, as a
// whole or, compiled with --profile, layer by layer. The
// main and the model object are linked by the platform's C compiler driver:
// `cc` for the host, `aarch64-linux-gnu-gcc` for AArch64 (QFORGE_CC
// overrides either).
//
//===----------------------------------------------------------------------===//

#include "qforge/Emit/Emitter.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace qforge {

static const char *const kExecutableNpy =
#include "qforge/Emit/ExecutableNpy.inc"
    ;
static const char *const kExecutableMain =
#include "ExecutableMain.inc"
    ;

namespace {
/// NumPy descriptor as the main compares it: '<' also for one-byte types,
/// which NumPy writes with '|'.
std::string descr(DType d) {
  std::string text = dtypeDescr(d);
  text[0] = '<';
  return text;
}

std::string table(const std::vector<TensorSpec> &specs) {
  if (specs.empty())
    return "{{0}}";
  std::string t = "{";
  for (const TensorSpec &s : specs) {
    t += "{\"" + descr(s.dtype) + "\", " + std::to_string(s.shape.size()) +
         ", (const int64_t[]){";
    for (size_t d = 0; d < s.shape.size(); ++d)
      t += (d ? ", " : "") + std::to_string(s.shape[d]);
    if (s.shape.empty())
      t += "0";
    t += "}, " + std::to_string(dtypeSize(s.dtype)) + ", " + (s.sequence ? "1" : "0") + ", " +
         std::to_string(s.stateInput) + "},";
  }
  return t + "}";
}

std::string usage(const std::vector<TensorSpec> &inputs,
                  const std::vector<TensorSpec> &outputs) {
  std::string u;
  auto line = [&](const char *kind, size_t i, const TensorSpec &s) {
    u += std::string(kind) + " " + std::to_string(i) + ": " + dtypeName(s.dtype) + " (";
    for (size_t d = 0; d < s.shape.size(); ++d)
      u += (d ? ", " : "") + std::to_string(s.shape[d]);
    u += ")";
    if (s.stateInput >= 0)
      u += ", the state input " + std::to_string(s.stateInput) + " takes next";
    u += "\\n";
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    line("input", i, inputs[i]);
  for (size_t i = 0; i < outputs.size(); ++i)
    line("output", i, outputs[i]);
  return u;
}
} // namespace

bool linkExecutable(TranslatedModel &translated, llvm::StringRef name,
                    const std::vector<TensorSpec> &inputs,
                    const std::vector<TensorSpec> &outputs,
                    const ScratchMemory &scratch, const TargetSpec &target,
                    llvm::StringRef modelPath, llvm::StringRef outPath,
                    std::string &error, mlir::TimingScope *timing) {
  if (scratch.callerOwned) {
    error = "executables own their scratch memory; --scratch=caller is for "
            "objects and libraries";
    return false;
  }
  // The executables' .npy reader holds this many dimensions (ExecutableNpy.c).
  constexpr size_t kMaxRank = 16;
  for (const std::vector<TensorSpec> *specs : {&inputs, &outputs})
    for (const TensorSpec &spec : *specs)
      if (spec.shape.size() > kMaxRank) {
        error = "a model input or output has " + std::to_string(spec.shape.size()) +
                " dimensions; executables read and write at most " +
                std::to_string(kMaxRank) + " (emit an object or library instead)";
        return false;
      }
  std::string compilerName = llvm::StringRef(target.triple).starts_with("aarch64")
                                 ? "aarch64-linux-gnu-gcc"
                                 : "cc";
  if (const char *overridden = std::getenv("QFORGE_CC"))
    compilerName = overridden;
  auto compiler = llvm::sys::findProgramByName(compilerName);
  if (!compiler) {
    error = "no C compiler driver '" + compilerName +
            "' to link the executable (install it, or set QFORGE_CC)";
    return false;
  }

  llvm::SmallString<256> objectPath, mainPath;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("qforge-model", "o", fd,
                                                              objectPath)) {
    error = ec.message();
    return false;
  }
  llvm::FileRemover objectRemover(objectPath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    if (!emitCode(translated, EmitKind::Object, target, os, error, timing))
      return false;
  }
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("qforge-main", "c", fd,
                                                              mainPath)) {
    error = ec.message();
    return false;
  }
  llvm::FileRemover mainRemover(mainPath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    // clock_gettime and mkdir are POSIX, beyond -std=c99.
    int64_t layers = translated.profiledLayers;
    os << "#define _POSIX_C_SOURCE 200809L\n"
       << cHeader(name, inputs, outputs, scratch, modelPath, target, layers,
                  translated.threadControl) << "\n"
       << "#define MODEL_INPUTS " << inputs.size() << "\n"
       << "#define MODEL_OUTPUTS " << outputs.size() << "\n"
       << "#define MODEL_USAGE \"" << usage(inputs, outputs) << "\"\n"
       << "#define MODEL_INPUT_TABLE " << table(inputs) << "\n"
       << "#define MODEL_OUTPUT_TABLE " << table(outputs) << "\n";
    if (layers > 0)
      os << "#define MODEL_PROFILE_LAYERS " << layers << "\n"
         << "#define model_profile_seconds " << name << "_profile_seconds\n"
         << "#define model_profile_names " << name << "_profile_names\n";
    os
       << "static void run_model(void **in, void **out) {\n  " << name << "_run(";
    size_t arg = 0;
    for (size_t i = 0; i < inputs.size(); ++i)
      os << (arg++ ? ", " : "") << "in[" << i << "]";
    for (size_t i = 0; i < outputs.size(); ++i)
      os << (arg++ ? ", " : "") << "out[" << i << "]";
    os << ");\n}\n" << kExecutableNpy << kExecutableMain;
  }

  // Link into a temporary name first: a failed link leaves no output.
  std::string tempOut = (outPath + ".qforge-link").str();
  // The temporary main's random name would go into the executable (its
  // FILE symbol): recorded under a fixed one, two compiles of the same
  // model give the same bytes.
  std::string fixedName = ("-ffile-prefix-map=" + mainPath + "=qforge-main.c").str();
  llvm::SmallVector<llvm::StringRef> args = {
      *compiler,  "-std=c99", "-O2", fixedName, "-o", tempOut, mainPath,
      objectPath, "-lm",      "-pthread"};
  std::string message;
  mlir::TimingScope linking =
      timing ? timing->nest("link the executable") : mlir::TimingScope();
  int rc = llvm::sys::ExecuteAndWait(*compiler, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    llvm::sys::fs::remove(tempOut);
    error = "linking with '" + compilerName + "' failed" +
            (message.empty() ? "" : ": " + message);
    return false;
  }
  if (std::error_code ec = llvm::sys::fs::rename(tempOut, outPath)) {
    llvm::sys::fs::remove(tempOut);
    error = ec.message();
    return false;
  }
  return true;
}

} // namespace qforge
