//===- Header.cpp - the C header of a compiled model ----------------------===//
//
// The header `qforge compile --emit=obj|lib` writes beside the object: the
// shared C API block (include/qforge/model_api.h, copied in so the header
// stands alone), the model's shapes and types as macros, the entry point
// the object exports, the typed NAME_run wrapper, and the handle API
// (NAME_create / NAME_invoke / NAME_destroy, tensor metadata, NAME_api)
// implemented as static inline functions over the entry point. The object's
// ABI is the entry point (and NAME_set_threads, profile tables); everything
// else is source. docs/c-api.md documents the result.
//
//===----------------------------------------------------------------------===//

#include "qforge/Emit/Emitter.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace qforge {

namespace {

const char kModelApiHeader[] =
#include "qforge/Emit/ModelApiHeader.inc"
    ;

/// How an element type appears in C: the type of a buffer element, and the
/// qforge_dtype enumerator (ONNX's numbering).
struct CNames {
  const char *type, *dtype;
};

CNames cNames(DType d) {
  switch (d) {
  case DType::F16:
    return {"uint16_t", "QFORGE_FLOAT16"}; // IEEE half, as raw bits
  case DType::F32:
    return {"float", "QFORGE_FLOAT32"};
  case DType::F64:
    return {"double", "QFORGE_FLOAT64"};
  case DType::I8:
    return {"int8_t", "QFORGE_INT8"};
  case DType::I16:
    return {"int16_t", "QFORGE_INT16"};
  case DType::I32:
    return {"int32_t", "QFORGE_INT32"};
  case DType::I64:
    return {"int64_t", "QFORGE_INT64"};
  case DType::U8:
    return {"uint8_t", "QFORGE_UINT8"};
  case DType::Bool:
    return {"uint8_t", "QFORGE_BOOL"};
  case DType::U16:
    return {"uint16_t", "QFORGE_UINT16"};
  case DType::U32:
    return {"uint32_t", "QFORGE_UINT32"};
  case DType::U64:
    return {"uint64_t", "QFORGE_UINT64"};
  }
  return {"void", "QFORGE_FLOAT32"};
}

int64_t elementCount(const TensorSpec &t) {
  int64_t n = 1;
  for (int64_t d : t.shape)
    n *= d;
  return n;
}

std::string dimsList(const TensorSpec &t) {
  std::string dims;
  for (size_t d = 0; d < t.shape.size(); ++d)
    dims += (d ? ", " : "") + std::to_string(t.shape[d]);
  return dims;
}

/// A C string literal of `text`.
std::string cString(llvm::StringRef text) {
  std::string out = "\"";
  llvm::raw_string_ostream os(out);
  llvm::printEscapedString(text, os);
  os << "\"";
  return out;
}

/// Everything the header is written from.
struct HeaderModel {
  llvm::StringRef name;
  std::string macro;
  const std::vector<TensorSpec> &inputs, &outputs;
  const ScratchMemory &scratch;
  int64_t profiledLayers;
  bool threadControl;
};

/// A tensor as the header's comments name it: "output 1 'y_h'".
std::string tensorLabel(const char *kind, size_t i, const TensorSpec &t) {
  return std::string(kind) + " " + std::to_string(i) +
         (t.name.empty() ? "" : " '" + t.name + "'");
}

/// For a model that returns states: which output is which input's next
/// value, and how to pass it on without copying.
std::string stateParagraph(const HeaderModel &m) {
  std::string text;
  for (size_t o = 0; o < m.outputs.size(); ++o) {
    int in = m.outputs[o].stateInput;
    if (in < 0)
      continue;
    text += "\n * - " + tensorLabel("output", o, m.outputs[o]) + " is the next call's " +
            tensorLabel("input", in, m.inputs[in]) + ";";
  }
  if (text.empty())
    return text;
  return "\n *\n * Stateful: each call returns the state the next one takes\n"
         " * (" + m.macro + "_OUTPUT<o>_STATE_INPUT says which input):" + text +
         "\n * no copy is needed: give each state two buffers and swap them\n"
         " * between calls (call k reads A and writes B, call k+1 reads B and\n"
         " * writes A); an output must not be the memory of an input.";
}

void writePreamble(llvm::raw_ostream &os, const HeaderModel &m, llvm::StringRef modelPath,
                   const TargetSpec &target) {
  llvm::StringRef name = m.name;
  os << "/* " << name << ".h: compiled by qforge from " << modelPath << " for target "
     << target.name << ".\n"
     << " *\n"
     << " * Two ways to run it (docs/c-api.md):\n"
     << " * - " << name << "_run(inputs..., outputs...) runs the model once on\n"
     << " *   caller-owned row-major buffers (shapes and dtypes below);\n"
     << " * - " << name << "_create / " << name << "_invoke / " << name
     << "_destroy, with the tensors'\n"
     << " *   metadata (" << name << "_input_info, " << name
     << "_output_info) and status codes.\n"
     << " * Intermediate tensors live in one scratch arena of " << m.macro
     << "_SCRATCH_BYTES\n * bytes, "
     << (m.scratch.callerOwned ? "which the caller passes (64-byte aligned, not shared\n"
                                 " * between concurrent calls) or " +
                                     name.str() + "_create allocates once."
                               : std::string("which the model allocates per call (malloc/free)."))
     << "\n * The object needs only the C library, libm and pthreads (link with\n"
     << " * -pthread; none with --threads=1). Threads: " << name
     << "_set_threads, or\n * QFORGE_NUM_THREADS, read at the first threaded kernel."
     << stateParagraph(m) << " */\n"
     << "#ifndef QFORGE_MODEL_" << m.macro << "_H\n#define QFORGE_MODEL_" << m.macro
     << "_H\n\n#include <stdint.h>\n#include <stdlib.h>\n\n"
     << kModelApiHeader << "\n";
}

void writeDescriptorTypes(llvm::raw_ostream &os, const HeaderModel &m) {
  os << "#ifndef QFORGE_MEMREF_DESCRIPTORS\n#define QFORGE_MEMREF_DESCRIPTORS\n"
     << "/* The descriptors the entry point takes: allocated and aligned\n"
     << " * pointers, offset, sizes and strides (in elements). */\n";
  unsigned maxRank = 0;
  for (const auto *list : {&m.inputs, &m.outputs})
    for (const TensorSpec &t : *list)
      maxRank = std::max<unsigned>(maxRank, t.shape.size());
  for (unsigned r = 0; r <= std::max(maxRank, 8u); ++r) {
    os << "typedef struct { void *allocated; void *aligned; int64_t offset;";
    if (r)
      os << " int64_t sizes[" << r << "]; int64_t strides[" << r << "];";
    os << " } qforge_memref_" << r << "d;\n";
  }
  os << "#endif\n\n";
}

void writeTensorMacros(llvm::raw_ostream &os, const HeaderModel &m) {
  auto describe = [&](const char *kind, size_t i, const TensorSpec &t) {
    std::string prefix = m.macro + "_" + kind + std::to_string(i);
    os << "/* " << kind << " " << i << (t.name.empty() ? "" : " '" + t.name + "'") << ": "
       << dtypeName(t.dtype) << " [" << dimsList(t) << "] */\n"
       << "#define " << prefix << "_RANK " << t.shape.size() << "\n"
       << "#define " << prefix << "_SHAPE {" << dimsList(t) << "}\n"
       << "#define " << prefix << "_ELEMENTS " << elementCount(t) << "\n"
       << "typedef " << cNames(t.dtype).type << " " << m.name << "_"
       << llvm::StringRef(kind).lower() << i << "_t;\n";
    if (t.stateInput >= 0)
      os << "/* output " << i << " is the state the next call passes as input "
         << t.stateInput << " */\n"
         << "#define " << prefix << "_STATE_INPUT " << t.stateInput << "\n";
  };
  for (size_t i = 0; i < m.inputs.size(); ++i)
    describe("INPUT", i, m.inputs[i]);
  for (size_t i = 0; i < m.outputs.size(); ++i)
    describe("OUTPUT", i, m.outputs[i]);
  os << "#define " << m.macro << "_INPUTS " << m.inputs.size() << "\n"
     << "#define " << m.macro << "_OUTPUTS " << m.outputs.size() << "\n"
     << "/* Scratch arena: " << m.scratch.buffers << " intermediate buffers of "
     << m.scratch.totalBytes << " bytes in all, at most " << m.scratch.peakBytes
     << " live at once. */\n"
     << "#define " << m.macro << "_SCRATCH_BYTES " << m.scratch.arenaBytes << "\n"
     << "/* 1: compiled with --scratch=caller (" << m.name
     << "_run takes the arena last). */\n"
     << "#define " << m.macro << "_CALLER_SCRATCH " << (m.scratch.callerOwned ? 1 : 0)
     << "\n\n";
}

void writeProfileTables(llvm::raw_ostream &os, const HeaderModel &m) {
  llvm::StringRef name = m.name;
  int64_t layers = m.profiledLayers;
  os << "/* Compiled with --profile: each call adds the seconds spent in layer\n"
     << " * i (an ONNX node, with the nodes fused into it) to\n"
     << " * " << name << "_profile_seconds[i]; " << name
     << "_profile_names[i] names the node.\n"
     << " * Zero the table to start over; one call at a time is timed. */\n"
     << "#define " << name.upper() << "_PROFILE_LAYERS " << layers << "\n"
     << "extern double " << name << "_profile_seconds[" << layers << "];\n"
     << "extern const char *const " << name << "_profile_names[" << layers << "];\n\n";
}

/// What the object exports: the entry point, and the thread control of a
/// threaded model (a header-only stand-in otherwise).
void writeExports(llvm::raw_ostream &os, const HeaderModel &m) {
  os << "/* The entry point the object exports. */\n"
     << "void _mlir_ciface_" << m.name << "(";
  size_t argIndex = 0;
  for (const auto *list : {&m.inputs, &m.outputs})
    for (const TensorSpec &t : *list)
      os << (argIndex++ ? ", " : "") << "qforge_memref_" << t.shape.size() << "d *";
  if (m.scratch.callerOwned)
    os << (argIndex++ ? ", " : "") << "qforge_memref_1d *";
  os << ");\n\n"
     << "/* Sets how many threads the model's next calls use: n >= 1 at most n\n"
     << " * (the thread pool, which starts at the first call, starts with n; later\n"
     << " * calls can lower the number, not raise it above the pool's size),\n"
     << " * n <= 0 the default (QFORGE_NUM_THREADS, else --threads, else the\n"
     << " * CPUs online). Returns the number the next call will use. Not while a\n"
     << " * call runs. */\n";
  if (m.threadControl)
    os << "int " << m.name << "_set_threads(int n);\n\n";
  else
    os << "static inline int " << m.name << "_set_threads(int n) {\n"
       << "  (void)n;\n  return 1; /* compiled without threads */\n}\n\n";
}

/// NAME_run(in..., out...[, scratch]): descriptors for row-major buffers.
void writeRunWrapper(llvm::raw_ostream &os, const HeaderModel &m) {
  os << "/* Runs the model: inputs, then outputs (caller-owned, row-major). */\n"
     << "static inline void " << m.name << "_run(";
  size_t argIndex = 0;
  for (size_t i = 0; i < m.inputs.size(); ++i)
    os << (argIndex++ ? ", " : "") << "const " << m.name << "_input" << i << "_t *in" << i;
  for (size_t i = 0; i < m.outputs.size(); ++i)
    os << (argIndex++ ? ", " : "") << m.name << "_output" << i << "_t *out" << i;
  if (m.scratch.callerOwned)
    os << (argIndex++ ? ", " : "") << "void *scratch";
  os << ") {\n";
  auto fill = [&](const std::string &var, const std::string &pointer, const TensorSpec &t) {
    size_t rank = t.shape.size();
    os << "  qforge_memref_" << rank << "d " << var << " = {(void *)" << pointer
       << ", (void *)" << pointer << ", 0";
    if (rank) {
      std::vector<int64_t> strides(rank);
      int64_t stride = 1;
      for (size_t d = rank; d-- > 0;) {
        strides[d] = stride;
        stride *= t.shape[d];
      }
      os << ", {" << dimsList(t) << "}, {";
      for (size_t d = 0; d < rank; ++d)
        os << (d ? ", " : "") << strides[d];
      os << "}";
    }
    os << "};\n";
  };
  for (size_t i = 0; i < m.inputs.size(); ++i)
    fill("d_in" + std::to_string(i), "in" + std::to_string(i), m.inputs[i]);
  for (size_t i = 0; i < m.outputs.size(); ++i)
    fill("d_out" + std::to_string(i), "out" + std::to_string(i), m.outputs[i]);
  if (m.scratch.callerOwned)
    os << "  qforge_memref_1d d_scratch = {scratch, scratch, 0, {" << m.scratch.arenaBytes
       << "}, {1}};\n";
  os << "  _mlir_ciface_" << m.name << "(";
  argIndex = 0;
  for (size_t i = 0; i < m.inputs.size(); ++i)
    os << (argIndex++ ? ", " : "") << "&d_in" << i;
  for (size_t i = 0; i < m.outputs.size(); ++i)
    os << (argIndex++ ? ", " : "") << "&d_out" << i;
  if (m.scratch.callerOwned)
    os << (argIndex++ ? ", " : "") << "&d_scratch";
  os << ");\n}\n\n";
}

/// NAME_input_table / NAME_output_table (of qforge_tensor_info) and
/// NAME_input_info / NAME_output_info.
void writeTensorInfo(llvm::raw_ostream &os, const HeaderModel &m, const char *kind,
                     const std::vector<TensorSpec> &tensors) {
  std::string prefix = (m.name + "_" + kind).str();
  for (size_t i = 0; i < tensors.size(); ++i)
    if (!tensors[i].shape.empty())
      os << "static const int64_t " << prefix << "_shape" << i << "[] = {"
         << dimsList(tensors[i]) << "};\n";
  os << "static const qforge_tensor_info " << prefix << "_table[] = {\n";
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorSpec &t = tensors[i];
    std::string label = t.name.empty() ? kind + std::to_string(i) : t.name;
    os << "    {" << cString(label) << ", " << cNames(t.dtype).dtype << ", " << t.shape.size()
       << ", " << (t.shape.empty() ? "0" : prefix + "_shape" + std::to_string(i)) << ", "
       << elementCount(t) << ", " << elementCount(t) * dtypeSize(t.dtype) << "},\n";
  }
  if (tensors.empty())
    os << "    {0, QFORGE_FLOAT32, 0, 0, 0, 0},\n";
  os << "};\n"
     << "/* The " << kind << "s' names, dtypes and shapes; NULL for an index out of\n"
     << " * range. */\n"
     << "static inline const qforge_tensor_info *" << prefix << "_info(int index) {\n"
     << "  return index >= 0 && index < " << tensors.size() << " ? &" << prefix
     << "_table[index] : 0;\n}\n\n";
}

/// NAME_model and NAME_create / NAME_create_with_scratch / NAME_destroy.
void writeLifetime(llvm::raw_ostream &os, const HeaderModel &m) {
  llvm::StringRef n = m.name;
  bool caller = m.scratch.callerOwned;
  os << "/* A model instance: the scratch arena it runs in"
     << (caller ? "" : " (none: this model\n * allocates its own per call)") << ". */\n"
     << "typedef struct " << n << "_model {\n"
     << "  void *scratch;       /* 64-byte aligned */\n"
     << "  void *owned_scratch; /* what create allocated, if anything */\n"
     << "} " << n << "_model;\n\n"
     << "static inline size_t " << n << "_scratch_bytes(void) { return " << m.macro
     << "_SCRATCH_BYTES; }\n\n"
     << "/* Creates an instance in *model. `scratch` (64-byte aligned, at least\n"
     << " * " << n << "_scratch_bytes() bytes, owned by the caller and used by no other\n"
     << " * instance) or NULL: " << (caller ? "then the arena is allocated here, once."
                                         : "this model allocates its arena per call\n"
                                           " * and ignores it.")
     << " */\n"
     << "static inline qforge_status " << n << "_create_with_scratch(void *scratch, "
     << "size_t scratch_bytes, " << n << "_model **model) {\n"
     << "  if (!model)\n    return QFORGE_ERROR_INVALID_ARGUMENT;\n"
     << "  *model = 0;\n";
  if (caller)
    os << "  if (scratch && scratch_bytes < " << m.macro << "_SCRATCH_BYTES)\n"
       << "    return QFORGE_ERROR_SCRATCH_TOO_SMALL;\n"
       << "  if (scratch && ((uintptr_t)scratch & 63) != 0)\n"
       << "    return QFORGE_ERROR_SCRATCH_MISALIGNED;\n";
  else
    os << "  (void)scratch;\n  (void)scratch_bytes;\n";
  os << "  " << n << "_model *m = (" << n << "_model *)malloc(sizeof(" << n << "_model));\n"
     << "  if (!m)\n    return QFORGE_ERROR_OUT_OF_MEMORY;\n"
     << "  m->scratch = scratch;\n  m->owned_scratch = 0;\n";
  if (caller)
    os << "  if (!scratch) {\n"
       << "    m->owned_scratch = malloc(" << m.macro << "_SCRATCH_BYTES + 64);\n"
       << "    if (!m->owned_scratch) {\n      free(m);\n"
       << "      return QFORGE_ERROR_OUT_OF_MEMORY;\n    }\n"
       << "    m->scratch = (void *)(((uintptr_t)m->owned_scratch + 63) & ~(uintptr_t)63);\n"
       << "  }\n";
  os << "  *model = m;\n  return QFORGE_OK;\n}\n\n"
     << "static inline qforge_status " << n << "_create(" << n << "_model **model) {\n"
     << "  return " << n << "_create_with_scratch(0, 0, model);\n}\n\n"
     << "/* Frees what create allocated (not caller scratch); NULL is a no-op. */\n"
     << "static inline void " << n << "_destroy(" << n << "_model *model) {\n"
     << "  if (!model)\n    return;\n  free(model->owned_scratch);\n  free(model);\n}\n\n";
}

/// NAME_invoke(model, inputs[], outputs[]): NAME_run through arrays.
void writeInvoke(llvm::raw_ostream &os, const HeaderModel &m) {
  llvm::StringRef n = m.name;
  os << "/* Runs the model once: inputs[i] points at " << n << "_input_info(i)->bytes\n"
     << " * bytes, outputs[i] at " << n << "_output_info(i)->bytes (row-major). One\n"
     << " * call per instance at a time; distinct instances may run concurrently. */\n"
     << "static inline qforge_status " << n << "_invoke(" << n
     << "_model *model, const void *const *inputs,\n"
     << "                                         void *const *outputs) {\n"
     << "  int i;\n"
     << "  if (!model" << (m.inputs.empty() ? "" : " || !inputs")
     << (m.outputs.empty() ? "" : " || !outputs") << ")\n"
     << "    return QFORGE_ERROR_INVALID_ARGUMENT;\n"
     << "  for (i = 0; i < " << m.inputs.size() << "; ++i)\n"
     << "    if (!inputs[i])\n      return QFORGE_ERROR_INVALID_ARGUMENT;\n"
     << "  for (i = 0; i < " << m.outputs.size() << "; ++i)\n"
     << "    if (!outputs[i])\n      return QFORGE_ERROR_INVALID_ARGUMENT;\n"
     << "  " << n << "_run(";
  size_t arg = 0;
  for (size_t i = 0; i < m.inputs.size(); ++i)
    os << (arg++ ? ", " : "") << "(const " << n << "_input" << i << "_t *)inputs[" << i << "]";
  for (size_t i = 0; i < m.outputs.size(); ++i)
    os << (arg++ ? ", " : "") << "(" << n << "_output" << i << "_t *)outputs[" << i << "]";
  if (m.scratch.callerOwned)
    os << (arg++ ? ", " : "") << "model->scratch";
  os << ");\n  return QFORGE_OK;\n}\n\n";
}

/// NAME_api(): the model as a qforge_model_api for generic callers.
void writeApiTable(llvm::raw_ostream &os, const HeaderModel &m, const TargetSpec &target) {
  llvm::StringRef n = m.name;
  os << "static inline qforge_status " << n
     << "_api_create(void *scratch, size_t bytes, void **model) {\n"
     << "  return " << n << "_create_with_scratch(scratch, bytes, (" << n
     << "_model **)model);\n}\n"
     << "static inline qforge_status " << n
     << "_api_run(void *model, const void *const *in, void *const *out) {\n"
     << "  return " << n << "_invoke((" << n << "_model *)model, in, out);\n}\n"
     << "static inline void " << n << "_api_destroy(void *model) { " << n << "_destroy(("
     << n << "_model *)model); }\n"
     << "static const qforge_model_api " << n << "_api_table = {\n"
     << "    QFORGE_API_VERSION, " << cString(n) << ", " << cString(target.name) << ", "
     << m.inputs.size() << ", " << m.outputs.size() << ",\n"
     << "    " << n << "_input_table, " << n << "_output_table, " << m.macro
     << "_SCRATCH_BYTES, "
     << (m.scratch.callerOwned ? 1 : 0) << ",\n"
     << "    " << n << "_api_create, " << n << "_api_run, " << n << "_api_destroy, " << n
     << "_set_threads};\n\n"
     << "/* The model for generic callers (qforge/model.hpp's qforge::Model). */\n"
     << "static inline const qforge_model_api *" << n << "_api(void) { return &" << n
     << "_api_table; }\n\n";
}

} // namespace

std::string cHeader(llvm::StringRef name, const std::vector<TensorSpec> &inputs,
                    const std::vector<TensorSpec> &outputs, const ScratchMemory &scratch,
                    llvm::StringRef modelPath, const TargetSpec &target,
                    int64_t profiledLayers, bool threadControl) {
  std::string text;
  llvm::raw_string_ostream os(text);
  HeaderModel m{name,    name.upper(),   inputs,       outputs,
                scratch, profiledLayers, threadControl};
  writePreamble(os, m, modelPath, target);
  writeDescriptorTypes(os, m);
  writeTensorMacros(os, m);
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  if (profiledLayers > 0)
    writeProfileTables(os, m);
  writeExports(os, m);
  writeRunWrapper(os, m);
  writeTensorInfo(os, m, "input", inputs);
  writeTensorInfo(os, m, "output", outputs);
  writeLifetime(os, m);
  writeInvoke(os, m);
  writeApiTable(os, m, target);
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* QFORGE_MODEL_" << m.macro << "_H */\n";
  return text;
}

} // namespace qforge
