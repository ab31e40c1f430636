//===- DotProductMatmul.cpp - int8 products on dot-product instructions ---===//

#include "qforge/Codegen/Kernels/DotProductMatmul.h"
#include "qforge/Codegen/Kernels/AmxMatmul.h"
#include "qforge/Codegen/Kernels/ConvWindows.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/Sequence.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>
#include <optional>

using namespace mlir;

namespace qforge {

namespace {

/// What differs between the instructions.
struct DotTraits {
  int64_t lanes;      // int32 lanes of one accumulator register
  int64_t blockRows;  // output rows an accumulator holds (lanes / blockRows columns)
  int64_t depth;      // bytes of the reduction one instruction takes per output
  bool unsignedLhs;   // the activations' bytes are read as unsigned
  int64_t registers;  // vector registers the register tile has
  // Bytes widened to int16 and multiplied in pairs (vpmaddwd): the
  // activations are widened before the kernel reads them, and each panel
  // holds its first two bytes of every column, then its last two.
  bool pairs = false;
  // Instructions for either signedness of the activations (AMX's tdpbusd
  // and tdpbssd): the bytes are read as they are.
  bool eitherSign = false;
};

DotTraits traitsOf(DotInstruction instruction) {
  switch (instruction) {
  case DotInstruction::X86Vnni:
    return {16, 1, 4, true, 32}; // zmm; vpdpbusd: u8 x s8, 16 columns x 4 bytes
  case DotInstruction::X86AvxVnni:
    return {8, 1, 4, true, 16}; // ymm; {vex} vpdpbusd: u8 x s8, 8 columns x 4 bytes
  case DotInstruction::X86Pmaddwd:
    return {8, 1, 4, true, 16, true}; // ymm; 2 vpmaddwd: u8 x s8 widened, 8 columns x 4
  case DotInstruction::ArmSdot:
    return {4, 1, 4, false, 32}; // q register; sdot: s8 x s8, 4 columns x 4 bytes
  case DotInstruction::ArmSmmla:
    return {4, 2, 8, false, 32}; // q register; smmla: s8 x s8, a 2 x 2 block over 8 bytes
  case DotInstruction::ArmSmull:
    return {4, 1, 2, false, 32}; // q register; smull + sadalp: s8 x s8, 4 columns x 2 bytes
  case DotInstruction::X86Amx:
    return {16, 1, 4, true, 32, false, true}; // tiles; the epilogue on zmm, 16 columns
  }
  llvm_unreachable("unknown dot-product instruction");
}

/// The weights' bytes, straight from the attribute's storage when it
/// holds one byte per element (millions of APInts cost seconds).
std::vector<int8_t> weightBytes(DenseIntElementsAttr values) {
  if (!values.isSplat() && values.getElementType().isInteger(8)) {
    ArrayRef<char> raw = values.getRawData();
    return std::vector<int8_t>(raw.begin(), raw.end());
  }
  std::vector<int8_t> bytes;
  bytes.reserve(values.getNumElements());
  for (const APInt &v : values.getValues<APInt>())
    bytes.push_back(static_cast<int8_t>(v.getSExtValue()));
  return bytes;
}

/// The weights as int64 [K][N] times their run multiples.
std::vector<int64_t> effectiveWeights(const DotProductWeights &w, int64_t &k, int64_t &n) {
  auto type = cast<ShapedType>(w.values.getType());
  k = type.getDimSize(0);
  n = type.getDimSize(1);
  std::vector<int8_t> bytes = weightBytes(w.values);
  std::vector<int64_t> values(bytes.begin(), bytes.end());
  if (w.runs)
    for (int64_t row = 0; row < k; ++row) {
      const int32_t *multiples = &w.runs->multiples[(row / w.runs->size) * n];
      for (int64_t col = 0; col < n; ++col)
        values[row * n + col] *= multiples[col];
    }
  return values;
}

/// Two 4-bit weights per byte, for a step's `vectors` panels of `panel`
/// weights each: panels 2p and 2p + 1 share `panel` bytes, byte i holding
/// weight i of the first in its low nibble and weight i of the second in its
/// high one, so that one load of a panel (64 bytes on zmm, 32 on ymm)
/// unpacks to both (one shift pair for
/// the low nibbles, one shift for the high ones). A last panel without a
/// partner takes panel / 2 bytes, weight i low and weight i + panel / 2 high.
std::vector<int8_t> twoPerByte(const std::vector<int8_t> &values, int64_t panel,
                               int64_t vectors) {
  auto pack = [](int8_t low, int8_t high) {
    return static_cast<int8_t>((static_cast<uint8_t>(low) & 0x0F) |
                               (static_cast<uint8_t>(high) << 4));
  };
  int64_t step = vectors * panel, half = panel / 2;
  std::vector<int8_t> nibbles;
  nibbles.reserve(values.size() / 2);
  for (size_t s = 0; s < values.size() / step; ++s) {
    const int8_t *w = values.data() + s * step;
    for (int64_t v = 0; v + 1 < vectors; v += 2)
      for (int64_t i = 0; i < panel; ++i)
        nibbles.push_back(pack(w[v * panel + i], w[(v + 1) * panel + i]));
    if (vectors % 2)
      for (int64_t i = 0; i < half; ++i)
        nibbles.push_back(pack(w[(vectors - 1) * panel + i], w[(vectors - 1) * panel + half + i]));
  }
  return nibbles;
}

/// The weights [K, N] as [Np/W][Kp/D][V][C D] bytes, C the columns of one
/// accumulator, D the depth and W = C V the column tile's width: the panel
/// (t, kb, v) holds, for each of the C columns j of accumulator v, the D
/// weights w[D kb .. D kb + D-1][W t + C v + j]. One step of the kernel
/// reads V panels, contiguous. The padding is zero, so padded rows and
/// columns add nothing. With `nibbles`, the panels then go two weights
/// per byte (twoPerByte). With a `run` shorter than D, a panel holds its
/// D weights per column in runs: the first `run` of each column, then the
/// next `run` of each column, ... (vpmaddwd's pairs: runs of 2; steps of
/// several sdot: runs of 4, one per instruction).
Value packWeights(OpBuilder &b, Location loc, DenseIntElementsAttr weights, int64_t kp,
                  int64_t np, int64_t columns, int64_t depth, int64_t run, int64_t vectors,
                  bool nibbles) {
  auto type = cast<ShapedType>(weights.getType());
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  std::vector<int8_t> values = weightBytes(weights);
  int64_t width = columns * vectors, tiles = np / width, steps = kp / depth;
  std::vector<int8_t> packed(np * kp, 0);
  for (int64_t t = 0; t < tiles; ++t)
    for (int64_t kb = 0; kb < steps; ++kb)
      for (int64_t v = 0; v < vectors; ++v)
        for (int64_t j = 0; j < columns; ++j)
          for (int64_t i = 0; i < depth; ++i) {
            int64_t row = kb * depth + i, col = t * width + v * columns + j;
            int64_t inPanel = (i / run) * columns * run + j * run + i % run;
            if (row < k && col < n)
              packed[((t * steps + kb) * vectors + v) * columns * depth + inPanel] =
                  values[row * n + col];
          }
  int64_t perStep = vectors * columns * depth;
  if (nibbles) {
    packed = twoPerByte(packed, columns * depth, vectors);
    perStep /= 2;
  }
  auto packedType = RankedTensorType::get({tiles, steps, perStep}, b.getI8Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(packedType, ArrayRef<int8_t>(packed)));
}

/// How the activation bytes become what the instruction reads.
struct ReadForm {
  bool flip = false; // x ^ 0x80: a shift by 128 that changes the signedness
  bool wide = false; // then zero-extended to int16 (unsigned by then)
  Type element(OpBuilder &b) const { return wide ? b.getI16Type() : b.getI8Type(); }
  bool identity() const { return !flip && !wide; }
  /// Zero point `zeroPoint` of activations of signedness `xSigned` in the
  /// units read: shifted by 128 with the flip.
  int64_t readZero(bool xSigned, int64_t zeroPoint) const {
    return !flip ? zeroPoint : xSigned ? zeroPoint + 128 : zeroPoint - 128;
  }
};

/// The read form of activations `x` for `traits`, given their signedness:
/// elements already widened (a convolution's unfolded windows) stay.
ReadForm readFormOf(Value x, bool xSigned, const DotTraits &traits) {
  assert((!traits.pairs || traits.unsignedLhs) && "widened bytes are read unsigned");
  bool bytes = cast<ShapedType>(x.getType()).getElementType().isInteger(8);
  return {!traits.eitherSign && xSigned == traits.unsignedLhs, traits.pairs && bytes};
}

/// x as `form` reads it, written into `init` (a new tensor by default).
Value readElements(OpBuilder &b, Location loc, Value x, ReadForm form, Value init = Value()) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = form.element(b);
  if (!init)
    init = tensor::EmptyOp::create(b, loc, type.getShape(), element);
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{x}, ValueRange{init},
             SmallVector<AffineMap>{id, id},
             SmallVector<utils::IteratorType>(type.getRank(), utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value v = args[0];
               if (form.flip)
                 v = arith::XOrIOp::create(
                     nb, nl, v,
                     arith::ConstantOp::create(nb, nl, nb.getI8Type(), nb.getI8IntegerAttr(-128)));
               if (form.wide)
                 v = arith::ExtUIOp::create(nb, nl, element, v);
               linalg::YieldOp::create(nb, nl, ValueRange{v});
             })
      .getResult(0);
}

/// An NHWC input as the elements the instruction reads (`form`), padded by
/// `pad` = [top, bottom, left, right] of `padValue` (in the read units): a
/// new buffer whose border alone is filled, the input copied (read as
/// `form`) straight into its interior, so that the bytes move once.
Value paddedElements(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pad,
                     int64_t padValue, ReadForm form) {
  auto type = cast<RankedTensorType>(x.getType());
  if (llvm::all_of(pad, [](int64_t p) { return p == 0; }))
    return form.identity() ? x : readElements(b, loc, x, form);
  int64_t n = type.getDimSize(0), h = type.getDimSize(1), w = type.getDimSize(2),
          c = type.getDimSize(3);
  int64_t hp = h + pad[0] + pad[1], wp = w + pad[2] + pad[3];
  Type element = form.element(b);
  Value buffer = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{n, hp, wp, c}, element);
  Value fill = arith::ConstantOp::create(b, loc, element, b.getIntegerAttr(element, padValue));
  // Writes the box [offsets, offsets + sizes) of the buffer: what `write`
  // makes of the buffer's slice there (so that it bufferizes in place).
  auto region = [&](ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                    function_ref<Value(Value box)> write) {
    if (llvm::is_contained(sizes, 0))
      return;
    SmallVector<OpFoldResult> offs, szs, strides(4, b.getIndexAttr(1));
    for (auto [o, s] : llvm::zip(offsets, sizes)) {
      offs.push_back(b.getIndexAttr(o));
      szs.push_back(b.getIndexAttr(s));
    }
    Value box = tensor::ExtractSliceOp::create(b, loc, buffer, offs, szs, strides);
    buffer = tensor::InsertSliceOp::create(b, loc, write(box), buffer, offs, szs, strides);
  };
  auto border = [&](Value box) {
    return linalg::FillOp::create(b, loc, ValueRange{fill}, ValueRange{box}).getResult(0);
  };
  region({0, 0, 0, 0}, {n, pad[0], wp, c}, border);
  region({0, pad[0] + h, 0, 0}, {n, pad[1], wp, c}, border);
  region({0, pad[0], 0, 0}, {n, h, pad[2], c}, border);
  region({0, pad[0], pad[2] + w, 0}, {n, h, pad[3], c}, border);
  if (form.identity()) {
    // A copy into the interior (memcpy of rows after bufferization).
    SmallVector<OpFoldResult> offs = {b.getIndexAttr(0), b.getIndexAttr(pad[0]),
                                      b.getIndexAttr(pad[2]), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(n), b.getIndexAttr(h), b.getIndexAttr(w),
                                       b.getIndexAttr(c)};
    return tensor::InsertSliceOp::create(b, loc, x, buffer, offs, sizes,
                                         SmallVector<OpFoldResult>(4, b.getIndexAttr(1)));
  }
  region({0, pad[0], pad[2], 0}, {n, h, w, c},
         [&](Value box) { return readElements(b, loc, x, form, box); });
  return buffer;
}

/// The activations as the elements the instruction reads (`form`), padded
/// with zeros to [Mp, Kp].
Value activationElements(OpBuilder &b, Location loc, Value x, ReadForm form, int64_t mp,
                         int64_t kp) {
  auto type = cast<RankedTensorType>(x.getType());
  if (!form.identity())
    x = readElements(b, loc, x, form);
  int64_t m = type.getDimSize(0), k = type.getDimSize(1);
  if (m == mp && k == kp)
    return x;
  Type element = cast<RankedTensorType>(x.getType()).getElementType();
  Value zero = arith::ConstantOp::create(b, loc, element, b.getIntegerAttr(element, 0));
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get({mp, kp}, element), x,
      ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(mp - m), b.getIndexAttr(kp - k)}, zero);
}

/// The D bytes of `bytes` (a vector<D x i8>) as one integer copied `copies`
/// times (once per column of an accumulator), viewed as the instruction's
/// byte operand `bytesType`: vpdpbusd's and sdot's 4-byte words, smull's
/// 2-byte pairs.
Value broadcastWord(OpBuilder &b, Location loc, Value bytes, int64_t copies,
                    VectorType bytesType) {
  Type unit = b.getIntegerType(8 * cast<VectorType>(bytes.getType()).getNumElements());
  Value word = vector::ExtractOp::create(
      b, loc, vector::BitCastOp::create(b, loc, VectorType::get({1}, unit), bytes),
      ArrayRef<int64_t>{0});
  return vector::BitCastOp::create(
      b, loc, bytesType,
      vector::BroadcastOp::create(b, loc, VectorType::get({copies}, unit), word));
}

/// The four int16 of `lhs` from `indices` (the last one advancing) as two
/// pairs, each copied to every lane of an accumulator: a vector<2L x i32>,
/// the first pair in its low L lanes. Each pair is read as one int32,
/// which x86 broadcasts straight from memory.
Value broadcastPairs(OpBuilder &b, Location loc, Value lhs, ValueRange indices,
                     VectorType accType) {
  Type i16 = b.getI16Type();
  Value zero = arith::ConstantOp::create(b, loc, i16, b.getIntegerAttr(i16, 0));
  SmallVector<Value> at(indices);
  SmallVector<Value> pairs;
  for (int64_t p = 0; p < 2; ++p) {
    if (p)
      at.back() = arith::AddIOp::create(b, loc, at.back(),
                                        arith::ConstantIndexOp::create(b, loc, 2));
    Value two = vector::TransferReadOp::create(b, loc, VectorType::get({2}, i16), lhs, at, zero,
                                               SmallVector<bool>{true});
    Value word = vector::ExtractOp::create(
        b, loc, vector::BitCastOp::create(b, loc, VectorType::get({1}, b.getI32Type()), two),
        ArrayRef<int64_t>{0});
    pairs.push_back(vector::BroadcastOp::create(b, loc, accType, word));
  }
  SmallVector<int64_t> both = llvm::to_vector(llvm::seq<int64_t>(0, 2 * accType.getNumElements()));
  return vector::ShuffleOp::create(b, loc, pairs[0], pairs[1], both);
}

/// A bound on |accumulator| + |compensation| over any activation bytes for
/// these effective weights ([rows][cols]): 255 times the largest column sum
/// of |w|, twice (the compensation can be as large as the products).
int64_t productBound(const std::vector<int64_t> &effective, int64_t cols) {
  std::vector<int64_t> columnSums(cols, 0);
  for (size_t row = 0; row < effective.size() / cols; ++row)
    for (int64_t col = 0; col < cols; ++col)
      columnSums[col] += std::abs(effective[row * cols + col]);
  return 2 * 255 * *std::max_element(columnSums.begin(), columnSums.end());
}

} // namespace

int64_t dotProductDepth(DotInstruction instruction) { return traitsOf(instruction).depth; }

bool dotProductFitsInt32(const DotProductWeights &weights) {
  int64_t k, n;
  std::vector<int64_t> effective = effectiveWeights(weights, k, n);
  return productBound(effective, n) < (int64_t(1) << 31);
}

namespace {

/// Instructions per step of the kernel: 4 for sdot on int8 weights and
/// for smull (a step's 16 or 8 bytes of each row come in one load, each
/// instruction takes its 4 or 2 by element: on one sdot per step the row
/// broadcasts outnumber the instructions' dispatch slots, and smull's 2
/// bytes come from memory badly, docs/performance.md) when a convolution
/// read in place has whole steps of channels (`channels`, 0 for a
/// matrix) and runs, if any, are whole steps; else 1.
int64_t instructionsPerStep(DotInstruction instruction, const DotProductWeights &w,
                            int64_t channels) {
  int64_t stepBytes = 4 * traitsOf(instruction).depth;
  bool grouped = channels % stepBytes == 0;
  if (instruction == DotInstruction::ArmSdot)
    grouped = grouped && !w.nibbles && !w.runs;
  else if (instruction == DotInstruction::ArmSmull)
    grouped = grouped && (!w.runs || w.runs->size % stepBytes == 0);
  else
    grouped = false;
  return grouped ? 4 : 1;
}

/// Builds one dot-product kernel: plans the tile and the padded extents,
/// packs the weights, prepares the compensation and requantization
/// tables, and gives the packed loop nest (PackedGemm) its steps: how rows
/// (or windows) are read, how 4-bit panels unpack, how runs of blocks are
/// summed, the instruction, and the epilogue.
class DotProductBuilder {
public:
  DotProductBuilder(OpBuilder &b, Location loc, DotInstruction instruction, Value x,
                    const ConvWindows *conv, bool xSigned, int64_t zeroPoint,
                    const DotProductWeights &w, const ChannelRequantization *epilogue)
      : b(b), loc(loc), instruction(instruction), traits(traitsOf(instruction)), x(x),
        conv(conv), xSigned(xSigned), zeroPoint(zeroPoint), w(w), epilogue(epilogue) {
    assert((!w.runs || w.runs->size % traits.depth == 0) && "runs are whole steps");
  }

  Value build();

private:
  Value buildOnTiles();
  std::vector<int32_t> scaledColumnSums(int64_t scale) const;
  Value columnTable(ArrayRef<int32_t> values);
  void readExtents();
  void planTile();
  void scaleFourBitSums();
  void chooseSharedHalves();
  void buildTables();
  void unpackFourBitPanels();
  void sumInRuns();
  void readWindowsInPlace();
  void readMatrixRows();
  void combineWithInstruction();
  void finishColumns();
  Value broadcastDepth(OpBuilder &rb, Location rl, Value lhs, ValueRange indices);
  Value combinePairs(OpBuilder &cb, Location cl, Value acc, Value row, Value panel);
  Value combineGroup(OpBuilder &cb, Location cl, Value acc, Value row, Value panel);
  Value combineOne(OpBuilder &cb, Location cl, Value acc, Value row, Value panel);
  /// Bytes of the reduction one step of the kernel takes per output.
  int64_t stepDepth() const { return traits.depth * group; }

  OpBuilder &b;
  Location loc;
  DotInstruction instruction;
  DotTraits traits;
  Value x;
  const ConvWindows *conv;
  bool xSigned;
  int64_t zeroPoint;
  const DotProductWeights &w;
  const ChannelRequantization *epilogue;

  // The plan.
  int64_t m = 0, k = 0, n = 0, channels = 0, columns = 0;
  int64_t group = 1; // instructions per step (instructionsPerStep)
  bool sharedHalves = false; // smull pairs of steps as qf.two_byte_pair_dot
  GemmTile tile;
  int64_t mp = 0, kp = 0, np = 0;
  std::vector<int64_t> effective; // the weights times their run multiples
  int64_t rows = 0, cols = 0;     // of `effective`
  // 4-bit weights unpacked as 16 w (see scaleFourBitSums).
  bool runs16 = false, times16 = false;
  int64_t factor = 1; // what the accumulators are of the true sums
  std::optional<ChannelRequantization> scaled;
  // The elements the instruction reads: flipped to its signedness (and
  // widened for vpmaddwd), and the zero point in its units.
  ReadForm form;
  int64_t readZero = 0;
  // Types and constants of the steps.
  Type i8, i32;
  VectorType accType, bytesType;
  SmallVector<bool> inBounds = {true};
  Value corrTable, multTable, zeroI8, zeroI32;
  ChannelRequantization::Tables tables;
  PackedGemm g;
  ConvWalk walk;
};

Value DotProductBuilder::build() {
  if (traits.eitherSign)
    return buildOnTiles();
  planTile();
  scaleFourBitSums();
  chooseSharedHalves();
  buildTables();
  g.tile = tile;
  g.mp = mp;
  g.np = np;
  g.kp = kp;
  g.depth = stepDepth();
  g.blockRows = traits.blockRows;
  if (!conv)
    g.lhs = activationElements(b, loc, x, form, mp, kp);
  g.packed = packWeights(b, loc, w.values, kp, np, columns, stepDepth(),
                         traits.pairs ? 2 : traits.depth, tile.vectors, w.nibbles);
  if (w.nibbles)
    unpackFourBitPanels();
  if (w.runs)
    sumInRuns();
  g.accType = accType;
  g.panelType = bytesType;
  g.outElement = epilogue ? Type(b.getIntegerType(epilogue->bits)) : i32;
  g.parallelMinMacs = kIntegerParallelMinMacs;
  if (conv)
    readWindowsInPlace();
  readMatrixRows();
  combineWithInstruction();
  finishColumns();
  return sliceToShape(b, loc, emitPackedGemm(b, loc, g), {m, n});
}

/// The product on AMX tiles (AmxMatmul.h): blocks of 2 tiles of rows by
/// 32 columns, 64 bytes of the reduction a step, the weights packed as for
/// vpdpbusd with 2 vectors; compensation and epilogue as for the vector
/// kernels. A convolution (`conv`) has channels in whole steps and is read
/// in place, a tile of output pixels of one image row at a time.
Value DotProductBuilder::buildOnTiles() {
  assert(!w.nibbles && !w.runs && "tiles take int8 weights");
  readExtents();
  columns = traits.lanes;
  int64_t pixels = conv ? amxPixelsPerTile(conv->outShape[2]) : 0;
  int64_t blockRows = conv ? 2 * pixels : kAmxBlockRows;
  tile = {blockRows, kAmxBlockColumns / columns};
  mp = llvm::alignTo(m, blockRows);
  kp = llvm::alignTo(k, kAmxStepBytes);
  np = llvm::alignTo(n, kAmxBlockColumns);
  i8 = b.getI8Type();
  i32 = b.getI32Type();
  accType = VectorType::get({columns}, i32);
  effective = effectiveWeights(w, rows, cols);
  buildTables();
  finishColumns();
  AmxProduct product{mp, np, kp};
  if (conv) {
    auto padded = cast<RankedTensorType>(conv->input.getType());
    product.lhs = tensor::CollapseShapeOp::create(
        b, loc, conv->input, SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
    product.windows = AmxWindows{pixels,
                                 m,
                                 conv->outShape[1],
                                 conv->outShape[2],
                                 conv->strides[0],
                                 conv->strides[1],
                                 conv->dilations[0],
                                 conv->dilations[1],
                                 conv->kernelW,
                                 channels,
                                 padded.getDimSize(1),
                                 padded.getDimSize(2)};
  } else {
    product.lhs = activationElements(b, loc, x, form, mp, kp);
  }
  product.lhsUnsigned = !xSigned;
  // What reading signed bytes with their top bit flipped adds to the sums.
  if (xSigned)
    product.flipCorrection = columnTable(scaledColumnSums(128));
  product.packed = packWeights(b, loc, w.values, kp, np, columns, traits.depth, traits.depth,
                               tile.vectors, /*nibbles=*/false);
  product.outElement = epilogue ? Type(b.getIntegerType(epilogue->bits)) : i32;
  product.epilogue = g.epilogue;
  return sliceToShape(b, loc, emitAmxProduct(b, loc, product), {m, n});
}

/// `scale` times each column's sum of the (effective) weights, [Np] (zero
/// for the padded columns): the compensations the kernels take off.
std::vector<int32_t> DotProductBuilder::scaledColumnSums(int64_t scale) const {
  std::vector<int32_t> sums(np, 0);
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t col = 0; col < cols; ++col)
      sums[col] += static_cast<int32_t>(effective[row * cols + col] * scale);
  return sums;
}

/// A constant [Np] int32 table of per-column values.
Value DotProductBuilder::columnTable(ArrayRef<int32_t> values) {
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({np}, i32), values));
}

/// The product's rows m, reduction k and columns n.
void DotProductBuilder::readExtents() {
  n = cast<ShapedType>(w.values.getType()).getDimSize(1);
  if (conv) {
    channels = cast<RankedTensorType>(conv->input.getType()).getDimSize(3);
    m = conv->outShape[0] * conv->outShape[1] * conv->outShape[2];
    k = conv->kernelH * conv->kernelW * channels;
  } else {
    auto xType = cast<RankedTensorType>(x.getType());
    m = xType.getDimSize(0);
    k = xType.getDimSize(1);
  }
}

/// The product's extents, its register tile and the padded extents the
/// tile and the instruction's depth ask for. 4-bit weights take 2 vectors
/// by 7 rows (8 or 6 when they pad the rows less), so that each unpacked
/// panel serves 7 rows; docs/performance.md has the measurements.
void DotProductBuilder::planTile() {
  int64_t lanes = traits.lanes, blockRows = traits.blockRows;
  columns = lanes / blockRows; // per accumulator
  readExtents();
  // Runs' partial sums double the accumulators; 4-bit weights take at
  // most 2 vectors (their panels are unpacked in registers).
  // With 16 registers, at most 6 rows: two vectors of columns each.
  // vpmaddwd's widened weights take two registers per vector and its
  // activations two per row: four fewer for accumulators (4 rows by 2
  // vectors; docs/performance.md).
  // Steps of several sdot take each row's words by element
  // (chooseByElementTile; convolutions at most 2 vectors, as for floats).
  // smull's steps copy each row's pair to a register before the row's
  // vectors take it: 2 rows by 4 vectors, so that 4 multiplies share each
  // copy and 16 registers hold the operands; runs, whose totals double the
  // accumulators, 3 rows by 2 (docs/performance.md).
  group = instructionsPerStep(instruction, w, conv ? channels : 0);
  int64_t registers = traits.pairs ? traits.registers - 4 : traits.registers;
  int64_t registerRows = registers / 2 - 2;
  int64_t maxRows = std::min<int64_t>(w.runs ? 7 : 8, registerRows);
  if (group > 1 && instruction == DotInstruction::ArmSdot)
    tile = conv ? chooseConvTile(conv->outShape[2], m, n, lanes, 8, 1, 2, registers)
                : chooseByElementTile(m, n, lanes, group, registers);
  else if (instruction == DotInstruction::ArmSmull)
    tile = w.runs ? chooseGemmTile(m, n, lanes, 1, std::min<int64_t>(m, 3), 2, registers)
                  : chooseGemmTile(m, n, lanes, 1, std::min<int64_t>(m, 2), 4, registers);
  else
    tile = conv ? chooseConvTile(conv->outShape[2], m, n, lanes, maxRows, w.runs ? 2 : 1,
                                 w.nibbles ? 2 : 8, registers)
                : chooseGemmTile(m, n, lanes, blockRows, 0, 8, registers);
  if (w.nibbles && instruction != DotInstruction::ArmSmull && tile.rows > 1 &&
      !(conv && conv->outShape[2] % tile.rows == 0)) {
    tile.vectors = std::min<int64_t>(tile.vectors, 2);
    tile.rows = std::min<int64_t>(m, std::min<int64_t>(7, registerRows));
    for (int64_t rows : {8, 6})
      if (rows <= registerRows && m > rows &&
          llvm::alignTo(m, rows) < llvm::alignTo(m, tile.rows))
        tile.rows = rows;
  }
  mp = llvm::alignTo(m, tile.rows * blockRows);
  kp = llvm::alignTo(k, stepDepth());
  np = llvm::alignTo(n, columns * tile.vectors);
  i8 = b.getI8Type();
  i32 = b.getI32Type();
  accType = VectorType::get({lanes}, i32);
  bytesType = VectorType::get({columns * stepDepth()}, i8);
  effective = effectiveWeights(w, rows, cols);
}

/// Two smull products share an int16 lane before sadalp only when no
/// weight the kernel multiplies is -128 (4-bit ones as 16 w included):
/// then |w x| <= 127 x 128 and two of them fit.
void DotProductBuilder::chooseSharedHalves() {
  if (instruction != DotInstruction::ArmSmull || group % 2 != 0)
    return;
  int64_t scale = times16 ? 16 : 1;
  sharedHalves = llvm::none_of(weightBytes(w.values),
                               [&](int8_t v) { return scale * v == -128; });
}

/// 4-bit weights unpack as 16 w where they can: the low nibble of a byte
/// shifted to the top, the high one masked (& 0xF0), one instruction each,
/// where w itself takes an arithmetic shift back (2 more per two panels).
/// - Per channel, with a fused requantization: the accumulators are then
///   16 times the sums, and so are the compensation and bias, while the
///   multiplier is M / 16: float(16 a) * (M / 16) rounds as float(a) * M
///   does (scaling by a power of two is exact), so the requantized bytes
///   do not change. Only with multipliers whose sixteenth is exact and
///   sums that still fit int32 sixteen times over.
/// - Blocks (runs): each run's partial sums, exact multiples of 16, are
///   shifted back once before the block's multiple scales them, so the
///   totals stay true sums (16 times them would rarely fit int32: they
///   carry multiples of up to 255).
void DotProductBuilder::scaleFourBitSums() {
  runs16 = w.nibbles && w.runs;
  bool scaleAll = false;
  if (w.nibbles && epilogue && !runs16) {
    int64_t largestBias = 0;
    for (int32_t bias : epilogue->bias)
      largestBias = std::max<int64_t>(largestBias, std::abs(int64_t(bias)));
    int64_t bound = productBound(effective, cols) + largestBias;
    bool exact = llvm::all_of(epilogue->multiplier, [](float m) {
      return m == 0.0f || std::fpclassify(m / 16.0f) == FP_NORMAL;
    });
    scaleAll = exact && 16 * bound < (int64_t(1) << 31);
  }
  times16 = runs16 || scaleAll;
  if (!scaleAll)
    return;
  factor = 16;
  scaled = *epilogue;
  for (int32_t &bias : scaled->bias)
    bias *= 16;
  for (float &m : scaled->multiplier)
    m /= 16.0f;
  epilogue = &*scaled;
}

/// Compensation: the zero point in the units of the bytes the instruction
/// reads times each column's sum, taken from the accumulators before they
/// leave the registers; the epilogue's tables; the constants of the steps.
void DotProductBuilder::buildTables() {
  form = readFormOf(conv ? conv->input : x, xSigned, traits);
  readZero = form.readZero(xSigned, zeroPoint);
  std::vector<int32_t> correction = scaledColumnSums(readZero * factor);
  if (llvm::any_of(correction, [](int32_t c) { return c != 0; }))
    corrTable = columnTable(correction);
  if (epilogue)
    tables = epilogue->materialize(b, loc, np);
  zeroI8 = arith::ConstantOp::create(b, loc, i8, b.getI8IntegerAttr(0));
  zeroI32 = arith::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
}

/// Signed nibbles to bytes (see twoPerByte): as 16 w (times16), or a low
/// nibble moved up first, so that one arithmetic right shift extends
/// either.
void DotProductBuilder::unpackFourBitPanels() {
  int64_t panelBytes = columns * stepDepth();
  int64_t vectors = tile.vectors;
  g.loadPanel = [this, panelBytes, vectors](OpBuilder &pb, Location pl, Value tileIndex,
                                            Value step, int64_t v) -> Value {
    bool paired = v % 2 == 1 || v + 1 < vectors;
    auto loadType = VectorType::get({paired ? panelBytes : panelBytes / 2}, i8);
    Value bytes = vector::TransferReadOp::create(
        pb, pl, loadType, g.packed,
        ValueRange{tileIndex, step, arith::ConstantIndexOp::create(pb, pl, (v / 2) * panelBytes)},
        zeroI8, inBounds);
    Value four = arith::ConstantOp::create(
        pb, pl, loadType, DenseElementsAttr::get(loadType, pb.getI8IntegerAttr(4)));
    auto low = [&]() -> Value {
      Value up = arith::ShLIOp::create(pb, pl, bytes, four);
      return times16 ? up : arith::ShRSIOp::create(pb, pl, up, four).getResult();
    };
    auto high = [&]() -> Value {
      if (!times16)
        return arith::ShRSIOp::create(pb, pl, bytes, four);
      Value top = arith::ConstantOp::create(
          pb, pl, loadType, DenseElementsAttr::get(loadType, pb.getI8IntegerAttr(-16)));
      return arith::AndIOp::create(pb, pl, bytes, top);
    };
    if (paired)
      return v % 2 == 0 ? low() : high();
    Value lowHalf = low();
    SmallVector<int64_t> both = llvm::to_vector(llvm::seq<int64_t>(0, panelBytes));
    return vector::ShuffleOp::create(pb, pl, lowHalf, high(), both);
  };
}

/// Weights in runs (blocks with their own integer multiple per column):
/// each run's partial sums times its multiples join the totals.
void DotProductBuilder::sumInRuns() {
  int64_t runs = kp / w.runs->size;
  std::vector<int32_t> multiples(runs * np, 0);
  for (int64_t r = 0; r < runs; ++r)
    for (int64_t c = 0; c < n; ++c)
      multiples[r * np + c] = w.runs->multiples[r * n + c];
  multTable = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({runs, np}, i32), ArrayRef<int32_t>(multiples)));
  g.runSteps = w.runs->size / stepDepth();
  g.finishRun = [this](OpBuilder &fb, Location fl, Value total, Value partial, Value run,
                       Value col) -> Value {
    Value multiple = vector::TransferReadOp::create(fb, fl, VectorType::get({columns}, i32),
                                                    multTable, ValueRange{run, col}, zeroI32,
                                                    inBounds);
    if (traits.blockRows == 2) // a 2 x 2 block: both rows take the 2 columns' multiples
      multiple = vector::ShuffleOp::create(fb, fl, multiple, multiple,
                                           ArrayRef<int64_t>{0, 1, 0, 1});
    if (runs16)
      partial = arith::ShRSIOp::create(
          fb, fl, partial,
          arith::ConstantOp::create(fb, fl, accType,
                                    DenseElementsAttr::get(accType, fb.getI32IntegerAttr(4))));
    return arith::AddIOp::create(fb, fl, total, arith::MulIOp::create(fb, fl, partial, multiple));
  };
}

/// A convolution's rows read from its padded input in place, tap by tap.
void DotProductBuilder::readWindowsInPlace() {
  WindowGeometry geo(*conv, tile, m, stepDepth(), /*paddingAddsNothing=*/readZero == 0);
  g.lhs = tensor::CollapseShapeOp::create(b, loc, conv->input,
                                          SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
  walk = geo.walk([this](OpBuilder &rb, Location rl, Value offset) -> Value {
    return broadcastDepth(rb, rl, g.lhs, ValueRange{offset});
  });
  g.conv = &walk;
}

/// A row of the activation matrix at a reduction step, as the instruction
/// takes it.
void DotProductBuilder::readMatrixRows() {
  g.loadRow = [this](OpBuilder &rb, Location rl, Value row, Value step) -> Value {
    int64_t depth = stepDepth();
    Value col = arith::MulIOp::create(rb, rl, step,
                                      arith::ConstantIndexOp::create(rb, rl, depth));
    if (traits.blockRows == 2) {
      // smmla's 2 x 8 operand: x[row, 8 step ..] and x[row + 1, 8 step ..].
      Value pair = vector::TransferReadOp::create(
          rb, rl, VectorType::get({2, depth}, i8), g.lhs, ValueRange{row, col}, zeroI8,
          SmallVector<bool>{true, true});
      return vector::ShapeCastOp::create(rb, rl, bytesType, pair);
    }
    return broadcastDepth(rb, rl, g.lhs, ValueRange{row, col});
  };
}

/// The depth's elements of `lhs` at `indices` copied to every lane: as
/// one int32 (4 bytes), or as two pairs of int16 (broadcastPairs).
Value DotProductBuilder::broadcastDepth(OpBuilder &rb, Location rl, Value lhs,
                                        ValueRange indices) {
  if (traits.pairs)
    return broadcastPairs(rb, rl, lhs, indices, accType);
  if (group > 1) // the step's bytes as they are: combineGroup takes them by lane
    return vector::TransferReadOp::create(rb, rl, VectorType::get({stepDepth()}, i8), lhs,
                                          indices, zeroI8, inBounds);
  Value word = vector::TransferReadOp::create(rb, rl, VectorType::get({traits.depth}, i8), lhs,
                                              indices, zeroI8, inBounds);
  return broadcastWord(rb, rl, word, columns, bytesType);
}

/// acc + row * panel on two vpmaddwd: the panel's first half (the first
/// two weights of each column) sign-extended against the row's first
/// pair, its second half against the second pair.
Value DotProductBuilder::combinePairs(OpBuilder &cb, Location cl, Value acc, Value row,
                                      Value panel) {
  int64_t lanes = accType.getNumElements();
  auto halves = VectorType::get({2 * lanes}, cb.getI16Type());
  for (int64_t half = 0; half < 2; ++half) {
    Value weights = vector::ExtractStridedSliceOp::create(
        cb, cl, panel, ArrayRef<int64_t>{half * 2 * lanes}, ArrayRef<int64_t>{2 * lanes},
        ArrayRef<int64_t>{1});
    Value pair = vector::ExtractStridedSliceOp::create(cb, cl, row, ArrayRef<int64_t>{half * lanes},
                                                       ArrayRef<int64_t>{lanes},
                                                       ArrayRef<int64_t>{1});
    acc = qf::PairDotOp::create(cb, cl, accType, acc,
                                vector::BitCastOp::create(cb, cl, halves, pair),
                                arith::ExtSIOp::create(cb, cl, halves, weights));
  }
  return acc;
}

/// acc + row * panel for steps of `group` instructions: the row's word d
/// (4 bytes for sdot, 2 for smull) copied to every column (sdot by
/// element, `v.4b[d]`; a `dup` for smull) against the panel's d-th
/// columns x depth bytes.
Value DotProductBuilder::combineGroup(OpBuilder &cb, Location cl, Value acc, Value row,
                                      Value panel) {
  int64_t panelBytes = columns * traits.depth;
  auto oneBytes = VectorType::get({panelBytes}, i8);
  Type unit = cb.getIntegerType(8 * traits.depth);
  Value words = vector::BitCastOp::create(cb, cl, VectorType::get({group}, unit), row);
  SmallVector<Value> copies, weights;
  for (int64_t d = 0; d < group; ++d) {
    Value word = vector::BroadcastOp::create(
        cb, cl, VectorType::get({columns}, unit),
        vector::ExtractOp::create(cb, cl, words, ArrayRef<int64_t>{d}));
    copies.push_back(vector::BitCastOp::create(cb, cl, oneBytes, word));
    weights.push_back(vector::ExtractStridedSliceOp::create(
        cb, cl, panel, ArrayRef<int64_t>{d * panelBytes}, ArrayRef<int64_t>{panelBytes},
        ArrayRef<int64_t>{1}));
  }
  if (sharedHalves) {
    for (int64_t d = 0; d < group; d += 2)
      acc = qf::TwoBytePairDotOp::create(cb, cl, accType, acc, weights[d], copies[d],
                                         weights[d + 1], copies[d + 1]);
    return acc;
  }
  for (int64_t d = 0; d < group; ++d)
    acc = instruction == DotInstruction::ArmSdot
              // sdot's by-element operand second: LLVM folds that copy into sdot.
              ? arm_neon::SdotOp::create(cb, cl, accType, acc, weights[d], copies[d])
                    .getResult()
              : combineOne(cb, cl, acc, copies[d], weights[d]);
  return acc;
}

/// acc + row * panel on one instruction (or vpmaddwd's two).
Value DotProductBuilder::combineOne(OpBuilder &cb, Location cl, Value acc, Value row,
                                    Value panel) {
  switch (instruction) {
  case DotInstruction::X86Vnni:
  case DotInstruction::X86AvxVnni:
    return qf::VnniDotOp::create(cb, cl, accType, acc, row, panel);
  case DotInstruction::X86Pmaddwd:
    return combinePairs(cb, cl, acc, row, panel);
  case DotInstruction::ArmSdot:
    return arm_neon::SdotOp::create(cb, cl, accType, acc, row, panel);
  case DotInstruction::ArmSmmla:
    return arm_neon::SmmlaOp::create(cb, cl, accType, acc, row, panel);
  case DotInstruction::ArmSmull:
    return qf::BytePairDotOp::create(cb, cl, accType, acc, panel, row);
  case DotInstruction::X86Amx:
    break; // buildOnTiles
  }
  llvm_unreachable("unknown dot-product instruction");
}

/// acc + row * panel on the kernel's instruction.
void DotProductBuilder::combineWithInstruction() {
  g.combine = [this](OpBuilder &cb, Location cl, Value acc, Value a, Value panel) -> Value {
    return group > 1 ? combineGroup(cb, cl, acc, a, panel) : combineOne(cb, cl, acc, a, panel);
  };
}

/// The compensation taken off, then the requantization, if fused.
void DotProductBuilder::finishColumns() {
  g.epilogue = [this](OpBuilder &eb, Location el, Value acc, Value col) -> Value {
    if (corrTable)
      acc = arith::SubIOp::create(
          eb, el, acc,
          vector::TransferReadOp::create(eb, el, accType, corrTable, ValueRange{col}, zeroI32,
                                         inBounds));
    return epilogue ? epilogue->apply(eb, el, tables, acc, col) : acc;
  };
}

/// buildDotProductMatmul (x, an [M, K] matrix) and buildDotProductConv's
/// in-place windows (`conv`, its input the padded bytes the instruction
/// reads; x null).
Value buildDotProduct(OpBuilder &b, Location loc, DotInstruction instruction, Value x,
                      const ConvWindows *conv, bool xSigned, int64_t zeroPoint,
                      const DotProductWeights &w, const ChannelRequantization *epilogue) {
  return DotProductBuilder(b, loc, instruction, x, conv, xSigned, zeroPoint, w, epilogue).build();
}

} // namespace

Value buildDotProductMatmul(OpBuilder &b, Location loc, DotInstruction instruction, Value x,
                            bool xSigned, int64_t zeroPoint, const DotProductWeights &w,
                            const ChannelRequantization *epilogue) {
  return buildDotProduct(b, loc, instruction, x, nullptr, xSigned, zeroPoint, w, epilogue);
}

Value buildDotProductConv(OpBuilder &b, Location loc, DotInstruction instruction,
                          const ConvWindows &windows, bool xSigned, int64_t zeroPoint,
                          const DotProductWeights &w, const ChannelRequantization *epilogue) {
  // The input padded, as the elements the instruction reads (flipped to
  // its signedness, and widened for vpmaddwd, as they are copied, before
  // any unfolding multiplies them): from here on the activations are of
  // that signedness, with the zero point in its units.
  DotTraits traits = traitsOf(instruction);
  ReadForm form = readFormOf(windows.input, xSigned, traits);
  int64_t readZero = form.readZero(xSigned, zeroPoint);
  bool readSigned = traits.eitherSign ? xSigned : !traits.unsignedLhs;
  ConvWindows padded = windows;
  // Bytes are filled by their bit pattern, int16 (widened unsigned bytes)
  // by their value.
  padded.input = paddedElements(b, loc, windows.input, windows.pad,
                                form.wide ? readZero : static_cast<int8_t>(readZero), form);
  int64_t channels = cast<RankedTensorType>(windows.input.getType()).getDimSize(3);
  bool inPlace = traits.eitherSign
                     ? amxReadsWindowsInPlace(channels, windows.outShape[2])
                     : traits.blockRows == 1 && channels % traits.depth == 0 &&
                           (!w.runs || channels % w.runs->size == 0);
  if (inPlace)
    return buildDotProduct(b, loc, instruction, Value(), &padded, readSigned, readZero, w,
                           epilogue);
  Value cols = unfoldPatches(b, loc, padded.input, windows.kernelH, windows.kernelW,
                             windows.outShape, windows.strides, windows.dilations);
  return buildDotProduct(b, loc, instruction, cols, nullptr, readSigned, readZero, w, epilogue);
}

} // namespace qforge
