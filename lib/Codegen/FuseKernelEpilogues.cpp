//===- FuseKernelEpilogues.cpp - element-wise consumers in kernel stores --===//
//
// An element-wise linalg.generic consuming a float kernel's result is
// computed on each vector the kernel stores, instead of as one more pass
// over the result in memory.
//
//===----------------------------------------------------------------------===//

#include "qforge/Codegen/Passes.h"

#include "mlir/IR/Dominance.h"

namespace qforge {
#define GEN_PASS_DEF_FUSEKERNELEPILOGUESPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// A kernel's result as a generic sees it.
struct KernelResult {
  Value value;          // what the generic reads
  Operation *root = nullptr; // the kernel's first op writing its result
  /// The kernel computes a [rows, columns] matrix the generic sees
  /// expanded: all its dimensions but the last fold into the row. Else
  /// the kernel writes the generic's shape directly.
  bool matrix = false;
  int64_t rows = 0;     // the real rows (a product pads them to its tile)
  /// Else the kernel's result may be seen with this many unit dimensions
  /// in front (a batched product [B, M, N] as [1, B, M, N]).
  int64_t leadingUnits = 0;
  SmallVector<vector::TransferWriteOp> stores;
};

/// The views between a product's matrix and the generic: possibly a
/// zero-offset slice of the real rows, then an expand_shape folding all
/// but the last dimension into the row. The matrix, or null.
Value matrixBehindViews(Value v, int64_t &rows) {
  auto expand = v.getDefiningOp<tensor::ExpandShapeOp>();
  if (!expand || !expand.getSrc().hasOneUse())
    return {};
  auto src = cast<RankedTensorType>(expand.getSrc().getType());
  int64_t rank = expand.getResultType().getRank();
  SmallVector<ReassociationIndices> groups = expand.getReassociationIndices();
  if (src.getRank() != 2 || groups.size() != 2 || groups[1] != ReassociationIndices{rank - 1})
    return {};
  rows = src.getDimSize(0);
  Value m = expand.getSrc();
  if (auto slice = m.getDefiningOp<tensor::ExtractSliceOp>()) {
    // Only padding rows may be cut off: with padding columns the result
    // would be a strided view, which every consumer then reads (copies,
    // pools) more slowly than the dense tensor the generic wrote.
    bool fromOrigin = llvm::all_of(slice.getStaticOffsets(), [](int64_t o) { return o == 0; }) &&
                      llvm::all_of(slice.getStaticStrides(), [](int64_t s) { return s == 1; });
    if (!fromOrigin || slice.getSourceType().getRank() != 2 || !slice.getSource().hasOneUse() ||
        slice.getSourceType().getDimSize(1) != src.getDimSize(1))
      return {};
    m = slice.getSource();
  }
  return m;
}

/// The tensor `v` views with `units` unit dimensions put in front, or
/// null.
Value sourceBehindLeadingUnits(Value v, int64_t &units) {
  auto expand = v.getDefiningOp<tensor::ExpandShapeOp>();
  if (!expand || !expand.getSrc().hasOneUse())
    return {};
  ArrayRef<int64_t> src = expand.getSrcType().getShape();
  ArrayRef<int64_t> result = expand.getResultType().getShape();
  int64_t extra = static_cast<int64_t>(result.size() - src.size());
  if (extra <= 0 || result.drop_front(extra) != src ||
      llvm::any_of(result.take_front(extra), [](int64_t d) { return d != 1; }))
    return {};
  units = extra;
  return expand.getSrc();
}

/// Gathers the marked stores that produce `t`, following each store's
/// destination and each loop's initial value back to the kernel's empty
/// tensor (loops of one iteration are folded away, leaving chains of
/// stores). Fails if anything else writes the result.
bool collectStores(Value t, KernelResult &k) {
  while (Operation *op = t.getDefiningOp()) {
    if (isa<tensor::EmptyOp>(op))
      return k.root != nullptr;
    k.root = op;
    if (auto w = dyn_cast<vector::TransferWriteOp>(op)) {
      if (!w->hasAttr(qforge::qf::kKernelStoreAttrName))
        return false;
      k.stores.push_back(w);
      t = w.getBase();
      continue;
    }
    auto loop = dyn_cast<scf::ForOp>(op);
    if (!loop)
      return false;
    loop->walk([&](vector::TransferWriteOp w) {
      if (w->hasAttr(qforge::qf::kKernelStoreAttrName))
        k.stores.push_back(w);
    });
    t = loop.getInitArgs()[cast<OpResult>(t).getResultNumber()];
  }
  return false;
}

/// The kernel behind `v`, if its stores are marked and it is read only here.
std::optional<KernelResult> kernelBehind(Value v, linalg::GenericOp user) {
  if (llvm::any_of(v.getUsers(), [&](Operation *u) { return u != user.getOperation(); }))
    return std::nullopt;
  KernelResult k;
  k.value = v;
  Value stored = v;
  if (Value m = matrixBehindViews(v, k.rows)) {
    k.matrix = true;
    stored = m;
  } else if (Value src = sourceBehindLeadingUnits(v, k.leadingUnits)) {
    stored = src;
  }
  if (!collectStores(stored, k) || k.stores.empty())
    return std::nullopt;
  // Every store writes the result itself (a batched product's store into
  // one batch's slice has indices the generic's domain does not).
  for (vector::TransferWriteOp w : k.stores)
    if (w.getVectorType().getRank() != 1 || !w.getPermutationMap().isMinorIdentity() ||
        w.getMask() || w.getBase().getType() != stored.getType())
      return std::nullopt;
  return k;
}

/// The element-wise body of `g` can run on vectors.
bool bodyIsVectorizable(linalg::GenericOp g) {
  for (Operation &op : g.getBody()->without_terminator()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    if (!op.hasTrait<OpTrait::Elementwise>() || !op.hasTrait<OpTrait::Vectorizable>() ||
        op.getNumRegions() != 0)
      return false;
  }
  return true;
}

/// How the epilogue reads one input of the generic at a store.
struct InputRead {
  Value source;                 // a tensor, or the kernel's vector (null)
  SmallVector<int64_t> indices; // per source dimension: a domain dimension, or -1 for 0
  bool vector = false;          // read along the last dimension
  bool viaRows = false;         // the source's [rows, columns] view, read at the row
};

/// How the fused generic's inputs are read, or nothing if one cannot be.
class EpilogueFusion {
public:
  EpilogueFusion(linalg::GenericOp g, KernelResult k, DominanceInfo &dom)
      : g(g), k(std::move(k)), dom(dom) {}

  bool plan();
  void apply();

private:
  bool planInput(OpOperand &operand);
  bool capturedValuesAvailable();
  Value readInput(OpBuilder &b, Location loc, const InputRead &r, ValueRange at, bool inBounds,
                  VectorType type);
  Value vectorize(OpBuilder &b, Location loc, ArrayRef<Value> inputs, VectorType type);
  Value sourceView(OpBuilder &b, Value source);

  linalg::GenericOp g;
  KernelResult k;
  DominanceInfo &dom;
  SmallVector<InputRead> reads;
  DenseMap<Value, Value> views;
};

bool EpilogueFusion::plan() {
  Type element = getElementTypeOrSelf(k.value.getType());
  if (g.getNumDpsInits() != 1 || g.getNumReductionLoops() != 0 ||
      getElementTypeOrSelf(g.getResult(0).getType()) != element ||
      !g.getBody()->getArgument(g.getNumDpsInputs()).use_empty() || !bodyIsVectorizable(g))
    return false;
  for (OpOperand *in : g.getDpsInputOperands())
    if (!planInput(*in))
      return false;
  return capturedValuesAvailable();
}

bool EpilogueFusion::planInput(OpOperand &operand) {
  AffineMap map = g.getMatchingIndexingMap(&operand);
  int64_t last = map.getNumDims() - 1;
  InputRead r;
  if (operand.get() == k.value) {
    if (!map.isIdentity())
      return false;
    reads.push_back(r); // the kernel's own vector
    return true;
  }
  r.source = operand.get();
  if (!isa<RankedTensorType>(r.source.getType()) || !dom.properlyDominates(r.source, k.root))
    return false;
  SmallVector<int64_t> ranges = g.getStaticLoopRanges();
  for (auto [pos, e] : llvm::enumerate(map.getResults())) {
    if (auto c = dyn_cast<AffineConstantExpr>(e)) {
      if (c.getValue() != 0)
        return false;
      r.indices.push_back(-1);
      continue;
    }
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d)
      return false;
    int64_t dim = d.getPosition();
    if (dim == last) {
      if (pos + 1 != map.getNumResults())
        return false; // along the vector, but not contiguous
      r.vector = true;
    }
    // In a product's matrix only the column is a domain index; dimensions
    // folded into the row are read at 0 when they have one element.
    if (k.matrix && dim != last && ranges[dim] != 1)
      r.viaRows = true;
    r.indices.push_back(k.matrix && dim != last && ranges[dim] == 1 ? -1 : dim);
  }
  if (r.viaRows && !(map.isIdentity() && cast<RankedTensorType>(r.source.getType()) ==
                                             cast<RankedTensorType>(k.value.getType())))
    return false;
  reads.push_back(r);
  return true;
}

bool EpilogueFusion::capturedValuesAvailable() {
  Region &body = g.getRegion();
  bool ok = true;
  body.walk([&](Operation *op) {
    for (Value v : op->getOperands())
      if (!body.isAncestor(v.getParentRegion()) && !dom.properlyDominates(v, k.root))
        ok = false;
  });
  return ok;
}

/// The source as [rows, columns], created once before the kernel.
Value EpilogueFusion::sourceView(OpBuilder &b, Value source) {
  auto it = views.find(source);
  if (it != views.end())
    return it->second;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(k.root);
  int64_t rank = cast<RankedTensorType>(source.getType()).getRank();
  ReassociationIndices rowDims = llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
  Value view = tensor::CollapseShapeOp::create(
      b, source.getLoc(), source, SmallVector<ReassociationIndices>{rowDims, {rank - 1}});
  views[source] = view;
  return view;
}

/// Input `r` at the domain position of a store at `at` (the store's own
/// indices: the domain's, or [row, column] of a product's matrix).
Value EpilogueFusion::readInput(OpBuilder &b, Location loc, const InputRead &r, ValueRange at,
                                bool inBounds, VectorType type) {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v).getResult(); };
  // Padding rows of a product's tile read the last real row.
  auto row = [&]() { return arith::MinUIOp::create(b, loc, at[0], index(k.rows - 1)).getResult(); };
  SmallVector<Value> indices;
  Value source = r.source;
  if (r.viaRows) {
    source = sourceView(b, r.source);
    indices = {row(), at[1]};
  } else {
    for (int64_t d : r.indices) {
      if (d < 0)
        indices.push_back(index(0));
      else if (!k.matrix)
        indices.push_back(d < k.leadingUnits ? index(0) : at[d - k.leadingUnits]);
      else
        indices.push_back(at[1]); // the only domain index a matrix keeps
    }
  }
  if (!r.vector) {
    Value scalar = tensor::ExtractOp::create(b, loc, source, indices);
    return vector::BroadcastOp::create(b, loc, type, scalar);
  }
  // The stored vector's lanes are the input's along the last dimension
  // (a product's matrix has no padding columns here), so they are in
  // bounds where the store's are; a masked store reads masked.
  Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(type.getElementType()));
  return vector::TransferReadOp::create(b, loc, type, source, indices, pad,
                                        ArrayRef<bool>{inBounds});
}

/// The generic's body on vectors of `type`'s shape.
Value EpilogueFusion::vectorize(OpBuilder &b, Location loc, ArrayRef<Value> inputs,
                                VectorType type) {
  Block *body = g.getBody();
  IRMapping mapping;
  for (auto [arg, v] : llvm::zip(body->getArguments().take_front(inputs.size()), inputs))
    mapping.map(arg, v);
  auto vectorOf = [&](Value scalar) -> Value {
    if (Value v = mapping.lookupOrNull(scalar))
      return v;
    Value v = vector::BroadcastOp::create(
        b, loc, VectorType::get(type.getShape(), scalar.getType()), scalar);
    mapping.map(scalar, v);
    return v;
  };
  for (Operation &op : body->without_terminator()) {
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      auto vt = VectorType::get(type.getShape(), c.getType());
      mapping.map(c.getResult(), arith::ConstantOp::create(
                                     b, loc, vt, DenseElementsAttr::get(vt, c.getValue())));
      continue;
    }
    OperationState state(loc, op.getName());
    for (Value operand : op.getOperands())
      state.addOperands(vectorOf(operand));
    state.addAttributes(op.getAttrs());
    for (Type t : op.getResultTypes())
      state.addTypes(VectorType::get(type.getShape(), t));
    Operation *vectorOp = b.create(state);
    mapping.map(op.getResults(), vectorOp->getResults());
  }
  return vectorOf(body->getTerminator()->getOperand(0));
}

void EpilogueFusion::apply() {
  for (vector::TransferWriteOp store : k.stores) {
    OpBuilder b(store);
    Location loc = g.getLoc();
    VectorType type = store.getVectorType();
    bool inBounds = store.getInBoundsValues()[0];
    SmallVector<Value> inputs;
    for (const InputRead &r : reads)
      inputs.push_back(r.source ? readInput(b, loc, r, store.getIndices(), inBounds, type)
                                : store.getVector());
    store.getValueToStoreMutable().assign(vectorize(b, loc, inputs, type));
  }
  g.getResult(0).replaceAllUsesWith(k.value);
  g.erase();
}

struct FuseKernelEpiloguesPass
    : qforge::impl::FuseKernelEpiloguesPassBase<FuseKernelEpiloguesPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp g) { generics.push_back(g); });
    DominanceInfo dom(getOperation());
    // In program order: once a generic is fused its consumer reads the
    // kernel's result and may be fused in turn.
    for (linalg::GenericOp g : generics) {
      for (OpOperand *in : g.getDpsInputOperands()) {
        std::optional<KernelResult> k = kernelBehind(in->get(), g);
        if (!k)
          continue;
        EpilogueFusion fusion(g, std::move(*k), dom);
        if (fusion.plan()) {
          fusion.apply();
          break;
        }
      }
    }
  }
};

} // namespace
