/* qforge/model_api.h - the C API every model compiled by qforge shares.
 *
 * `qforge compile --emit=obj|lib` copies this block into the header it
 * writes beside each object file, so a generated header needs nothing else;
 * it is also installed as <prefix>/include/qforge/model_api.h for the C++
 * wrapper (qforge/model.hpp). docs/c-api.md describes the API.
 *
 * Versioning: QFORGE_API_VERSION changes whenever a declaration below or the
 * meaning of one changes; additions that keep old code compiling and
 * running bump QFORGE_API_MINOR only. Two headers of different major
 * versions in one translation unit are an error. */
#ifndef QFORGE_MODEL_API_H
#define QFORGE_MODEL_API_H

#include <stddef.h>
#include <stdint.h>

#define QFORGE_API_VERSION 1
#define QFORGE_API_MINOR 0

/* What the API's functions return. */
typedef enum qforge_status {
  QFORGE_OK = 0,
  QFORGE_ERROR_INVALID_ARGUMENT = 1, /* a null pointer or an index out of range */
  QFORGE_ERROR_OUT_OF_MEMORY = 2,    /* the scratch arena could not be allocated */
  QFORGE_ERROR_SCRATCH_TOO_SMALL = 3,
  QFORGE_ERROR_SCRATCH_MISALIGNED = 4 /* caller scratch must be 64-byte aligned */
} qforge_status;

/* Element types, numbered as ONNX's TensorProto.DataType. */
typedef enum qforge_dtype {
  QFORGE_FLOAT32 = 1,
  QFORGE_UINT8 = 2,
  QFORGE_INT8 = 3,
  QFORGE_UINT16 = 4,
  QFORGE_INT16 = 5,
  QFORGE_INT32 = 6,
  QFORGE_INT64 = 7,
  QFORGE_BOOL = 9, /* one byte per element */
  QFORGE_FLOAT16 = 10, /* IEEE half, as raw bits */
  QFORGE_FLOAT64 = 11,
  QFORGE_UINT32 = 12,
  QFORGE_UINT64 = 13
} qforge_dtype;

/* One input or output: its ONNX name, element type and row-major shape. */
typedef struct qforge_tensor_info {
  const char *name;
  qforge_dtype dtype;
  int rank;
  const int64_t *shape;
  int64_t elements;
  size_t bytes;
} qforge_tensor_info;

/* Everything a generic caller (the C++ wrapper, a plugin loader) needs to
 * drive one compiled model; NAME_api() returns it. Models are opaque
 * (void *) here; each header also declares a typed NAME_model. */
typedef struct qforge_model_api {
  int api_version; /* QFORGE_API_VERSION of the header that made it */
  const char *name;
  const char *target; /* the --target it was compiled for */
  int num_inputs;
  int num_outputs;
  const qforge_tensor_info *inputs;
  const qforge_tensor_info *outputs;
  size_t scratch_bytes;
  int caller_scratch; /* compiled with --scratch=caller */
  qforge_status (*create)(void *scratch, size_t scratch_bytes, void **model);
  qforge_status (*run)(void *model, const void *const *inputs, void *const *outputs);
  void (*destroy)(void *model);
  int (*set_threads)(int threads);
} qforge_model_api;

static inline const char *qforge_status_string(qforge_status status) {
  switch (status) {
  case QFORGE_OK:
    return "ok";
  case QFORGE_ERROR_INVALID_ARGUMENT:
    return "invalid argument (a null pointer or an index out of range)";
  case QFORGE_ERROR_OUT_OF_MEMORY:
    return "out of memory (allocating the scratch arena)";
  case QFORGE_ERROR_SCRATCH_TOO_SMALL:
    return "the scratch buffer is smaller than the model's arena";
  case QFORGE_ERROR_SCRATCH_MISALIGNED:
    return "the scratch buffer is not 64-byte aligned";
  }
  return "unknown qforge status";
}

static inline const char *qforge_dtype_name(qforge_dtype dtype) {
  switch (dtype) {
  case QFORGE_FLOAT32:
    return "float32";
  case QFORGE_UINT8:
    return "uint8";
  case QFORGE_INT8:
    return "int8";
  case QFORGE_UINT16:
    return "uint16";
  case QFORGE_INT16:
    return "int16";
  case QFORGE_INT32:
    return "int32";
  case QFORGE_INT64:
    return "int64";
  case QFORGE_BOOL:
    return "bool";
  case QFORGE_FLOAT16:
    return "float16";
  case QFORGE_FLOAT64:
    return "float64";
  case QFORGE_UINT32:
    return "uint32";
  case QFORGE_UINT64:
    return "uint64";
  }
  return "unknown";
}

#elif QFORGE_API_VERSION != 1
#error "qforge: headers of two API versions in one translation unit"
#endif /* QFORGE_MODEL_API_H */
