//===- TileAndVectorize.cpp - vector lanes along the contiguous loop ------===//

#include "qforge/Codegen/Passes.h"
#include "ContiguousLoop.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace qforge {
#define GEN_PASS_DEF_TILEANDVECTORIZEPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// Lanes per vector: the most, from what fills 512 bits of the op's widest
/// element (16 floats, 64 bytes) down to 4, that divide the loop's extent,
/// so that every tile is full and needs no mask.
int64_t lanesFor(linalg::GenericOp op, int64_t extent) {
  unsigned widest = 8;
  for (Value v : op->getOperands())
    widest = std::max(widest, getElementTypeOrSelf(v.getType()).getIntOrFloatBitWidth());
  for (int64_t lanes = 512 / widest; lanes >= 4; lanes /= 2)
    if (extent % lanes == 0)
      return lanes;
  return 0;
}

/// For a reduction, the loop to block in registers next to the vector
/// loop: the parallel loop indexing the output's next non-unit dimension
/// (a convolution's output column, a matmul's row), if every operand reads
/// it with unit stride (ow + kw, not 2 * ow + kw), so that a block of it is
/// a block of consecutive rows of each operand. -1 if there is none.
int64_t blockedLoop(linalg::GenericOp op, int64_t inner) {
  if (op.getNumReductionLoops() == 0)
    return -1;
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(init);
  auto outShape = cast<ShapedType>(init->get().getType()).getShape();
  auto iterators = op.getIteratorTypesArray();
  int64_t loop = -1;
  for (int64_t r = static_cast<int64_t>(outMap.getNumResults()) - 1; r >= 0; --r) {
    auto dim = dyn_cast<AffineDimExpr>(outMap.getResult(r));
    if (outShape[r] == 1 || (dim && dim.getPosition() == inner))
      continue;
    if (!dim || iterators[dim.getPosition()] != utils::IteratorType::parallel)
      return -1;
    loop = dim.getPosition();
    break;
  }
  if (loop < 0)
    return -1;
  MLIRContext *ctx = op.getContext();
  for (AffineMap map : op.getIndexingMapsArray()) {
    SmallVector<AffineExpr> onlyLoop;
    for (unsigned d = 0; d < map.getNumDims(); ++d)
      onlyLoop.push_back(static_cast<int64_t>(d) == loop
                             ? getAffineDimExpr(d, ctx)
                             : getAffineConstantExpr(0, ctx));
    for (AffineExpr e : map.getResults()) {
      if (!e.isFunctionOfDim(loop))
        continue;
      AffineExpr reduced = simplifyAffineExpr(
          e.replaceDimsAndSymbols(onlyLoop, {}), map.getNumDims(), 0);
      if (reduced != getAffineDimExpr(loop, ctx))
        return -1;
    }
  }
  return loop;
}

/// A reduction over one non-unit loop, the innermost non-unit one, which
/// every input reads contiguously (in its innermost non-unit dimension) or
/// not at all, into one output that does not depend on it: a row's sum or
/// maximum (Softmax, LayerNorm, ReduceMean over the last axis). That loop,
/// or -1.
int64_t rowReductionLoop(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1)
    return -1;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  auto iterators = op.getIteratorTypesArray();
  int64_t row = -1;
  for (int64_t d = 0, e = static_cast<int64_t>(ranges.size()); d < e; ++d) {
    if (row >= 0 && ranges[d] != 1)
      return -1;
    if (iterators[d] == utils::IteratorType::reduction && ranges[d] != 1)
      row = d;
  }
  if (row < 0)
    return -1;
  for (OpOperand &operand : op->getOpOperands()) {
    bool readsRow = llvm::any_of(op.getMatchingIndexingMap(&operand).getResults(),
                                 [&](AffineExpr e) { return e.isFunctionOfDim(row); });
    if ((op.isDpsInit(&operand) && readsRow) || !qforge::readsContiguously(op, operand, row))
      return -1;
  }
  return row;
}

/// An element-wise op whose loops after `inner` all run once (the
/// trailing unit dimensions a reshape folded in by expansion leaves).
bool onlyUnitLoopsAfter(linalg::GenericOp op, int64_t inner) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  return op.getNumReductionLoops() == 0 &&
         llvm::all_of(ArrayRef(ranges).drop_front(inner + 1), [](int64_t r) { return r == 1; });
}

/// `op` with its unit loops dropped (its operands reshaped), and its
/// contiguous loop, which is then the last; -1 if they could not be.
std::pair<linalg::GenericOp, int64_t> withoutUnitLoops(linalg::GenericOp op,
                                                       RewriterBase &rewriter) {
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::DropUnitDimsResult> dropped =
      linalg::dropUnitDims(rewriter, op, linalg::ControlDropUnitDims());
  if (failed(dropped))
    return {op, -1};
  rewriter.replaceOp(op, dropped->replacements);
  auto generic = cast<linalg::GenericOp>(dropped->resultOp.getOperation());
  return {generic, qforge::contiguousParallelLoop(generic)};
}

/// Marks the outermost loop of `loops` that runs at least twice for
/// threads, when the op has enough elements to be worth splitting.
void markParallelSplit(ArrayRef<LoopLikeOpInterface> loops, ArrayRef<int64_t> ranges,
                       RewriterBase &rewriter) {
  int64_t elements = 1;
  for (int64_t r : ranges)
    elements *= r;
  if (elements < qforge::kParallelMinElements)
    return;
  for (LoopLikeOpInterface loop : loops) {
    auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
    std::optional<APInt> trips = forOp ? forOp.getStaticTripCount() : std::nullopt;
    if (trips && trips->getZExtValue() >= 2) {
      forOp->setAttr(qforge::qf::kParallelSplitAttrName, rewriter.getUnitAttr());
      return;
    }
  }
}

/// A constant index 0 (an operand read at index 0 along a dimension, e.g.
/// a broadcast unit dimension): the vectorizer reads it as a broadcast.
bool isConstantZero(AffineExpr e) {
  auto c = dyn_cast<AffineConstantExpr>(e);
  return c && c.getValue() == 0;
}

/// In a tile every loop but the vector one runs once, at 0, so an index
/// such as a convolution's window access (oh + kh) equals any one of its
/// unit loops. Rewrites such indices to that loop, giving the projected
/// permutations the vectorizer wants; false (tile unchanged) if a map would
/// then name a loop twice or an index involves the vector loop.
bool simplifyUnitIndices(linalg::GenericOp tile) {
  SmallVector<int64_t> ranges = tile.getStaticLoopRanges();
  MLIRContext *ctx = tile.getContext();
  SmallVector<Attribute> maps;
  for (AffineMap map : tile.getIndexingMapsArray()) {
    SmallVector<AffineExpr> results;
    llvm::SmallDenseSet<unsigned> used;
    for (AffineExpr e : map.getResults())
      if (auto dim = dyn_cast<AffineDimExpr>(e))
        used.insert(dim.getPosition());
    for (AffineExpr e : map.getResults()) {
      if (isa<AffineDimExpr>(e) || isConstantZero(e)) {
        results.push_back(e);
        continue;
      }
      // The index with every unit loop at 0: one blocked loop (ow + kw is
      // ow) or a constant (oh + kh is any one of the two).
      SmallVector<AffineExpr> atZero;
      for (unsigned d = 0; d < map.getNumDims(); ++d)
        atZero.push_back(ranges[d] == 1 ? getAffineConstantExpr(0, ctx)
                                        : getAffineDimExpr(d, ctx));
      AffineExpr reduced = simplifyAffineExpr(
          e.replaceDimsAndSymbols(atZero, {}), map.getNumDims(), 0);
      std::optional<unsigned> pick;
      if (auto dim = dyn_cast<AffineDimExpr>(reduced)) {
        pick = dim.getPosition();
        if (used.contains(*pick))
          return false;
      } else if (isa<AffineConstantExpr>(reduced)) {
        for (unsigned d = 0; d < map.getNumDims() && !pick; ++d)
          if (e.isFunctionOfDim(d) && !used.contains(d))
            pick = d;
      }
      if (!pick)
        return false;
      used.insert(*pick);
      results.push_back(getAffineDimExpr(*pick, ctx));
    }
    maps.push_back(AffineMapAttr::get(
        AffineMap::get(map.getNumDims(), 0, results, ctx)));
  }
  tile.setIndexingMapsAttr(ArrayAttr::get(ctx, maps));
  return true;
}

/// Vectorizes each tile of `tiled` whose indices can be made projected
/// permutations.
void vectorizeTiles(const scf::SCFTilingResult &tiled, RewriterBase &rewriter) {
  for (Operation *tile : tiled.tiledOps) {
    auto generic = dyn_cast<linalg::GenericOp>(tile);
    if (!generic || !simplifyUnitIndices(generic))
      continue;
    rewriter.setInsertionPoint(tile);
    FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(rewriter, tile);
    if (succeeded(vectorized))
      rewriter.replaceOp(tile, vectorized->replacements);
  }
}

/// Tiles `op` with `sizes` (loops in `order`, or as they are) and
/// vectorizes the tiles; false if it could not be tiled. Threads may split
/// the outermost of the first `splittable` tiled loops that has work to
/// split (never a reduction loop).
bool tileAndVectorize(linalg::GenericOp op, ArrayRef<int64_t> sizes, ArrayRef<int64_t> order,
                      size_t splittable, RewriterBase &rewriter) {
  MLIRContext *ctx = op.getContext();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
  options.setTileSizes(getAsIndexOpFoldResult(ctx, sizes));
  if (!order.empty())
    options.setInterchange(order);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return false;
  rewriter.replaceOp(op, tiled->replacements);
  if (tiled->loops.size() == ranges.size())
    markParallelSplit(ArrayRef(tiled->loops).take_front(splittable), ranges, rewriter);
  vectorizeTiles(*tiled, rewriter);
  return true;
}

/// An op whose innermost loop is parallel and contiguous: each tile is one
/// vector along it, or for a reduction a register block of up to 4 rows by
/// up to 2 vectors (8 accumulators of 32 registers); every other loop
/// becomes an scf.for of step 1, the vector loop outside the reductions so
/// that each output vector is accumulated in a register (hoisted later)
/// across them.
void tileAlongContiguousLoop(linalg::GenericOp op, int64_t inner, RewriterBase &rewriter) {
  unsigned loops = op.getNumLoops();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t lanes = lanesFor(op, ranges[inner]);
  if (!lanes)
    return;
  SmallVector<int64_t> sizes(loops, 1);
  sizes[inner] = lanes;
  if (op.getNumReductionLoops() > 0 && lanes == 16 && ranges[inner] % 32 == 0)
    sizes[inner] = 32;
  int64_t block = blockedLoop(op, inner);
  if (block >= 0)
    for (int64_t rows : {4, 2})
      if (ranges[block] % rows == 0) {
        sizes[block] = rows;
        break;
      }
  SmallVector<int64_t> order;
  auto iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < loops; ++d)
    if (iterators[d] == utils::IteratorType::parallel && d != inner)
      order.push_back(d);
  order.push_back(inner);
  for (unsigned d = 0; d < loops; ++d)
    if (iterators[d] == utils::IteratorType::reduction)
      order.push_back(d);
  // The parallel loops come first: any of them may be split (a batched
  // matmul's batch or rows).
  (void)tileAndVectorize(op, sizes, order, op.getNumParallelLoops(), rewriter);
}

/// `reduction` (a whole vector into a scalar) as a fixed tree: halves
/// combined element-wise until one lane is left, then the accumulator.
/// The order is explicit, so every target computes the same sum (LLVM
/// would otherwise add lane after lane, or reassociate per vector width).
void reduceAsTree(vector::ReductionOp reduction, RewriterBase &rewriter) {
  Location loc = reduction.getLoc();
  rewriter.setInsertionPoint(reduction);
  Value v = reduction.getVector();
  for (int64_t n = reduction.getSourceVectorType().getNumElements(); n > 1; n /= 2) {
    auto half = [&](int64_t offset) {
      return vector::ExtractStridedSliceOp::create(rewriter, loc, v, ArrayRef<int64_t>{offset},
                                                   ArrayRef<int64_t>{n / 2},
                                                   ArrayRef<int64_t>{1});
    };
    Value low = half(0); // Created in this order whatever the compiler.
    Value high = half(n / 2);
    v = vector::makeArithReduction(rewriter, loc, reduction.getKind(), low, high);
  }
  Value result = vector::ExtractOp::create(rewriter, loc, v, ArrayRef<int64_t>{0});
  if (Value acc = reduction.getAcc())
    result = vector::makeArithReduction(rewriter, loc, reduction.getKind(), result, acc);
  rewriter.replaceOp(reduction, result);
}

/// A row reduction: one row at a time, in chunks of up to 8 vectors, each
/// chunk reduced in registers as a tree and added to the row's running
/// value.
void tileRowReduction(linalg::GenericOp op, int64_t row, RewriterBase &rewriter) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t lanes = lanesFor(op, ranges[row]);
  if (!lanes)
    return;
  SmallVector<int64_t> sizes(op.getNumLoops(), 1);
  sizes[row] = lanes;
  while (sizes[row] < 8 * lanes && ranges[row] % (2 * sizes[row]) == 0)
    sizes[row] *= 2;
  // The loops replacing `op` are the ops between its neighbours.
  Block *block = op->getBlock();
  Operation *prev = op->getPrevNode(), *next = op->getNextNode();
  // No interchange: the loops before the row loop run over rows.
  if (!tileAndVectorize(op, sizes, {}, static_cast<size_t>(row), rewriter))
    return;
  auto replacing = llvm::make_range(prev ? std::next(prev->getIterator()) : block->begin(),
                                    next ? next->getIterator() : block->end());
  MLIRContext *ctx = block->getParentOp()->getContext();
  // The chunk's reduction along its lanes, not the lane-by-lane chain the
  // function-wide lowering (InnerParallel, for reductions over outer
  // dimensions) would make of it.
  SmallVector<Operation *> reductions;
  for (Operation &tiled : replacing)
    tiled.walk([&](vector::MultiDimReductionOp r) { reductions.push_back(r); });
  RewritePatternSet patterns(ctx);
  vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
  vector::populateVectorMultiReductionLoweringPatterns(
      patterns, vector::VectorMultiReductionLowering::InnerReduction);
  (void)applyOpPatternsGreedily(
      reductions, std::move(patterns),
      GreedyRewriteConfig().setStrictness(GreedyRewriteStrictness::ExistingAndNewOps));
  SmallVector<vector::ReductionOp> chunks;
  for (Operation &tiled : replacing)
    tiled.walk([&](vector::ReductionOp r) { chunks.push_back(r); });
  for (vector::ReductionOp chunk : chunks)
    reduceAsTree(chunk, rewriter);
}

/// The vector `v` reshapes (through single-use shape casts and extracts
/// that drop unit dimensions), or `v`.
Value throughShapeCast(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!def->hasOneUse())
      break;
    auto extract = dyn_cast<vector::ExtractOp>(def);
    auto extracted = extract ? dyn_cast<VectorType>(extract.getType()) : VectorType();
    if (auto reshape = dyn_cast<vector::ShapeCastOp>(def)) {
      v = reshape.getSource();
    } else if (extracted && extracted.getNumElements() ==
                                extract.getSourceVectorType().getNumElements()) {
      v = extract.getSource();
    } else {
      break;
    }
  }
  return v;
}

/// acc + a * b accumulated across the iterations of a loop (a reduction's
/// register block, its accumulator an scf.for's iteration argument) as a
/// fused multiply-add: one instruction and one rounding, as the packed FMA
/// kernels compute, instead of a multiply and a dependent add.
struct AccumulateAsFma : OpRewritePattern<arith::AddFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::AddFOp add, PatternRewriter &rewriter) const override {
    if (!isa<VectorType>(add.getType()))
      return failure();
    for (unsigned i = 0; i < 2; ++i) {
      Value acc = add->getOperand(i);
      auto carried = dyn_cast<BlockArgument>(throughShapeCast(acc));
      auto mul = throughShapeCast(add->getOperand(1 - i)).getDefiningOp<arith::MulFOp>();
      if (!carried || !isa<scf::ForOp>(carried.getOwner()->getParentOp()) || !mul ||
          !mul->hasOneUse())
        continue;
      auto asResult = [&](Value v) -> Value {
        return v.getType() == add.getType()
                   ? v
                   : vector::ShapeCastOp::create(rewriter, add.getLoc(), add.getType(), v);
      };
      rewriter.setInsertionPoint(add);
      Value lhs = asResult(mul.getLhs()); // In this order whatever the compiler.
      Value rhs = asResult(mul.getRhs());
      rewriter.replaceOpWithNewOp<vector::FMAOp>(add, lhs, rhs, acc);
      return success();
    }
    return failure();
  }
};

/// Unit dimensions away and reductions over them folded. Slices stay:
/// matching extract/insert pairs are what the hoisting after it moves.
LogicalResult simplifyVectors(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  RewritePatternSet patterns(ctx);
  vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
  vector::populateVectorTransferDropUnitDimsPatterns(patterns);
  vector::populateVectorMultiReductionLoweringPatterns(
      patterns, vector::VectorMultiReductionLowering::InnerParallel);
  vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
  vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
  vector::ShapeCastOp::getCanonicalizationPatterns(patterns, ctx);
  vector::BroadcastOp::getCanonicalizationPatterns(patterns, ctx);
  vector::MultiDimReductionOp::getCanonicalizationPatterns(patterns, ctx);
  return applyPatternsGreedily(func, std::move(patterns));
}

struct TileAndVectorizePass
    : qforge::impl::TileAndVectorizePassBase<TileAndVectorizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(func.getContext());

    SmallVector<linalg::GenericOp> candidates;
    // Booleans are one byte each in memory but one bit each in a vector
    // register: a vector load of them would read the wrong bits.
    auto byteSized = [](Value v) {
      Type e = getElementTypeOrSelf(v.getType());
      return (isa<IntegerType>(e) || isa<FloatType>(e)) &&
             e.getIntOrFloatBitWidth() >= 8;
    };
    func.walk([&](linalg::GenericOp op) {
      if (op.hasPureTensorSemantics() && !op.hasDynamicShape() &&
          llvm::all_of(op->getOperands(), byteSized))
        candidates.push_back(op);
    });
    for (linalg::GenericOp op : candidates) {
      int64_t inner = qforge::contiguousParallelLoop(op);
      if (inner >= 0 && inner != static_cast<int64_t>(op.getNumLoops()) - 1 &&
          onlyUnitLoopsAfter(op, inner))
        std::tie(op, inner) = withoutUnitLoops(op, rewriter);
      if (inner >= 0 && inner == static_cast<int64_t>(op.getNumLoops()) - 1)
        tileAlongContiguousLoop(op, inner, rewriter);
      else if (int64_t row = rowReductionLoop(op); row >= 0)
        tileRowReduction(op, row, rewriter);
    }
    if (failed(simplifyVectors(func)))
      return signalPassFailure();

    // Reads and writes of the same output vector in every iteration of a
    // reduction loop move out of it: the accumulator stays in a register.
    SmallVector<scf::ForOp> forLoops;
    func.walk([&](scf::ForOp loop) { forLoops.push_back(loop); }); // Inner first.
    for (scf::ForOp loop : forLoops)
      (void)hoistLoopInvariantSubsets(rewriter, loop);

    RewritePatternSet fma(func.getContext());
    fma.add<AccumulateAsFma>(func.getContext());
    if (failed(applyPatternsGreedily(func, std::move(fma))))
      return signalPassFailure();
  }
};

} // namespace
