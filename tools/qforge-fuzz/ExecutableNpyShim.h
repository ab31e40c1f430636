/* The executables' .npy reader as the fuzz target sees it (C linkage). */
#ifndef QFORGE_FUZZ_EXECUTABLENPYSHIM_H
#define QFORGE_FUZZ_EXECUTABLENPYSHIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  char descr[8];
  int64_t shape[16];
  int rank;
  char *data; /* malloc'ed, or NULL */
  size_t bytes;
} qforge_fuzz_npy_array;

const char *qforge_fuzz_npy_read(FILE *f, qforge_fuzz_npy_array *array);

#ifdef __cplusplus
}
#endif

#endif
