//===- KernelTable.cpp - which kernels exist and what each computes -------===//

#include "qforge/Codegen/KernelTable.h"

#include "KernelEntries.h"

#include "llvm/Support/ErrorHandling.h"

using namespace mlir;

namespace qforge {

namespace {

using qf::Kernel;

constexpr KernelEntry kKernels[] = {
    {Kernel::VnniProduct,
     [](Operation *op) { return dotProductComputes(op, DotInstruction::X86Vnni); },
     [](Operation *op, RewriterBase &r) { emitDotProduct(op, DotInstruction::X86Vnni, r); }},
    {Kernel::AvxVnniProduct,
     [](Operation *op) { return dotProductComputes(op, DotInstruction::X86AvxVnni); },
     [](Operation *op, RewriterBase &r) { emitDotProduct(op, DotInstruction::X86AvxVnni, r); }},
    {Kernel::PmaddwdProduct,
     [](Operation *op) { return dotProductComputes(op, DotInstruction::X86Pmaddwd); },
     [](Operation *op, RewriterBase &r) { emitDotProduct(op, DotInstruction::X86Pmaddwd, r); }},
    {Kernel::SdotProduct,
     [](Operation *op) { return dotProductComputes(op, DotInstruction::ArmSdot); },
     [](Operation *op, RewriterBase &r) { emitDotProduct(op, DotInstruction::ArmSdot, r); }},
    {Kernel::SmmlaProduct,
     [](Operation *op) { return dotProductComputes(op, DotInstruction::ArmSmmla); },
     [](Operation *op, RewriterBase &r) { emitDotProduct(op, DotInstruction::ArmSmmla, r); }},
    {Kernel::SmullProduct,
     [](Operation *op) { return dotProductComputes(op, DotInstruction::ArmSmull); },
     [](Operation *op, RewriterBase &r) { emitDotProduct(op, DotInstruction::ArmSmull, r); }},
    {Kernel::AmxProduct, amxProductComputes,
     [](Operation *op, RewriterBase &r) { emitDotProduct(op, DotInstruction::X86Amx, r); }},
    {Kernel::VnniDepthwiseRows, [](Operation *op) { return depthwiseComputes(op, true); },
     [](Operation *op, RewriterBase &r) { emitDepthwise(op, true, r); }},
    {Kernel::VectorDepthwise, [](Operation *op) { return depthwiseComputes(op, false); },
     [](Operation *op, RewriterBase &r) { emitDepthwise(op, false, r); }},
    {Kernel::FmaProduct, fmaProductComputes,
     [](Operation *op, RewriterBase &r) { emitFmaProduct(op, kZmmFloats, r); }},
    {Kernel::Fma256Product, fmaProductComputes,
     [](Operation *op, RewriterBase &r) { emitFmaProduct(op, kYmmFloats, r); }},
    {Kernel::FmaDepthwise, fmaDepthwiseComputes,
     [](Operation *op, RewriterBase &r) { emitFmaDepthwise(op, kZmmFloats, r); }},
    {Kernel::Fma256Depthwise, fmaDepthwiseComputes,
     [](Operation *op, RewriterBase &r) { emitFmaDepthwise(op, kYmmFloats, r); }},
    {Kernel::FmlaProduct, fmaProductComputes,
     [](Operation *op, RewriterBase &r) { emitFmaProduct(op, kNeonFloats, r); }},
    {Kernel::FmlaDepthwise, fmaDepthwiseComputes,
     [](Operation *op, RewriterBase &r) { emitFmaDepthwise(op, kNeonFloats, r); }},
    {Kernel::VbmiLookup, vbmiLookupComputes, emitVbmiLookup},
};

struct FamilyEntry {
  KernelFamily family;
  ArrayRef<Kernel> kernels;
  /// Whether the family's kernels take 4-bit weights (unpacked in
  /// registers); elsewhere they take the reference loops.
  bool fourBitWeights;
};

constexpr Kernel kAvx512[] = {Kernel::FmaDepthwise, Kernel::FmaProduct};
constexpr Kernel kAvx512Vnni[] = {Kernel::VnniDepthwiseRows, Kernel::VectorDepthwise,
                                  Kernel::VnniProduct, Kernel::FmaDepthwise,
                                  Kernel::FmaProduct};
constexpr Kernel kAvx512VnniVbmi[] = {Kernel::VnniDepthwiseRows, Kernel::VectorDepthwise,
                                      Kernel::VnniProduct,       Kernel::FmaDepthwise,
                                      Kernel::FmaProduct,        Kernel::VbmiLookup};
constexpr Kernel kAmx[] = {Kernel::AmxProduct,   Kernel::VnniDepthwiseRows,
                           Kernel::VectorDepthwise, Kernel::VnniProduct,
                           Kernel::FmaDepthwise, Kernel::FmaProduct,
                           Kernel::VbmiLookup};
constexpr Kernel kAvx2[] = {Kernel::VectorDepthwise, Kernel::PmaddwdProduct,
                            Kernel::Fma256Depthwise, Kernel::Fma256Product};
constexpr Kernel kAvxVnni[] = {Kernel::VectorDepthwise, Kernel::AvxVnniProduct,
                               Kernel::Fma256Depthwise, Kernel::Fma256Product};
constexpr Kernel kNeon[] = {Kernel::VectorDepthwise, Kernel::SmullProduct,
                            Kernel::FmlaDepthwise, Kernel::FmlaProduct};
constexpr Kernel kDotprod[] = {Kernel::VectorDepthwise, Kernel::SdotProduct,
                               Kernel::FmlaDepthwise, Kernel::FmlaProduct};
constexpr Kernel kI8mm[] = {Kernel::VectorDepthwise, Kernel::SmmlaProduct,
                            Kernel::FmlaDepthwise, Kernel::FmlaProduct};

const FamilyEntry kFamilies[] = {
    {KernelFamily::Reference, {}, false},
    {KernelFamily::X86Avx512, kAvx512, false},
    {KernelFamily::X86Avx512Vnni, kAvx512Vnni, true},
    {KernelFamily::X86Avx512VnniVbmi, kAvx512VnniVbmi, true},
    {KernelFamily::X86Amx, kAmx, true},
    {KernelFamily::X86Avx2, kAvx2, true},
    {KernelFamily::X86AvxVnni, kAvxVnni, true},
    {KernelFamily::ArmNeon, kNeon, true},
    {KernelFamily::ArmDotprod, kDotprod, true},
    {KernelFamily::ArmI8mm, kI8mm, true},
};

const FamilyEntry &familyEntry(KernelFamily family) {
  for (const FamilyEntry &entry : kFamilies)
    if (entry.family == family)
      return entry;
  llvm_unreachable("every kernel family has an entry");
}

} // namespace

const KernelEntry &kernelEntry(qf::Kernel kernel) {
  for (const KernelEntry &entry : kKernels)
    if (entry.kernel == kernel)
      return entry;
  llvm_unreachable("every kernel has an entry");
}

ArrayRef<qf::Kernel> familyKernels(KernelFamily family) { return familyEntry(family).kernels; }

bool familyTakesFourBitWeights(KernelFamily family) {
  return familyEntry(family).fourBitWeights;
}

} // namespace qforge
