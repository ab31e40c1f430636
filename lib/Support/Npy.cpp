//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
//
// Format: magic "\x93NUMPY", major and minor version bytes, a little-endian
// header length (2 bytes in version 1, 4 in versions 2 and 3), then a Python
// dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces to a multiple of 64 bytes, then the raw data.
//
//===----------------------------------------------------------------------===//

#include "qforge/Support/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace qforge {

namespace {
struct DTypeInfo {
  DType type;
  const char *descr;
  const char *name;
  unsigned size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F16, "<f2", "float16", 2},   {DType::F32, "<f4", "float32", 4},
    {DType::F64, "<f8", "float64", 8},   {DType::I8, "|i1", "int8", 1},
    {DType::I16, "<i2", "int16", 2},     {DType::I32, "<i4", "int32", 4},
    {DType::I64, "<i8", "int64", 8},     {DType::U8, "|u1", "uint8", 1},
    {DType::U16, "<u2", "uint16", 2},    {DType::U32, "<u4", "uint32", 4},
    {DType::U64, "<u8", "uint64", 8},    {DType::Bool, "|b1", "bool", 1},
};

const DTypeInfo &info(DType type) {
  for (const DTypeInfo &i : kDTypes)
    if (i.type == type)
      return i;
  llvm_unreachable("unknown dtype");
}
} // namespace

unsigned dtypeSize(DType type) { return info(type).size; }
std::string dtypeDescr(DType type) { return info(type).descr; }
std::string dtypeName(DType type) { return info(type).name; }

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// The text of `key`'s value in the header dict, up to the next top-level
/// comma or closing brace.
static bool headerValue(llvm::StringRef header, llvm::StringRef key,
                        llvm::StringRef &value) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == llvm::StringRef::npos)
    return false;
  size_t colon = header.find(':', at);
  if (colon == llvm::StringRef::npos)
    return false;
  llvm::StringRef rest = header.drop_front(colon + 1).ltrim();
  if (rest.starts_with("(")) {
    size_t close = rest.find(')');
    if (close == llvm::StringRef::npos)
      return false;
    value = rest.take_front(close + 1);
    return true;
  }
  size_t end = rest.find_first_of(",}");
  if (end == llvm::StringRef::npos)
    return false;
  value = rest.take_front(end).trim();
  return true;
}

bool readNpy(llvm::StringRef path, NpyArray &array, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = buffer.getError().message();
    return false;
  }
  return parseNpy((*buffer)->getBuffer(), array, error);
}

/// The most dimensions an array may have: what the executables' reader
/// holds (lib/Emit/ExecutableNpy.c).
static constexpr size_t kMaxRank = 16;

bool parseNpy(llvm::StringRef bytes, NpyArray &array, std::string &error) {
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY")) {
    error = bytes.empty() ? "the file is empty" : "not a .npy file (bad magic)";
    return false;
  }
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) |
                (static_cast<unsigned char>(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) {
      error = "truncated header";
      return false;
    }
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i]))
                   << (8 * i);
    headerStart = 12;
  } else {
    error = "unsupported .npy version " + std::to_string(major);
    return false;
  }
  if (bytes.size() < headerStart + headerLen) {
    error = "truncated header";
    return false;
  }
  llvm::StringRef header = bytes.substr(headerStart, headerLen);
  if (header.contains('\0')) {
    error = "malformed header: a NUL byte";
    return false;
  }

  llvm::StringRef descr, fortran, shape;
  if (!headerValue(header, "descr", descr) ||
      !headerValue(header, "fortran_order", fortran) ||
      !headerValue(header, "shape", shape)) {
    error = "malformed header";
    return false;
  }
  // A Python string literal: one quote character at each end.
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"') ||
      descr.back() != descr.front() ||
      descr.drop_front().drop_back().contains(descr.front())) {
    error = "malformed header: 'descr' is not a quoted string";
    return false;
  }
  descr = descr.drop_front().drop_back();
  bool found = false;
  for (const DTypeInfo &i : kDTypes) {
    // '<' and '|' are the same for one-byte types; '=' is native order,
    // little-endian on every machine qforge runs on.
    llvm::StringRef want = i.descr;
    if (descr == want || (descr.size() == 3 && descr.drop_front() == want.drop_front() &&
                          (descr[0] == '<' || descr[0] == '|' || descr[0] == '='))) {
      array.dtype = i.type;
      found = true;
      break;
    }
  }
  if (!found) {
    error = "unsupported dtype '" + descr.str() + "'";
    return false;
  }
  if (fortran == "True") {
    error = "Fortran-ordered arrays are not supported (save with C order)";
    return false;
  }
  if (fortran != "False") {
    error = "malformed header: 'fortran_order' is neither True nor False";
    return false;
  }
  array.shape.clear();
  // A Python tuple: "()", "(5,)", "(2, 3)" or "(2, 3,)".
  if (!shape.starts_with("(") || !shape.ends_with(")")) {
    error = "malformed header: 'shape' is not a tuple";
    return false;
  }
  llvm::SmallVector<llvm::StringRef> dims;
  shape.drop_front().drop_back().split(dims, ',');
  if (dims.size() == 1 && dims[0].trim().empty())
    dims.clear(); // "()"
  else if (dims.size() > 1 && dims.back().trim().empty())
    dims.pop_back(); // "(5,)"
  if (dims.size() > kMaxRank) {
    error = "more than " + std::to_string(kMaxRank) + " dimensions";
    return false;
  }
  for (llvm::StringRef d : dims) {
    d = d.trim();
    // Decimal digits only (no sign) that fit in int64.
    uint64_t v;
    if (d.empty() || !llvm::all_of(d, llvm::isDigit) || d.getAsInteger(10, v) ||
        v > static_cast<uint64_t>(INT64_MAX)) {
      error = "bad shape entry '" + d.str() + "'";
      return false;
    }
    array.shape.push_back(static_cast<int64_t>(v));
  }
  // The element count and byte size must fit before they are compared with
  // the data (a hostile shape such as (2**62, 8) overflows int64).
  int64_t want = dtypeSize(array.dtype);
  for (int64_t d : array.shape)
    if (llvm::MulOverflow(want, d, want)) {
      error = "shape " + shape.str() + " has more bytes than any file can hold";
      return false;
    }
  llvm::StringRef data = bytes.drop_front(headerStart + headerLen);
  if (data.size() != static_cast<uint64_t>(want)) {
    error = "holds " + std::to_string(data.size()) + " data bytes, but a " +
            dtypeName(array.dtype) + " array of its shape needs " +
            std::to_string(want) + " (truncated or corrupt file?)";
    return false;
  }
  array.data.assign(data.begin(), data.end());
  return true;
}

bool writeNpy(llvm::StringRef path, const NpyArray &array, std::string &error) {
  std::string dict = "{'descr': '" + dtypeDescr(array.dtype) +
                     "', 'fortran_order': False, 'shape': (";
  for (int64_t d : array.shape)
    dict += std::to_string(d) + ", ";
  if (!array.shape.empty())
    dict.erase(dict.size() - 1); // "(2, 3,)" and "(2,)": valid tuples

  dict += "), }";
  // Pad so that magic (6) + version (2) + length (2) + header ends on a
  // 64-byte boundary, the header ending in '\n'.
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';

  llvm::SmallString<128> temp;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, temp)) {
    error = ec.message();
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << "\x93NUMPY" << char(1) << char(0) << char(dict.size() & 0xFF)
       << char((dict.size() >> 8) & 0xFF) << dict;
    os.write(array.data.data(), array.data.size());
    os.close();
    if (os.has_error()) {
      error = os.error().message();
      os.clear_error();
      llvm::sys::fs::remove(temp);
      return false;
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    error = ec.message();
    llvm::sys::fs::remove(temp);
    return false;
  }
  return true;
}

} // namespace qforge
