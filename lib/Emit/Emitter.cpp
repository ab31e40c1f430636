//===- Emitter.cpp - ahead-of-time code and headers -----------------------===//

#include "qforge/Emit/Emitter.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/ArmNeon/ArmNeonToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Linker/Linker.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace qforge {

namespace {
#include "qforge/Runtime/RuntimeBitcode.inc"

/// What a compiled model may call of qforge's runtime (lib/Runtime): the
/// function, the bitcode that defines it, and what needs it.
struct RuntimeEntry {
  const char *function, *runtime, *feature;
};
constexpr RuntimeEntry kRuntimeEntries[] = {
    // qf-outline-parallel-for: the thread pool.
    {"qforge_parallel_for", "ParallelFor", "threads (--threads other than 1)"},
    // qf-profile-layers: per-layer timing.
    {"qforge_profile_mark", "Profile", "per-layer profiles (--profile)"},
};

/// Links the definition of `entry`, when the model calls it, from the
/// runtime's bitcode built for the target's architecture; it becomes
/// internal to the model (two models in one program have a copy each).
bool linkRuntime(llvm::Module &module, const RuntimeEntry &entry, std::string &error) {
  llvm::Function *function = module.getFunction(entry.function);
  if (!function || !function->isDeclaration())
    return true;
  llvm::StringRef arch = llvm::Triple::getArchTypeName(module.getTargetTriple().getArch());
  for (const auto &runtime : kRuntimeBitcode) {
    if (arch != runtime.arch || llvm::StringRef(entry.runtime) != runtime.runtime)
      continue;
    std::string fileName = std::string(entry.runtime) + ".bc";
    llvm::MemoryBufferRef bytes(
        llvm::StringRef(reinterpret_cast<const char *>(runtime.bytes), runtime.size), fileName);
    llvm::Expected<std::unique_ptr<llvm::Module>> code =
        llvm::parseBitcodeFile(bytes, module.getContext());
    if (!code) {
      error = "qforge's " + std::string(entry.runtime) +
              " bitcode: " + llvm::toString(code.takeError());
      return false;
    }
    (*code)->setTargetTriple(module.getTargetTriple());
    (*code)->setDataLayout(module.getDataLayout());
    if (llvm::Linker::linkModules(module, std::move(*code),
                                  llvm::Linker::Flags::LinkOnlyNeeded)) {
      error = "linking qforge's " + std::string(entry.runtime) + " into the model failed";
      return false;
    }
    module.getFunction(entry.function)->setLinkage(llvm::GlobalValue::InternalLinkage);
    return true;
  }
  error = std::string(entry.feature) + " are not supported for " + arch.str() + " targets";
  if (llvm::StringRef(entry.runtime) == "ParallelFor")
    error += "; compile with --threads=1";
  return false;
}

bool linkRuntimes(llvm::Module &module, std::string &error) {
  for (const RuntimeEntry &entry : kRuntimeEntries)
    if (!linkRuntime(module, entry, error))
      return false;
  return true;
}

} // namespace

bool emitCode(ModuleOp module, const TargetSpec &target, EmitKind kind,
              llvm::raw_pwrite_stream &os, std::string &error) {
  static bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialized;
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  // The AArch64 kernels' sdot (arm_neon.intr.sdot).
  registerArmNeonDialectTranslation(*module.getContext());

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "qforge");
  if (!llvmModule) {
    error = "translation to LLVM IR failed";
    return false;
  }
  llvm::Triple triple(target.triple);
  const llvm::Target *backend =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!backend)
    return false;
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(backend->createTargetMachine(
      triple, target.cpu, target.features, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine) {
    error = "LLVM has no target machine for " + target.triple;
    return false;
  }
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(machine->createDataLayout());
  if (!linkRuntimes(*llvmModule, error))
    return false;
  // LLVM's -O3 pipeline (loop vectorizer included) for the target, as the
  // JIT runs it; TargetMachine::addPassesToEmitFile only does code generation.
  if (llvm::Error e = makeOptimizingTransformer(3, 0, machine.get())(llvmModule.get())) {
    error = llvm::toString(std::move(e));
    return false;
  }
  if (kind == EmitKind::LLVMIR) {
    llvmModule->print(os, nullptr);
    return true;
  }
  llvm::legacy::PassManager passes;
  auto fileType = kind == EmitKind::Object ? llvm::CodeGenFileType::ObjectFile
                                           : llvm::CodeGenFileType::AssemblyFile;
  if (machine->addPassesToEmitFile(passes, os, nullptr, fileType)) {
    error = "the " + target.name + " back end cannot emit this file type";
    return false;
  }
  passes.run(*llvmModule);
  return true;
}

bool writeStaticLibrary(llvm::StringRef objectBytes, llvm::StringRef memberName,
                        llvm::raw_ostream &os, std::string &error) {
  llvm::NewArchiveMember member(llvm::MemoryBufferRef(objectBytes, memberName));
  member.MemberName = memberName;
  if (llvm::Error e = llvm::writeArchiveToStream(
          os, {std::move(member)}, llvm::SymtabWritingMode::NormalSymtab,
          llvm::object::Archive::K_GNU, /*Deterministic=*/true, /*Thin=*/false)) {
    error = llvm::toString(std::move(e));
    return false;
  }
  return true;
}

namespace {
const char *cType(DType d) {
  switch (d) {
  case DType::F16:
    return "uint16_t"; // IEEE half, as raw bits
  case DType::F32:
    return "float";
  case DType::F64:
    return "double";
  case DType::I8:
    return "int8_t";
  case DType::I16:
    return "int16_t";
  case DType::I32:
    return "int32_t";
  case DType::I64:
    return "int64_t";
  case DType::U8:
  case DType::Bool:
    return "uint8_t";
  case DType::U16:
    return "uint16_t";
  case DType::U32:
    return "uint32_t";
  case DType::U64:
    return "uint64_t";
  }
  return "void";
}
} // namespace

int64_t profiledLayers(ModuleOp module, llvm::StringRef name) {
  auto table = module.lookupSymbol<LLVM::GlobalOp>((name + "_profile_seconds").str());
  if (!table)
    return 0;
  auto type = dyn_cast<LLVM::LLVMArrayType>(table.getGlobalType());
  return type ? type.getNumElements() : 0;
}

namespace {
void declareProfile(llvm::raw_ostream &os, llvm::StringRef name, int64_t layers) {
  os << "/* Compiled with --profile: each call adds the seconds spent in layer\n"
     << " * i (an ONNX node, with the nodes fused into it) to\n"
     << " * " << name << "_profile_seconds[i]; " << name
     << "_profile_names[i] names the node.\n"
     << " * Zero the table to start over; one call at a time is timed. */\n"
     << "#define " << name.upper() << "_PROFILE_LAYERS " << layers << "\n"
     << "extern double " << name << "_profile_seconds[" << layers << "];\n"
     << "extern const char *const " << name << "_profile_names[" << layers << "];\n\n";
}
} // namespace

std::string cHeader(llvm::StringRef name, const std::vector<TensorSpec> &inputs,
                    const std::vector<TensorSpec> &outputs,
                    const ScratchMemory &scratch, llvm::StringRef modelPath,
                    const TargetSpec &target, int64_t profiledLayers) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string guard = "QFORGE_MODEL_" + name.upper() + "_H";
  std::string macro = name.upper();
  os << "/* " << name << ".h: compiled by qforge from " << modelPath
     << " for target " << target.name << ".\n"
     << " *\n"
     << " * " << name << "_run() runs the model once on caller-owned buffers\n"
     << " * (row-major, shapes and dtypes below). Intermediate tensors live in\n"
     << " * one scratch arena of " << name.upper() << "_SCRATCH_BYTES bytes, "
     << (scratch.callerOwned
             ? "which the caller passes\n * (64-byte aligned, not shared "
               "between concurrent calls)."
             : "which the model\n * allocates per call (malloc/free).")
     << " The object file needs\n * only the C library, libm and "
        "pthreads (link with -pthread; none with --threads=1).\n"
     << " * Threads: QFORGE_NUM_THREADS, read at the first threaded kernel,\n"
     << " * overrides the number compiled in. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n";
  os << "#ifndef QFORGE_MEMREF_DESCRIPTORS\n#define QFORGE_MEMREF_DESCRIPTORS\n"
     << "/* The descriptors the entry point takes: allocated and aligned\n"
     << " * pointers, offset, sizes and strides (in elements). */\n";
  unsigned maxRank = 0;
  for (const auto *list : {&inputs, &outputs})
    for (const TensorSpec &t : *list)
      maxRank = std::max<unsigned>(maxRank, t.shape.size());
  for (unsigned r = 0; r <= std::max(maxRank, 8u); ++r) {
    os << "typedef struct { void *allocated; void *aligned; int64_t offset;";
    if (r)
      os << " int64_t sizes[" << r << "]; int64_t strides[" << r << "];";
    os << " } qforge_memref_" << r << "d;\n";
  }
  os << "#endif\n\n";

  auto describe = [&](const char *kind, size_t i, const TensorSpec &t) {
    int64_t numel = 1;
    std::string dims;
    for (size_t d = 0; d < t.shape.size(); ++d) {
      numel *= t.shape[d];
      dims += (d ? ", " : "") + std::to_string(t.shape[d]);
    }
    std::string prefix = macro + "_" + kind + std::to_string(i);
    os << "/* " << kind << " " << i << ": " << dtypeName(t.dtype) << " [" << dims
       << "] */\n"
       << "#define " << prefix << "_RANK " << t.shape.size() << "\n"
       << "#define " << prefix << "_SHAPE {" << dims << "}\n"
       << "#define " << prefix << "_ELEMENTS " << numel << "\n"
       << "typedef " << cType(t.dtype) << " " << name << "_"
       << llvm::StringRef(kind).lower() << std::to_string(i) << "_t;\n";
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    describe("INPUT", i, inputs[i]);
  for (size_t i = 0; i < outputs.size(); ++i)
    describe("OUTPUT", i, outputs[i]);
  os << "#define " << macro << "_INPUTS " << inputs.size() << "\n"
     << "#define " << macro << "_OUTPUTS " << outputs.size() << "\n"
     << "/* Scratch arena: " << scratch.buffers << " intermediate buffers of "
     << scratch.totalBytes << " bytes in all, at most " << scratch.peakBytes
     << " live at once. */\n"
     << "#define " << macro << "_SCRATCH_BYTES " << scratch.arenaBytes << "\n\n";

  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  if (profiledLayers > 0)
    declareProfile(os, name, profiledLayers);
  os << "/* The entry point the object file exports. */\n"
     << "void _mlir_ciface_" << name << "(";
  size_t argIndex = 0;
  auto descriptorParam = [&](const TensorSpec &t) {
    os << (argIndex++ ? ", " : "") << "qforge_memref_" << t.shape.size() << "d *";
  };
  for (const TensorSpec &t : inputs)
    descriptorParam(t);
  for (const TensorSpec &t : outputs)
    descriptorParam(t);
  if (scratch.callerOwned)
    os << (argIndex++ ? ", " : "") << "qforge_memref_1d *";
  os << ");\n\n";

  os << "/* Runs the model: inputs, then outputs (caller-owned, row-major). */\n"
     << "static inline void " << name << "_run(";
  argIndex = 0;
  for (size_t i = 0; i < inputs.size(); ++i)
    os << (argIndex++ ? ", " : "") << "const " << name << "_input" << i << "_t *in" << i;
  for (size_t i = 0; i < outputs.size(); ++i)
    os << (argIndex++ ? ", " : "") << name << "_output" << i << "_t *out" << i;
  if (scratch.callerOwned)
    os << (argIndex++ ? ", " : "") << "void *scratch";
  os << ") {\n";
  auto fill = [&](const std::string &var, const std::string &pointer,
                  const TensorSpec &t) {
    size_t rank = t.shape.size();
    os << "  qforge_memref_" << rank << "d " << var << " = {(void *)" << pointer
       << ", (void *)" << pointer << ", 0";
    if (rank) {
      os << ", {";
      for (size_t d = 0; d < rank; ++d)
        os << (d ? ", " : "") << t.shape[d];
      os << "}, {";
      int64_t stride = 1;
      std::vector<int64_t> strides(rank);
      for (size_t d = rank; d-- > 0;) {
        strides[d] = stride;
        stride *= t.shape[d];
      }
      for (size_t d = 0; d < rank; ++d)
        os << (d ? ", " : "") << strides[d];
      os << "}";
    }
    os << "};\n";
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    fill("d_in" + std::to_string(i), "in" + std::to_string(i), inputs[i]);
  for (size_t i = 0; i < outputs.size(); ++i)
    fill("d_out" + std::to_string(i), "out" + std::to_string(i), outputs[i]);
  if (scratch.callerOwned)
    os << "  qforge_memref_1d d_scratch = {scratch, scratch, 0, {"
       << scratch.arenaBytes << "}, {1}};\n";
  os << "  _mlir_ciface_" << name << "(";
  argIndex = 0;
  for (size_t i = 0; i < inputs.size(); ++i)
    os << (argIndex++ ? ", " : "") << "&d_in" << i;
  for (size_t i = 0; i < outputs.size(); ++i)
    os << (argIndex++ ? ", " : "") << "&d_out" << i;
  if (scratch.callerOwned)
    os << (argIndex++ ? ", " : "") << "&d_scratch";
  os << ");\n}\n\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return text;
}

} // namespace qforge
