//===- LayerObservers.cpp - observe a layer's output and its float twin ---===//

#include "LayerObservers.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Utils/OnnxNames.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;

void qforge::observeValue(Value v, int64_t id, StringRef label) {
  OpBuilder b(v.getContext());
  b.setInsertionPointAfterValue(v);
  qf::ObserveOp::create(b, v.getLoc(), v, b.getI64IntegerAttr(id), b.getStringAttr(label));
}

std::vector<qforge::ObservedLayer>
qforge::observeLayerOutputs(ModuleOp floatModule, ArrayRef<QuantizedLayer> layers,
                            function_ref<Value(const QuantizedLayer &)> quantizedOutput,
                            function_ref<bool(const QuantizedLayer &)> wanted) {
  llvm::StringMap<Value> floatValues;
  floatModule.walk([&](Operation *op) {
    for (Value r : op->getResults())
      floatValues.try_emplace(onnxValueName(r), r);
  });
  std::vector<ObservedLayer> observed;
  for (size_t i = 0; i < layers.size(); ++i) {
    const QuantizedLayer &l = layers[i];
    if (!l.output || !wanted(l))
      continue;
    Value f = floatValues.lookup(l.outputName);
    Value q = quantizedOutput(l);
    if (!f || !q || f.getType() != q.getType())
      continue;
    auto id = static_cast<int64_t>(observed.size());
    observeValue(f, id, l.node);
    observeValue(q, id, l.node);
    observed.push_back({i, f});
  }
  return observed;
}
