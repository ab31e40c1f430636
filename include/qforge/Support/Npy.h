//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// The data format of qforge's executables, calibration data and tests:
// version 1.0/2.0/3.0 .npy files, little-endian, C order.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_SUPPORT_NPY_H
#define QFORGE_SUPPORT_NPY_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qforge {

/// Element types a .npy file may hold here, by NumPy's type code.
enum class DType { F16, F32, F64, I8, I16, I32, I64, U8, U16, U32, U64, Bool };

/// Bytes per element.
unsigned dtypeSize(DType type);
/// NumPy's descriptor, e.g. "<f4", "|u1".
std::string dtypeDescr(DType type);
/// A readable name ("float32").
std::string dtypeName(DType type);

struct NpyArray {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<char> data; // Row-major, little-endian.

  int64_t numElements() const;
};

/// Reads `path`. On failure returns false with `error` saying what is wrong
/// (missing file, bad magic, unsupported dtype, Fortran order, truncated
/// data, ...), without the path.
bool readNpy(llvm::StringRef path, NpyArray &array, std::string &error);
/// The same for the bytes of a whole file.
bool parseNpy(llvm::StringRef bytes, NpyArray &array, std::string &error);

/// Writes `array` to `path` atomically (a temporary file renamed into place),
/// so a failure leaves no half-written file.
bool writeNpy(llvm::StringRef path, const NpyArray &array, std::string &error);

} // namespace qforge

#endif // QFORGE_SUPPORT_NPY_H
