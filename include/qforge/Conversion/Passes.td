//===- Passes.td - conversions out of the qf dialect -----*- tablegen -*-===//
//
// Conversions: qf ops to their reference integer linalg form, observers to
// calls, the kernels' qf.vnni_dot to its LLVM intrinsic. Implemented in
// lib/Conversion/<From>To<To>/.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CONVERSION_PASSES_TD
#define QFORGE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerQFToLinalgPass : Pass<"qf-lower-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower qf ops to their reference integer computation: linalg/arith on tensors";
  let description = [{
    The reference lowering of quantized compute, as a dialect conversion:
    correct, target-independent, not fast (the target kernels,
    `qf-select-kernels` and `qf-lower-to-kernels`, replace the ops they
    compute before this pass runs). Quantized tensors become their signless
    storage integers (a type converter; 4-bit values one per byte) and
    `quant.scast` disappears.

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
    - `qf.avg_pool2d`: int32 window sums of (x - z_x) over the input padded
      with z_x, requantized at s_x / (n s_y), n the window's valid elements.
    - `qf.packed_constant`: the bytes stay in the object file and unpack to
      one byte per value at run time (low nibble first, sign-extended).
    - Block-quantized weights (int4 groups; see `qf.matmul`): one int32 sum
      per block, the blocks combined exactly in int64 with their integer
      multiples of the channel unit (one byte each), then one
      requantization per channel with a multiplier narrow enough that the
      int64 product cannot overflow. Block scales of any other form are
      reported, not approximated.
    - `qf.observe` is erased: outside calibration it records nothing.

    An op's `qf.kernel` attribute is ignored here: an op still present is
    computed by the reference. Everything the conversion cannot take is
    reported, each at its op, before anything is rewritten: a quantized
    value no qf or quant op produced (a function argument), another op
    using a quantized value, blocked quantization anywhere but weights,
    block scales of another form, a per-axis result with different zero
    points.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::tensor::TensorDialect"];
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

def LowerVnniDotPass : Pass<"qf-lower-vnni-dot", "mlir::func::FuncOp"> {
  let summary = "Lower qf's instruction ops (qf.vnni_dot, qf.pair_dot, qf.vbmi_permute on x86, qf.byte_pair_dot on AArch64) to their LLVM intrinsics";
  let description = [{
    Each `qf.vnni_dot` becomes `llvm.call_intrinsic` of
    `llvm.x86.avx512.vpdpbusd.{128,256,512}` (by its lane count) with the
    same operands, each `qf.pair_dot` one of `llvm.x86.sse2.pmadd.wd`,
    `llvm.x86.avx2.pmadd.wd` or `llvm.x86.avx512.pmaddw.d.512` (by its
    lane count) on its two int16 operands and an `llvm.add` of the
    accumulator, each `qf.vbmi_permute` one of
    `llvm.x86.avx512.vpermi2var.qi.512`, and each `qf.byte_pair_dot`
    `llvm.aarch64.neon.smull` (8 bytes to 8 int16) then
    `llvm.aarch64.neon.saddlp` (pairs to 4 int32) and an `llvm.add` of the
    accumulator, which LLVM selects as `smull` and `sadalp`. (The pass
    took its name when it lowered `qf.vnni_dot` alone.) Runs after
    bufferization: the
    intrinsic call has no declared memory effects, which bufferization and
    deallocation refuse.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // QFORGE_CONVERSION_PASSES_TD
