/*===- Profile.c - per-layer time of a model compiled with --profile ------===*
 *
 * `qforge compile --profile` puts a call of qforge_profile_mark(layer,
 * seconds) where each layer of the model (an ONNX node, or the nodes fused
 * with it) begins, and qforge_profile_mark(-1, seconds) where the model
 * ends: the time since the previous mark goes to the previous layer, in
 * the model's own table of seconds (exported as NAME_profile_seconds). Like
 * the thread pool, this file is compiled to bitcode when qforge is built
 * and linked into the models that call it, with internal linkage, so each
 * model keeps its own state; marks come from the thread that calls the
 * model, so one call at a time per model is profiled.
 *
 * It includes no header: clock_gettime and its struct are declared with the
 * layout of every 64-bit Linux target qforge compiles for.
 *===----------------------------------------------------------------------===*/

struct qf_timespec {
  long tv_sec;
  long tv_nsec;
};
int clock_gettime(int clock, struct qf_timespec *time);

enum { kClockMonotonic = 1 };

static long last_layer = -1;
static long long last_ns;

static long long now_ns(void) {
  struct qf_timespec t;
  clock_gettime(kClockMonotonic, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

void qforge_profile_mark(long layer, double *seconds) {
  long long now = now_ns();
  if (last_layer >= 0)
    seconds[last_layer] += (double)(now - last_ns) * 1e-9;
  last_layer = layer;
  last_ns = now;
}
