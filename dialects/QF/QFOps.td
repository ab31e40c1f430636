//===- QFOps.td - qf operations ---------------------------*- tablegen -*-===//

#ifndef QF_OPS_TD
#define QF_OPS_TD

include "QF/QFDialect.td"
include "QF/QFAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints. Only the kind of type is checked here; the semantic checks
// (scale counts, zero-point ranges, shapes) are in the C++ verifiers so that
// their messages can say what exactly is wrong.
//===----------------------------------------------------------------------===//

def QF_QuantizedElementType : Type<
    CPred<"::llvm::isa<::mlir::quant::QuantizedType>($_self)">,
    "quantized type">;

def QF_FloatTensor : RankedTensorOf<[AnyFloat]>;
def QF_QuantizedTensor : RankedTensorOf<[QF_QuantizedElementType]>;
def QF_BiasTensor : RankedTensorOf<[I32]>;
def QF_AccumulatorOrQuantizedTensor :
    RankedTensorOf<[QF_QuantizedElementType, I32]>;

//===----------------------------------------------------------------------===//
// Calibration
//===----------------------------------------------------------------------===//

def QF_ObserveOp : QF_Op<"observe", [MemoryEffects<[MemWrite]>]> {
  let summary = "records the range of a float tensor during calibration";
  let description = [{
    Marks a float tensor whose values calibration must record. The op has no
    result: it hangs off the value it observes and leaves the float graph
    unchanged. `id` is the tensor's index in the calibration table and `name`
    the ONNX value or node name it stands for; both must be stable across runs
    of the compiler on the same model.

    Calibration lowers the op to a call into the statistics collector; every
    other pipeline erases it.

    ```mlir
    qf.observe %conv1 {id = 3 : i64, name = "conv1_out"} : tensor<1x8x26x26xf32>
    ```
  }];
  let arguments = (ins QF_FloatTensor:$input, I64Attr:$id, StrAttr:$name);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Conversions between float and quantized tensors
//===----------------------------------------------------------------------===//

def QF_QuantizeOp : QF_Op<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "float tensor to quantized tensor";
  let description = [{
    q = clamp(round(x / scale) + zero_point, storage_min, storage_max), with
    the parameters of the result's `!quant.uniform` type (per tensor, per
    axis, or per block). The result's expressed type must be the input's
    element type.

    `qf.quantize(qf.dequantize(q))` with the type of `q` folds to `q`;
    with another result type it becomes `qf.requantize`.
  }];
  let arguments = (ins QF_FloatTensor:$input);
  let results = (outs QF_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def QF_DequantizeOp : QF_Op<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "quantized tensor to float tensor";
  let description = [{
    x = scale * (q - zero_point), with the parameters of the input's
    `!quant.uniform` type. The result's element type must be the input's
    expressed type. `qf.dequantize(qf.quantize(x))` is not folded: it rounds
    and clamps, which is the point of inserting it.
  }];
  let arguments = (ins QF_QuantizedTensor:$input);
  let results = (outs QF_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def QF_RequantizeOp : QF_Op<"requantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "quantized tensor to another scale and zero point";
  let description = [{
    Re-expresses a quantized tensor in another `!quant.uniform` type with the
    same expressed type: q_out = clamp(round((q_in - z_in) * s_in / s_out) +
    z_out). A per-axis input may requantize to a per-tensor result (or to a
    per-axis result on the same axis); the result of the same type as the
    input folds away.
  }];
  let arguments = (ins QF_QuantizedTensor:$input);
  let results = (outs QF_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Quantized compute
//===----------------------------------------------------------------------===//

def QF_MatmulOp : QF_Op<"matmul", [Pure]> {
  let summary = "integer matrix product with fused bias, requantization and clamp";
  let description = [{
    `lhs` is [..., M, K] quantized per tensor (the activations); `rhs` is
    [K, N] quantized per tensor, per output column (axis 1), or in blocks
    along K (the weights). The product accumulates
    sum_k (lhs - z_lhs) * (rhs - z_rhs) in int32, adds the optional int32
    `bias` [N] (scale s_lhs * s_rhs[n], zero point 0), then either returns the
    accumulator (an `i32` result) or requantizes it to the result's
    per-tensor type and clamps it to `clamp` = [min, max] in storage units
    (a fused ReLU is [z_out, storage_max]).

    Weights in blocks along K (`{0:B, 1:1}`) are lowered when every block
    scale is an integer multiple c in 1..255 of its column's unit
    u = (largest block scale) / 255, the form qf-quantize writes for int4:
    each block's sum is exact in int32, the blocks combine exactly in int64
    as sum c * partial, the bias is at scale s_lhs * u[n], and the result
    must be requantized.

    ```mlir
    %y = qf.matmul %x, %w bias %b clamp [-3, 127]
        : (tensor<1x64x!quant.uniform<i8:f32, 0.05:-3>>,
           tensor<64x10x!quant.uniform<i8:f32:1, {...}>>, tensor<10xi32>)
        -> tensor<1x10x!quant.uniform<i8:f32, 0.2:-3>>
    ```
  }];
  let arguments = (ins QF_QuantizedTensor:$lhs, QF_QuantizedTensor:$rhs,
                   Optional<QF_BiasTensor>:$bias,
                   OptionalAttr<DenseI64ArrayAttr>:$clamp);
  let results = (outs QF_AccumulatorOrQuantizedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`bias` $bias^)? (`clamp` $clamp^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QF_Conv2DOp : QF_Op<"conv2d", [Pure]> {
  let summary = "integer 2-D convolution (grouped, strided, dilated) with fused requantization";
  let description = [{
    NHWC `input` quantized per tensor; OHWI `filter` [O, KH, KW, C/groups]
    quantized per tensor, per output channel (axis 0), or in blocks along the
    input channels (axis 3); optional int32 `bias` [O]. `groups` splits the
    channels: groups == C with O a multiple of C is a depthwise convolution.
    `padding` is [top, bottom, left, right], `strides` and `dilations` are
    [h, w]. The result is [N, OH, OW, O] with
    OH = (H + top + bottom - dh * (KH - 1) - 1) / sh + 1 (likewise OW), either
    the int32 accumulator or requantized to a per-tensor type and clamped to
    `clamp` as for `qf.matmul`. Filters in blocks of input channels
    (`{0:1, 3:B}`, each block covering all taps of its channels) follow
    `qf.matmul`'s rule for blocks (ungrouped convolutions only).
  }];
  let arguments = (ins QF_QuantizedTensor:$input, QF_QuantizedTensor:$filter,
                   Optional<QF_BiasTensor>:$bias,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$groups,
                   OptionalAttr<DenseI64ArrayAttr>:$clamp);
  let results = (outs QF_AccumulatorOrQuantizedTensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`bias` $bias^)? (`clamp` $clamp^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QF_AddOp : QF_Op<"add", [Pure]> {
  let summary = "element-wise sum of two quantized tensors, requantized and clamped";
  let description = [{
    y = clamp(z_y + round((a - z_a) * s_a / s_y + (b - z_b) * s_b / s_y)),
    all three per tensor and of one shape (a residual connection). The two
    rescaled terms share one fixed-point shift, so the sum is rounded once,
    half to even; `clamp` = [min, max] in the result's storage units (a
    fused ReLU is [z_y, storage_max]).

    ```mlir
    %y = qf.add %a, %b clamp [-128, 127]
        : (tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>,
           tensor<1x8x!quant.uniform<i8:f32, 0.1:0>>)
        -> tensor<1x8x!quant.uniform<i8:f32, 0.12:-128>>
    ```
  }];
  let arguments = (ins QF_QuantizedTensor:$lhs, QF_QuantizedTensor:$rhs,
                   OptionalAttr<DenseI64ArrayAttr>:$clamp);
  let results = (outs QF_QuantizedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`clamp` $clamp^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QF_MulOp : QF_Op<"mul", [Pure]> {
  let summary = "element-wise product of two quantized tensors, requantized and clamped";
  let description = [{
    y = clamp(z_y + round((a - z_a) * (b - z_b) * s_a * s_b / s_y)), all
    three per tensor: the integer product is exact in int32, the rescale a
    float32 multiply rounded half to even. Operands of one rank broadcast
    along their size-1 dimensions (a squeeze-excitation scale [1, 1, 1, C]
    times the block's activations [1, H, W, C]); the result has the
    broadcast shape. `clamp` = [min, max] in the result's storage units.

    ```mlir
    %y = qf.mul %x, %scale
        : (tensor<1x7x7x8x!quant.uniform<i8:f32, 0.05:-3>>,
           tensor<1x1x1x8x!quant.uniform<i8:f32, 0.004:-128>>)
        -> tensor<1x7x7x8x!quant.uniform<i8:f32, 0.03:-10>>
    ```
  }];
  let arguments = (ins QF_QuantizedTensor:$lhs, QF_QuantizedTensor:$rhs,
                   OptionalAttr<DenseI64ArrayAttr>:$clamp);
  let results = (outs QF_QuantizedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`clamp` $clamp^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QF_LookupOp : QF_Op<"lookup", [Pure]> {
  let summary = "element-wise function of an 8-bit quantized tensor, as a 256-entry table";
  let description = [{
    y[i] = table[x[i]]: each stored input byte (read as unsigned, 0..255:
    an int8 value v is entry v + 256 when negative, i.e. its bit pattern)
    selects the stored result byte. `table` holds the result's storage
    integers, computed at compile time as
    z_y + round(f(s_x * (q - z_x)) / s_y), clamped to the storage range,
    for every stored input q: any unary function f of one 8-bit tensor
    (HardSwish, SiLU, sigmoid, tanh, GELU, chains of such ops) costs one
    byte load per element, and the result is the same bits on every
    target. Input and result are per tensor, of one shape, with 8-bit
    storage; the table has 256 entries.

    ```mlir
    %y = qf.lookup %x table dense<...> : tensor<256xi8>
        : (tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>)
        -> tensor<1x8x!quant.uniform<i8:f32, 0.02:-128>>
    ```
  }];
  let arguments = (ins QF_QuantizedTensor:$input,
                       SignlessIntElementsAttr<8>:$table);
  let results = (outs QF_QuantizedTensor:$result);
  let assemblyFormat = [{
    $input `table` $table attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QF_AvgPool2DOp : QF_Op<"avg_pool2d", [Pure]> {
  let summary = "integer 2-D average pooling, requantized";
  let description = [{
    NHWC `input` and result quantized per tensor; windows of `kernel` =
    [KH, KW] at `strides` = [SH, SW] over the input grown by `padding` =
    [top, bottom, left, right] (each smaller than its kernel side). Each
    window averages its n valid (unpadded) elements, as TOSA does and as
    ONNX's AveragePool with count_include_pad = 0 does:
    y = z_y + round(sum_valid(x - z_x) * s_x / (n * s_y)), the sum exact in
    int32, one rounding (half to even) of its float32 rescale. n is KH * KW where a
    window lies inside the input. A global average pool is one window over
    the whole image.

    ```mlir
    %y = qf.avg_pool2d %x {kernel = array<i64: 7, 7>, strides = array<i64: 1, 1>}
        : (tensor<1x7x7x512x!quant.uniform<i8:f32, 0.05:-128>>)
        -> tensor<1x1x1x512x!quant.uniform<i8:f32, 0.01:-128>>
    %z = qf.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                           padding = array<i64: 1, 1, 1, 1>}
        : (tensor<1x7x7x512x!quant.uniform<i8:f32, 0.05:-128>>)
        -> tensor<1x7x7x512x!quant.uniform<i8:f32, 0.05:-128>>
    ```
  }];
  let arguments = (ins QF_QuantizedTensor:$input, DenseI64ArrayAttr:$kernel,
                   DenseI64ArrayAttr:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding);
  let results = (outs QF_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Packed weights
//===----------------------------------------------------------------------===//

def QF_PackedConstantOp : QF_Op<"packed_constant", [Pure]> {
  let summary = "4-bit quantized weights stored two per byte";
  let description = [{
    A constant tensor with 4-bit quantized elements (`!quant.uniform<i4:...>`
    or `<u4:...>`), stored row-major two per byte: element 2i in the low
    nibble of byte i, element 2i+1 in its high nibble (the ONNX INT4 and
    onnxruntime MatMulNBits order). `packed` is a 1-D i8 tensor of
    ceil(numel / 2) bytes; an odd element count leaves the last high nibble
    zero. Group-wise scales are the sub-channel form of the result type, e.g.
    `!quant.uniform<i4:f32:{0:32}, {...}>` for one scale per 32 values along
    axis 0; per-tensor and per-axis types are accepted too.
  }];
  let arguments = (ins ElementsAttr:$packed);
  let results = (outs QF_QuantizedTensor:$result);
  let assemblyFormat = "$packed attr-dict `:` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The values of every nibble of `packed` in order (element i is entry
    /// i; an odd element count leaves one more, the last high nibble),
    /// sign-extended when the storage type is signed.
    std::vector<int8_t> nibbleValues();
  }];
}

//===----------------------------------------------------------------------===//
// Micro-kernel instructions
//===----------------------------------------------------------------------===//

def QF_VnniDotOp : QF_Op<"vnni_dot", [Pure, AllTypesMatch<["acc", "result"]>,
                                      AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "x86 VNNI dot product: unsigned by signed bytes into int32 lanes";
  let description = [{
    The AVX-512 VNNI instruction `vpdpbusd` on vectors: for each int32 lane
    i of `acc`, result[i] = acc[i] + sum_{j < 4} zext(lhs[4i + j]) *
    sext(rhs[4i + j]), wrapping on overflow (not saturating). `lhs` (the
    unsigned bytes) and `rhs` (the signed bytes) have four times as many
    i8 lanes as `acc` has i32 lanes: 4, 8 or 16 lanes (xmm, ymm, zmm).

    The op keeps the micro-kernels in value semantics through bufferization
    (it has no memory effects); `qf-lower-vnni-dot` turns it into the LLVM
    intrinsic, which only targets with AVX-512 VNNI can select.

    ```mlir
    %acc2 = qf.vnni_dot %acc, %a, %b : vector<16xi32>, vector<64xi8>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I8]>:$lhs,
                       VectorOfRankAndType<[1], [I8]>:$rhs);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = "$acc `,` $lhs `,` $rhs attr-dict `:` type($acc) `,` type($lhs)";
  let hasVerifier = 1;
}

def QF_PairDotOp : QF_Op<"pair_dot", [Pure, AllTypesMatch<["acc", "result"]>,
                                      AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "x86 multiply-add of int16 pairs into int32 lanes, accumulated";
  let description = [{
    The instruction `vpmaddwd` (SSE2 on xmm, AVX2 on ymm, AVX-512BW on
    zmm) followed by an int32 add: for each int32 lane i of `acc`,
    result[i] = acc[i] + lhs[2i] * rhs[2i] + lhs[2i + 1] * rhs[2i + 1],
    the int16 operands read as signed and the add wrapping on overflow.
    Each product is exact, and so is a pair's sum except for
    (-32768)^2 twice, which the int8 kernels never form (their operands
    are bytes widened to int16). `lhs` and `rhs` have twice as many i16
    lanes as `acc` has i32 lanes: 4, 8 or 16 lanes.

    The int8 kernel of x86 CPUs without VNNI multiplies bytes widened to
    int16 on it: unlike `vpmaddubsw` on the bytes themselves, no sum
    saturates, so the kernel stays bit-identical to the reference loops.
    `qf-lower-vnni-dot` turns it into the LLVM intrinsic and an add.

    ```mlir
    %acc2 = qf.pair_dot %acc, %a, %b : vector<8xi32>, vector<16xi16>
    ```
  }];
  let arguments = (ins VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I16]>:$lhs,
                       VectorOfRankAndType<[1], [I16]>:$rhs);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = "$acc `,` $lhs `,` $rhs attr-dict `:` type($acc) `,` type($lhs)";
  let hasVerifier = 1;
}

def QF_BytePairDotOp : QF_Op<"byte_pair_dot", [Pure, AllTypesMatch<["acc", "result"]>,
                                           AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "AArch64 multiply of int8 pairs into int32 lanes, accumulated";
  let description = [{
    AArch64's `smull` (8 signed byte products, each exact in int16)
    followed by `sadalp` (adjacent int16 pairs added into int32 lanes and
    accumulated): for each of the 4 int32 lanes i of `acc`,
    result[i] = acc[i] + lhs[2i] * rhs[2i] + lhs[2i + 1] * rhs[2i + 1],
    the bytes read as signed. Every product and sum is exact (|x y| <=
    16384), whatever the bytes, unlike `smlal2`'s pairs of products in
    int16 (two of -128 x -128 overflow).

    The int8 kernel of AArch64 CPUs without `sdot` (ARMv8.0: Cortex-A53,
    A72) multiplies in pairs on it, each row's two bytes copied to every
    lane pair. `qf-lower-vnni-dot` turns it into the two LLVM intrinsics
    and an add, which LLVM selects as `smull` and `sadalp`.

    ```mlir
    %acc2 = qf.byte_pair_dot %acc, %w, %x : vector<4xi32>, vector<8xi8>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[4], [I32]>:$acc,
                       VectorOfLengthAndType<[8], [I8]>:$lhs,
                       VectorOfLengthAndType<[8], [I8]>:$rhs);
  let results = (outs VectorOfLengthAndType<[4], [I32]>:$result);
  let assemblyFormat = "$acc `,` $lhs `,` $rhs attr-dict `:` type($acc) `,` type($lhs)";
}

def QF_TwoBytePairDotOp : QF_Op<"two_byte_pair_dot", [Pure,
    AllTypesMatch<["acc", "result"]>,
    AllTypesMatch<["lhs", "rhs", "lhs2", "rhs2"]>]> {
  let summary = "AArch64 multiply of two int8 pairs per int32 lane, the products paired in int16";
  let description = [{
    AArch64's `smull` of `lhs` and `rhs`, `smlal` of `lhs2` and `rhs2` into
    the same 8 int16 lanes, then `sadalp` (adjacent int16 lanes added into
    int32 lanes and accumulated): for each of the 4 int32 lanes i of
    `acc`, result[i] = acc[i] + s(2i) + s(2i + 1), where
    s(j) = lhs[j] * rhs[j] + lhs2[j] * rhs2[j] wraps to int16. Exact
    unless both products of some j are (-128)^2: the kernel takes this
    form only for weights without -128 (|w x| <= 127 x 128, two of them fit
    in int16), where it issues one `sadalp` per two multiplies instead of
    one per multiply (`qf.byte_pair_dot`).

    ```mlir
    %acc2 = qf.two_byte_pair_dot %acc, %w, %x, %w2, %x2 : vector<4xi32>, vector<8xi8>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[4], [I32]>:$acc,
                       VectorOfLengthAndType<[8], [I8]>:$lhs,
                       VectorOfLengthAndType<[8], [I8]>:$rhs,
                       VectorOfLengthAndType<[8], [I8]>:$lhs2,
                       VectorOfLengthAndType<[8], [I8]>:$rhs2);
  let results = (outs VectorOfLengthAndType<[4], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $lhs `,` $rhs `,` $lhs2 `,` $rhs2 attr-dict `:` type($acc) `,` type($lhs)
  }];
}

//===----------------------------------------------------------------------===//
// Threads
//===----------------------------------------------------------------------===//

def QF_VbmiPermuteOp : QF_Op<"vbmi_permute",
    [Pure, AllTypesMatch<["low", "index", "high", "result"]>]> {
  let summary = "x86 AVX-512 VBMI byte permute from two 64-byte tables";
  let description = [{
    The instruction `vpermi2b` on 64-byte vectors: result[i] = the byte at
    position index[i] & 63 of `low` when bit 6 of index[i] is clear, of
    `high` when it is set; bit 7 is ignored. With two of them and a select
    on the index's top bit, a 256-entry table lookup takes four
    instructions for 64 bytes (`vbmi_lookup`).

    The op keeps the kernel in value semantics through bufferization;
    `qf-lower-vnni-dot` turns it into the LLVM intrinsic, which only
    targets with AVX-512 VBMI can select.

    ```mlir
    %r = qf.vbmi_permute %low, %index, %high : vector<64xi8>
    ```
  }];
  let arguments = (ins VectorOfLengthAndType<[64], [I8]>:$low,
                       VectorOfLengthAndType<[64], [I8]>:$index,
                       VectorOfLengthAndType<[64], [I8]>:$high);
  let results = (outs VectorOfLengthAndType<[64], [I8]>:$result);
  let assemblyFormat = "$low `,` $index `,` $high attr-dict `:` type($result)";
}

def QF_AmxReadyOp : QF_Op<"amx_ready", [Pure]> {
  let summary = "whether this process may run AMX tile instructions";
  let description = [{
    Linux leaves AMX's tile state out of a process until the process asks
    for it (`arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)`); a tile
    instruction before that stops the program with SIGILL. The op is true
    when the permission was granted: the runtime (`lib/Runtime/Amx.c`)
    asks once per process and keeps the answer; the environment variable
    `QFORGE_AMX=0` makes it false. Kernels on AMX (`amx_product`) branch
    on it to their AVX-512 VNNI form.

    `qf-lower-amx-ready` turns it into a call of `qforge_amx_ready`.

    ```mlir
    %ready = qf.amx_ready
    ```
  }];
  let results = (outs I1:$ready);
  let assemblyFormat = "attr-dict";
}

def QF_ParallelForOp : QF_Op<"parallel_for", [RecursiveMemoryEffects]> {
  let summary = "runs its body over chunks of an index range on several threads";
  let description = [{
    The body runs once per chunk of `[0, items)`: the block arguments are
    the chunk's `begin` and `end` (i64). Chunks must be independent: they
    write disjoint memory and read nothing another chunk writes. How many
    chunks there are is the run time's choice (shares of the remaining items
    that the threads take as they finish; a single
    chunk `[0, items)` runs the body once, as a sequential loop would).

    `qf-parallelize-loops` creates the op from kernel loops marked
    `qf.parallel_split`; it stays through the lowering to the LLVM dialect
    (the body may then have several blocks) and `qf-outline-parallel-for`
    turns the body into a function that `qforge_parallel_for`, the thread
    pool linked into threaded artefacts, calls once per chunk (a model
    compiled for one thread calls it directly, once, for all items).

    ```mlir
    qf.parallel_for (%begin, %end) in %items {
      ...
      qf.parallel_yield
    }
    ```
  }];
  let arguments = (ins I64:$items);
  let regions = (region AnyRegion:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

def QF_ParallelYieldOp : QF_Op<"parallel_yield", [Pure, Terminator,
                                                  HasParent<"ParallelForOp">]> {
  let summary = "ends one chunk of a qf.parallel_for";
  let assemblyFormat = "attr-dict";
}

#endif // QF_OPS_TD
