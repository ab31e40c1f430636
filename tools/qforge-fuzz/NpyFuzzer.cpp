//===- NpyFuzzer.cpp - fuzz target: the two .npy readers ------------------===//
//
// qforge reads .npy files twice over: the compiler (calibration data, report
// data, `qforge run`; lib/Support/Npy.cpp) and every executable it builds
// (lib/Emit/ExecutableNpy.c). Besides the sanitizers' checks, the target
// holds the two to one contract: a file the compiler accepts, the
// executables read as the same dtype, shape and bytes.
//
//===----------------------------------------------------------------------===//

#include "ExecutableNpyShim.h"
#include "FuzzSupport.h"

#include "qforge/Support/Npy.h"

#include <cstdlib>
#include <cstring>

using namespace qforge;

/// The executables' spelling of a descriptor: '<' also for one-byte types.
static std::string executableDescr(DType type) {
  std::string descr = dtypeDescr(type);
  descr[0] = '<';
  return descr;
}

static void checkSameArray(const NpyArray &compiler, const qforge_fuzz_npy_array &exe) {
  if (executableDescr(compiler.dtype) != exe.descr)
    fuzz::invariantBroken("dtype " + dtypeDescr(compiler.dtype) + " read as '" +
                          exe.descr + "' by the executables");
  if (compiler.shape.size() != static_cast<size_t>(exe.rank) ||
      !std::equal(compiler.shape.begin(), compiler.shape.end(), exe.shape))
    fuzz::invariantBroken("the readers disagree on the shape");
  if (compiler.data.size() != exe.bytes ||
      (exe.bytes && std::memcmp(compiler.data.data(), exe.data, exe.bytes) != 0))
    fuzz::invariantBroken("the readers disagree on the data");
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  NpyArray array;
  std::string error;
  bool compilerAccepts =
      parseNpy(llvm::StringRef(reinterpret_cast<const char *>(data), size), array, error);

  if (size == 0) // fmemopen takes no empty buffer; the compiler said no.
    return 0;
  // fmemopen wants a writable buffer even for reading.
  std::string copy(reinterpret_cast<const char *>(data), size);
  FILE *file = fmemopen(copy.data(), copy.size(), "rb");
  if (!file)
    fuzz::invariantBroken("fmemopen failed");
  qforge_fuzz_npy_array exe;
  const char *exeError = qforge_fuzz_npy_read(file, &exe);
  std::fclose(file);
  if (compilerAccepts) {
    if (exeError)
      fuzz::invariantBroken(std::string("the compiler accepts a file the executables reject: ") +
                            exeError);
    checkSameArray(array, exe);
  }
  std::free(exe.data);
  return 0;
}
