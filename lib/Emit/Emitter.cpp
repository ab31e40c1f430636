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
#include "llvm/IR/IRBuilder.h"
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
    // NAME_set_threads (exportThreadControl): the pool's size per call.
    {"qforge_set_threads", "ParallelFor", "threads (--threads other than 1)"},
    // qf-profile-layers: per-layer timing.
    {"qforge_profile_mark", "Profile", "per-layer profiles (--profile)"},
    // qf-lower-amx-ready: the permission to use AMX tiles.
    {"qforge_amx_ready", "Amx", "AMX kernels"},
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
  // Entries that came with another's bitcode are internal too.
  for (const RuntimeEntry &entry : kRuntimeEntries)
    if (llvm::Function *function = module.getFunction(entry.function))
      function->setLinkage(llvm::GlobalValue::InternalLinkage);
  return true;
}

/// A threaded model exports `<name>_set_threads(int n)` (declared in its
/// header): the runtime's qforge_set_threads with the model's --threads,
/// read from its calls of the pool (qf-outline-parallel-for passes it as a
/// constant).
void exportThreadControl(llvm::Module &module, llvm::StringRef name) {
  llvm::Function *pool = module.getFunction("qforge_parallel_for");
  if (!pool)
    return;
  llvm::LLVMContext &context = module.getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(context);
  llvm::Type *i64 = llvm::Type::getInt64Ty(context);
  llvm::Value *compiled = llvm::ConstantInt::get(i64, 0);
  for (llvm::User *user : pool->users())
    if (auto *call = llvm::dyn_cast<llvm::CallInst>(user))
      if (llvm::isa<llvm::ConstantInt>(call->getArgOperand(3)))
        compiled = call->getArgOperand(3);
  llvm::FunctionCallee setThreads = module.getOrInsertFunction(
      "qforge_set_threads", llvm::FunctionType::get(i32, {i32, i64}, false));
  llvm::Function *exported = llvm::Function::Create(
      llvm::FunctionType::get(i32, {i32}, false), llvm::GlobalValue::ExternalLinkage,
      name + "_set_threads", module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", exported));
  builder.CreateRet(builder.CreateCall(setThreads, {exported->getArg(0), compiled}));
}

/// Whether `module` (in the LLVM dialect) runs kernels on the thread pool.
bool usesThreadPool(ModuleOp module) {
  return module.lookupSymbol<LLVM::LLVMFuncOp>("qforge_parallel_for") != nullptr;
}

/// The number of layers function `name` of `module` times (its
/// `<name>_profile_seconds` table from qf-profile-layers).
int64_t profiledLayers(ModuleOp module, llvm::StringRef name) {
  auto table = module.lookupSymbol<LLVM::GlobalOp>((name + "_profile_seconds").str());
  if (!table)
    return 0;
  auto type = dyn_cast<LLVM::LLVMArrayType>(table.getGlobalType());
  return type ? type.getNumElements() : 0;
}

} // namespace

TranslatedModel::TranslatedModel() = default;
TranslatedModel::TranslatedModel(TranslatedModel &&) = default;
TranslatedModel::~TranslatedModel() = default;

bool translateModel(ModuleOp module, llvm::StringRef name, const TargetSpec &target,
                    TranslatedModel &translated, std::string &error, TimingScope *timing) {
  TimingScope translating = timing ? timing->nest("translate to LLVM IR") : TimingScope();
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

  llvm::Triple triple(target.triple);
  const llvm::Target *backend = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!backend)
    return false;
  llvm::TargetOptions options;
  translated.machine.reset(backend->createTargetMachine(
      triple, target.cpu, target.features, options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!translated.machine) {
    error = "LLVM has no target machine for " + target.triple;
    return false;
  }
  translated.context = std::make_unique<llvm::LLVMContext>();
  translated.module = translateModuleToLLVMIR(module, *translated.context, "qforge");
  if (!translated.module) {
    error = "translation to LLVM IR failed";
    return false;
  }
  llvm::Module &llvmModule = *translated.module;
  llvmModule.setTargetTriple(triple);
  llvmModule.setDataLayout(translated.machine->createDataLayout());
  exportThreadControl(llvmModule, name);
  translated.profiledLayers = profiledLayers(module, name);
  translated.threadControl = usesThreadPool(module);
  return linkRuntimes(llvmModule, error);
}

bool emitCode(TranslatedModel &translated, EmitKind kind, const TargetSpec &target,
              llvm::raw_pwrite_stream &os, std::string &error, TimingScope *timing) {
  auto stage = [&](llvm::StringRef what) { return timing ? timing->nest(what) : TimingScope(); };
  llvm::Module &llvmModule = *translated.module;
  TimingScope optimizing = stage("LLVM -O3");
  // LLVM's -O3 pipeline (loop vectorizer included) for the target, as the
  // JIT runs it; TargetMachine::addPassesToEmitFile only does code generation.
  if (llvm::Error e =
          makeOptimizingTransformer(3, 0, translated.machine.get())(&llvmModule)) {
    error = llvm::toString(std::move(e));
    return false;
  }
  optimizing.stop();
  if (kind == EmitKind::LLVMIR) {
    llvmModule.print(os, nullptr);
    return true;
  }
  TimingScope generating = stage("LLVM code generation");
  llvm::legacy::PassManager passes;
  auto fileType = kind == EmitKind::Object ? llvm::CodeGenFileType::ObjectFile
                                           : llvm::CodeGenFileType::AssemblyFile;
  if (translated.machine->addPassesToEmitFile(passes, os, nullptr, fileType)) {
    error = "the " + target.name + " back end cannot emit this file type";
    return false;
  }
  passes.run(llvmModule);
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

} // namespace qforge
