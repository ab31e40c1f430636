/* Peak probe: the throughput of vpdpbusd (zmm) on one core, the ceiling the
 * int8 GEMM benchmark is measured against. The only hand-written intrinsic
 * code in qforge. Twelve independent accumulators hide the instruction's
 * latency; each instruction is 64 multiply-adds (128 ops).
 * Prints: "vpdpbusd peak: G GOPS (int8 ops/s, 1 core)". */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define ACCS 12 /* accumulators in ACC_LIST */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Twelve named accumulators (an array would live in memory at -O2). */
#define ACC_LIST(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

__attribute__((target("avx512f,avx512bw,avx512vnni"), noinline)) static int
probe(long iterations) {
#define DECLARE(i) __m512i acc##i = _mm512_set1_epi32(i);
  ACC_LIST(DECLARE)
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  for (long n = 0; n < iterations; ++n) {
#define STEP(i) acc##i = _mm512_dpbusd_epi32(acc##i, a, b);
    ACC_LIST(STEP)
    /* Keeps the compiler from folding the loop. */
    __asm__ volatile("" : "+v"(a));
  }
  __m512i sum = _mm512_setzero_si512();
#define ADD(i) sum = _mm512_add_epi32(sum, acc##i);
  ACC_LIST(ADD)
  return _mm512_reduce_add_epi32(sum);
}

int main(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512vnni")) {
    printf("vpdpbusd peak: n/a (this CPU has no AVX-512 VNNI)\n");
    return 0;
  }
  long iterations = 20000000;
  probe(iterations / 10); /* warm up the clock */
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    double t0 = now();
    volatile int sink = probe(iterations);
    (void)sink;
    double gops = iterations * (double)ACCS * 64 * 2 / (now() - t0) / 1e9;
    if (gops > best)
      best = gops;
  }
  printf("vpdpbusd peak: %.1f GOPS (int8 ops/s, 1 core)\n", best);
  return 0;
}
