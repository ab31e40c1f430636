//===- ProfileLayers.cpp - the qf-profile-layers pass ---------------------===//
//
// Marks where each layer of a compiled model begins, so that the runtime can
// tell the user which ONNX node the time goes to.
//
//===----------------------------------------------------------------------===//

#include "qforge/Codegen/Passes.h"

#include "qforge/Dialect/QF/Utils/OnnxNames.h"
#include "qforge/Support/ModelInterface.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/StringMap.h"

namespace qforge {
#define GEN_PASS_DEF_PROFILELAYERSPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kMarkFunction = "qforge_profile_mark";

/// The ONNX node a location names: its own, or the first one of a fused
/// location (ops merged from several nodes); none for the graph outputs'
/// (the copies into the caller's buffers belong to no node).
std::string nodeOf(Location loc) {
  if (qforge::isGraphOutputsLoc(loc))
    return {};
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location part : fused.getLocations())
      if (std::string name = nodeOf(part); !name.empty())
        return name;
    return {};
  }
  return qforge::onnxNodeName(loc).str();
}

/// Top-level ops that do a layer's work, as opposed to allocations, views,
/// constants and index arithmetic, which take no time of their own.
bool computes(Operation *op) {
  return op->getNumRegions() > 0 || isa<linalg::LinalgOp, memref::CopyOp, func::CallOp>(op);
}

/// The layers of one function: for each, where it begins.
struct Layers {
  std::vector<std::string> names;                  // by layer id
  SmallVector<std::pair<Operation *, int64_t>> starts; // (first op, id)
};

Layers findLayers(func::FuncOp func) {
  Layers layers;
  llvm::StringMap<int64_t> ids;
  std::string current;
  for (Operation &op : func.front().without_terminator()) {
    if (!computes(&op))
      continue;
    std::string name = nodeOf(op.getLoc());
    if (name.empty() || name == current) {
      if (layers.starts.empty()) // unnamed work before any named layer
        name = "(unnamed)";
      else
        continue;
    }
    current = name;
    auto [it, added] = ids.try_emplace(name, static_cast<int64_t>(layers.names.size()));
    if (added)
      layers.names.push_back(name);
    layers.starts.push_back({&op, it->second});
  }
  return layers;
}

/// `NAME_profile_seconds`: a zeroed array of doubles, one per layer.
LLVM::GlobalOp defineSeconds(OpBuilder &b, Location loc, StringRef symbol, int64_t count) {
  auto type = LLVM::LLVMArrayType::get(b.getF64Type(), count);
  auto zeros = DenseElementsAttr::get(RankedTensorType::get({count}, b.getF64Type()), 0.0);
  return LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/false, LLVM::Linkage::External,
                                symbol, zeros);
}

/// `NAME_profile_names`: the layers' names as an array of C strings.
void defineNames(OpBuilder &b, Location loc, StringRef symbol,
                 const std::vector<std::string> &names) {
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  SmallVector<LLVM::GlobalOp> strings;
  for (auto [i, name] : llvm::enumerate(names)) {
    std::string text = name + '\0';
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    strings.push_back(LLVM::GlobalOp::create(
        b, loc, type, /*isConstant=*/true, LLVM::Linkage::Internal,
        (symbol + "_" + llvm::Twine(i)).str(), b.getStringAttr(text)));
  }
  auto arrayType = LLVM::LLVMArrayType::get(ptr, names.size());
  auto table = LLVM::GlobalOp::create(b, loc, arrayType, /*isConstant=*/true,
                                      LLVM::Linkage::External, symbol, Attribute());
  OpBuilder::InsertionGuard guard(b);
  b.createBlock(&table.getInitializerRegion());
  Value array = LLVM::UndefOp::create(b, loc, arrayType);
  for (auto [i, string] : llvm::enumerate(strings)) {
    Value address = LLVM::AddressOfOp::create(b, loc, string);
    array = LLVM::InsertValueOp::create(b, loc, array, address, i);
  }
  LLVM::ReturnOp::create(b, loc, array);
}

struct ProfileLayersPass : qforge::impl::ProfileLayersPassBase<ProfileLayersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(module.getContext());
    SmallVector<func::FuncOp> models;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        models.push_back(func);
    for (func::FuncOp func : models)
      instrument(func, b);
  }

  void instrument(func::FuncOp func, OpBuilder &b) {
    Layers layers = findLayers(func);
    if (layers.names.empty())
      return;
    ModuleOp module = getOperation();
    Location loc = func.getLoc();
    b.setInsertionPointToStart(module.getBody());
    std::string prefix = func.getSymName().str();
    LLVM::GlobalOp seconds =
        defineSeconds(b, loc, prefix + "_profile_seconds", layers.names.size());
    defineNames(b, loc, prefix + "_profile_names", layers.names);
    auto ptr = LLVM::LLVMPointerType::get(b.getContext());
    if (!module.lookupSymbol(kMarkFunction)) {
      auto type = b.getFunctionType({b.getI64Type(), ptr}, {});
      func::FuncOp::create(b, loc, kMarkFunction, type).setPrivate();
    }
    auto mark = [&](Operation *before, int64_t id) {
      b.setInsertionPoint(before);
      Value layer = arith::ConstantIntOp::create(b, before->getLoc(), b.getI64Type(), id);
      Value table = LLVM::AddressOfOp::create(b, before->getLoc(), seconds);
      func::CallOp::create(b, before->getLoc(), kMarkFunction, TypeRange{},
                           ValueRange{layer, table});
    };
    for (auto [op, id] : layers.starts)
      mark(op, id);
    mark(func.front().getTerminator(), -1);
  }
};

} // namespace
