//===- JitRunner.cpp - running an imported model in-process ---------------===//

#include "qforge/Execution/JitRunner.h"
#include "qforge/Pipeline/Pipelines.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;

namespace qforge {

JitModel::~JitModel() = default;

std::unique_ptr<JitModel>
JitModel::compile(ModuleOp module, StringRef name,
                  ArrayRef<std::pair<std::string, void *>> symbols) {
  std::unique_ptr<JitModel> model(new JitModel());
  model->entry = name.str();
  if (!functionSignature(module, name, model->inputSpecs, model->outputSpecs) ||
      failed(lowerToLLVMDialect(module, name)))
    return nullptr;

  static bool targetsInitialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetsInitialized;
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());

  // Optimize for this CPU, as `qforge compile --target=host` does: the
  // loop vectorizer needs the target's vector widths.
  auto hostMachine = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!hostMachine) {
    emitError(module.getLoc()) << "cannot describe this CPU to LLVM: "
                               << llvm::toString(hostMachine.takeError());
    return nullptr;
  }
  auto targetMachine = hostMachine->createTargetMachine();
  if (!targetMachine) {
    emitError(module.getLoc()) << "no LLVM target machine for this CPU: "
                               << llvm::toString(targetMachine.takeError());
    return nullptr;
  }
  ExecutionEngineOptions options;
  // The JIT's own machine description does not reach the optimizer: without
  // the CPU and its features on every function, the loop vectorizer sees a
  // generic x86-64 and leaves the loops scalar.
  std::string cpu = (*targetMachine)->getTargetCPU().str();
  std::string features = (*targetMachine)->getTargetFeatureString().str();
  // `transformer` is a function_ref: what it refers to must outlive create().
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0,
                                targetMachine->get());
  auto transform = [&](llvm::Module *m) {
    for (llvm::Function &f : *m)
      if (!f.isDeclaration()) {
        f.addFnAttr("target-cpu", cpu);
        f.addFnAttr("target-features", features);
      }
    return optimize(m);
  };
  options.transformer = transform;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine) {
    emitError(module.getLoc()) << "JIT compilation failed: "
                               << llvm::toString(engine.takeError());
    return nullptr;
  }
  model->engine = std::move(*engine);
  if (!symbols.empty())
    model->engine->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap map;
      for (const auto &[symbol, address] : symbols)
        map[interner(symbol)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                                 llvm::JITSymbolFlags::Exported};
      return map;
    });
  // ORC compiles on the first lookup; do it now, so that the first run
  // (and a throughput measured around runs) does not pay for code generation.
  if (auto fn = model->engine->lookupPacked("_mlir_ciface_" + model->entry); !fn) {
    emitError(module.getLoc()) << "JIT compilation failed: "
                               << llvm::toString(fn.takeError());
    return nullptr;
  }
  return model;
}

namespace {
/// A ranked memref descriptor laid out as the LLVM lowering expects:
/// {allocated, aligned, offset, sizes[rank], strides[rank]}, all 8 bytes.
struct Descriptor {
  std::vector<int64_t> words;
  Descriptor(void *data, const std::vector<int64_t> &shape) {
    size_t rank = shape.size();
    words.resize(3 + 2 * rank);
    words[0] = reinterpret_cast<int64_t>(data);
    words[1] = reinterpret_cast<int64_t>(data);
    words[2] = 0;
    int64_t stride = 1;
    for (size_t i = rank; i-- > 0;) {
      words[3 + i] = shape[i];
      words[3 + rank + i] = stride;
      stride *= shape[i];
    }
  }
};
} // namespace

static std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

bool JitModel::run(const std::vector<NpyArray> &inputs,
                   std::vector<NpyArray> &outputs, std::string &error) {
  if (inputs.size() != inputSpecs.size()) {
    error = "the model takes " + std::to_string(inputSpecs.size()) +
            " inputs, got " + std::to_string(inputs.size());
    return false;
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &spec = inputSpecs[i];
    if (inputs[i].dtype != spec.dtype || inputs[i].shape != spec.shape) {
      error = "input " + std::to_string(i) + " is " + dtypeName(inputs[i].dtype) +
              " " + shapeText(inputs[i].shape) + " but the model takes " +
              dtypeName(spec.dtype) + " " + shapeText(spec.shape);
      return false;
    }
  }
  outputs.clear();
  for (const TensorSpec &spec : outputSpecs) {
    NpyArray out;
    out.dtype = spec.dtype;
    out.shape = spec.shape;
    out.data.assign(out.numElements() * dtypeSize(spec.dtype), 0);
    outputs.push_back(std::move(out));
  }
  std::vector<Descriptor> descriptors;
  descriptors.reserve(inputs.size() + outputs.size());
  for (const NpyArray &in : inputs)
    descriptors.emplace_back(const_cast<char *>(in.data.data()), in.shape);
  for (NpyArray &out : outputs)
    descriptors.emplace_back(out.data.data(), out.shape);
  // invokePacked takes a pointer to each argument; each argument of the C
  // interface is a pointer to a descriptor.
  std::vector<void *> pointers, args;
  for (Descriptor &d : descriptors)
    pointers.push_back(d.words.data());
  for (void *&p : pointers)
    args.push_back(&p);
  if (llvm::Error e = engine->invokePacked("_mlir_ciface_" + entry, args)) {
    error = llvm::toString(std::move(e));
    return false;
  }
  return true;
}

} // namespace qforge
