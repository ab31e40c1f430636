//===- QFAttrs.td - qf attributes --------------------------*- tablegen -*-===//

#ifndef QF_ATTRS_TD
#define QF_ATTRS_TD

include "QF/QFDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def QF_Kernel : I32EnumAttr<"Kernel",
    "a target micro-kernel that computes an op", [
  I32EnumAttrCase<"VnniProduct", 0, "vnni_product">,
  I32EnumAttrCase<"SdotProduct", 1, "sdot_product">,
  I32EnumAttrCase<"SmmlaProduct", 2, "smmla_product">,
  I32EnumAttrCase<"VnniDepthwiseRows", 3, "vnni_depthwise_rows">,
  I32EnumAttrCase<"VectorDepthwise", 4, "vector_depthwise">,
  I32EnumAttrCase<"FmaProduct", 5, "fma_product">,
  I32EnumAttrCase<"FmaDepthwise", 6, "fma_depthwise">,
  I32EnumAttrCase<"VbmiLookup", 7, "vbmi_lookup">,
  I32EnumAttrCase<"AvxVnniProduct", 8, "avx_vnni_product">,
  I32EnumAttrCase<"Fma256Product", 9, "fma256_product">,
  I32EnumAttrCase<"Fma256Depthwise", 10, "fma256_depthwise">,
  I32EnumAttrCase<"PmaddwdProduct", 11, "pmaddwd_product">,
  I32EnumAttrCase<"FmlaProduct", 12, "fmla_product">,
  I32EnumAttrCase<"FmlaDepthwise", 13, "fmla_depthwise">,
  I32EnumAttrCase<"SmullProduct", 14, "smull_product">,
  I32EnumAttrCase<"AmxProduct", 15, "amx_product">,
]> {
  let cppNamespace = "::qforge::qf";
  let genSpecializedAttr = 0;
}

def QF_KernelAttr : EnumAttr<QF_Dialect, QF_Kernel, "kernel"> {
  let summary = "the target micro-kernel chosen for an op";
  let description = [{
    Set by `qf-select-kernels` as the discardable attribute `qf.kernel` on
    the ops a target kernel computes, and read by `qf-lower-to-kernels`,
    which replaces them by the kernel's code; ops without it take the
    reference lowering (`qf-lower-to-linalg`, TOSA's own for float ops).

    - `vnni_product`, `avx_vnni_product`, `sdot_product`, `smmla_product`:
      `qf.matmul` and ungrouped `qf.conv2d` with constant symmetric weights
      on the packed dot-product kernel of x86 `vpdpbusd` (AVX-512 on zmm,
      AVX-VNNI on ymm), AArch64 `sdot` or `smmla`; `pmaddwd_product` the
      same on AVX2 without VNNI, bytes widened to int16 and multiplied in
      pairs by `vpmaddwd` (`qf.pair_dot`); `smull_product` the same on
      AArch64 without `sdot`, bytes multiplied in pairs by `smull` and
      `sadalp` (`qf.byte_pair_dot`).
    - `amx_product`: the same products on x86 AMX tiles (`tdpbusd` or
      `tdpbssd` on 16 x 64-byte tiles, blocks of 2 x 2 accumulator tiles),
      each block with a `vpdpbusd` form beside it for processes the
      operating system refuses AMX (`qf.amx_ready`).
    - `vnni_depthwise_rows`: a depthwise `qf.conv2d` with one `vpdpbusd`
      per kernel row for 16 channels.
    - `vector_depthwise`: a depthwise `qf.conv2d` with 16 channels per
      int32 vector (a multiply and add per tap).
    - `fma_product`: a float `tosa.conv2d` or `tosa.matmul` with constant
      weights, or a `tosa.matmul` whose weights are computed at run time
      (packed at run time), on the packed fused-multiply-add kernel
      (AVX-512); `fma256_product` the same on 256-bit registers (AVX2),
      `fmla_product` on AArch64's 128-bit q registers (NEON `fmla`).
    - `fma_depthwise`: a float `tosa.depthwise_conv2d` with constant
      weights, 16 channels per vector, a fused multiply-add per tap;
      `fma256_depthwise` the same with 8 channels per vector (AVX2),
      `fmla_depthwise` with 4 (AArch64 NEON).
    - `vbmi_lookup`: a `qf.lookup` on AVX-512 VBMI, 64 bytes at a time:
      two `vpermi2b` each pick from half of the 256-byte table, the
      input byte's top bit chooses between them.

    ```mlir
    %y = qf.matmul %x, %w {qf.kernel = #qf.kernel<vnni_product>} : ...
    ```
  }];
  let assemblyFormat = "`<` $value `>`";
}

#endif // QF_ATTRS_TD
