//===- TfIdfVectorizerOp.cpp - ONNX TfIdfVectorizer on integer tokens -----===//
//
// The n-gram pool is known at compile time, so counting is comparison: for
// each gram length n and skip s, the n strided views of the tokens are
// compared with the pool's grams of that length, the matches multiplied
// (all n tokens equal) and summed over the start positions. A constant
// 0/1 matrix then places each gram's count at its output index.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"
#include "TosaBuilders.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

/// The pool's grams of one length, in pool order.
struct GramSet {
  int64_t length = 0;
  int64_t firstGram = 0; // index of its first gram among all the pool's grams
  SmallVector<SmallVector<int64_t>> grams;
};

/// Splits pool_int64s by ngram_counts (the pool offset of each length's
/// grams, lengths 1, 2, ...).
FailureOr<SmallVector<GramSet>> gramSetsOf(NodeContext &ctx) {
  SmallVector<int64_t> pool = ctx.getInts("pool_int64s");
  SmallVector<int64_t> starts = ctx.getInts("ngram_counts");
  SmallVector<GramSet> sets;
  int64_t gramIndex = 0;
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t begin = starts[i];
    int64_t end = i + 1 < starts.size() ? starts[i + 1] : static_cast<int64_t>(pool.size());
    int64_t length = static_cast<int64_t>(i) + 1;
    if (begin < 0 || end < begin || end > static_cast<int64_t>(pool.size()) ||
        (end - begin) % length != 0) {
      ctx.emitError() << "ngram_counts: pool entries " << begin << ".." << end
                      << " are not whole " << length << "-grams (the pool has " << pool.size()
                      << " entries)";
      return failure();
    }
    GramSet set{length, gramIndex, {}};
    for (int64_t p = begin; p < end; p += length)
      set.grams.push_back(SmallVector<int64_t>(pool.begin() + p, pool.begin() + p + length));
    gramIndex += static_cast<int64_t>(set.grams.size());
    sets.push_back(std::move(set));
  }
  return sets;
}

/// How often each gram of `set` occurs in `tokens` [N, C] with skip `skip`,
/// as float [N, grams]; null when no gram fits.
Value countGrams(OpBuilder &b, Location loc, Value tokens, const GramSet &set, int64_t skip,
                 Type floatType) {
  auto [batch, width] = std::pair(typeOf(tokens).getDimSize(0), typeOf(tokens).getDimSize(1));
  int64_t span = (set.length - 1) * (skip + 1), starts = width - span;
  int64_t count = static_cast<int64_t>(set.grams.size());
  if (starts <= 0 || count == 0)
    return {};
  Type element = typeOf(tokens).getElementType();
  Value matches;
  for (int64_t k = 0; k < set.length; ++k) {
    Value view = slice(b, loc, tokens, {0, k * (skip + 1)}, {batch, starts});
    SmallVector<APInt> wanted;
    for (const auto &gram : set.grams)
      wanted.push_back(APInt(element.getIntOrFloatBitWidth(), gram[k], /*isSigned=*/true));
    Value pool = constant(b, loc, DenseElementsAttr::get(tensorType({1, count, 1}, element),
                                                         wanted));
    Value equal = binary<tosa::EqualOp>(b, loc, reshape(b, loc, view, {batch, 1, starts}), pool,
                                        b.getI1Type());
    Value hit = castElements(b, loc, equal, floatType);
    matches = matches ? mul(b, loc, matches, hit) : hit;
  }
  return reshape(b, loc, reduceSum(b, loc, matches, 2), {batch, count});
}

/// Puts gram g's value at output column ngram_indexes[g]: [N, grams] x a
/// constant [grams, outputs] 0/1 matrix.
Value placeGrams(OpBuilder &b, Location loc, Value perGram, ArrayRef<int64_t> indexes,
                 int64_t outputs) {
  int64_t grams = static_cast<int64_t>(indexes.size());
  Type floatType = typeOf(perGram).getElementType();
  SmallVector<float> placement(grams * outputs, 0.0f);
  for (auto [g, column] : llvm::enumerate(indexes))
    placement[g * outputs + column] = 1.0f;
  Value matrix = constant(b, loc, DenseElementsAttr::get(tensorType({grams, outputs}, floatType),
                                                         ArrayRef<float>(placement)));
  int64_t batch = typeOf(perGram).getDimSize(0);
  Value y = batchMatmul(b, loc, reshape(b, loc, perGram, {1, batch, grams}),
                        reshape(b, loc, matrix, {1, grams, outputs}));
  return reshape(b, loc, y, {batch, outputs});
}

/// TF counts as they are; IDF and TFIDF weigh them (IDF: weight where the
/// gram occurs at all).
FailureOr<Value> weigh(NodeContext &ctx, Value counts, StringRef mode, int64_t grams) {
  if (mode == "TF")
    return counts;
  if (mode != "IDF" && mode != "TFIDF") {
    ctx.emitError() << "mode '" << mode << "' is not TF, IDF or TFIDF";
    return failure();
  }
  SmallVector<float> weights = ctx.getFloats("weights");
  if (weights.empty())
    weights.assign(grams, 1.0f);
  if (static_cast<int64_t>(weights.size()) != grams) {
    ctx.emitError() << weights.size() << " weights for " << grams << " n-grams";
    return failure();
  }
  Type floatType = typeOf(counts).getElementType();
  Value w = constant(ctx.b, ctx.loc, DenseElementsAttr::get(tensorType({1, grams}, floatType),
                                                            ArrayRef<float>(weights)));
  if (mode == "IDF") {
    Value zero = splat(ctx.b, ctx.loc, floatType, {1, 1}, 0.0);
    Value occurs = binary<tosa::GreaterOp>(ctx.b, ctx.loc, counts, zero, ctx.b.getI1Type());
    counts = castElements(ctx.b, ctx.loc, occurs, floatType);
  }
  return mul(ctx.b, ctx.loc, counts, w);
}

LogicalResult convertTfIdfVectorizer(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type.getElementType().isInteger() || type.getRank() < 1 || type.getRank() > 2) {
    ctx.emitError() << "the input must be integer tokens [C] or [N, C], not " << type;
    return failure();
  }
  auto sets = gramSetsOf(ctx);
  if (failed(sets))
    return failure();
  SmallVector<int64_t> indexes = ctx.getInts("ngram_indexes");
  int64_t grams = sets->empty() ? 0 : sets->back().firstGram +
                                          static_cast<int64_t>(sets->back().grams.size());
  if (static_cast<int64_t>(indexes.size()) != grams || grams == 0 ||
      llvm::any_of(indexes, [](int64_t i) { return i < 0; })) {
    ctx.emitError() << "ngram_indexes has " << indexes.size() << " entries for " << grams
                    << " n-grams in the pool (each a non-negative output index)";
    return failure();
  }
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Type f32 = b.getF32Type();
  int64_t batch = type.getRank() == 2 ? type.getDimSize(0) : 1;
  Value tokens = reshape(b, loc, ctx.input(0), {batch, type.getShape().back()});
  int64_t minLength = ctx.getInt("min_gram_length", 1), maxLength = ctx.getInt("max_gram_length", 1);
  int64_t maxSkip = ctx.getInt("max_skip_count", 0);
  SmallVector<Value> perSet;
  for (const GramSet &set : *sets) {
    if (set.grams.empty())
      continue;
    Value total = splat(b, loc, f32, {batch, static_cast<int64_t>(set.grams.size())}, 0.0);
    bool counted = set.length >= minLength && set.length <= maxLength;
    // Unigrams have no gaps to skip: each position counts once.
    for (int64_t skip = 0; counted && skip <= (set.length == 1 ? 0 : maxSkip); ++skip)
      if (Value c = countGrams(b, loc, tokens, set, skip, f32))
        total = binary<tosa::AddOp>(b, loc, total, c);
    perSet.push_back(total);
  }
  Value counts = perSet.size() == 1
                     ? perSet.front()
                     : tosa::ConcatOp::create(b, loc, tensorType({batch, grams}, f32), perSet, 1);
  auto weighed = weigh(ctx, counts, ctx.getString("mode", "TF"), grams);
  if (failed(weighed))
    return failure();
  int64_t outputs = *llvm::max_element(indexes) + 1;
  Value y = placeGrams(b, loc, *weighed, indexes, outputs);
  if (type.getRank() == 1)
    y = reshape(b, loc, y, {outputs});
  ctx.setOutput(0, y);
  return success();
}

} // namespace

void addTfIdfVectorizerConverter(ConverterMap &map) {
  addConverter(map, "TfIdfVectorizer", convertTfIdfVectorizer, 9,
               "tosa.equal of strided token views with the pool + tosa.reduce_sum + tosa.matmul",
               "integer tokens (pool_int64s); TF, IDF, TFIDF; skips");
}

} // namespace qforge::onnx_import
