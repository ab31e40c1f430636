/* Runs the model compiled as `lstm` (qforge compile --name=lstm) over the
 * sequence in DIR/x.bin, one chunk of LSTM_INPUT0_SHAPE[0] steps per call,
 * starting from DIR/h0.bin and DIR/c0.bin, with the states passed from call
 * to call as the header says: two buffers per state, swapped, no copies.
 * Writes DIR/out/output_<i>.bin: y over every step, the last y_h and y_c.
 * Usage: stream_lstm DIR STEPS */
#include "lstm.h"

#include <stdio.h>
#include <string.h>

#if LSTM_INPUTS != 3 || LSTM_OUTPUTS != 3
#error "expects x, h0, c0 -> y, y_h, y_c"
#endif

static float state[2][2][LSTM_INPUT1_ELEMENTS]; /* [h or c][buffer] */

static int read_floats(const char *dir, const char *name, float *to, long count) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  long got = f ? (long)fread(to, sizeof(float), (size_t)count, f) : -1;
  if (f)
    fclose(f);
  return got == count ? 0 : -1;
}

static int write_floats(const char *dir, int output, const float *from, long count) {
  char path[1024];
  snprintf(path, sizeof path, "%s/out/output_%d.bin", dir, output);
  FILE *f = fopen(path, "wb");
  long put = f ? (long)fwrite(from, sizeof(float), (size_t)count, f) : -1;
  if (f)
    fclose(f);
  return put == count ? 0 : -1;
}

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  const char *dir = argv[1];
  long steps = atol(argv[2]);
  const int64_t chunk_shape[] = LSTM_INPUT0_SHAPE;
  long chunk = (long)chunk_shape[0];
  long x_per_step = LSTM_INPUT0_ELEMENTS / chunk, y_per_step = LSTM_OUTPUT0_ELEMENTS / chunk;
  if (steps % chunk != 0)
    return 2;
  float *x = malloc(sizeof(float) * (size_t)(steps * x_per_step));
  float *y = malloc(sizeof(float) * (size_t)(steps * y_per_step));
  /* Output 1 comes back as input LSTM_OUTPUT1_STATE_INPUT (h0), output 2 as
   * LSTM_OUTPUT2_STATE_INPUT (c0). */
  if (LSTM_OUTPUT1_STATE_INPUT != 1 || LSTM_OUTPUT2_STATE_INPUT != 2)
    return 3;
  if (read_floats(dir, "x.bin", x, steps * x_per_step) ||
      read_floats(dir, "h0.bin", state[0][0], LSTM_INPUT1_ELEMENTS) ||
      read_floats(dir, "c0.bin", state[1][0], LSTM_INPUT2_ELEMENTS))
    return 4;
  int now = 0;
  for (long t = 0; t < steps; t += chunk) {
    lstm_run(x + t * x_per_step, state[0][now], state[1][now], y + t * y_per_step,
             state[0][1 - now], state[1][1 - now]);
    now = 1 - now;
  }
  if (write_floats(dir, 0, y, steps * y_per_step) ||
      write_floats(dir, 1, state[0][now], LSTM_OUTPUT1_ELEMENTS) ||
      write_floats(dir, 2, state[1][now], LSTM_OUTPUT2_ELEMENTS))
    return 5;
  free(x);
  free(y);
  return 0;
}
