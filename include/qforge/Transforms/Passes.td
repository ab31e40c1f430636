//===- Passes.td - qforge passes --------------------------*- tablegen -*-===//

#ifndef QFORGE_TRANSFORMS_PASSES_TD
#define QFORGE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def VerifyQuantizedPass : Pass<"qf-verify-quantized", "mlir::func::FuncOp"> {
  let summary = "Check that no float compute op is left in a quantized function";
  let description = [{
    The contract between quantization and the integer back end. In every
    function marked `qf.quantized`, each op that computes on floats (has a
    float scalar, vector or tensor operand or result) is an error, except:
    ops of the `qf` and `quant` dialects (they convert at float edges),
    constants, the function's terminator, ops marked `qf.keep_float` (the
    user excluded them) and ops named in `keep-float-ops`. All violations
    are reported, each at the op's location (its ONNX node name after
    import), before the pass fails. Functions without the mark are skipped.

    With `allow-input-preparation`, float ops that do not depend on any
    quantized value (a model's own input scaling, before its first
    quantize) are allowed too. With `warn-only` violations are warnings
    and the pass succeeds: `qforge compile` runs it that way after
    quantization, with input preparation allowed, so that what stays float
    is reported without refusing to compile the model.
  }];
  let options = [
    ListOption<"keepFloatOps", "keep-float-ops", "std::string",
               "Op names that may stay float (e.g. tosa.sigmoid)">,
    Option<"allowInputPreparation", "allow-input-preparation", "bool", "false",
           "Allow float ops that depend on no quantized value">,
    Option<"warnOnly", "warn-only", "bool", "false",
           "Report violations as warnings and succeed">,
  ];
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

def SinkTransposesPass : Pass<"qf-sink-transposes", "mlir::func::FuncOp"> {
  let summary = "Move layout transposes below element-wise ops and concatenations so that they cancel";
  let description = [{
    The importer brackets every convolution with transposes (ONNX is NCHW,
    qforge's convolutions NHWC). Between two convolutions the pair cancels,
    unless an element-wise op in NCHW sits between them: a residual add
    (`tosa.add`, or `qf.add` once quantized), an activation. This pass
    rewrites op(transpose(x, P), transpose(y, P)) to transpose(op(x, y), P)
    for `tosa.add`, `tosa.sub`, `tosa.maximum`, `tosa.minimum`,
    `tosa.clamp`, `tosa.sigmoid`, `tosa.tanh` and `qf.add` when every operand
    is a transpose by the same permutation and nothing broadcasts, and folds
    transposes that meet (TOSA's canonicalization). Quantized values are
    transposed as their storage integers between two `quant.scast` (as
    `qf-sink-dequantize` leaves them), and so are the moved ones. A
    `tosa.concat` of operands transposed alike becomes the concatenation of
    the untransposed ones along the permuted axis, transposed
    (SqueezeNet's fire modules join their branches along NCHW's channels;
    quantized concatenations run on storage integers). ResNet-18,
    MobileNetV2 and SqueezeNet then run NHWC from their first convolution
    to their last, at fp32 and int8.

    ```mlir
    %a = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
    %b = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
    %s = tosa.add %a, %b : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    // becomes
    %t = tosa.add %x, %y : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
    %s = tosa.transpose %t {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect", "mlir::quant::QuantDialect"];
}

def SinkDequantizePass : Pass<"qf-sink-dequantize", "mlir::func::FuncOp"> {
  let summary = "Keep quantized values quantized through ops that only move or select them";
  let description = [{
    After `qf-quantize` each integer op is wrapped in `qf.dequantize` /
    `qf.quantize`, and the ops between two integer ops run on floats. Some of
    those ops compute the same thing on the stored integers: layout ops
    (`tosa.transpose`, `tosa.reshape`), `tosa.slice`, `tosa.reverse`,
    `tosa.tile`, `tosa.pad` whose pad value lies on the integer grid (0 pads
    with the zero point; a value between two steps keeps the pad float),
    and `tosa.max_pool2d` (dequantization is monotonic, so the largest
    stored value is the largest real value). This pass moves
    `qf.dequantize` below such ops (the op then runs on the storage
    integers, between `quant.scast`s) and `qf.quantize` above them, so that
    a dequantize meets the next quantize, and then folds
    `qf.quantize(qf.dequantize(q))` to `q` (same type) or `qf.requantize`
    (another type). Per-tensor types only; max
    pooling only for signed storage (TOSA's integers are signed), the ops
    that only move values for any.
  }];
  let dependentDialects = ["qforge::qf::QFDialect", "mlir::quant::QuantDialect",
                           "mlir::tosa::TosaDialect"];
}

def FuseQDQPass : Pass<"qf-fuse-qdq", "mlir::func::FuncOp"> {
  let summary = "Compute QDQ-form convolutions and matmuls as qf integer ops with the model's own parameters";
  let description = [{
    A QDQ model (onnxruntime's `quantize_static`, QAT exports) imports as
    float `tosa.conv2d` / `tosa.depthwise_conv2d` / `tosa.matmul` between `qf.dequantize` of its
    input and of its integer weights (and bias) and a `qf.quantize` of its
    output. Each such op whose input is dequantized per tensor, whose
    weights are a dequantized integer constant (through the importer's
    transposes and reshapes; per tensor or per output channel), whose bias
    is a dequantized int32 or float constant (a matmul's bias add is
    folded), and whose output feeds one `qf.quantize` per tensor becomes
    one `qf.conv2d` (a depthwise one with one output per channel as a
    grouped `qf.conv2d`, its [KH, KW, C, 1] filter as OHWI [C, KH, KW, 1])
    / `qf.matmul` with the model's scales and zero points:
    exact int32 accumulation and one requantization of the integers instead of
    float compute and a second rounding. The bias keeps its integers when
    its scales are s_x * s_w[c] (as quantizers write them) and is
    re-expressed at that scale otherwise. Run `qf-sink-dequantize` first so
    that the dequantize and quantize ops sit next to the compute op.
  }];
  let dependentDialects = ["qforge::qf::QFDialect", "mlir::quant::QuantDialect",
                           "mlir::tosa::TosaDialect", "mlir::arith::ArithDialect"];
}

def LowerQFToLinalgPass : Pass<"qf-lower-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower qf ops to integer linalg/arith on tensors";
  let description = [{
    The reference lowering of quantized compute: correct, not fast (the
    packed micro-kernels replace it for performance). Quantized tensors
    become their signless storage integers and `quant.scast` disappears.

    - `qf.quantize`: q = clamp(roundeven(x / scale) + zero_point), computed
      in f32, per tensor or per axis.
    - `qf.dequantize`: x = (q - zero_point) * scale in f32.
    - `qf.matmul`, `qf.conv2d`: exact int32 accumulation of
      (a - z_a) * (w - z_w[c]), plus the int32 bias. Ungrouped convolution
      filters are read in HWCF order (transposed at compile time when
      constant), so that the float pipeline's loop ordering and
      vectorization apply to the integer convolution too.
    - Requantization (`qf.requantize`, and `qf.matmul`/`qf.conv2d` with a
      quantized result) rescales in float32: the real multiplier
      M = s_in * s_w[c] / s_out is stored as a float32 per channel;
      y = z_out + roundeven(clamp(float(acc) * M)), clamped to the op's
      clamp range (or the storage range) less z_out. Each step is one IEEE
      operation and none is fused into a multiply-add: the same bits on
      every target. (`qf.add` keeps a fixed-point form: its two terms
      rescaled to one shift, rounded once; in int32 with 22-bit
      multipliers when no input can overflow it, else in int64.)
    - `qf.packed_constant`: the bytes stay in the object file and unpack to
      one byte per value at run time (low nibble first, sign-extended).
    - Block-quantized weights (int4 groups; see `qf.matmul`): one int32 sum
      per block, the blocks combined exactly in int64 with their integer
      multiples of the channel unit (one byte each), then one
      requantization per channel with a multiplier narrow enough that the
      int64 product cannot overflow. Block scales of any other form are
      reported, not approximated.

    - `qf.observe` is erased: outside calibration it records nothing.

    `qf.quantize`/`qf.dequantize` of blocked types are not lowered and are
    reported.

    With `vnni`, integer products with int8 activations and constant
    symmetric int8 weights (`qf.matmul`, and ungrouped `qf.conv2d`) use the
    AVX-512 VNNI micro-kernel instead of the reference loop: weights packed
    at compile time into [N/16][K/4][16x4] panels, a register tile of up to
    4 rows by 4 x 16 columns (one row by up to 8 x 16 for single-row
    products; for convolutions 8 or 7 rows of one image row by 2 x 16)
    accumulated with `vpdpbusd`
    (`llvm.x86.avx512.vpdpbusd.512`), activations as unsigned bytes
    (signed ones shifted by +128) with the shift and zero point taken back
    by a per-column compensation computed at compile time. Convolutions
    read their windows in place from the input padded with the zero point
    (kernel row by kernel column by 4-byte step), or from an explicit im2col
    when the channels are not a multiple of 4 or blocks of 4-bit weights
    would straddle taps; when the padding reads as zero bytes, taps that
    fall only on padding are skipped (they would add 0). A requantized
    result is requantized in registers (bias and float32 multiplier per
    column from padded tables, the same arithmetic as the reference
    epilogue) and stored as bytes. The kernel's
    `qf.vnni_dot` ops become the intrinsic in `qf-lower-vnni-dot`. Depthwise
    convolutions (one output per input channel, a multiple of 16 channels)
    with a kernel row of up to 4 pixels (3x3, any stride) run one
    `qf.vnni_dot` per kernel row for 16 channels: the activations are copied
    into channel blocks [N][H][C/16][W * 16] (padding with the zero point as
    they go; signed ones + 128), a 64-byte window of 4 pixels is shuffled so
    that each lane holds its channel's taps of the row, and the weights hold
    the row's taps in the same bytes; the accumulators start at the bias less
    the zero-point compensation. Wider kernels use a vectorized kernel with
    16 channels per int32 vector (a widening load, multiply and add per tap). The accumulators are the same integers, so the
    results are bit-identical to the reference lowering. Only for targets with AVX-512 VNNI: the backend
    cannot select the instruction elsewhere (`qforge compile` sets it from
    `--target`).

    With `sdot` (AArch64 targets with the dotprod extension), the same
    kernels with `sdot` (`arm_neon.intr.sdot`, signed by signed bytes) on
    4-lane accumulators: panels of 4 columns x 4 bytes, a register tile of
    up to 4 rows by 4 x 4 columns; unsigned activations are the ones
    shifted (by -128) and compensated. Depthwise convolutions take the
    same vectorized kernel.

    With `smmla` (AArch64 targets with i8mm; it takes precedence over
    `sdot`), the products use `smmla` (`arm_neon.intr.smmla`): each
    accumulator is a 2 x 2 block of int32 (two rows by two columns, 8 bytes
    of the reduction per instruction), the activations are read as pairs
    of rows of 8 bytes, the weights packed into [N/W][K/8][V x 2 x 8]
    panels, a register tile of up to 4 row pairs by 4 column pairs, and
    pairs of blocks are shuffled back into row vectors of 4 columns before
    the epilogue.
  }];
  let options = [
    Option<"vnni", "vnni", "bool", "false",
           "Use the AVX-512 VNNI target's kernels for int8 matmuls and convolutions">,
    Option<"sdot", "sdot", "bool", "false",
           "Use the AArch64 dotprod target's kernels (sdot) for int8 matmuls and convolutions">,
    Option<"smmla", "smmla", "bool", "false",
           "Use the AArch64 i8mm target's kernels (smmla) for int8 matmuls and convolutions">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::arm_neon::ArmNeonDialect",
                           // llvm.intr.lrint: the kernels' epilogues round
                           // with the current (nearest-even) mode.
                           "mlir::LLVM::LLVMDialect"];
}

def FloatGemmKernelsPass : Pass<"qf-float-gemm-kernels", "mlir::func::FuncOp"> {
  let summary = "Float convolutions and matmuls with constant weights on the packed FMA kernel";
  let description = [{
    For AVX-512 targets (`qforge compile` adds it when the target has
    `avx512f`). Each f32 `tosa.conv2d` and `tosa.matmul` (batch 1) with
    constant weights and bias becomes the register-tiled product qforge's
    integer kernels use, in float: the (zero-padded) input unfolded to
    [N*OH*OW, KH*KW*C] rows (im2col; a 1x1 stride-1 convolution is read in
    place), the weights packed at compile time into [N/W][K][W] panels
    (W = 16 x up to 4 vectors), a register tile of 4 rows by 4 vectors of 16
    accumulated with `vector.fma` (one broadcast activation per row and
    step), the bias added in registers before the store. Each output sums
    its terms in the reference order, each step rounded once (a fused
    multiply-add) rather than twice, so results differ from the reference
    loops in the last bits.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect", "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect"];
}

def LowerVnniDotPass : Pass<"qf-lower-vnni-dot", "mlir::func::FuncOp"> {
  let summary = "Lower qf.vnni_dot to the x86 VNNI intrinsic";
  let description = [{
    Each `qf.vnni_dot` becomes `llvm.call_intrinsic` of
    `llvm.x86.avx512.vpdpbusd.{128,256,512}` (by its lane count) with the
    same operands. Runs after bufferization: the intrinsic call has no
    declared memory effects, which bufferization and deallocation refuse.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
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
    environment variable QFORGE_NUM_THREADS overrides at run time.
  }];
  let options = [
    Option<"threads", "threads", "int64_t", "0",
           "Threads the compiled model uses (0: the CPUs online at run time)">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
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

def InsertObserversPass : Pass<"qf-insert-observers", "mlir::func::FuncOp"> {
  let summary = "Put a qf.observe on every float tensor quantization will rewrite";
  let description = [{
    Calibration needs the range of every activation that quantization turns
    into integers: the inputs and outputs of the ops it rewrites. The
    importer places each op at its ONNX node (`loc("node")`) and the op
    producing a node's output at `loc("value"("node"))`, so the pass works
    on nodes rather than on single ops: a node that contains one of the
    quantizable ops (`ops`) has every float tensor entering it (from another
    node or a function argument) and every float tensor leaving it observed.
    Weights are not: values computed from constants alone are skipped. Ops
    without a node location are a node of their own.

    Each tensor is observed once, right after its definition, with `id` =
    its position in discovery order (ops in program order, operands before
    results) and `name` = its ONNX value name (from the producing op's
    location or the function argument's), made unique with a `#N` suffix if
    two tensors share one. Running the pass again on the same model gives
    the same ids and names.
  }];
  let options = [
    ListOption<"ops", "ops", "std::string",
               "Ops whose nodes are observed (default: tosa.conv2d, "
               "tosa.depthwise_conv2d, tosa.transpose_conv2d, tosa.matmul, "
               "tosa.add, tosa.avg_pool2d, tosa.max_pool2d, tosa.clamp, "
               "tosa.concat)">,
  ];
  let dependentDialects = ["qforge::qf::QFDialect"];
}

def LowerObserversToCallsPass
    : Pass<"qf-lower-observers-to-calls", "mlir::ModuleOp"> {
  let summary = "Turn each qf.observe into a call of the statistics collector";
  let description = [{
    For the calibration run. Each `qf.observe %x {id = I}` becomes, before
    bufferization,

    ```mlir
    %m = bufferization.to_buffer %x read_only : ... to memref<AxBx...xf32>
    %flat = memref.collapse_shape %m [[0, 1, ...]] : ... into memref<Nxf32>
    %dyn = memref.cast %flat : memref<Nxf32> to memref<?xf32>
    func.call @qforge_observe(%I, %dyn) : (i64, memref<?xf32>) -> ()
    ```

    so that after lowering to LLVM the collector is a C function
    `void qforge_observe(int64_t id, float *allocated, float *aligned,
    int64_t offset, int64_t size, int64_t stride)` that the JIT resolves in
    the compiler itself. f16/bf16/f64 tensors are converted to f32 first.
    The pass declares `@qforge_observe` if the module lacks it.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::bufferization::BufferizationDialect",
                           "mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::tensor::TensorDialect"];
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
  let summary = "Tile linalg ops on tensors to one vector along their contiguous loop and vectorize them";
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
    the accumulators in registers. Ops that do not qualify stay as they
    are. Each output still sums its terms in the original order.

    Element-wise ops (no reduction) of at least 2^16 elements also get
    their outermost loop of more than one iteration marked
    `qf.parallel_split`, for `qf-parallelize-loops` to split over threads.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect"];
}

def QuantizePass : Pass<"qf-quantize", "mlir::func::FuncOp"> {
  let summary = "Rewrite float convolutions and matmuls to int8 or int4 qf ops from a calibration table";
  let description = [{
    Post-training quantization, W8A8 (`precision=int8`) or W4A8
    (`precision=int4`). Each `tosa.conv2d`,
    `tosa.depthwise_conv2d` (as a grouped `qf.conv2d`) and `tosa.matmul`
    with constant f32 weights whose input and output
    tensors the calibration table describes (found through the layout ops
    around them, by ONNX value name) becomes

    - `qf.quantize` of its input to int8, per tensor, with the table's range
      for `method` (default: the table's): asymmetric (scale = (hi-lo)/255,
      zero point = round(-128 - lo/scale)) or, with `scheme=symmetric`,
      scale = t/127 and zero point 0;
    - `qf.conv2d` / `qf.matmul` with the weights quantized symmetrically
      per output channel, the bias as int32 at scale s_in * s_w[c] (a Gemm's
      bias add after the matmul is folded in), and the result requantized
      to the output tensor's int8 parameters:
      - int8: scale = max|w|/127, values in [-127, 127];
      - int4: values in [-7, 7] packed two per byte (`qf.packed_constant`),
        with one scale per `group-size` values along the reduction axis
        (a matmul's K; a convolution's input channels, all taps of them)
        when that axis is longer than a group and a multiple of it, else per
        output channel (scale = max|w|/7). Block scales are integer
        multiples c = 1..255 (rounded up, so nothing clips) of a channel
        unit u = max|w|/7/255; the bias is at s_in * u;
    - `qf.dequantize` back to f32.

    A ReLU/ReLU6/Clip (`tosa.clamp`) right after the op's output fuses into
    the op's `clamp` (bounds rounded inward to the storage grid), and the op
    then takes the activation's calibrated output range. An input that is a
    dequantized (and passed-through: layout ops, slices, reverses, tiles,
    pads, max pooling) result
    of an earlier integer op keeps that op's parameters, so that
    `qf-sink-dequantize` can join the two without requantization.

    Then element-wise adds of two activations become `qf.add` (a
    following ReLU/Clip fused as its clamp) and average pools (global ones
    and padded ones included) become `qf.avg_pool2d`, each from its
    operands' parameters to its own calibrated output range, and
    concatenations run on int8 in their output's parameters (inputs whose
    parameters differ are requantized; a concatenation inside an ONNX node,
    as reflect and edge padding import, has no range of its own and runs
    in its inputs' parameters when they all share them).

    Everything else stays float, with quantize/dequantize at its edges.
  }];
  let options = [
    Option<"table", "table", "std::string", "\"\"",
           "The calibration table (JSON from qforge calibrate)">,
    Option<"method", "method", "std::string", "\"\"",
           "Range method (default: the table's)">,
    Option<"scheme", "scheme", "std::string", "\"asymmetric\"",
           "Activations: asymmetric or symmetric">,
    Option<"precision", "precision", "std::string", "\"int8\"",
           "Weights: int8 or int4">,
    Option<"groupSize", "group-size", "int64_t", "32",
           "int4: values per scale along the reduction axis (0: per channel)">,
  ];
  let dependentDialects = ["qforge::qf::QFDialect",
                           "mlir::quant::QuantDialect",
                           "mlir::arith::ArithDialect"];
}

#endif // QFORGE_TRANSFORMS_PASSES_TD
