//===- Target.cpp - code generation targets -------------------------------===//

#include "qforge/Support/Target.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

namespace qforge {

namespace {
struct KnownTarget {
  const char *name, *triple, *cpu, *features;
};
// Baselines: x86_64 is AVX2 (x86-64-v3), x86_64-v2 SSE4.2 without AVX (the
// reference loops everywhere); x86_64-avxvnni adds AVX-VNNI (VEX
// vpdpbusd, without AVX-512); the VNNI target is x86-64-v4 (AVX-512) plus
// VNNI, the AMX one that plus VBMI and AMX-INT8 (what every AMX CPU has);
// AArch64 is Armv8-A NEON, with dotprod (v8.2) or i8mm (v8.6). The
// CPU names list the features kernel selection reads (the CPU implies the
// rest for LLVM).
constexpr KnownTarget kTargets[] = {
    {"x86_64", "x86_64-pc-linux-gnu", "x86-64-v3", "+avx2,+fma"},
    {"x86_64-avx2", "x86_64-pc-linux-gnu", "x86-64-v3", "+avx2,+fma"},
    {"x86_64-v2", "x86_64-pc-linux-gnu", "x86-64-v2", ""},
    {"x86_64-avxvnni", "x86_64-pc-linux-gnu", "x86-64-v3", "+avx2,+fma,+avxvnni"},
    {"x86_64-avx512vnni", "x86_64-pc-linux-gnu", "x86-64-v4", "+avx512vnni"},
    {"x86_64-amx", "x86_64-pc-linux-gnu", "x86-64-v4",
     "+avx512vnni,+avx512vbmi,+amx-tile,+amx-int8"},
    {"skylake", "x86_64-pc-linux-gnu", "skylake", "+avx2,+fma"},
    {"alderlake", "x86_64-pc-linux-gnu", "alderlake", "+avx2,+fma,+avxvnni"},
    {"icelake-server", "x86_64-pc-linux-gnu", "icelake-server",
     "+avx512f,+avx512vnni,+avx512vbmi"},
    {"sapphirerapids", "x86_64-pc-linux-gnu", "sapphirerapids",
     "+avx512f,+avx512vnni,+avx512vbmi,+avxvnni,+amx-tile,+amx-int8"},
    {"znver4", "x86_64-pc-linux-gnu", "znver4", "+avx512f,+avx512vnni,+avx512vbmi"},
    {"aarch64", "aarch64-unknown-linux-gnu", "generic", "+neon"},
    {"aarch64-dotprod", "aarch64-unknown-linux-gnu", "generic", "+neon,+dotprod"},
    {"aarch64-i8mm", "aarch64-unknown-linux-gnu", "generic", "+neon,+dotprod,+i8mm"},
};
} // namespace

std::vector<std::string> targetNames() {
  std::vector<std::string> names = {"host"};
  for (const KnownTarget &t : kTargets)
    names.push_back(t.name);
  return names;
}

bool resolveTarget(llvm::StringRef name, TargetSpec &spec, std::string &error) {
  spec.name = name.str();
  if (name == "host") {
    spec.triple = llvm::sys::getDefaultTargetTriple();
    spec.cpu = llvm::sys::getHostCPUName().str();
    llvm::SmallVector<std::string> enabled;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      enabled.push_back((feature.second ? "+" : "-") + feature.first().str());
    spec.features = llvm::join(enabled, ",");
    return true;
  }
  for (const KnownTarget &t : kTargets) {
    if (name == t.name) {
      spec.triple = t.triple;
      spec.cpu = t.cpu;
      spec.features = t.features;
      return true;
    }
  }
  error = "unknown target '" + name.str() + "'; known targets: " +
          llvm::join(targetNames(), ", ");
  return false;
}

bool hasFeature(const TargetSpec &target, llvm::StringRef feature) {
  llvm::SmallVector<llvm::StringRef> features;
  llvm::StringRef(target.features).split(features, ',');
  return llvm::is_contained(features, ("+" + feature).str());
}

} // namespace qforge
