//===- RecurrentOps.cpp - ONNX RNN, GRU and LSTM --------------------------===//
//
// The recurrence is unrolled over the (static) sequence: the input
// projections of every step are one matmul, each step adds the projection
// of the previous hidden state and applies the gates. Weights known at
// compile time are transposed on the host, so the matmuls take constant
// right-hand sides like a Gemm's and reach the same kernels. Steps past an
// element's sequence_lens keep its state and output zeros, which also
// starts a reverse pass at each element's own last step.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"
#include "TosaBuilders.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Support/ModelInterface.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

enum class Cell { Rnn, Gru, Lstm };

int64_t gateCount(Cell cell) { return cell == Cell::Rnn ? 1 : cell == Cell::Gru ? 3 : 4; }

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

/// One of the activation functions the recurrent ops name, with its alpha
/// and beta (ONNX's defaults unless activation_alpha/beta give them).
struct Activation {
  std::string name;
  double alpha = 0.0, beta = 0.0;
};

bool takesAlpha(StringRef name) {
  return llvm::is_contained({"Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh",
                             "HardSigmoid", "Elu"},
                            name);
}

bool takesBeta(StringRef name) {
  return llvm::is_contained({"Affine", "ScaledTanh", "HardSigmoid"}, name);
}

double defaultAlpha(StringRef name) {
  if (name == "LeakyRelu")
    return 0.01;
  if (name == "HardSigmoid")
    return 0.2;
  return 1.0;
}

double defaultBeta(StringRef name) { return name == "HardSigmoid" ? 0.5 : 0.0; }

Value where(OpBuilder &b, Location loc, Value cond, Value a, Value other) {
  return tosa::SelectOp::create(b, loc, typeOf(a), cond, a, other);
}

Value apply(OpBuilder &b, Location loc, const Activation &f, Value x) {
  RankedTensorType type = typeOf(x);
  Value zero = splat(b, loc, type.getElementType(), type.getShape(), 0.0);
  auto positive = [&] { return binary<tosa::GreaterOp>(b, loc, x, zero, b.getI1Type()); };
  if (f.name == "Sigmoid")
    return tosa::SigmoidOp::create(b, loc, type, x);
  if (f.name == "Tanh")
    return tosa::TanhOp::create(b, loc, type, x);
  if (f.name == "Relu")
    return where(b, loc, positive(), x, zero);
  if (f.name == "Affine")
    return addScalar(b, loc, mulScalar(b, loc, x, f.alpha), f.beta);
  if (f.name == "LeakyRelu")
    return where(b, loc, positive(), x, mulScalar(b, loc, x, f.alpha));
  if (f.name == "ThresholdedRelu") {
    Value above = binary<tosa::GreaterOp>(
        b, loc, x, splat(b, loc, type.getElementType(), type.getShape(), f.alpha),
        b.getI1Type());
    return where(b, loc, above, x, zero);
  }
  if (f.name == "ScaledTanh") {
    Value t = tosa::TanhOp::create(b, loc, type, mulScalar(b, loc, x, f.beta));
    return mulScalar(b, loc, t, f.alpha);
  }
  if (f.name == "HardSigmoid")
    return clamp(b, loc, addScalar(b, loc, mulScalar(b, loc, x, f.alpha), f.beta), 0.0, 1.0);
  if (f.name == "Elu") {
    Value e = tosa::ExpOp::create(b, loc, type, x);
    return where(b, loc, positive(), x, mulScalar(b, loc, addScalar(b, loc, e, -1.0), f.alpha));
  }
  if (f.name == "Softsign") {
    Value magnitude = tosa::AbsOp::create(b, loc, type, x);
    return divide(b, loc, x, addScalar(b, loc, magnitude, 1.0));
  }
  // Softplus, as log(1 + exp(-|x|)) + max(x, 0), which cannot overflow.
  Value magnitude = tosa::AbsOp::create(b, loc, type, x);
  Value e = tosa::ExpOp::create(b, loc, type, mulScalar(b, loc, magnitude, -1.0));
  Value log = tosa::LogOp::create(b, loc, type, addScalar(b, loc, e, 1.0));
  return binary<tosa::AddOp>(b, loc, log, where(b, loc, positive(), x, zero));
}

/// The node's activations, `perDirection` of them for each direction.
FailureOr<SmallVector<Activation>> activationsOf(NodeContext &ctx, Cell cell,
                                                 int64_t directions) {
  static const char *const kDefaults[][3] = {
      {"Tanh"}, {"Sigmoid", "Tanh"}, {"Sigmoid", "Tanh", "Tanh"}};
  int64_t perDirection = cell == Cell::Rnn ? 1 : cell == Cell::Gru ? 2 : 3;
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *list = ctx.attr("activations"))
    for (const std::string &name : list->strings())
      names.push_back(name);
  if (names.empty())
    for (int64_t d = 0; d < directions; ++d)
      for (int64_t i = 0; i < perDirection; ++i)
        names.push_back(kDefaults[static_cast<int>(cell)][i]);
  if (static_cast<int64_t>(names.size()) != perDirection * directions) {
    ctx.emitError() << names.size() << " activations given; " << perDirection * directions
                    << " expected (" << perDirection << " per direction)";
    return failure();
  }
  SmallVector<float> alphas = ctx.getFloats("activation_alpha");
  SmallVector<float> betas = ctx.getFloats("activation_beta");
  size_t nextAlpha = 0, nextBeta = 0;
  SmallVector<Activation> result;
  for (const std::string &name : names) {
    static const char *const kKnown[] = {"Sigmoid",     "Tanh",       "Relu",  "Affine",
                                         "LeakyRelu",   "ThresholdedRelu",    "ScaledTanh",
                                         "HardSigmoid", "Elu",        "Softsign", "Softplus"};
    if (!llvm::is_contained(kKnown, StringRef(name))) {
      (void)ctx.unsupported("activation '" + name + "'");
      return failure();
    }
    Activation f{name, defaultAlpha(name), defaultBeta(name)};
    if (takesAlpha(name) && nextAlpha < alphas.size())
      f.alpha = alphas[nextAlpha++];
    if (takesBeta(name) && nextBeta < betas.size())
      f.beta = betas[nextBeta++];
    result.push_back(f);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

/// Block `d` of the leading dimension of a host tensor.
HostTensor leadingBlock(HostTensor whole, int64_t d) {
  ArrayRef<int64_t> shape = whole.getType().getShape();
  auto type = tensorType(shape.drop_front(), whole.getElementType());
  if (whole.isSplat())
    return DenseElementsAttr::get(type, whole.getSplatValue<Attribute>());
  ArrayRef<char> raw = whole.getRawData();
  size_t bytes = raw.size() / shape.front();
  return DenseElementsAttr::getFromRawBuffer(type, raw.slice(d * bytes, bytes));
}

/// Input `i` ([directions, rows, cols]) for direction `d`, transposed to
/// [cols, rows]: on the host when it is a constant.
Value transposedWeight(NodeContext &ctx, size_t i, int64_t d) {
  ArrayRef<int64_t> shape = ctx.inputType(i).getShape();
  if (ctx.isConstInput(i))
    return constant(ctx.b, ctx.loc,
                    leadingBlock(ctx.permutedConstInput(i, shape, {0, 2, 1}), d));
  Value block = slice(ctx.b, ctx.loc, ctx.input(i), {d, 0, 0}, {1, shape[1], shape[2]});
  return transpose(ctx.b, ctx.loc, reshape(ctx.b, ctx.loc, block, {shape[1], shape[2]}),
                   {1, 0});
}

/// The per-direction operands and settings of one recurrent node.
struct Recurrence {
  Cell cell;
  int64_t steps = 0, batch = 0, inputSize = 0, hidden = 0, directions = 1;
  bool reverseOnly = false, batchFirst = false, linearBeforeReset = false;
  std::optional<double> clip;
  SmallVector<Activation> activations;
  Value x;      // [steps, batch, input]
  Value lengths; // [batch] i32, or null
  // The node's output Y (every step's hidden state), whose calibrated range
  // covers the hidden state each step reads; empty when the model drops Y.
  std::string outputName;
};

/// Checks the node's attributes and shapes and reads the settings.
FailureOr<Recurrence> recurrenceOf(NodeContext &ctx, Cell cell) {
  Recurrence r;
  r.cell = cell;
  std::string direction = ctx.getString("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional") {
    ctx.emitError() << "direction '" << direction
                    << "' is not forward, reverse or bidirectional";
    return failure();
  }
  r.directions = direction == "bidirectional" ? 2 : 1;
  r.reverseOnly = direction == "reverse";
  r.batchFirst = ctx.getInt("layout", 0) != 0;
  r.linearBeforeReset = ctx.getInt("linear_before_reset", 0) != 0;
  if (ctx.hasAttr("clip"))
    r.clip = ctx.getFloat("clip", 0.0f);
  if (cell == Cell::Lstm && ctx.getInt("input_forget", 0) != 0) {
    (void)ctx.unsupported("input_forget=1 (coupled input and forget gates)");
    return failure();
  }
  RankedTensorType xType = ctx.inputType(0);
  if (!isa<FloatType>(xType.getElementType()) || xType.getRank() != 3) {
    ctx.emitError() << "the input must be a 3-D float tensor, not " << xType;
    return failure();
  }
  r.x = ctx.input(0);
  if (r.batchFirst)
    r.x = transpose(ctx.b, ctx.loc, r.x, {1, 0, 2});
  ArrayRef<int64_t> xShape = typeOf(r.x).getShape();
  r.steps = xShape[0];
  r.batch = xShape[1];
  r.inputSize = xShape[2];
  int64_t gates = gateCount(cell);
  ArrayRef<int64_t> w = ctx.inputType(1).getShape();
  r.hidden = ctx.getInt("hidden_size", w.size() == 3 ? w[1] / gates : 0);
  SmallVector<int64_t> wantW = {r.directions, gates * r.hidden, r.inputSize};
  SmallVector<int64_t> wantR = {r.directions, gates * r.hidden, r.hidden};
  if (w != ArrayRef<int64_t>(wantW) || ctx.inputType(2).getShape() != ArrayRef<int64_t>(wantR)) {
    ctx.emitError() << "W must be [" << wantW[0] << ", " << wantW[1] << ", " << wantW[2]
                    << "] and R [" << wantR[0] << ", " << wantR[1] << ", " << wantR[2]
                    << "], not " << ctx.inputType(1) << " and " << ctx.inputType(2);
    return failure();
  }
  auto activations = activationsOf(ctx, cell, r.directions);
  if (failed(activations))
    return failure();
  r.activations = std::move(*activations);
  if (ctx.hasInput(4))
    r.lengths = castElements(ctx.b, ctx.loc, ctx.input(4), ctx.b.getI32Type());
  if (ctx.numOutputs() > 0)
    r.outputName = ctx.node.output(0);
  return r;
}

//===----------------------------------------------------------------------===//
// The recurrence
//===----------------------------------------------------------------------===//

/// One direction's weights and state.
struct Direction {
  Value wT, rT;          // [input, G*H], [H, G*H] (GRU: [H, 2H], see candidateRT)
  Value candidateRT;     // GRU's candidate's [H, H] unless linear_before_reset
  Value inputBias;       // [G*H] added to the input projection, or null
  Value recurrentBias;   // [G*H] added to the hidden projection, or null
  Value peephole;        // LSTM's [3H] (input, output, forget), or null
  Value h, c;            // [batch, hidden]
  // initial_h absent or zeros and no step taken yet: h is zero, and so is
  // its product.
  bool zeroState = false;
  // h is an earlier step's output (a value Y holds), not initial_h.
  bool stepState = false;
  ArrayRef<Activation> f; // this direction's activations
};

/// Rows [d, gates*hidden*part, ...) of the bias input B, [G*H], or null.
Value biasPart(NodeContext &ctx, const Recurrence &r, int64_t d, int64_t part) {
  if (!ctx.hasInput(3))
    return {};
  int64_t size = gateCount(r.cell) * r.hidden;
  Value row = slice(ctx.b, ctx.loc, ctx.input(3), {d, part * size}, {1, size});
  return reshape(ctx.b, ctx.loc, row, {size});
}

Value stateInput(NodeContext &ctx, const Recurrence &r, size_t i, int64_t d) {
  Type element = typeOf(r.x).getElementType();
  if (!ctx.hasInput(i))
    return splat(ctx.b, ctx.loc, element, {r.batch, r.hidden}, 0.0);
  Value v = ctx.input(i);
  if (r.batchFirst)
    v = transpose(ctx.b, ctx.loc, v, {1, 0, 2});
  Value block = slice(ctx.b, ctx.loc, v, {d, 0, 0}, {1, r.batch, r.hidden});
  return reshape(ctx.b, ctx.loc, block, {r.batch, r.hidden});
}

/// Whether input `i` is absent or a constant of zeros (exporters write
/// initial states of zeros out).
bool zeroOrAbsent(NodeContext &ctx, size_t i) {
  if (!ctx.hasInput(i))
    return true;
  HostTensor v = ctx.isConstInput(i) ? ctx.constInput(i) : HostTensor();
  return v && llvm::all_of(v.getValues<APFloat>(), [](const APFloat &x) { return x.isZero(); });
}

Direction directionOf(NodeContext &ctx, const Recurrence &r, int64_t d) {
  Direction dir;
  dir.wT = transposedWeight(ctx, 1, d);
  dir.rT = transposedWeight(ctx, 2, d);
  dir.inputBias = biasPart(ctx, r, d, 0);
  dir.recurrentBias = biasPart(ctx, r, d, 1);
  // Gates other than GRU's candidate take both biases with the input.
  if (dir.inputBias && !(r.cell == Cell::Gru && r.linearBeforeReset)) {
    dir.inputBias = binary<tosa::AddOp>(ctx.b, ctx.loc, dir.inputBias, dir.recurrentBias);
    dir.recurrentBias = {};
  }
  // GRU's candidate multiplies the reset gate into the hidden state before
  // its projection: only the update and reset gates are projected together.
  if (r.cell == Cell::Gru && !r.linearBeforeReset) {
    dir.candidateRT = slice(ctx.b, ctx.loc, dir.rT, {0, 2 * r.hidden}, {r.hidden, r.hidden});
    dir.rT = slice(ctx.b, ctx.loc, dir.rT, {0, 0}, {r.hidden, 2 * r.hidden});
  }
  dir.h = stateInput(ctx, r, 5, d);
  dir.zeroState = zeroOrAbsent(ctx, 5);
  if (r.cell == Cell::Lstm) {
    dir.c = stateInput(ctx, r, 6, d);
    if (ctx.hasInput(7))
      dir.peephole = reshape(
          ctx.b, ctx.loc, slice(ctx.b, ctx.loc, ctx.input(7), {d, 0}, {1, 3 * r.hidden}),
          {3 * r.hidden});
  }
  int64_t perDirection = r.cell == Cell::Rnn ? 1 : r.cell == Cell::Gru ? 2 : 3;
  dir.f = ArrayRef<Activation>(r.activations).slice(d * perDirection, perDirection);
  return dir;
}

/// [rows, K] x [K, N] -> [rows, N].
Value matmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  int64_t rows = typeOf(lhs).getDimSize(0), k = typeOf(lhs).getDimSize(1),
          n = typeOf(rhs).getDimSize(1);
  Value y = batchMatmul(b, loc, reshape(b, loc, lhs, {1, rows, k}),
                        reshape(b, loc, rhs, {1, k, n}));
  return reshape(b, loc, y, {rows, n});
}

/// Gate `g` ([batch, hidden]) of a [batch, G*H] projection.
Value gate(OpBuilder &b, Location loc, Value all, int64_t g, int64_t hidden) {
  int64_t batch = typeOf(all).getDimSize(0);
  return slice(b, loc, all, {0, g * hidden}, {batch, hidden});
}

Value addBias(OpBuilder &b, Location loc, Value x, Value bias) {
  return bias ? binary<tosa::AddOp>(b, loc, x, bias) : x;
}

/// The activation of a gate, its input clipped to [-clip, clip] first.
Value activate(OpBuilder &b, Location loc, const Recurrence &r, const Activation &f, Value x) {
  if (r.clip)
    x = clamp(b, loc, x, -*r.clip, *r.clip);
  return apply(b, loc, f, x);
}

/// Whether activation `f` maps into [0, 1] (HardSigmoid clamps to it): a
/// gate that scales the hidden state keeps it inside any range that holds
/// the state and zero.
bool intoUnitInterval(const Activation &f) {
  return f.name == "Sigmoid" || f.name == "HardSigmoid";
}

/// `state` x `weights` for a step, [batch, N]. The product names Y as the
/// tensor whose calibrated range covers `state` when that holds (see
/// kInputRangeOfAttrName): quantization has no other range for it.
Value stateProduct(OpBuilder &b, Location loc, const Recurrence &r, Value state,
                   Value weights, bool coveredByY) {
  int64_t k = typeOf(state).getDimSize(1), n = typeOf(weights).getDimSize(1);
  Value y = batchMatmul(b, loc, reshape(b, loc, state, {1, r.batch, k}),
                        reshape(b, loc, weights, {1, k, n}));
  if (coveredByY && !r.outputName.empty())
    y.getDefiningOp()->setAttr(qf::kInputRangeOfAttrName, b.getStringAttr(r.outputName));
  return reshape(b, loc, y, {r.batch, n});
}

/// The hidden state's projection with its bias, [batch, G*H]; only the bias
/// (or zero) while the state is known to be zero.
Value hiddenProjection(OpBuilder &b, Location loc, const Recurrence &r, const Direction &dir) {
  int64_t width = typeOf(dir.rT).getDimSize(1);
  Type element = typeOf(r.x).getElementType();
  if (!dir.zeroState)
    return addBias(b, loc, stateProduct(b, loc, r, dir.h, dir.rT, dir.stepState),
                   dir.recurrentBias);
  if (!dir.recurrentBias)
    return splat(b, loc, element, {r.batch, width}, 0.0);
  return broadcastTo(b, loc, reshape(b, loc, dir.recurrentBias, {1, width}), {r.batch, width});
}

/// One step: the new hidden state (and cell state of an LSTM) from the
/// step's input projection `xw` ([batch, G*H], input bias added).
std::pair<Value, Value> step(OpBuilder &b, Location loc, const Recurrence &r,
                             const Direction &dir, Value xw) {
  int64_t hs = r.hidden;
  Value hr = hiddenProjection(b, loc, r, dir);
  auto sum = [&](int64_t g) {
    return binary<tosa::AddOp>(b, loc, gate(b, loc, xw, g, hs), gate(b, loc, hr, g, hs));
  };
  if (r.cell == Cell::Rnn)
    return {activate(b, loc, r, dir.f[0], sum(0)), {}};
  if (r.cell == Cell::Gru) {
    Value z = activate(b, loc, r, dir.f[0], sum(0));
    Value reset = activate(b, loc, r, dir.f[0], sum(1));
    Value candidateIn;
    if (r.linearBeforeReset) {
      candidateIn = mul(b, loc, reset, gate(b, loc, hr, 2, hs));
    } else if (dir.zeroState) {
      candidateIn = splat(b, loc, typeOf(r.x).getElementType(), {r.batch, hs}, 0.0);
    } else {
      candidateIn = stateProduct(b, loc, r, mul(b, loc, reset, dir.h), dir.candidateRT,
                                 dir.stepState && intoUnitInterval(dir.f[0]));
    }
    Value candidate = activate(
        b, loc, r, dir.f[1], binary<tosa::AddOp>(b, loc, gate(b, loc, xw, 2, hs), candidateIn));
    // (1 - z) * candidate + z * h = candidate + z * (h - candidate)
    Value keep = mul(b, loc, z, binary<tosa::SubOp>(b, loc, dir.h, candidate));
    return {binary<tosa::AddOp>(b, loc, candidate, keep), {}};
  }
  // LSTM gates in ONNX's order i, o, f, c; peepholes P = [i, o, f].
  auto withPeephole = [&](Value x, int64_t k, Value cell) {
    if (!dir.peephole)
      return x;
    Value p = slice(b, loc, dir.peephole, {k * hs}, {hs});
    return binary<tosa::AddOp>(b, loc, x, mul(b, loc, p, cell));
  };
  Value i = activate(b, loc, r, dir.f[0], withPeephole(sum(0), 0, dir.c));
  Value f = activate(b, loc, r, dir.f[0], withPeephole(sum(2), 2, dir.c));
  Value candidate = activate(b, loc, r, dir.f[1], sum(3));
  Value c = binary<tosa::AddOp>(b, loc, mul(b, loc, f, dir.c), mul(b, loc, i, candidate));
  Value o = activate(b, loc, r, dir.f[0], withPeephole(sum(1), 1, c));
  return {mul(b, loc, o, apply(b, loc, dir.f[2], c)), c};
}

/// Where step `t` is within each element's sequence: [batch, hidden] i1.
Value withinSequence(OpBuilder &b, Location loc, const Recurrence &r, int64_t t) {
  Value position = splat(b, loc, b.getI32Type(), {r.batch}, static_cast<double>(t));
  Value within = binary<tosa::GreaterOp>(b, loc, r.lengths, position, b.getI1Type());
  return broadcastTo(b, loc, reshape(b, loc, within, {r.batch, 1}), {r.batch, r.hidden});
}

Value concat(OpBuilder &b, Location loc, ArrayRef<Value> parts, int32_t axis) {
  if (parts.size() == 1)
    return parts.front();
  SmallVector<int64_t> shape(typeOf(parts.front()).getShape());
  shape[axis] = 0;
  for (Value part : parts)
    shape[axis] += typeOf(part).getDimSize(axis);
  return tosa::ConcatOp::create(b, loc, tensorType(shape, typeOf(parts.front()).getElementType()),
                                parts, axis);
}

/// Runs one direction over the sequence: its outputs [steps, 1, batch,
/// hidden]; `dir` ends with the final state.
Value run(OpBuilder &b, Location loc, const Recurrence &r, Direction &dir, bool reverse) {
  int64_t gates = typeOf(dir.wT).getDimSize(1);
  Value xw = matmul(b, loc, reshape(b, loc, r.x, {r.steps * r.batch, r.inputSize}), dir.wT);
  xw = reshape(b, loc, addBias(b, loc, xw, dir.inputBias), {r.steps, r.batch, gates});
  Value zeros = splat(b, loc, typeOf(r.x).getElementType(), {r.batch, r.hidden}, 0.0);
  SmallVector<Value> outputs(r.steps);
  // A sequence shorter than the steps holds its initial_h, which Y lacks.
  bool holdsInitialState = r.lengths && !dir.zeroState;
  for (int64_t k = 0; k < r.steps; ++k) {
    int64_t t = reverse ? r.steps - 1 - k : k;
    Value xt = reshape(b, loc, slice(b, loc, xw, {t, 0, 0}, {1, r.batch, gates}),
                       {r.batch, gates});
    auto [h, c] = step(b, loc, r, dir, xt);
    Value out = h;
    if (r.lengths) {
      Value within = withinSequence(b, loc, r, t);
      h = where(b, loc, within, h, dir.h);
      if (c)
        c = where(b, loc, within, c, dir.c);
      out = where(b, loc, within, out, zeros);
    }
    dir.h = h;
    dir.c = c;
    dir.zeroState = false;
    dir.stepState = !holdsInitialState;
    outputs[t] = reshape(b, loc, out, {1, 1, r.batch, r.hidden});
  }
  return concat(b, loc, outputs, 0);
}

/// A model input that is the node's X in sequence-first layout has a
/// sequence as its leading dimension: marked, so that the executable
/// refuses a longer sequence instead of running it as several (each from
/// the initial state).
void markSequenceInput(NodeContext &ctx, const Recurrence &r) {
  auto arg = dyn_cast<BlockArgument>(ctx.input(0));
  auto func = arg ? dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()) : func::FuncOp();
  if (func && !r.batchFirst)
    func.setArgAttr(arg.getArgNumber(), kSequenceInputAttrName, ctx.b.getUnitAttr());
}

template <Cell cell>
LogicalResult convertRecurrent(NodeContext &ctx) {
  auto r = recurrenceOf(ctx, cell);
  if (failed(r))
    return failure();
  markSequenceInput(ctx, *r);
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  SmallVector<Value> ys, hs, cs;
  for (int64_t d = 0; d < r->directions; ++d) {
    Direction dir = directionOf(ctx, *r, d);
    ys.push_back(run(b, loc, *r, dir, r->reverseOnly || d == 1));
    hs.push_back(reshape(b, loc, dir.h, {1, r->batch, r->hidden}));
    if (dir.c)
      cs.push_back(reshape(b, loc, dir.c, {1, r->batch, r->hidden}));
  }
  // layout=1: Y [batch, steps, directions, hidden], states [batch,
  // directions, hidden].
  auto state = [&](ArrayRef<Value> parts) {
    Value v = concat(b, loc, parts, 0);
    return r->batchFirst ? transpose(b, loc, v, {1, 0, 2}) : v;
  };
  Value y = concat(b, loc, ys, 1);
  ctx.setOutput(0, r->batchFirst ? transpose(b, loc, y, {2, 0, 1, 3}) : y);
  if (ctx.outputUsed(1))
    ctx.setOutput(1, state(hs));
  if (cell == Cell::Lstm && ctx.outputUsed(2))
    ctx.setOutput(2, state(cs));
  return success();
}

} // namespace

void addRecurrentConverters(ConverterMap &map) {
  StringRef notes = "unrolled over the static sequence; directions, layout, sequence_lens, "
                    "clip, activations with alpha/beta";
  addConverter(map, "RNN", convertRecurrent<Cell::Rnn>, 7,
               "tosa.matmul per step (+ the activation)", notes);
  addConverter(map, "GRU", convertRecurrent<Cell::Gru>, 7,
               "tosa.matmul per step + gate arithmetic", (notes + "; linear_before_reset").str());
  addConverter(map, "LSTM", convertRecurrent<Cell::Lstm>, 7,
               "tosa.matmul per step + gate arithmetic",
               (notes + "; peepholes; not input_forget").str());
}

} // namespace qforge::onnx_import
