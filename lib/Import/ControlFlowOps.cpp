//===- ControlFlowOps.cpp - ONNX If, Loop and Scan ------------------------===//
//
// Subgraphs are imported in place (GraphImporter::importSubgraph). If with a
// condition known at compile time (the usual case once shapes are pinned)
// imports the taken branch only; with a run-time condition both branches
// are computed and their outputs selected, which needs outputs of one type.
// Loop (a trip count and condition known at compile time) and Scan (static
// sequence lengths) are unrolled: one copy of the body per iteration, the
// loop-carried values threaded through, scan outputs stacked.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "HostFolding.h"
#include "ImportContext.h"
#include "TosaBuilders.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

using SubgraphValue = GraphImporter::SubgraphValue;

const onnx::GraphProto *graphAttr(NodeContext &ctx, StringRef name) {
  const onnx::AttributeProto *attr = ctx.attr(name);
  if (attr && attr->has_g())
    return &attr->g();
  ctx.emitError() << "has no '" << name << "' subgraph";
  return nullptr;
}

SubgraphValue inputValue(NodeContext &ctx, size_t i) {
  if (HostTensor host = ctx.constInput(i))
    return {{}, host};
  return {ctx.input(i), {}};
}

Value materialize(NodeContext &ctx, const SubgraphValue &v) {
  return v.host ? constant(ctx.b, ctx.loc, v.host) : v.value;
}

RankedTensorType subgraphType(const SubgraphValue &v) {
  return v.host ? cast<RankedTensorType>(v.host.getType()) : typeOf(v.value);
}

void setOutput(NodeContext &ctx, size_t i, const SubgraphValue &v) {
  if (v.host)
    ctx.setOutput(i, v.host);
  else
    ctx.setOutput(i, v.value);
}

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

LogicalResult convertIf(NodeContext &ctx) {
  const onnx::GraphProto *thenBranch = graphAttr(ctx, "then_branch");
  const onnx::GraphProto *elseBranch = graphAttr(ctx, "else_branch");
  if (!thenBranch || !elseBranch)
    return failure();
  SmallVector<SubgraphValue> thenOut, elseOut;
  if (HostTensor cond = ctx.constInput(0)) {
    const onnx::GraphProto *taken = intValues(cond).front() ? thenBranch : elseBranch;
    if (failed(ctx.graph.importSubgraph(*taken, {}, thenOut)))
      return failure();
    for (auto [i, v] : llvm::enumerate(thenOut))
      setOutput(ctx, i, v);
    return success();
  }
  if (failed(ctx.graph.importSubgraph(*thenBranch, {}, thenOut)) ||
      failed(ctx.graph.importSubgraph(*elseBranch, {}, elseOut)))
    return failure();
  Value cond = ctx.input(0);
  for (auto [i, pair] : llvm::enumerate(llvm::zip(thenOut, elseOut))) {
    auto [a, b] = pair;
    if (subgraphType(a) != subgraphType(b))
      return ctx.unsupported("a condition known only at run time with branches whose output " +
                             Twine(i) + " differs in type");
    ArrayRef<int64_t> shape = subgraphType(a).getShape();
    Value c = broadcastTo(ctx.b, ctx.loc, reshape(ctx.b, ctx.loc, cond, {}), shape);
    ctx.setOutput(i, tosa::SelectOp::create(ctx.b, ctx.loc, subgraphType(a), c, materialize(ctx, a),
                                            materialize(ctx, b)));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Loop and Scan
//===----------------------------------------------------------------------===//

/// Per-iteration values [shape] stacked along a new `axis`, the first
/// iteration first.
Value stack(NodeContext &ctx, ArrayRef<Value> elements, int64_t axis) {
  SmallVector<int64_t> shape(typeOf(elements.front()).getShape());
  shape.insert(shape.begin() + axis, 1);
  SmallVector<Value> parts;
  for (Value v : elements)
    parts.push_back(reshape(ctx.b, ctx.loc, v, shape));
  if (parts.size() == 1)
    return parts.front();
  shape[axis] = static_cast<int64_t>(parts.size());
  return tosa::ConcatOp::create(ctx.b, ctx.loc,
                                tensorType(shape, typeOf(parts.front()).getElementType()), parts,
                                static_cast<int32_t>(axis));
}

LogicalResult convertLoop(NodeContext &ctx) {
  const onnx::GraphProto *body = graphAttr(ctx, "body");
  if (!body)
    return failure();
  if (!ctx.hasInput(0))
    return ctx.unsupported("a Loop without a trip count (one the condition ends)");
  auto trips = ctx.constInts(0, "M");
  if (failed(trips))
    return failure();
  bool keepGoing = true;
  if (ctx.hasInput(1)) {
    auto cond = ctx.constInts(1, "cond");
    if (failed(cond))
      return failure();
    keepGoing = cond->front() != 0;
  }
  size_t carried = ctx.numInputs() - 2;
  SmallVector<SubgraphValue> state;
  for (size_t i = 0; i < carried; ++i)
    state.push_back(inputValue(ctx, 2 + i));
  SmallVector<SmallVector<Value>> scanned;
  Type i64 = ctx.b.getI64Type(), i1 = ctx.b.getI1Type();
  for (int64_t iteration = 0; keepGoing && iteration < trips->front(); ++iteration) {
    SmallVector<SubgraphValue> inputs = {{{}, makeIntTensor(i64, {}, {iteration})},
                                         {{}, makeIntTensor(i1, {}, {1})}};
    inputs.append(state);
    SmallVector<SubgraphValue> outputs;
    if (failed(ctx.graph.importSubgraph(*body, inputs, outputs)))
      return failure();
    if (!outputs.front().host)
      return ctx.unsupported("a loop condition computed at run time");
    keepGoing = intValues(outputs.front().host).front() != 0;
    state.assign(outputs.begin() + 1, outputs.begin() + 1 + carried);
    scanned.resize(outputs.size() - 1 - carried);
    for (size_t k = 0; k < scanned.size(); ++k)
      scanned[k].push_back(materialize(ctx, outputs[1 + carried + k]));
  }
  for (auto [i, v] : llvm::enumerate(state))
    setOutput(ctx, i, v);
  // Scan outputs exist once an iteration ran (each then holds one element
  // per iteration); without one they would be empty.
  if (scanned.empty() && ctx.numOutputs() > carried)
    return ctx.unsupported("a Loop that runs no iteration (empty scan outputs)");
  for (auto [k, elements] : llvm::enumerate(scanned))
    ctx.setOutput(carried + k, stack(ctx, elements, 0));
  return success();
}

/// One Scan (opset 9 form) over `state` and `sequences`: the final states,
/// then the scan outputs.
FailureOr<SmallVector<Value>> scan(NodeContext &ctx, const onnx::GraphProto &body,
                                   ArrayRef<SubgraphValue> state, ArrayRef<Value> sequences,
                                   ArrayRef<int64_t> inAxes, ArrayRef<int64_t> inReverse,
                                   ArrayRef<int64_t> outAxes, ArrayRef<int64_t> outReverse) {
  int64_t steps = typeOf(sequences.front()).getDimSize(inAxes.front());
  SmallVector<SubgraphValue> current(state);
  SmallVector<SmallVector<Value>> scanned;
  for (int64_t t = 0; t < steps; ++t) {
    SmallVector<SubgraphValue> inputs(current);
    for (auto [j, x] : llvm::enumerate(sequences)) {
      int64_t axis = inAxes[j], at = inReverse[j] ? steps - 1 - t : t;
      SmallVector<int64_t> start(typeOf(x).getRank(), 0), size(typeOf(x).getShape());
      start[axis] = at;
      size[axis] = 1;
      SmallVector<int64_t> element(typeOf(x).getShape());
      element.erase(element.begin() + axis);
      inputs.push_back({reshape(ctx.b, ctx.loc, slice(ctx.b, ctx.loc, x, start, size), element),
                        {}});
    }
    SmallVector<SubgraphValue> outputs;
    if (failed(ctx.graph.importSubgraph(body, inputs, outputs)))
      return failure();
    current.assign(outputs.begin(), outputs.begin() + state.size());
    scanned.resize(outputs.size() - state.size());
    for (size_t k = 0; k < scanned.size(); ++k)
      scanned[k].push_back(materialize(ctx, outputs[state.size() + k]));
  }
  SmallVector<Value> results;
  for (const SubgraphValue &v : current)
    results.push_back(materialize(ctx, v));
  for (auto [k, elements] : llvm::enumerate(scanned)) {
    if (k < outReverse.size() && outReverse[k])
      std::reverse(elements.begin(), elements.end());
    results.push_back(stack(ctx, elements, k < outAxes.size() ? outAxes[k] : 0));
  }
  return results;
}

/// An axis list attribute with one entry per value (default 0), normalized.
FailureOr<SmallVector<int64_t>> axesAttr(NodeContext &ctx, StringRef name, size_t count,
                                         ArrayRef<int64_t> ranks) {
  SmallVector<int64_t> axes = ctx.getInts(name);
  if (axes.empty())
    axes.assign(count, 0);
  if (axes.size() != count) {
    ctx.emitError() << "'" << name << "' has " << axes.size() << " entries for " << count
                    << " values";
    return failure();
  }
  for (auto [axis, rank] : llvm::zip(axes, ranks)) {
    auto normalized = ctx.normalizeAxis(axis, rank);
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  return axes;
}

LogicalResult convertScan(NodeContext &ctx) {
  const onnx::GraphProto *body = graphAttr(ctx, "body");
  if (!body)
    return failure();
  // Opset 8: a leading sequence_lens input and a batch dimension on every
  // value, scanned along axis 1 per batch element.
  bool batched = ctx.opset < 9;
  if (batched && ctx.hasInput(0))
    return ctx.unsupported("Scan's sequence_lens");
  size_t first = batched ? 1 : 0;
  int64_t scans = ctx.getInt("num_scan_inputs", 0);
  int64_t states = static_cast<int64_t>(ctx.numInputs() - first) - scans;
  if (scans < 1 || states < 0) {
    ctx.emitError() << "num_scan_inputs " << scans << " does not fit its "
                    << ctx.numInputs() - first << " inputs";
    return failure();
  }
  int64_t scanOutputs = static_cast<int64_t>(ctx.numOutputs()) - states;
  SmallVector<int64_t> inRanks, outRanks(scanOutputs, 1);
  for (int64_t j = 0; j < scans; ++j)
    inRanks.push_back(ctx.inputType(first + states + j).getRank() - (batched ? 1 : 0));
  for (int64_t k = 0; k < scanOutputs; ++k)
    if (k < body->output_size() - states)
      outRanks[k] = body->output(states + k).type().tensor_type().shape().dim_size() + 1;
  auto inAxes = batched ? FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>(scans, 0))
                        : axesAttr(ctx, "scan_input_axes", scans, inRanks);
  auto outAxes = batched ? FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>(scanOutputs, 0))
                         : axesAttr(ctx, "scan_output_axes", scanOutputs, outRanks);
  if (failed(inAxes) || failed(outAxes))
    return failure();
  SmallVector<int64_t> inReverse = ctx.getInts(batched ? "directions" : "scan_input_directions");
  SmallVector<int64_t> outReverse = ctx.getInts("scan_output_directions");
  inReverse.resize(scans, 0);
  int64_t batch = batched ? ctx.inputType(first).getDimSize(0) : 1;
  SmallVector<SmallVector<Value>> perBatch;
  for (int64_t n = 0; n < batch; ++n) {
    auto element = [&](size_t i) -> Value {
      Value v = ctx.input(i);
      if (!batched)
        return v;
      SmallVector<int64_t> start(typeOf(v).getRank(), 0), size(typeOf(v).getShape());
      start[0] = n;
      size[0] = 1;
      return reshape(ctx.b, ctx.loc, slice(ctx.b, ctx.loc, v, start, size),
                     typeOf(v).getShape().drop_front());
    };
    SmallVector<SubgraphValue> state;
    for (int64_t i = 0; i < states; ++i)
      state.push_back(batched ? SubgraphValue{element(first + i), {}} : inputValue(ctx, i));
    SmallVector<Value> sequences;
    for (int64_t j = 0; j < scans; ++j)
      sequences.push_back(element(first + states + j));
    auto results = scan(ctx, *body, state, sequences, *inAxes, inReverse, *outAxes, outReverse);
    if (failed(results))
      return failure();
    perBatch.push_back(*results);
  }
  for (size_t i = 0; i < perBatch.front().size(); ++i) {
    if (!batched) {
      ctx.setOutput(i, perBatch.front()[i]);
      continue;
    }
    SmallVector<Value> parts;
    for (const SmallVector<Value> &results : perBatch)
      parts.push_back(results[i]);
    ctx.setOutput(i, stack(ctx, parts, 0));
  }
  return success();
}

} // namespace

void addControlFlowConverters(ConverterMap &map) {
  addConverter(map, "If", convertIf, 1,
               "the taken branch (constant condition); else both branches + tosa.select",
               "a run-time condition needs branch outputs of one type");
  addConverter(map, "Loop", convertLoop, 1, "the body unrolled per iteration",
               "constant trip count and condition; scan outputs stacked");
  addConverter(map, "Scan", convertScan, 8, "the body unrolled per step",
               "static sequence length; axes and directions; opset 8's batched form "
               "without sequence_lens");
}

} // namespace qforge::onnx_import
