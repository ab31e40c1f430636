//===- TensorConversion.cpp - ONNX types and tensors to MLIR --------------===//

#include "ImportContext.h"

#include "llvm/Support/Endian.h"

using namespace mlir;

namespace qforge::onnx_import {

Type convertElementType(MLIRContext *context, int onnxType) {
  Builder b(context);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
    return b.getIntegerType(64);
  // Unsigned integers keep their signedness so that quantized uint8 tensors
  // map onto unsigned !quant.uniform storage.
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::UINT16:
    return b.getIntegerType(16, /*isSigned=*/false);
  case onnx::TensorProto::UINT32:
    return b.getIntegerType(32, /*isSigned=*/false);
  case onnx::TensorProto::UINT64:
    return b.getIntegerType(64, /*isSigned=*/false);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

std::string onnxTypeName(int onnxType) {
  // Type numbers past ONNX 1.12's enum (INT4 = 22 and the float8 types) are
  // named by number: the Debian library predates them.
  if (onnx::TensorProto_DataType_IsValid(onnxType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(onnxType));
  return "data type " + std::to_string(onnxType);
}

/// Bytes one element occupies in raw_data (BOOL: one byte per element).
static unsigned rawElementBytes(Type type) {
  if (type.isInteger(1))
    return 1;
  return (type.getIntOrFloatBitWidth() + 7) / 8;
}

template <typename T>
static void appendLittleEndian(std::vector<char> &bytes, T value,
                               unsigned width) {
  for (unsigned i = 0; i < width; ++i)
    bytes.push_back(static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xFF));
}

std::optional<TensorBytes> readTensorProto(MLIRContext *context,
                                           const onnx::TensorProto &tensor,
                                           std::string &error) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    // Initializers' external data is read with the model (ModelLoader).
    error = "tensor '" + tensor.name() +
            "' keeps its data in an external file, which is supported for "
            "initializers only";
    return std::nullopt;
  }
  Type element = convertElementType(context, tensor.data_type());
  if (!element) {
    error = "tensor '" + tensor.name() + "' has unsupported data type " +
            onnxTypeName(tensor.data_type());
    return std::nullopt;
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  int64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0) {
      error = "tensor '" + tensor.name() + "' has a negative dimension";
      return std::nullopt;
    }
    if (llvm::MulOverflow(numel, d, numel)) {
      error = "tensor '" + tensor.name() + "' has more elements than a 64-bit count holds";
      return std::nullopt;
    }
  }
  auto type = RankedTensorType::get(shape, element);
  unsigned width = rawElementBytes(element);

  // Gather the elements as little-endian bytes, whichever field holds them.
  std::vector<char> bytes;
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    bytes.assign(raw.begin(), raw.end());
  } else {
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
      for (float f : tensor.float_data())
        appendLittleEndian(bytes, llvm::bit_cast<uint32_t>(f), 4);
      break;
    case onnx::TensorProto::DOUBLE:
      for (double d : tensor.double_data())
        appendLittleEndian(bytes, llvm::bit_cast<uint64_t>(d), 8);
      break;
    case onnx::TensorProto::INT64:
      for (int64_t v : tensor.int64_data())
        appendLittleEndian(bytes, v, 8);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      for (uint64_t v : tensor.uint64_data())
        appendLittleEndian(bytes, v, width);
      break;
    default:
      // int32_data holds INT32 and every narrower type (FLOAT16/BFLOAT16 as
      // their bit patterns, BOOL as 0/1).
      for (int32_t v : tensor.int32_data())
        appendLittleEndian(bytes, v, width);
      break;
    }
  }
  if (static_cast<int64_t>(bytes.size()) != numel * width) {
    error = "tensor '" + tensor.name() + "' holds " +
            std::to_string(bytes.size()) + " bytes of data but its shape needs " +
            std::to_string(numel * width);
    return std::nullopt;
  }
  return TensorBytes{type, std::move(bytes)};
}

HostTensor convertTensorProto(MLIRContext *context,
                              const onnx::TensorProto &tensor,
                              std::string &error) {
  std::optional<TensorBytes> read = readTensorProto(context, tensor, error);
  if (!read)
    return {};
  if (read->type.getElementType().isInteger(1)) {
    SmallVector<bool> values;
    for (char c : read->bytes)
      values.push_back(c != 0);
    return DenseElementsAttr::get(read->type, values);
  }
  return DenseElementsAttr::getFromRawBuffer(read->type, read->bytes);
}

} // namespace qforge::onnx_import
