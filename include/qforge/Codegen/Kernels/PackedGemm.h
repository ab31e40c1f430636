//===- PackedGemm.h - register-tiled products on packed weights -*- C++ -*-===//
//
// The loop nest every matrix-product micro-kernel of qforge shares, on
// tensors: for each column tile, for each row tile, a reduction loop that
// carries rows x vectors accumulators (one vector register each) and per
// step reads each of the tile's weight panels once and each row's
// activations once; then each accumulator goes through an epilogue and is
// stored. What a step does with the numbers (vpdpbusd on 4 bytes per lane,
// a float fused multiply-add) is the caller's.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELS_PACKEDGEMM_H
#define QFORGE_CODEGEN_KERNELS_PACKEDGEMM_H

#include "qforge/Dialect/QF/Utils/Layout.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <functional>
#include <vector>

namespace qforge {

/// Lanes of one accumulator vector of the x86 kernels (a zmm register of
/// int32 or f32); AArch64's are 4 (a q register).
constexpr int64_t kGemmLanes = 16;

/// Kernels with less work than this many multiply-adds run on one thread:
/// waking the pool's helpers costs about as much as a few microseconds of
/// arithmetic.
constexpr int64_t kParallelMinMacs = int64_t(1) << 19;

/// The same threshold for the integer kernels, whose dot-product
/// instructions do four multiply-adds per lane where a float FMA does one:
/// as much time, four times the multiply-adds.
constexpr int64_t kIntegerParallelMinMacs = 4 * kParallelMinMacs;

/// Kernels whose weights take at least this many bytes run on several
/// threads however little arithmetic they do (a matrix-vector product such
/// as a recurrent layer's step): each thread streams only its own share of
/// the weights, which its core's cache then keeps from one call to the next.
constexpr int64_t kParallelMinWeightBytes = int64_t(1) << 19;

/// Element-wise ops (copies included) with fewer elements than this run on
/// one thread.
constexpr int64_t kParallelMinElements = int64_t(1) << 16;

/// Register tile: `rows` activation rows by `vectors` x lanes columns.
struct GemmTile {
  int64_t rows = 4;
  int64_t vectors = 4;
};

/// Four rows by four vectors (16 accumulators); a single row (batch-1
/// fully connected layers) takes up to eight vectors so that enough
/// independent accumulators hide the instructions' latency. Fewer vectors
/// (down to half) when that pads the columns less. With
/// accumulators of `blockRows` rows (2 for smmla's 2 x 2 blocks), `rows`
/// counts blocks of rows and `vectors` is even, so that pairs of
/// accumulators make whole row vectors. `rows` (when not 0) and
/// `maxVectors` fix the rows and bound the vectors instead. With fewer
/// `registers` than AVX-512's 32, fewer vectors (the accumulators leave
/// four registers to the operands).
GemmTile chooseGemmTile(int64_t m, int64_t n, int64_t lanes = kGemmLanes,
                        int64_t blockRows = 1, int64_t rows = 0, int64_t maxVectors = 8,
                        int64_t registers = 32);

/// The tile of a matrix product whose steps take each row's values by
/// element (AArch64: one load of a row's values, several instructions each
/// taking one of them): per vector of columns a step holds `panelVectors`
/// registers of weights, per row one register of values, so up to 8 rows
/// and the vectors the rest of the `registers` allow beside the
/// accumulators (8 rows by 2 vectors of 32 registers).
GemmTile chooseByElementTile(int64_t m, int64_t n, int64_t lanes, int64_t panelVectors,
                             int64_t registers = 32);

/// A convolution's rows read in place from its padded NHWC input (an
/// implicit im2col): row m of the product is output pixel m, and the
/// reduction walks the kernel window, kernel row by kernel row and tap by
/// tap, `stepsPerTap` steps (the input's channels over the depth) per tap,
/// in the order of the filter matrix's rows [KH][KW][C].
struct ConvWalk {
  int64_t kernelH = 1, kernelW = 1, stepsPerTap = 1;
  /// Per row tile (its first row m0): what each of its rows needs to find
  /// its window (e.g. the offset of its top left tap).
  std::function<llvm::SmallVector<mlir::Value>(mlir::OpBuilder &, mlir::Location,
                                               mlir::Value m0)>
      rowBases;
  /// Per row tile: the kernel rows [first, last) the walk takes, all of
  /// them unless every row of the tile reads only padding outside them and
  /// padding adds nothing to the sums.
  std::function<std::pair<mlir::Value, mlir::Value>(mlir::OpBuilder &, mlir::Location,
                                                    mlir::Value m0)>
      kernelRows;
  /// Row tiles come in `places` kinds (e.g. the first of an image row, the
  /// last, the ones between), tilePlace giving a tile's (default: one
  /// kind), and rowTakesColumn whether row r of a tile of a kind takes
  /// kernel column kw: rows that would read only padding there are left
  /// out of its products.
  int64_t places = 1;
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value m0)> tilePlace;
  std::function<bool(int64_t place, int64_t r, int64_t kw)> rowTakesColumn;
  /// The activations of the row with base `base` at tap (kh, kw), step
  /// `step` of the tap, as loadRow gives them.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value base,
                            mlir::Value kh, int64_t kw, mlir::Value step)>
      loadTap;
};

/// One packed product. `lhs` is [Mp, Kp] (rows padded to the tile), and
/// `packed` the weights as [Np / W][Kp / depth][V * L * depth] with
/// W = L V, L the accumulator's lanes: per reduction step, the tile's V
/// panels of L columns x
/// `depth` values, contiguous.
struct PackedGemm {
  GemmTile tile;
  int64_t mp, np, kp, depth;
  /// Output rows per accumulator: 1 (its lanes are columns of one row), or
  /// 2 (a 2 x 2 block, row-major; loadRow then gives two rows' bytes and
  /// the epilogue gets row vectors rebuilt from pairs of accumulators).
  int64_t blockRows = 1;
  mlir::Value lhs, packed;
  mlir::VectorType accType;   // vector<L x i32 | f32>
  mlir::VectorType panelType; // the L x depth weights of one vector
  mlir::Type outElement;      // what the epilogue stores
  /// The activations of `row` at reduction step `step`, ready to combine
  /// with every panel of the step (e.g. broadcast to all lanes).
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value row,
                            mlir::Value step)>
      loadRow;
  /// Weight panel v of column tile `tile` at reduction step `step`, when
  /// the panels are not stored as panelType (e.g. 4-bit weights unpacked
  /// in registers); by default a read of `packed`.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value tile,
                            mlir::Value step, int64_t v)>
      loadPanel;
  /// Steps per run when the reduction is summed in runs (blocks of weights
  /// with their own integer multiple), 0 for one sum: each run starts its
  /// accumulators at zero and finishRun folds them into the totals.
  int64_t runSteps = 0;
  /// totals + partial (of run `run`, the accumulator's columns from `col`:
  /// [col, col + L), or [col, col + 2) of a 2 x 2 block) -> new totals.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value total,
                            mlir::Value partial, mlir::Value run, mlir::Value col)>
      finishRun;
  /// Rows read in place from a convolution's input instead of loadRow's
  /// matrix (blockRows 1 only).
  const ConvWalk *conv = nullptr;
  /// acc + row * panel, one step.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value acc,
                            mlir::Value row, mlir::Value panel)>
      combine;
  /// The finished accumulator of columns [col, col + L) -> the vector to
  /// store (of outElement).
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value acc,
                            mlir::Value col)>
      epilogue;
  /// The tensor the tiles are stored into, a new [Mp, Np] one when null:
  /// an [Mp, Np] tensor, or one that holds the product at the leading
  /// indices `storePrefix` (e.g. a batched result [B, Mp, Np] at {b}),
  /// which the emitted loops then return whole.
  mlir::Value into;
  llvm::SmallVector<mlir::Value> storePrefix;
  /// Whether the product may mark one of its loops for threads; false when
  /// the caller splits a loop around it (e.g. a batch).
  bool splitForThreads = true;
  /// The multiply-adds from which the product splits for threads.
  int64_t parallelMinMacs = kParallelMinMacs;
};

/// Emits the loops; returns the [Mp, Np] result tensor of outElement. A
/// product with at least `gemm.parallelMinMacs` multiply-adds (or weights
/// of kParallelMinWeightBytes) marks the loop threads may split
/// (qf.parallel_split).
mlir::Value emitPackedGemm(mlir::OpBuilder &b, mlir::Location loc, const PackedGemm &gemm);

/// for iv in [0, upper) step `step`, carrying one value (a tensor the body
/// writes into): the loop nests the kernel builders write out by hand.
mlir::scf::ForOp carryingLoop(
    mlir::OpBuilder &b, mlir::Location loc, int64_t upper, int64_t step, mlir::Value carried,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value iv,
                                   mlir::Value carried)>
        body);

/// An NHWC input's convolution windows as rows: [N*OH*OW, KH*KW*C]
/// (im2col), or the input itself, collapsed, for a 1x1 stride-1 window.
/// `input` is already padded. Integer rows of few channels (C not a
/// multiple of 16) come zero-padded to a multiple of 4 elements.
mlir::Value unfoldPatches(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                          int64_t kh, int64_t kw, llvm::ArrayRef<int64_t> outShape,
                          llvm::ArrayRef<int64_t> strides, llvm::ArrayRef<int64_t> dilations);

/// An OHWI filter as the [KH*KW*C, O] matrix that multiplies the patches.
mlir::DenseElementsAttr filterAsMatrix(mlir::DenseElementsAttr ohwi);

/// A product's float weights on the host, [rows, cols] row-major: packed
/// from here without an attribute of their own in between.
struct FloatMatrix {
  std::vector<float> values;
  int64_t rows = 0, cols = 0;
};

/// An f32 OHWI filter as filterAsMatrix's matrix, on the host.
FloatMatrix filterAsFloatMatrix(mlir::DenseFPElementsAttr ohwi);

/// The slice of `t` of `shape` from its origin, or `t` itself when it has
/// that shape already.
mlir::Value sliceToShape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t,
                         llvm::ArrayRef<int64_t> shape);

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELS_PACKEDGEMM_H
