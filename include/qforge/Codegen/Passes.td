//===- Passes.td - code generation passes ----------------*- tablegen -*-===//
//
// Code generation: kernel selection and the kernels' lowering, loop order,
// tiles and vectors, signless integers, buffers and the scratch arena,
// copies, threads. Implemented in lib/Codegen/, one file per pass.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_PASSES_TD
#define QFORGE_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def SelectKernelsPass : Pass<"qf-select-kernels", "mlir::func::FuncOp"> {
  let summary = "Choose the target micro-kernel of each product the target's kernel family can compute";
  let description = [{
    Kernel selection, apart from the lowering so that the conversions stay
    target-independent and a new kernel family is an entry in a table
    (`lib/Codegen/KernelTable.cpp`). Each candidate op gets the first
    kernel of the family that computes it, recorded as the attribute
    `qf.kernel = #qf.kernel<...>`; ops no kernel computes are left to the
    reference lowering. `qf-lower-to-kernels` emits the chosen kernels.

    | family | kernels, in order of preference |
    | --- | --- |
    | `reference` | none |
    | `x86-avx512` | `fma_depthwise`, `fma_product` |
    | `x86-avx512-vnni` | `vnni_depthwise_rows`, `vector_depthwise`, `vnni_product`, `fma_depthwise`, `fma_product` |
    | `x86-avx512-vnni-vbmi` | those of `x86-avx512-vnni`, `vbmi_lookup` |
    | `x86-amx` | `amx_product`, then those of `x86-avx512-vnni-vbmi` |
    | `x86-avx2` | `vector_depthwise`, `pmaddwd_product`, `fma256_depthwise`, `fma256_product` |
    | `x86-avx-vnni` | `vector_depthwise`, `avx_vnni_product`, `fma256_depthwise`, `fma256_product` |
    | `arm-neon` | `vector_depthwise`, `smull_product`, `fmla_depthwise`, `fmla_product` |
    | `arm-dotprod` | `vector_depthwise`, `sdot_product`, `fmla_depthwise`, `fmla_product` |
    | `arm-i8mm` | `vector_depthwise`, `smmla_product`, `fmla_depthwise`, `fmla_product` |

    What each kernel takes:

    - the integer kernels: `qf.matmul` / `qf.conv2d` with int8 activations
      and constant symmetric signed weights: int8 ones (a `quant.scast` of
      a constant), or 4-bit ones from a
      `qf.packed_constant`, per channel or in blocks of whole steps (4
      values; 8 on `smmla`, 2 on `smull`);
    - the integer `*_product` kernels: `qf.matmul`, and ungrouped `qf.conv2d`, whose int32
      sums cannot overflow for any activations; `amx_product` only int8
      weights and products of at least 32 rows (output pixels) and 32
      bytes of reduction (smaller ones fill too little of a tile: the
      VNNI kernel takes them);
    - `vnni_depthwise_rows`: a depthwise `qf.conv2d` (one output per input
      channel, any channel count: the kernels compute whole vectors of 16
      channels, the input padded with its zero point and the filter with
      zeros, and slice the padded channels away) whose kernel row spans at
      most 4 input pixels, or 8 undilated (two windows of 4 per row), not
      block-quantized;
    - `vector_depthwise`: any other such depthwise convolution;
    - `fma_product`, `fma256_product`, `fmla_product`: float `tosa.conv2d` with a constant filter and bias,
      `tosa.matmul` of batch 1 with constant weights (also through a
      `tosa.reshape` of the constant), and `tosa.matmul` of any batch
      whose weights are computed at run time (attention's products);
      static shapes, zero zero points;
    - `fma_depthwise`, `fma256_depthwise`, `fmla_depthwise`: float `tosa.depthwise_conv2d` with one output per
      channel (any channel count), constant filter and bias, static
      shapes, zero zero points;
    - `vbmi_lookup`: `qf.lookup` of static shape.

    `qforge compile` derives the family from `--target` (VNNI implies
    AVX-512, and VBMI beside it adds the lookup kernel; AMX-INT8 with both
    adds the tile kernel; AVX-VNNI without
    AVX-512 takes the 256-bit kernels, AVX2 with FMA alone the 256-bit
    float kernels and `vpmaddwd` for int8; i8mm is preferred to dotprod,
    and AArch64 with neither takes the NEON kernels: `smull` for int8,
    `fmla` for float).
  }];
  let options = [
    Option<"family", "kernels", "qforge::KernelFamily", "qforge::KernelFamily::Reference",
           "The target's kernel family",
           "QFORGE_KERNEL_FAMILY_VALUES">,
  ];
  let dependentDialects = ["qforge::qf::QFDialect"];
}

def LowerToKernelsPass : Pass<"qf-lower-to-kernels", "mlir::func::FuncOp"> {
  let summary = "Replace each op marked with a #qf.kernel by that kernel's code";
  let description = [{
    Emits, for each op carrying `qf.kernel` (`qf-select-kernels`), the
    register-tiled micro-kernel it names, on tensors (the kernels
    themselves are in `lib/Codegen/Kernels/`). Quantized operands are read
    as their storage integers through `quant.scast` and a quantized result
    is cast back, so that `qf-lower-to-linalg` lowers the rest around it.
    A kernel that cannot compute the op it marks (weights not constant or
    not of its form, shapes it does not take) is an error at the op.

    - Dot-product products (`vnni_product`, `sdot_product`,
      `smmla_product`): weights packed at compile time into [N/W][K/D][W x
      D] panels (D the instruction's depth: 4, or 8 for smmla), a register
      tile of up to 4 rows by 4 accumulators (one row by up to 8 for
      single-row products; for convolutions 8 or 7 rows of one image row
      by 2 accumulators) accumulated with `qf.vnni_dot` (x86 `vpdpbusd`,
      unsigned by signed bytes), `arm_neon.intr.sdot` or
      `arm_neon.intr.smmla` (2 x 2 blocks of int32 from two rows of 8
      bytes). Activations are read as the bytes the instruction takes
      (their top bit flipped for the other signedness), the shift and zero
      point taken back by a per-column compensation computed at compile
      time. Convolutions read their windows in place from the input
      padded with the zero point (kernel row by kernel column by 4-byte
      step), or from an explicit im2col when the channels are not a
      multiple of 4, blocks of 4-bit weights would straddle taps, or with
      smmla; when the padding reads as zero bytes, taps that fall only on
      padding are skipped (they would add 0). 4-bit weights stay two per
      byte and are unpacked in registers; weights in blocks are summed in
      runs of one block, each run's partial sums multiplied by its
      integer multiple.
    - `amx_product`: the same products on AMX tiles (upstream `amx`
      dialect; activations of either signedness as they are: `tdpbusd` or
      `tdpbssd`), the weights packed as for `vnni_product` with 2 vectors
      per step (16 steps are a weight tile), blocks of 2 x 2 accumulator
      tiles (32 columns) over steps of 64 bytes. Activations are an
      [Mp, Kp] byte matrix, 16 rows a tile; a convolution whose channels
      are whole 64-byte steps and whose output width has a divisor R from
      4 to 16 is read in place from its padded input, a tile being R
      pixels of one output row at one tap (rows `sw C` bytes apart), others
      are unfolded (only when the unfolded rows are whole steps: else the
      VNNI kernel takes the convolution). Each block's sums go to a small
      buffer on the stack (`memref.alloca_scope`) and through the same
      vector epilogue; blocks come in pairs, the first one's epilogue after
      the second one's tile products, so that vector and tile work overlap. The
      tiles take the buffers of their operands (`bufferization.to_buffer`)
      and the result is a new buffer (`bufferization.to_tensor`). Each
      block branches on `qf.amx_ready`, asked once per product: a process
      refused AMX computes the block's sums with `qf.vnni_dot` on the same
      panels (signed bytes flipped, 128 colsum(w) taken off), the same
      integers.
    - `vnni_depthwise_rows`: one `qf.vnni_dot` per kernel row for 16
      channels: the activations are copied into channel blocks [N][H][C/16]
      [W * 16] (padded with the zero point as they go; signed ones + 128),
      a 64-byte window of 4 pixels is shuffled so that each lane holds its
      channel's taps of the row, and the weights hold the row's taps in
      the same bytes; the accumulators start at the bias less the
      zero-point compensation.
    - `vector_depthwise`: 16 channels per int32 vector, a widening load,
      multiply and add per tap.
    - `fma_product`: float convolutions (their windows read in place from
      the zero-padded input, the taps on padding left out, as the integer
      kernels do; a 1x1 stride-1 convolution reads the input as a matrix)
      and matmuls on the same register-tiled loop nest with `vector.fma`,
      weights packed into [N/W][K][W] panels, the bias added in registers
      before the store. Weights computed at run time are packed at run
      time: one transpose into [B][N/W][K][W] for all batches, then one
      product per batch on its slices, stored into one [B, Mp, Np] result
      at the batch's index (the padding sliced off at the end); threads
      split the batches. Each output sums its terms in the reference order,
      each step rounded once (a fused multiply-add) rather than twice, so
      results differ from the reference loops in the last bits.
    - `fma_depthwise`: float depthwise convolutions, 16 channels per
      vector (the last block masked when the channels are not a multiple
      of 16): up to 8 output pixels of a row at once, each input pixel of a
      kernel row loaded once for every output whose window holds it, one
      `vector.fma` with the tap's weights per use, the accumulators
      starting at the bias; threads split the output rows.

    A requantized result is requantized in registers (bias and float32
    multiplier per column from padded tables, the same arithmetic as the
    reference epilogue) and stored as bytes; the integer kernels give
    exactly the reference's integers.
  }];
  let dependentDialects = ["qforge::qf::QFDialect",
                           "mlir::quant::QuantDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::arm_neon::ArmNeonDialect",
                           "mlir::amx::AMXDialect",
                           "mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect",
                           // llvm.intr.lrint: the kernels' epilogues round
                           // with the current (nearest-even) mode.
                           "mlir::LLVM::LLVMDialect"];
}

def ApproximateMathPass : Pass<"qf-approximate-math", "mlir::func::FuncOp"> {
  let summary = "Compute exp, log, tanh, erf and the like as vector polynomials, never as libm calls";
  let description = [{
    LLVM has no vector form of the C library's transcendental functions: a
    `math.exp` on a vector of 16 floats becomes 16 calls of `expf`, and the
    sigmoid of every SiLU activation, the exponentials of a softmax and the
    erf of a GELU run one lane at a time. This pass replaces each
    `math.exp`, `math.expm1`, `math.log`, `math.log1p`, `math.log2`,
    `math.tanh`, `math.erf` and `math.erfc` (scalar or vector) by upstream
    MLIR's polynomial approximation, built from arithmetic, fused
    multiply-adds and bit manipulation, so that it vectorizes with the rest
    of the loop; f16 and bf16 operands are computed in f32 first. Sine and
    cosine keep libm: the approximation's range reduction loses accuracy
    for arguments beyond a few periods. Runs on the vectorized loops,
    before the LLVM lowering.

    Accuracy, measured against float64 references over the ranges models
    feed them (`test/Codegen/math-accuracy.test` checks the bounds): see
    `docs/design.md`, "Vectorized math".
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def LowerAmxReadyPass : Pass<"qf-lower-amx-ready", "mlir::ModuleOp"> {
  let summary = "Ask the runtime whether the process may use AMX: qf.amx_ready as a call";
  let description = [{
    Replaces each `qf.amx_ready` by a call of `qforge_amx_ready() -> i32`
    (declared in the module when it is not) compared with zero. The
    runtime (`lib/Runtime/Amx.c`, linked into the models that call it)
    asks Linux for the AMX tile state once per process
    (`arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)`), keeps the
    answer, and says once on stderr when the system refused it; the
    environment variable `QFORGE_AMX=0` answers no without asking.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect"];
}

def ProfileLayersPass : Pass<"qf-profile-layers", "mlir::ModuleOp"> {
  let summary = "Time each layer of a model (ONNX node) at run time";
  let description = [{
    For `qforge compile --profile`. In each public function with a body,
    the top-level ops that compute (loops, linalg ops, copies, calls) are
    grouped into layers by the ONNX node their location names (fused ops
    name the first node of their location; ops without a name join the
    layer before them), and a call of
    `qforge_profile_mark(layer, seconds)` goes before each layer and
    `qforge_profile_mark(-1, seconds)` before the return: the runtime
    (`lib/Runtime/Profile.c`, linked into the model) adds the time since the
    previous mark to the previous layer's entry of `seconds`. A node met
    again later adds to the same entry. The pass defines, for function F,
    the exported globals `F_profile_seconds` (an array of doubles, zero)
    and `F_profile_names` (the layers' names as C strings), which the C
    header declares and the executable's `--profile` prints. Runs on
    bufferized loops, before the LLVM lowering.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect"];
}

def EraseIntegerSignednessPass
    : Pass<"qf-erase-integer-signedness", "mlir::func::FuncOp"> {
  let summary = "Make every integer type signless after the TOSA lowering";
  let description = [{
    ONNX's unsigned tensors (uint8 images, uint8 quantized data) import as
    `ui8` and friends, so that the function signature says what the model
    takes and TOSA's conversion knows to zero-extend them (it emits
    `arith.uitofp`, `arith.extui` behind `builtin.unrealized_conversion_cast`
    ops). What lies beyond works on signless integers only. Run after the
    TOSA-to-linalg conversion, this pass makes every integer type in the
    function signless (arguments, results, op results, region arguments) and
    removes the casts that become identities, so that bufferization sees one
    integer type. The caller's bytes are the same either way.
  }];
}

def FuseElementwisePass : Pass<"qf-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse element-wise linalg ops into their consumers where no producer element is computed twice";
  let description = [{
    `linalg-fuse-elementwise-ops` with a control that keeps fusion from
    multiplying work. Upstream's pass fuses any single-use element-wise
    producer into its consumer and folds reshapes into linalg ops by
    expanding their loops; for a consumer that reads the producer's result
    along only some of its loops (a matmul reads its left operand once per
    output column, a channel scale once per pixel) the fused body then
    recomputes each producer element many times: a GELU feeding a matmul
    evaluated `erf` once per output column.

    Here a producer fuses into a consumer only when the consumer's map for
    that operand is a permutation of all its loops (each element is read,
    hence computed, once), and a reshape folds into a linalg op by
    expansion only when the op has no reduction loops (a contraction keeps
    its named form and shape for the kernels and the loop ordering after
    it). The other patterns are upstream's: element-wise fusion, reshape
    propagation, linalg constant folding and the canonicalizations
    `linalg-fuse-elementwise-ops` applies, top-down.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::tensor::TensorDialect"];
}

def FuseKernelEpiloguesPass
    : Pass<"qf-fuse-kernel-epilogues", "mlir::func::FuncOp"> {
  let summary = "Compute the element-wise ops that consume a float kernel's result in the kernel's registers";
  let description = [{
    After `linalg-fuse-elementwise-ops` a chain of element-wise ops (an
    activation, a scale and shift, a residual add) is one `linalg.generic`;
    left alone it is one more pass over the kernel's output in memory. This
    pass applies it inside the kernel instead: to each vector of finished
    results just before the kernel stores it (the stores the float kernels
    mark `qf.kernel_store`), with the generic's body vectorized, and the
    generic's result becomes the kernel's.

    A generic is fused when:

    - it is all parallel with one result of the kernel's element type, its
      output's initial value unused, and its body only element-wise
      arithmetic and math (no `linalg.index`);
    - one input is the kernel's result, read with the identity map and used
      by nothing else (directly, or through the `tensor.extract_slice` and
      `tensor.expand_shape` that turn a product's `[rows, columns]` matrix
      into the NHWC or `[1, M, N]` result, or the `tensor.expand_shape`
      that puts unit dimensions in front of a batched product's `[B, M, N]`
      result). A product whose slice also cuts
      padding columns (channels not a multiple of 16) keeps its generic:
      the fused result would be a strided view, which every consumer then
      reads more slowly than the dense tensor the generic writes;
    - every store writes the result itself (not a slice of it, whose
      indices are not the generic's);
    - every other input and every value the body captures is defined
      before the kernel starts. Such an input is read at the stored
      vector's position: as a vector when it varies along the last
      dimension (channels or columns; e.g. a per-channel scale), as one
      broadcast element otherwise (e.g. a scalar); a full-size input of a
      product (a residual) is read through its `[rows, columns]` view.

    The padding rows of a product's matrix go through the epilogue too
    (reading the last real row of a full-size input) and are sliced off as
    before. Each element goes through the same operations in the same order
    as in the separate loop.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect"];
}

def VectorizableLoopOrderPass
    : Pass<"qf-vectorizable-loop-order", "mlir::func::FuncOp"> {
  let summary = "Order the loops of reductions so that the innermost one is parallel and contiguous";
  let description = [{
    The float code is vectorized by LLVM's loop vectorizer, which needs an
    innermost loop it may run in lanes. A convolution or matmul lowered as
    written iterates its reduction innermost (a float sum LLVM must not
    reorder), so it stays scalar. This pass, on linalg ops on tensors:

    - rewrites `linalg.conv_2d_nhwc_fhwc` as `linalg.conv_2d_nhwc_hwcf`,
      transposing a constant filter at compile time (otherwise with a
      `linalg.transpose`), so that output channels are contiguous in the
      filter as in the output;
    - generalizes named ops that have reduction loops;
    - permutes the loops of each `linalg.generic` with reductions to: the
      other parallel loops, the reduction loops, and innermost the parallel
      loop that indexes the output's innermost non-unit dimension, provided
      every operand reads that loop only in its innermost non-unit
      dimension or not at all (contiguous or broadcast). Ops that do not
      qualify are left alone.

    Each output element still accumulates its terms in the same order, so
    results are bit-identical; only the interleaving of outputs changes.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def TileAndVectorizePass : Pass<"qf-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile linalg ops on tensors to one vector along their contiguous loop (or row chunks of a row reduction) and vectorize them";
  let description = [{
    Explicit vectors rather than LLVM's loop vectorizer: after bufferization
    every buffer is a view of one scratch arena, and LLVM cannot prove that
    an output does not overlap the inputs, so it leaves such loops scalar.

    For each statically shaped `linalg.generic` on tensors of byte-sized
    elements whose innermost loop is parallel and contiguous in every
    operand (see `qf-vectorizable-loop-order`, which arranges that for
    reductions), the innermost loop is tiled by the widest of 16, 8 or 4
    lanes that divides it and every other loop by 1 (`scf.for`), with the
    vector loop outside the reduction loops. For a reduction the tile is a
    register block: 32 lanes when they divide the loop, and up to 4 rows of
    the next output dimension when every operand reads it with unit stride
    (a convolution's output columns). In a tile, window indices such as
    `oh + kh` reduce to one loop (the others run once), so the tile is
    vectorized (`vector.transfer_read`, element-wise vector arithmetic,
    `vector.transfer_write`); unit dimensions are cast away and the output
    block's read and write are hoisted out of the reduction loops, keeping
    the accumulators in registers, and each term is added to its
    accumulator by one fused multiply-add (`vector.fma`: one rounding, as
    in the packed FMA kernels, where a multiply and an add would round
    twice and take two dependent instructions). Ops that do not qualify
    stay as they are. Each output still sums its terms in the original
    order.

    A row reduction (one reduction loop of more than one iteration, the
    innermost non-unit loop, read contiguously by every input and not by
    the output: Softmax's maximum and sum, LayerNorm's moments, ReduceMean
    over the last axis) is tiled one row at a time into chunks of the
    widest lane count that divides the row, doubled up to 8 vectors while
    it still divides it; each chunk's element-wise prologue (e.g.
    `exp(x - max)`) runs in vectors and the chunk is reduced into the
    row's running value, which stays in a register, as a fixed tree: its
    halves combined element-wise until one lane is left. A float sum is
    then no longer in the original order (it differs from it by rounding),
    but the order is written out, so every target computes the same sum
    (a `vector.reduction` would be added lane after lane, or reassociated
    by LLVM according to the target's vector width).

    Ops of at least 2^16 iterations (elements, or multiply-adds of a
    reduction) also get their outermost parallel loop of more than one
    iteration marked `qf.parallel_split`, for `qf-parallelize-loops` to
    split over threads: any loop of an element-wise op, a batch or row loop
    of a reduction (e.g. a batched matmul of activations), the loop over a
    row reduction's rows; never a reduction loop. Each output is computed
    as on one thread, so results do not depend on the thread count.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect"];
}

def LowerStridedCopiesPass
    : Pass<"qf-lower-strided-copies", "mlir::func::FuncOp"> {
  let summary = "Rewrite copies between strided views as loops of contiguous copies";
  let description = [{
    The LLVM lowering turns a memref.copy between strided views into a call
    of `memrefCopy`, a function of MLIR's C runner library. Compiled models
    must need nothing beyond the C library, so such a copy becomes loops
    over its outer dimensions around a memref.copy of the longest trailing
    run of dimensions that is contiguous in both views, which the LLVM
    lowering makes an `llvm.memcpy` of constant length: the padding of a
    convolution's input copies whole rows this way. (As scalar loops, the
    LLVM unroller expanded a 64-byte row into 64 byte moves, which the
    vectorizer could not merge for fear that the views overlap.) A copy
    with no contiguous trailing dimension becomes a linalg.copy, which
    lowers to loops like the rest of the model. Copies that are contiguous
    as a whole are left as they are.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect"];
}

def DistinctEmptyTensorsPass : Pass<"qf-distinct-empty-tensors", "mlir::func::FuncOp"> {
  let summary = "Give every use of a tensor.empty a tensor.empty of its own";
  let description = [{
    CSE merges identical `tensor.empty` ops, so one value can be the
    destination of every op of its shape in a model (a grouped convolution,
    imported as one convolution per group, gives hundreds of them one
    destination). One-shot bufferization then treats all those ops as
    writers of one tensor and checks each against the others: its analysis
    grew faster than cubically with such a model's layers (regnet_y_400mf:
    70 s of a 160 s compile). This pass, run on tensors just before
    bufferization, replaces each use of a `tensor.empty` that has several
    by a fresh `tensor.empty` created right before the user (with the same
    size operands), so that unrelated ops have unrelated destinations. No
    data changes: an empty tensor's contents are undefined either way.
  }];
}

def DistinctResultsPass : Pass<"qf-distinct-results", "mlir::func::FuncOp"> {
  let summary = "Give every returned tensor a value of its own";
  let description = [{
    A model may list one value as two outputs (two identical nodes that CSE
    merged, or a graph output named twice). Bufferization turns each result
    into an out-parameter of its own (`buffer-results-to-out-params`), which
    cannot write one buffer into two places. This pass, run on tensors just
    before bufferization, replaces each repeat of a returned value (after its
    first place in the `func.return`) by a copy of it
    (`bufferization.alloc_tensor` with a `copy` operand), so every
    out-parameter gets its own buffer and its own write.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect"];
}

def FreeAfterLastUsePass
    : Pass<"qf-free-after-last-use", "mlir::func::FuncOp"> {
  let summary = "Free each intermediate buffer right after its last use";
  let description = [{
    MLIR's ownership-based deallocation frees buffers at the end of their
    block, so every intermediate of a model stays live until the model
    returns. This pass moves each `memref.dealloc` of a buffer allocated in
    the same block to just after the last use of the buffer or of any view
    of it (subview, reshape, cast), so that later layers reuse the memory
    and the peak of live intermediates drops to what the model needs at
    once. Buffers that escape (returned, stored, passed to a call) keep
    their place.
  }];
}

def PlanScratchArenaPass
    : Pass<"qf-plan-scratch-arena", "mlir::func::FuncOp"> {
  let summary = "Place the intermediate buffers in one scratch arena";
  let description = [{
    After bufferization (and `qf-free-after-last-use`), every intermediate
    buffer of the function's entry block with a static shape and a dealloc
    gets an offset in a single byte arena: buffers whose lifetimes (alloc to
    dealloc, in program order) overlap never share bytes; the others may.
    Placement is largest-first, each at the lowest 64-byte-aligned offset
    that fits. The allocs become `memref.view`s of the arena and their
    deallocs go. The arena is allocated once per call at the function's
    start (`caller-owned=false`) or passed in by the caller as a trailing
    `memref<?xi8>` argument (`caller-owned=true`). The arena size is
    recorded as `qf.scratch_bytes` on the function.
  }];
  let options = [
    Option<"callerOwned", "caller-owned", "bool", "false",
           "Take the arena as a trailing function argument">,
  ];
}

def ParallelizeLoopsPass : Pass<"qf-parallelize-loops", "mlir::func::FuncOp"> {
  let summary = "Split kernel loops marked qf.parallel_split into chunks for threads";
  let description = [{
    The kernels mark a loop whose iterations are independent with the unit
    attribute `qf.parallel_split` (only when the layer has enough work to
    be worth a thread). On bufferized code this pass rewrites the marked
    loop and the scf.for loops around it (which each chunk runs whole: a
    GEMM's column-tile loop around a split row-tile loop keeps a chunk's
    weight panels in cache while its rows pass) into a `qf.parallel_for`
    over the marked loop's iterations: the body is that loop nest with the
    marked loop's bounds narrowed to the chunk. The loops must have no
    results and nothing in them but the marked loop may write memory (each
    chunk runs those ops); a mark that breaks this is an error. Loops with
    fewer than two iterations stay as they are.
  }];
  let dependentDialects = ["qforge::qf::QFDialect"];
}

def OutlineLayersPass : Pass<"qf-outline-layers", "mlir::func::FuncOp"> {
  let summary = "Give each sequential loop nest of a model function its own function";
  let description = [{
    Runs after `qf-parallelize-loops` and `qf-lower-strided-copies` (whose
    copy loops it outlines too). Every top-level op of the function
    that does loop work and is not already split for threads (an scf loop
    nest or a linalg op, with no results and no `qf.parallel_for` inside)
    is wrapped in a `qf.parallel_for` over a single item, which
    `qf-outline-parallel-for` turns into a function called directly, on
    the calling thread, and `qf-share-chunk-bodies` shares between layers
    of one shape. Without it, every layer that is not threaded stays in the
    model's one function, and LLVM's loop optimizations (scalar evolution
    above all) hold their tables for all of them at once: compile time and
    memory then grow with the model instead of with its largest layer.
  }];
  let dependentDialects = ["qforge::qf::QFDialect"];
}

def OutlineParallelForPass : Pass<"qf-outline-parallel-for", "mlir::ModuleOp"> {
  let summary = "Turn qf.parallel_for bodies into functions the thread pool calls";
  let description = [{
    Runs on the LLVM dialect (after the rest of the lowering has converted
    the bodies). Each `qf.parallel_for` body becomes an internal
    `llvm.func` taking (context pointer, begin, end); the values it uses
    from the enclosing function are stored into a context struct on the
    stack, except constants and what is computed from constants alone
    (addresses of globals included), which are recomputed in the body so
    that LLVM still sees them as constants. The op becomes a call of
    `qforge_parallel_for(body, context, items, threads)`, which the
    emitter links in from qforge's runtime (`lib/Runtime/ParallelFor.c`):
    `threads` is this pass's option, the number the model was compiled
    for (0: as many as the machine has CPUs online), which the
    environment variable QFORGE_NUM_THREADS overrides at run time. With
    `threads=1` the body is called directly, once, with the whole range
    `(context, 0, items)`, and no runtime is declared: the code stays
    sequential, while `qf-share-chunk-bodies` can still give layers of one
    shape one body. A loop whose item count is the constant 1 (what
    `qf-outline-layers` makes) is called directly at any thread count.
    The bodies are `no_inline`: LLVM's inliner would otherwise put every
    directly called layer back into the model's function, and -O3 and
    code generation pay for one large function more than for the same
    code in many small ones (regnet_y_400mf on the reference loops, 2,930
    layer calls: 70 s of LLVM against 4.6 s).
  }];
  let options = [
    Option<"threads", "threads", "int64_t", "0",
           "Threads the compiled model uses (0: the CPUs online at run time)">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def ShareChunkBodiesPass : Pass<"qf-share-chunk-bodies", "mlir::ModuleOp"> {
  let summary = "One function for thread-pool chunks that differ only in data";
  let description = [{
    Runs after `qf-outline-parallel-for`. Layers of the same shape and
    kind lower to the same loop nest, so their chunks (the functions
    handed to `qforge_parallel_for`, or called directly when compiled for
    one thread) differ only in the globals they read
    (packed weights, tables) and in vector or float constants (zero
    points, multipliers, clamp bounds). Chunks equal but for such values
    become one function: the first keeps its body and loads each value
    that differs between them from a field appended to its context
    struct, every call stores its layer's values into those fields, and
    the others are erased. LLVM then optimizes and compiles the body once
    instead of once per layer. Values equal in all of them stay
    constants, and integer scalars (sizes, strides, trip counts) are part
    of the shape: chunks that differ in one stay apart, so a shared body
    keeps its constant loop bounds. A function with any other use (its
    address stored, a call that shares its context) is left alone.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // QFORGE_CODEGEN_PASSES_TD
