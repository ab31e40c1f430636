//===- KernelFamily.h - the kernels a target's instructions allow -*- C++ -*-===//
//
// A kernel family is the set of qforge's micro-kernels one class of CPU can
// run: the pipeline maps a target's features to one (qforge/Pipeline), and
// kernel selection (qf-select-kernels) picks among its kernels per op.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELFAMILY_H
#define QFORGE_CODEGEN_KERNELFAMILY_H

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace qforge {

enum class KernelFamily {
  /// No target kernels: every product runs the reference loops.
  Reference,
  /// x86 with AVX-512: the packed fused-multiply-add kernel for float.
  X86Avx512,
  /// x86 with AVX-512 VNNI: vpdpbusd kernels for int8 and int4, and the
  /// float kernel.
  X86Avx512Vnni,
  /// x86 with AVX-512 VNNI and VBMI: those, and vpermi2b table lookups.
  X86Avx512VnniVbmi,
  /// x86 with AMX-INT8 (and AVX-512 VNNI and VBMI, which every AMX CPU
  /// has): AMX tile products for int8, and the VNNI-VBMI family's kernels.
  X86Amx,
  /// x86 with AVX2 and FMA but no AVX-512 or VNNI: vpmaddwd int8 kernels
  /// and the float FMA kernels on ymm.
  X86Avx2,
  /// x86 with AVX-VNNI but no AVX-512: vpdpbusd int8 and int4 kernels and
  /// the float kernels on ymm.
  X86AvxVnni,
  /// AArch64 with NEON alone (ARMv8.0): smull int8 and int4 kernels, the
  /// float fmla kernels and the vector depthwise kernel for int8.
  ArmNeon,
  /// AArch64 with dotprod: those, and sdot kernels for int8 and int4.
  ArmDotprod,
  /// AArch64 with i8mm: those, and smmla kernels for int8 and int4.
  ArmI8mm,
};

/// The families as the values of a command-line option (qf-select-kernels'
/// `kernels`, and the lowering pipelines' of qforge-opt): one list, so that
/// the two cannot drift apart. Needs llvm/Support/CommandLine.h.
#define QFORGE_KERNEL_FAMILY_VALUES                                                            \
  ::llvm::cl::values(                                                                          \
      clEnumValN(::qforge::KernelFamily::Reference, "reference", "no target kernels"),         \
      clEnumValN(::qforge::KernelFamily::X86Avx512, "x86-avx512",                              \
                 "AVX-512: the float FMA kernels"),                                            \
      clEnumValN(::qforge::KernelFamily::X86Avx512Vnni, "x86-avx512-vnni",                     \
                 "AVX-512 VNNI: vpdpbusd int8/int4 kernels and the float kernels"),            \
      clEnumValN(::qforge::KernelFamily::X86Avx512VnniVbmi, "x86-avx512-vnni-vbmi",            \
                 "AVX-512 VNNI and VBMI: those, and vpermi2b table lookups"),                  \
      clEnumValN(::qforge::KernelFamily::X86Amx, "x86-amx",                                    \
                 "AMX-INT8: tile products for int8, and the AVX-512 VNNI-VBMI kernels"),      \
      clEnumValN(::qforge::KernelFamily::X86Avx2, "x86-avx2",                                  \
                 "AVX2 and FMA without AVX-512 or VNNI: vpmaddwd int8/int4 kernels and the "   \
                 "float FMA kernels on ymm"),                                                  \
      clEnumValN(::qforge::KernelFamily::X86AvxVnni, "x86-avx-vnni",                           \
                 "AVX-VNNI without AVX-512: vpdpbusd int8/int4 kernels and the float "         \
                 "kernels on ymm"),                                                            \
      clEnumValN(::qforge::KernelFamily::ArmNeon, "arm-neon",                                  \
                 "AArch64 NEON: smull int8/int4 kernels, the float fmla kernels, vector "      \
                 "depthwise int8"),                                                            \
      clEnumValN(::qforge::KernelFamily::ArmDotprod, "arm-dotprod",                            \
                 "AArch64 dotprod: sdot int8/int4 kernels and the NEON ones"),                 \
      clEnumValN(::qforge::KernelFamily::ArmI8mm, "arm-i8mm",                                  \
                 "AArch64 i8mm: smmla int8/int4 kernels and the NEON ones"))

/// The family's name as the pass option and the docs spell it
/// ("reference", "x86-avx512", "x86-avx512-vnni", "x86-avx512-vnni-vbmi",
/// "x86-amx", "x86-avx2", "x86-avx-vnni", "arm-neon", "arm-dotprod", "arm-i8mm").
llvm::StringRef kernelFamilyName(KernelFamily family);

/// Whether the family has kernels for int8 and int4 products (elsewhere
/// they run the reference loops, which are not faster than float).
bool hasIntegerKernels(KernelFamily family);

/// The family of a name kernelFamilyName gives, if any.
std::optional<KernelFamily> parseKernelFamily(llvm::StringRef name);

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELFAMILY_H
