//===- InsertObservers.cpp - observe what quantization will rewrite -------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Dialect/QF/Utils/OnnxNames.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

namespace qforge {
#define GEN_PASS_DEF_INSERTOBSERVERSPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

const char *const kDefaultOps[] = {
    "tosa.conv2d",  "tosa.depthwise_conv2d", "tosa.transpose_conv2d",
    "tosa.matmul",  "tosa.add",              "tosa.avg_pool2d",
    "tosa.max_pool2d", "tosa.clamp",         "tosa.concat",
    // A Split's input: the activation before it can end in a table.
    "tosa.slice",
    // Products of two activations (a squeeze-excitation scale): qf.mul.
    "tosa.mul"};

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

struct InsertObserversPass
    : qforge::impl::InsertObserversPassBase<InsertObserversPass> {
  using InsertObserversPassBase::InsertObserversPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    llvm::StringSet<> quantizable;
    if (ops.empty())
      for (const char *name : kDefaultOps)
        quantizable.insert(name);
    else
      for (const std::string &name : ops)
        quantizable.insert(name);

    // Values computed from constants alone (weights, biases and whatever the
    // importer derived from them) are not activations.
    DenseSet<Value> constant;
    func.walk([&](Operation *op) {
      if (op->getNumRegions() != 0 || !isMemoryEffectFree(op))
        return;
      if (llvm::all_of(op->getOperands(),
                       [&](Value v) { return constant.contains(v); }))
        constant.insert(op->result_begin(), op->result_end());
    });

    // The observed tensors, in discovery order.
    llvm::SetVector<Value> observed;
    llvm::StringSet<> doneNodes;
    Block &body = func.getBody().front();
    for (Operation &op : body) {
      if (!quantizable.contains(op.getName().getStringRef()))
        continue;
      StringRef node = qforge::onnxNodeName(op.getLoc());
      SmallVector<Operation *> members;
      if (node.empty()) {
        members.push_back(&op);
      } else {
        if (!doneNodes.insert(node).second)
          continue;
        for (Operation &other : body)
          if (qforge::onnxNodeName(other.getLoc()) == node)
            members.push_back(&other);
      }
      auto inNode = [&](Operation *user) {
        Operation *top = body.findAncestorOpInBlock(*user);
        return top && llvm::is_contained(members, top);
      };
      for (Operation *member : members)
        for (Value operand : member->getOperands()) {
          Operation *def = operand.getDefiningOp();
          if (isFloatTensor(operand.getType()) && !constant.contains(operand) &&
              !(def && inNode(def)))
            observed.insert(operand);
        }
      for (Operation *member : members)
        for (Value result : member->getResults())
          if (isFloatTensor(result.getType()) && !constant.contains(result) &&
              llvm::any_of(result.getUsers(),
                           [&](Operation *user) { return !inNode(user); }))
            observed.insert(result);
    }

    OpBuilder builder(func.getContext());
    llvm::StringMap<int> uses;
    Operation *lastArgumentObserver = nullptr; // Keeps arguments in id order.
    for (auto [id, value] : llvm::enumerate(observed)) {
      std::string name = qforge::onnxValueName(value);
      int seen = uses[name]++;
      if (seen)
        name += "#" + std::to_string(seen);
      Operation *def = value.getDefiningOp();
      if (def)
        builder.setInsertionPointAfter(def);
      else if (lastArgumentObserver)
        builder.setInsertionPointAfter(lastArgumentObserver);
      else
        builder.setInsertionPointToStart(&body);
      auto observer = qforge::qf::ObserveOp::create(
          builder, value.getLoc(), value, static_cast<int64_t>(id), name);
      if (!def)
        lastArgumentObserver = observer;
    }
  }
};

} // namespace
