//===- EinsumOp.cpp - ONNX Einsum as transposes, sums and one matmul ------===//
//
// An Einsum of one or two operands with static shapes: each operand's
// repeated labels become its diagonal (a constant-offset gather), labels no
// one else uses are summed out, and two operands meet in one batched
// tosa.matmul over [shared kept labels, own labels, contracted labels];
// the result is transposed to the output's order.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"
#include "TosaBuilders.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <map>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// Labels are letters; the dimensions an ellipsis stands for get labels
/// from kEllipsisBase on, numbered from the right so that they line up
/// across operands.
constexpr int kEllipsisBase = 1000;

/// One side of an equation: its labels, with the ellipsis expanded for an
/// operand of `rank` (`rank` < 0 for the output, which takes `ellipsisDims`).
FailureOr<SmallVector<int>> parseTerm(NodeContext &ctx, StringRef term, int64_t rank,
                                      int64_t &ellipsisDims) {
  SmallVector<int> labels;
  size_t dots = term.find("...");
  int64_t explicitCount = static_cast<int64_t>(term.size()) - (dots == StringRef::npos ? 0 : 3);
  for (size_t i = 0; i < term.size(); ++i) {
    if (i == dots) {
      int64_t count = rank >= 0 ? rank - explicitCount : ellipsisDims;
      if (rank >= 0)
        ellipsisDims = std::max(ellipsisDims, count);
      for (int64_t j = count - 1; j >= 0; --j)
        labels.push_back(kEllipsisBase + static_cast<int>(j));
      i += 2;
      continue;
    }
    if (!llvm::isAlpha(term[i])) {
      ctx.emitError() << "equation term '" << term << "' holds '" << term[i]
                      << "', not a letter or '...'";
      return failure();
    }
    labels.push_back(term[i]);
  }
  if (rank >= 0 && static_cast<int64_t>(labels.size()) != rank) {
    ctx.emitError() << "equation term '" << term << "' has " << labels.size()
                    << " labels for an input of rank " << rank;
    return failure();
  }
  return labels;
}

/// `x` with repeated labels reduced to their diagonal (x[i][i] for "ii"),
/// by one gather at constant offsets; `labels` becomes the unique ones.
Value takeDiagonals(NodeContext &ctx, Value x, SmallVector<int> &labels) {
  SmallVector<int> unique;
  for (int l : labels)
    if (!llvm::is_contained(unique, l))
      unique.push_back(l);
  if (unique.size() == labels.size())
    return x;
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  int64_t rank = static_cast<int64_t>(shape.size());
  SmallVector<int64_t> stride = rowMajorStrides(shape), outShape;
  // A unique label steps every dimension it labels at once.
  SmallVector<int64_t> step;
  for (int l : unique) {
    int64_t s = 0, size = 0;
    for (int64_t d = 0; d < rank; ++d)
      if (labels[d] == l) {
        s += stride[d];
        size = shape[d];
      }
    outShape.push_back(size);
    step.push_back(s);
  }
  int64_t count = product(outShape);
  SmallVector<int64_t> offsets, position(outShape.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < outShape.size(); ++d)
      offset += position[d] * step[d];
    offsets.push_back(offset);
    for (int64_t d = static_cast<int64_t>(outShape.size()) - 1;
         d >= 0 && ++position[d] == outShape[d]; --d)
      position[d] = 0;
  }
  labels = unique;
  return gatherElements(ctx.b, ctx.loc, x, offsets, outShape);
}

/// Sums `x` over the labels `keep` rejects and drops them from `labels`.
Value sumOut(NodeContext &ctx, Value x, SmallVector<int> &labels,
             function_ref<bool(int)> keep) {
  SmallVector<int> kept;
  SmallVector<int64_t> shape;
  for (auto [d, l] : llvm::enumerate(labels)) {
    if (keep(l)) {
      kept.push_back(l);
      shape.push_back(typeOf(x).getDimSize(d));
      continue;
    }
    x = reduceSum(ctx.b, ctx.loc, x, static_cast<int64_t>(d));
  }
  if (kept.size() != labels.size())
    x = reshape(ctx.b, ctx.loc, x, shape);
  labels = kept;
  return x;
}

/// `x` (labelled `labels`) transposed so that its labels come in `order`.
Value arrange(NodeContext &ctx, Value x, ArrayRef<int> labels, ArrayRef<int> order) {
  SmallVector<int32_t> perms;
  for (int l : order)
    perms.push_back(static_cast<int32_t>(llvm::find(labels, l) - labels.begin()));
  bool identity = llvm::all_of(llvm::enumerate(perms),
                               [](auto p) { return p.value() == static_cast<int32_t>(p.index()); });
  return identity ? x : transpose(ctx.b, ctx.loc, x, perms);
}

/// The sizes of `labels` in `x` (labelled `xLabels`), multiplied.
int64_t sizeOf(Value x, ArrayRef<int> xLabels, ArrayRef<int> labels) {
  int64_t n = 1;
  for (int l : labels)
    n *= typeOf(x).getDimSize(llvm::find(xLabels, l) - xLabels.begin());
  return n;
}

/// Two operands in one batched matmul: [batch, left, contracted] x
/// [batch, contracted, right], the result labelled batch, left, right.
Value contract(NodeContext &ctx, Value a, ArrayRef<int> la, Value b, ArrayRef<int> lb,
               ArrayRef<int> out, SmallVector<int> &labels) {
  SmallVector<int> batch, left, right, contracted;
  for (int l : la) {
    bool inB = llvm::is_contained(lb, l), inOut = llvm::is_contained(out, l);
    (inB ? (inOut ? batch : contracted) : left).push_back(l);
  }
  for (int l : lb)
    if (!llvm::is_contained(la, l))
      right.push_back(l);
  SmallVector<int> orderA(batch), orderB(batch);
  llvm::append_range(orderA, left);
  llvm::append_range(orderA, contracted);
  llvm::append_range(orderB, contracted);
  llvm::append_range(orderB, right);
  int64_t nb = sizeOf(a, la, batch), nl = sizeOf(a, la, left), nc = sizeOf(a, la, contracted),
          nr = sizeOf(b, lb, right);
  Value a3 = reshape(ctx.b, ctx.loc, arrange(ctx, a, la, orderA), {nb, nl, nc});
  Value b3 = reshape(ctx.b, ctx.loc, arrange(ctx, b, lb, orderB), {nb, nc, nr});
  Value y = batchMatmul(ctx.b, ctx.loc, a3, b3);
  labels.assign(batch);
  llvm::append_range(labels, left);
  llvm::append_range(labels, right);
  SmallVector<int64_t> shape;
  for (int l : labels) {
    bool fromA = llvm::is_contained(la, l);
    Value from = fromA ? a : b;
    ArrayRef<int> fromLabels = fromA ? la : lb;
    shape.push_back(typeOf(from).getDimSize(llvm::find(fromLabels, l) - fromLabels.begin()));
  }
  return reshape(ctx.b, ctx.loc, y, shape);
}

LogicalResult convertEinsum(NodeContext &ctx) {
  std::string equation = ctx.getString("equation", "");
  equation.erase(llvm::remove_if(equation, [](char c) { return c == ' '; }), equation.end());
  StringRef eq(equation);
  auto [lhs, rhs] = eq.split("->");
  bool explicitOutput = eq.contains("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  size_t n = ctx.numInputs();
  if (terms.size() != n || n < 1 || n > 2)
    return ctx.unsupported("Einsum of " + std::to_string(n) + " inputs with equation '" +
                           equation + "' (one or two inputs)");
  SmallVector<Value> xs;
  SmallVector<SmallVector<int>> labels;
  int64_t ellipsisDims = 0;
  for (size_t i = 0; i < n; ++i) {
    xs.push_back(ctx.input(i));
    auto parsed = parseTerm(ctx, terms[i], typeOf(xs[i]).getRank(), ellipsisDims);
    if (failed(parsed))
      return failure();
    labels.push_back(*parsed);
  }
  if (!isa<FloatType>(typeOf(xs[0]).getElementType()))
    return ctx.unsupported("integer Einsum");
  SmallVector<int> out;
  if (explicitOutput) {
    auto parsed = parseTerm(ctx, rhs, -1, ellipsisDims);
    if (failed(parsed))
      return failure();
    out = *parsed;
  } else {
    // Implicit output: the ellipsis' dimensions, then the letters used
    // once, in alphabetical order.
    std::map<int, int> uses;
    for (const auto &ls : labels)
      for (int l : ls)
        ++uses[l];
    for (int64_t j = ellipsisDims - 1; j >= 0; --j)
      out.push_back(kEllipsisBase + static_cast<int>(j));
    for (auto [l, count] : uses)
      if (l < kEllipsisBase && count == 1)
        out.push_back(l);
  }
  for (size_t i = 0; i < n; ++i) {
    xs[i] = takeDiagonals(ctx, xs[i], labels[i]);
    size_t other = 1 - i;
    xs[i] = sumOut(ctx, xs[i], labels[i], [&](int l) {
      return llvm::is_contained(out, l) || (n == 2 && llvm::is_contained(labels[other], l));
    });
  }
  Value y = xs[0];
  SmallVector<int> yLabels = labels[0];
  if (n == 2)
    y = contract(ctx, xs[0], labels[0], xs[1], labels[1], out, yLabels);
  for (int l : out)
    if (!llvm::is_contained(yLabels, l)) {
      ctx.emitError() << "output label of equation '" << equation << "' is in no input";
      return failure();
    }
  ctx.setOutput(0, arrange(ctx, y, yLabels, out));
  return success();
}

} // namespace

void addEinsumConverter(ConverterMap &map) {
  addConverter(map, "Einsum", convertEinsum, 12,
               "tosa.transpose, tosa.reduce_sum, tosa.gather (diagonals), tosa.matmul",
               "one or two float inputs; ellipsis; implicit output; static shapes");
}

} // namespace qforge::onnx_import
