//===- ShareChunkBodies.cpp - one function for chunks that differ in data -===//
//
// Layers of the same shape and kind lower to the same loop nest, so their
// thread-pool chunks differ only in data: the globals they read (packed
// weights, tables) and vector or float constants (zero points, multipliers,
// clamp bounds). Such chunks become one function that reads the values
// that differ from its context struct, and LLVM optimizes and compiles the
// body once instead of once per layer. Integer scalars are sizes, strides
// and trip counts: chunks that differ in one stay apart, so every shared
// body keeps the constant loop bounds it was compiled with.
//
//===----------------------------------------------------------------------===//

#include "qforge/Codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"

#include <map>
#include <vector>

namespace qforge {
#define GEN_PASS_DEF_SHARECHUNKBODIESPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// The thread pool's entry point (lib/Runtime/ParallelFor.c), whose first
/// argument is the chunk's address and second its context.
constexpr llvm::StringLiteral kRuntimeName = "qforge_parallel_for";

/// A chunk is handed to the pool, or called directly (compiled for one
/// thread) with its context as the first argument.
bool isPoolCall(LLVM::CallOp call) { return call.getCallee() == kRuntimeName; }

unsigned contextOperand(LLVM::CallOp call) { return isPoolCall(call) ? 1 : 0; }

/// A global's address or a vector or float constant: what a chunk reads
/// rather than how it computes.
bool isData(Operation *op, SymbolTable &symbols) {
  if (auto address = dyn_cast<LLVM::AddressOfOp>(op))
    return isa_and_nonnull<LLVM::GlobalOp>(symbols.lookup(address.getGlobalName()));
  if (auto constant = dyn_cast<LLVM::ConstantOp>(op))
    return isa<VectorType, FloatType>(constant.getType());
  return false;
}

/// What a data op holds: the global's name or the constant's value.
Attribute dataValue(Operation *op) {
  if (auto address = dyn_cast<LLVM::AddressOfOp>(op))
    return address.getGlobalNameAttr();
  return cast<LLVM::ConstantOp>(op).getValue();
}

/// A function the thread pool runs, the calls that hand it to the pool,
/// and its shape: its body in order with the data left out, as tokens
/// (counts, value and block numbers, and uniqued names, types and
/// attributes), so that equal shapes compute the same function of equal
/// data.
struct Chunk {
  LLVM::LLVMFuncOp func;
  SmallVector<LLVM::CallOp> calls;
  LLVM::LLVMStructType context;
  std::vector<uintptr_t> shape;
  SmallVector<Operation *> data; // in body order
};

template <typename T>
uintptr_t token(T uniqued) {
  return reinterpret_cast<uintptr_t>(uniqued.getAsOpaquePointer());
}

/// Each use of a data op gets its own copy, placed before its user: the
/// lowering's folds share an equal constant between unrelated uses (a
/// layer's zero point that happens to equal a shift amount), which would
/// make the shapes of otherwise equal chunks differ. Constants and
/// addresses are uniqued again when LLVM IR is built.
void separateDataUses(LLVM::LLVMFuncOp func, SymbolTable &symbols) {
  SmallVector<Operation *> shared;
  func.walk([&](Operation *op) {
    if (isData(op, symbols) && !op->hasOneUse())
      shared.push_back(op);
  });
  for (Operation *op : shared) {
    SmallVector<OpOperand *> uses = llvm::map_to_vector(op->getUses(), [](OpOperand &use) {
      return &use;
    });
    for (OpOperand *use : uses) {
      OpBuilder b(use->getOwner());
      use->set(b.clone(*op)->getResult(0));
    }
    op->erase();
  }
}

/// The shape and data of `chunk.func`; failure for a body with nested
/// regions (none is left once the LLVM lowering is done).
LogicalResult readShape(Chunk &chunk, SymbolTable &symbols) {
  DenseMap<Value, uintptr_t> values;
  DenseMap<Block *, uintptr_t> blocks;
  for (Block &block : chunk.func.getBody()) {
    blocks[&block] = blocks.size();
    for (Value arg : block.getArguments())
      values[arg] = values.size();
    for (Operation &op : block) {
      if (op.getNumRegions())
        return failure();
      for (Value result : op.getResults())
        values[result] = values.size();
    }
  }
  std::vector<uintptr_t> &out = chunk.shape;
  for (Block &block : chunk.func.getBody()) {
    out.push_back(block.getNumArguments());
    for (Value arg : block.getArguments())
      out.push_back(token(arg.getType()));
    out.push_back(block.getOperations().size());
    for (Operation &op : block) {
      out.push_back(token(op.getName()));
      out.push_back(op.getNumOperands());
      for (Value operand : op.getOperands())
        out.push_back(values.lookup(operand));
      out.push_back(op.getNumResults());
      for (Type type : op.getResultTypes())
        out.push_back(token(type));
      if (isData(&op, symbols)) {
        out.push_back(0); // in place of the attributes
        chunk.data.push_back(&op);
      } else {
        out.push_back(token(op.getAttrDictionary()));
      }
      out.push_back(op.getNumSuccessors());
      for (Block *successor : op.getSuccessors())
        out.push_back(blocks.lookup(successor));
    }
  }
  return success();
}

/// The struct the chunk reads its context as (empty when it reads none);
/// null if it uses its context pointer otherwise.
LLVM::LLVMStructType contextType(LLVM::LLVMFuncOp func) {
  LLVM::LLVMStructType type =
      LLVM::LLVMStructType::getLiteral(func.getContext(), ArrayRef<Type>{});
  bool first = true;
  for (Operation *user : func.getArgument(0).getUsers()) {
    auto gep = dyn_cast<LLVM::GEPOp>(user);
    auto fields = gep ? dyn_cast<LLVM::LLVMStructType>(gep.getElemType()) : nullptr;
    if (!fields || (!first && fields != type))
      return nullptr;
    type = fields;
    first = false;
  }
  return type;
}

/// The context was allocated for this call alone (or there is none).
bool ownsContext(LLVM::CallOp call) {
  if (call.getNumOperands() <= contextOperand(call))
    return false;
  Operation *def = call.getOperand(contextOperand(call)).getDefiningOp();
  if (isa_and_nonnull<LLVM::ZeroOp>(def))
    return true;
  return isa_and_nonnull<LLVM::AllocaOp>(def) &&
         llvm::all_of(def->getUsers(),
                      [&](Operation *user) { return user == call || isa<LLVM::GEPOp>(user); });
}

/// The use is a call that hands the thread pool the function, with a
/// context of its own.
bool handsToPool(OpOperand &use) {
  auto call = dyn_cast<LLVM::CallOp>(use.getOwner());
  return call && isPoolCall(call) && use.getOperandNumber() == 0 && ownsContext(call);
}

/// The context each call passes is laid out as the chunk reads it.
bool contextsMatch(const Chunk &chunk) {
  return llvm::all_of(chunk.calls, [&](LLVM::CallOp call) {
    Operation *def = call.getOperand(contextOperand(call)).getDefiningOp();
    if (auto alloca = dyn_cast<LLVM::AllocaOp>(def))
      return alloca.getElemType() == chunk.context;
    return chunk.context.getBody().empty();
  });
}

/// The calls that run `name`'s function as a chunk through `user` (the
/// user of one of its symbol uses); nothing if the use is of another kind.
std::optional<SmallVector<LLVM::CallOp>> chunkCalls(Operation *user, StringAttr name) {
  if (auto call = dyn_cast<LLVM::CallOp>(user)) {
    if (call.getCallee() != name.getValue() || call.getNumOperands() != 3 ||
        !ownsContext(call))
      return std::nullopt;
    return SmallVector<LLVM::CallOp>{call};
  }
  auto address = dyn_cast<LLVM::AddressOfOp>(user);
  if (!address || !llvm::all_of(address->getUses(), handsToPool))
    return std::nullopt;
  return llvm::map_to_vector(address->getUsers(),
                             [](Operation *call) { return cast<LLVM::CallOp>(call); });
}

/// The functions whose every use runs them as a chunk (through the thread
/// pool, or called directly), in module order.
SmallVector<Chunk> collectChunks(ModuleOp module, SymbolTable &symbols) {
  llvm::MapVector<StringAttr, Chunk> found;
  DenseSet<StringAttr> rejected;
  std::optional<SymbolTable::UseRange> uses = SymbolTable::getSymbolUses(&module.getBodyRegion());
  if (!uses)
    return {};
  for (const SymbolTable::SymbolUse &use : *uses) {
    StringAttr name = use.getSymbolRef().getRootReference();
    std::optional<SmallVector<LLVM::CallOp>> calls = chunkCalls(use.getUser(), name);
    if (!calls) {
      rejected.insert(name);
      continue;
    }
    found[name].calls.append(*calls);
  }
  SmallVector<Chunk> chunks;
  for (auto &[name, chunk] : found) {
    chunk.func = symbols.lookup<LLVM::LLVMFuncOp>(name);
    // Only the module's own functions: one seen from outside keeps its body.
    if (rejected.contains(name) || !chunk.func || chunk.func.isExternal() ||
        chunk.func.getNumArguments() != 3 ||
        (chunk.func.getLinkage() != LLVM::Linkage::Internal &&
         chunk.func.getLinkage() != LLVM::Linkage::Private))
      continue;
    chunk.context = contextType(chunk.func);
    if (!chunk.context || !contextsMatch(chunk))
      continue;
    separateDataUses(chunk.func, symbols);
    if (failed(readShape(chunk, symbols)))
      continue;
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

/// Chunks of one shape: the first keeps its body and reads the data that
/// differ between them from fields appended to its context.
class SharedBody {
public:
  SharedBody(ArrayRef<Chunk *> members, SymbolTable &symbols)
      : members(members), symbols(symbols) {}

  void share() {
    planParameters();
    for (Chunk *member : members)
      for (LLVM::CallOp call : member->calls)
        passParameters(*member, call);
    readParametersInBody();
    for (Chunk *member : members.drop_front())
      symbols.erase(member->func);
  }

private:
  /// The data positions whose values differ between the members, one
  /// field per distinct column of values.
  void planParameters() {
    std::map<std::vector<const void *>, unsigned> fieldOf;
    size_t count = members.front()->data.size();
    for (size_t i = 0; i < count; ++i) {
      std::vector<const void *> column;
      for (Chunk *member : members)
        column.push_back(dataValue(member->data[i]).getAsOpaquePointer());
      if (llvm::all_equal(column))
        continue;
      auto [it, added] = fieldOf.try_emplace(column, positions.size());
      if (added) {
        positions.emplace_back();
        fieldTypes.push_back(members.front()->data[i]->getResult(0).getType());
      }
      positions[it->second].push_back(i);
    }
    SmallVector<Type> fields(members.front()->context.getBody());
    firstField = fields.size();
    fields.append(fieldTypes);
    extended = LLVM::LLVMStructType::getLiteral(members.front()->func.getContext(), fields);
  }

  /// In the kept body, each differing data op becomes a load of its field.
  void readParametersInBody() {
    LLVM::LLVMFuncOp body = members.front()->func;
    OpBuilder b = OpBuilder::atBlockBegin(&body.getBody().front());
    auto ptr = LLVM::LLVMPointerType::get(body.getContext());
    for (auto [field, at] : llvm::enumerate(positions)) {
      Operation *first = members.front()->data[at.front()];
      Value slot = LLVM::GEPOp::create(
          b, first->getLoc(), ptr, extended, body.getArgument(0),
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(firstField + field)});
      Value value = LLVM::LoadOp::create(b, first->getLoc(), fieldTypes[field], slot);
      for (size_t i : at) {
        Operation *op = members.front()->data[i];
        op->getResult(0).replaceAllUsesWith(value);
        op->erase();
      }
    }
  }

  /// The call hands the pool the kept body and a context with the
  /// member's data in the appended fields.
  void passParameters(Chunk &member, LLVM::CallOp call) {
    OpBuilder b(call);
    Location loc = call.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(call.getContext());
    unsigned contextIndex = contextOperand(call);
    Value context = call.getOperand(contextIndex);
    if (auto alloca = context.getDefiningOp<LLVM::AllocaOp>()) {
      alloca.setElemType(extended);
    } else if (!positions.empty()) {
      auto parent = call->getParentOfType<LLVM::LLVMFuncOp>();
      OpBuilder entry = OpBuilder::atBlockBegin(&parent.getBody().front());
      Value one = LLVM::ConstantOp::create(entry, loc, b.getI64Type(), 1);
      Operation *zero = context.getDefiningOp();
      context = LLVM::AllocaOp::create(entry, loc, ptr, extended, one);
      call->setOperand(contextIndex, context);
      if (zero->use_empty())
        zero->erase();
    }
    for (auto [field, at] : llvm::enumerate(positions)) {
      Value value = b.clone(*member.data[at.front()])->getResult(0);
      Value slot = LLVM::GEPOp::create(
          b, loc, ptr, extended, context,
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(firstField + field)});
      LLVM::StoreOp::create(b, loc, value, slot);
    }
    if (&member == members.front())
      return;
    if (!isPoolCall(call)) {
      call.setCalleeAttr(FlatSymbolRefAttr::get(members.front()->func.getNameAttr()));
      return;
    }
    Operation *address = call.getOperand(0).getDefiningOp();
    call->setOperand(0, LLVM::AddressOfOp::create(b, loc, members.front()->func));
    if (address->use_empty())
      address->erase();
  }

  ArrayRef<Chunk *> members;
  SymbolTable &symbols;
  SmallVector<SmallVector<size_t>> positions; // data positions per field
  SmallVector<Type> fieldTypes;
  size_t firstField = 0;
  LLVM::LLVMStructType extended;
};

struct ShareChunkBodiesPass : qforge::impl::ShareChunkBodiesPassBase<ShareChunkBodiesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<Chunk> chunks = collectChunks(module, symbols);
    // Chunks by shape, in module order; the context's fields are part of
    // the shape (the loads of the body name its struct).
    std::map<std::vector<uintptr_t>, SmallVector<Chunk *>> byShape;
    SmallVector<SmallVector<Chunk *> *> order;
    for (Chunk &chunk : chunks) {
      auto [it, added] = byShape.try_emplace(chunk.shape);
      if (added)
        order.push_back(&it->second);
      it->second.push_back(&chunk);
    }
    for (SmallVector<Chunk *> *members : order)
      if (members->size() > 1)
        SharedBody(*members, symbols).share();
  }
};

} // namespace
