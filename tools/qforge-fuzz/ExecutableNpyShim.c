/* The executables' .npy reader (lib/Emit/ExecutableNpy.c, whose functions
 * are static because qforge pastes the file into each executable's main),
 * compiled as the C it is and given one external name for the fuzz target. */

#pragma clang diagnostic ignored "-Wunused-function"
#include "../../lib/Emit/ExecutableNpy.c"

#include "ExecutableNpyShim.h"

const char *qforge_fuzz_npy_read(FILE *f, qforge_fuzz_npy_array *array) {
  npy_array a;
  const char *error = npy_read(f, &a);
  memcpy(array->descr, a.descr, sizeof a.descr);
  memcpy(array->shape, a.shape, sizeof a.shape);
  array->rank = a.rank;
  array->data = a.data;
  array->bytes = a.bytes;
  return error;
}
