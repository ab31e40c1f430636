/* The .npy reader and writer of qforge's executables: plain C99, libc only.
 * qforge copies this text into every executable's main (Executable.cpp);
 * the fuzz target tools/qforge-fuzz/npy.cpp compiles it as it is.
 *
 * Each function returns NULL on success or a message saying what is wrong
 * with the file (the caller names the file). */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NPY_MAX_RANK = 16 }; /* as the compiler's reader (lib/Support/Npy.cpp) */

typedef struct {
  char descr[8]; /* NumPy descriptor, '<' for native or no byte order */
  int64_t shape[NPY_MAX_RANK];
  int rank;
  char *data; /* on a cache line (posix_memalign); the caller frees it */
  size_t bytes;
} npy_array;

/* Python's whitespace, as the compiler's reader trims it. */
static const char *npy_skip_space(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
    ++s;
  return s;
}

/* The text after `key`'s colon in the header dict, or NULL. */
static const char *npy_value(const char *header, const char *key) {
  const char *at = strstr(header, key);
  if (!at)
    return NULL;
  at = strchr(at + strlen(key), ':');
  return at ? npy_skip_space(at + 1) : NULL;
}

static const char *npy_parse_descr(const char *value, char *descr) {
  if (!value || (*value != '\'' && *value != '"'))
    return "malformed header: no 'descr'";
  char quote = *value++;
  size_t n = 0;
  while (value[n] && value[n] != quote)
    ++n;
  if (!value[n])
    return "malformed header: unterminated 'descr'";
  /* A byte order, a kind letter and a size in bytes, e.g. "<f4". */
  int well_formed = n >= 3 && n <= 7 && strchr("<>|=", value[0]) && value[1] >= 'a' &&
                    value[1] <= 'z';
  for (size_t i = 2; well_formed && i < n; ++i)
    well_formed = value[i] >= '0' && value[i] <= '9';
  if (!well_formed)
    return "unsupported dtype";
  memcpy(descr, value, n);
  descr[n] = 0;
  if (descr[0] == '>')
    return "big-endian data is not supported (save with '<' byte order)";
  if (descr[0] == '=' || descr[0] == '|')
    descr[0] = '<';
  return NULL;
}

/* "(2, 3)", "(5,)" or "()": non-negative decimal dimensions whose element
 * count fits in int64. */
static const char *npy_parse_shape(const char *s, npy_array *a) {
  if (!s || *s != '(')
    return "malformed header: no 'shape' tuple";
  a->rank = 0;
  int64_t count = 1;
  for (++s;;) {
    s = npy_skip_space(s);
    if (*s == ')')
      return NULL;
    if (*s < '0' || *s > '9')
      return "malformed shape";
    if (a->rank == NPY_MAX_RANK)
      return "more than 16 dimensions";
    int64_t d = 0;
    for (; *s >= '0' && *s <= '9'; ++s) {
      if (d > (INT64_MAX - (*s - '0')) / 10)
        return "a dimension does not fit in 64 bits";
      d = d * 10 + (*s - '0');
    }
    if (d != 0 && count > INT64_MAX / d)
      return "the shape has more elements than any file can hold";
    count *= d;
    a->shape[a->rank++] = d;
    s = npy_skip_space(s);
    if (*s == ',')
      ++s;
    else if (*s != ')')
      return "malformed shape";
  }
}

/* Whether `text` starts with `word` followed by the end of a dict value. */
static int npy_is_word(const char *text, const char *word) {
  size_t n = strlen(word);
  if (strncmp(text, word, n) != 0)
    return 0;
  text = npy_skip_space(text + n);
  return *text == ',' || *text == '}';
}

static const char *npy_parse_header(const char *header, npy_array *a) {
  const char *error = npy_parse_descr(npy_value(header, "'descr'"), a->descr);
  if (error)
    return error;
  const char *order = npy_value(header, "'fortran_order'");
  if (!order)
    return "malformed header: no 'fortran_order'";
  if (npy_is_word(order, "True"))
    return "Fortran-ordered arrays are not supported (save with C order)";
  if (!npy_is_word(order, "False"))
    return "malformed header: 'fortran_order' is neither True nor False";
  return npy_parse_shape(npy_value(header, "'shape'"), a);
}

/* `bytes` (at least 1) on a cache line, or NULL: the model reads its
 * inputs and writes its outputs in place, and tile and vector accesses of
 * rows that straddle two lines cost more. free() releases it. */
static char *aligned_bytes(size_t bytes) {
  void *p = NULL;
  return posix_memalign(&p, 64, bytes ? bytes : 1) == 0 ? p : NULL;
}

/* Reads a whole .npy file from `f` into `a`; the data is every byte after
 * the header (the caller checks it against the shape). */
static const char *npy_read(FILE *f, npy_array *a) {
  memset(a, 0, sizeof *a);
  if (fseek(f, 0, SEEK_END) != 0)
    return strerror(errno);
  long size = ftell(f);
  if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
    return strerror(errno);
  unsigned char magic[12];
  if (size < 10 || fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0)
    return size == 0 ? "the file is empty" : "not a .npy file (bad magic)";
  size_t header_len, start;
  if (magic[6] == 1) {
    header_len = (size_t)magic[8] | ((size_t)magic[9] << 8);
    start = 10;
  } else if (magic[6] == 2 || magic[6] == 3) {
    if (fread(magic + 10, 1, 2, f) != 2)
      return "truncated header";
    header_len = (size_t)magic[8] | ((size_t)magic[9] << 8) | ((size_t)magic[10] << 16) |
                 ((size_t)magic[11] << 24);
    start = 12;
  } else {
    return "unsupported .npy version (1, 2 and 3 are)";
  }
  if (header_len > (size_t)size - start)
    return "truncated header";
  char *header = malloc(header_len + 1);
  if (!header)
    return "out of memory";
  if (fread(header, 1, header_len, f) != header_len) {
    free(header);
    return "truncated header";
  }
  header[header_len] = 0;
  const char *error = memchr(header, 0, header_len) ? "malformed header: a NUL byte"
                                                     : npy_parse_header(header, a);
  free(header);
  if (error)
    return error;
  a->bytes = (size_t)size - start - header_len;
  if (!(a->data = aligned_bytes(a->bytes)))
    return "out of memory";
  if (fread(a->data, 1, a->bytes, f) != a->bytes) {
    free(a->data);
    a->data = NULL;
    return "cannot read the data";
  }
  return NULL;
}

/* Writes a version 1.0 .npy file to `path` through `path`.tmp, renamed into
 * place once complete, so a failure leaves no half-written file. */
static const char *npy_write(const char *path, const char *descr, const int64_t *shape,
                             int rank, const char *data, size_t bytes) {
  char dict[512], d[8];
  /* NumPy writes one-byte types with '|' (no byte order). */
  snprintf(d, sizeof d, "%s", descr);
  if (d[2] == '1')
    d[0] = '|';
  int len = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", d);
  for (int i = 0; i < rank; ++i)
    len += snprintf(dict + len, sizeof dict - (size_t)len, "%lld,%s", (long long)shape[i],
                    i + 1 < rank ? " " : "");
  len += snprintf(dict + len, sizeof dict - (size_t)len, "), }");
  int pad = (64 - (10 + len + 1) % 64) % 64;
  unsigned header_len = (unsigned)(len + pad + 1);
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    return "path too long";
  FILE *f = fopen(tmp, "wb");
  if (!f)
    return strerror(errno);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc((int)(header_len & 0xff), f);
  fputc((int)(header_len >> 8), f);
  fwrite(dict, 1, (size_t)len, f);
  for (int i = 0; i < pad; ++i)
    fputc(' ', f);
  fputc('\n', f);
  int written = fwrite(data, 1, bytes, f) == bytes;
  int error = errno;
  if (fclose(f) != 0 || !written) {
    const char *why = strerror(written ? errno : error);
    remove(tmp);
    return why;
  }
  if (rename(tmp, path) != 0) {
    const char *why = strerror(errno);
    remove(tmp);
    return why;
  }
  return NULL;
}
