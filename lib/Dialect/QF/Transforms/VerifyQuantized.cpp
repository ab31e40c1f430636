//===- VerifyQuantized.cpp - no float compute in quantized functions ------===//
//
// Runs after quantization: it is what makes "the model is int8" a checked
// statement rather than a hope. A float op that slipped through would still
// compile and run, just slowly and with float memory, so only a check between
// the stages catches it.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Dialect/QF/Utils/OnnxNames.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

namespace qforge {
#define GEN_PASS_DEF_VERIFYQUANTIZEDPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

bool isFloatValued(Type type) {
  return isa<FloatType>(getElementTypeOrSelf(type));
}

struct VerifyQuantizedPass
    : qforge::impl::VerifyQuantizedPassBase<VerifyQuantizedPass> {
  using VerifyQuantizedPassBase::VerifyQuantizedPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!func->hasAttr(qforge::qf::kQuantizedAttrName))
      return;
    llvm::StringSet<> allowed;
    for (const std::string &name : keepFloatOps)
      allowed.insert(name);

    // Values computed from a quantized value (in program order: operands
    // are defined before their users in these functions' single block).
    llvm::DenseSet<Value> fromQuantized;
    func.walk([&](Operation *op) {
      bool derived = isQFOrQuant(op) ||
                     llvm::any_of(op->getOperands(),
                                  [&](Value v) { return fromQuantized.contains(v); });
      if (derived)
        fromQuantized.insert(op->result_begin(), op->result_end());
    });
    // Violations in program order; as warnings, one per ONNX node (an
    // unrolled recurrent layer can leave thousands of ops of one node).
    SmallVector<Operation *> violations;
    func.walk([&](Operation *op) {
      if (!isFloatCompute(op, allowed))
        return;
      if (allowInputPreparation &&
          llvm::none_of(op->getOperands(),
                        [&](Value v) { return fromQuantized.contains(v); }))
        return;
      violations.push_back(op);
    });
    llvm::StringMap<int64_t> perNode;
    for (Operation *op : violations)
      ++perNode[qforge::onnxNodeName(op->getLoc())];
    llvm::StringSet<> reported;
    for (Operation *op : violations) {
      StringRef node = qforge::onnxNodeName(op->getLoc());
      if (warnOnly && !node.empty() && !reported.insert(node).second)
        continue;
      InFlightDiagnostic diag = warnOnly ? op->emitWarning() : op->emitError();
      diag << "float compute op '" << op->getName() << "'";
      if (!node.empty())
        diag << " (node '" << node << "')";
      bool grouped = warnOnly && !node.empty() && perNode[node] > 1;
      if (grouped)
        diag << " and " << perNode[node] - 1 << " more of that node";
      StringRef them = grouped ? "them" : "it";
      diag << (grouped ? " are" : " is") << " left in quantized function @"
           << func.getSymName() << "; quantize " << them << ", or keep " << them
           << " float on purpose with qf.keep_float or keep-float-ops";
    }
    if (!violations.empty() && !warnOnly)
      signalPassFailure();
  }

  static bool isQFOrQuant(Operation *op) {
    StringRef dialect = op->getName().getDialectNamespace();
    return dialect == qforge::qf::QFDialect::getDialectNamespace() ||
           dialect == quant::QuantDialect::getDialectNamespace();
  }

  static bool isFloatCompute(Operation *op, const llvm::StringSet<> &allowed) {
    // Ops with regions (loops, conditionals) only carry values; the ops in
    // their bodies are the compute and are visited on their own.
    if (op->getNumRegions() > 0 || op->hasTrait<OpTrait::IsTerminator>() ||
        op->hasAttr(qforge::qf::kKeepFloatAttrName) ||
        matchPattern(op, m_Constant()))
      return false;
    if (isQFOrQuant(op))
      return false;
    if (allowed.contains(op->getName().getStringRef()))
      return false;
    return llvm::any_of(op->getOperandTypes(), isFloatValued) ||
           llvm::any_of(op->getResultTypes(), isFloatValued);
  }
};

} // namespace
