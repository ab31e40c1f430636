//===- KernelFamily.cpp - the kernels a target's instructions allow -------===//

#include "qforge/Codegen/KernelFamily.h"

#include "llvm/ADT/STLExtras.h"

namespace qforge {

namespace {
struct FamilyName {
  KernelFamily family;
  const char *name;
};
constexpr FamilyName kFamilyNames[] = {
    {KernelFamily::Reference, "reference"},
    {KernelFamily::X86Avx512, "x86-avx512"},
    {KernelFamily::X86Avx512Vnni, "x86-avx512-vnni"},
    {KernelFamily::X86Avx512VnniVbmi, "x86-avx512-vnni-vbmi"},
    {KernelFamily::X86Amx, "x86-amx"},
    {KernelFamily::X86Avx2, "x86-avx2"},
    {KernelFamily::X86AvxVnni, "x86-avx-vnni"},
    {KernelFamily::ArmDotprod, "arm-dotprod"},
    {KernelFamily::ArmNeon, "arm-neon"},
    {KernelFamily::ArmI8mm, "arm-i8mm"},
};
} // namespace

llvm::StringRef kernelFamilyName(KernelFamily family) {
  for (const FamilyName &entry : kFamilyNames)
    if (entry.family == family)
      return entry.name;
  return "unknown";
}

bool hasIntegerKernels(KernelFamily family) {
  return family != KernelFamily::Reference && family != KernelFamily::X86Avx512;
}

std::optional<KernelFamily> parseKernelFamily(llvm::StringRef name) {
  for (const FamilyName &entry : kFamilyNames)
    if (name == entry.name)
      return entry.family;
  return std::nullopt;
}

} // namespace qforge
