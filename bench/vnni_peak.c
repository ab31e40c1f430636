/* Peak probe: the throughput of vpdpbusd on one core, the ceiling the int8
 * GEMM benchmarks are measured against: AVX-512 VNNI on zmm registers
 * (default), or with the argument "ymm" AVX-VNNI's VEX form on ymm; with
 * "fma-zmm" or "fma-ymm", that of vfmadd231ps (the float GEMMs' ceiling).
 * The only hand-written intrinsic code in qforge. Twelve independent
 * accumulators hide the instruction's latency; each vpdpbusd is 64 (zmm)
 * or 32 (ymm) multiply-adds, each FMA 16 or 8, twice as many ops.
 * Prints: "vpdpbusd peak: G GOPS (int8 ops/s, 1 core)", or
 * "vpdpbusd (ymm, AVX-VNNI) peak: ...", "fma (ymm) peak: G GFLOPS ...". */
#include <immintrin.h>
#include <stdio.h>
#include <string.h>
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

__attribute__((target("avx2,avxvnni"), noinline)) static int probe_ymm(long iterations) {
#define DECLARE_YMM(i) __m256i acc##i = _mm256_set1_epi32(i);
  ACC_LIST(DECLARE_YMM)
  __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-2);
  for (long n = 0; n < iterations; ++n) {
#define STEP_YMM(i) acc##i = _mm256_dpbusd_avx_epi32(acc##i, a, b);
    ACC_LIST(STEP_YMM)
    __asm__ volatile("" : "+x"(a));
  }
  __m256i sum = _mm256_setzero_si256();
#define ADD_YMM(i) sum = _mm256_add_epi32(sum, acc##i);
  ACC_LIST(ADD_YMM)
  int lanes[8];
  _mm256_storeu_si256((__m256i *)lanes, sum);
  return lanes[0] + lanes[7];
}

__attribute__((target("avx2,fma"), noinline)) static int probe_fma_ymm(long iterations) {
#define DECLARE_FY(i) __m256 acc##i = _mm256_set1_ps((float)i);
  ACC_LIST(DECLARE_FY)
  __m256 a = _mm256_set1_ps(1.0f), b = _mm256_set1_ps(1e-9f);
  for (long n = 0; n < iterations; ++n) {
#define STEP_FY(i) acc##i = _mm256_fmadd_ps(a, b, acc##i);
    ACC_LIST(STEP_FY)
    __asm__ volatile("" : "+x"(a));
  }
  __m256 sum = _mm256_setzero_ps();
#define ADD_FY(i) sum = _mm256_add_ps(sum, acc##i);
  ACC_LIST(ADD_FY)
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  return (int)(lanes[0] + lanes[7]);
}

__attribute__((target("avx512f"), noinline)) static int probe_fma_zmm(long iterations) {
#define DECLARE_FZ(i) __m512 acc##i = _mm512_set1_ps((float)i);
  ACC_LIST(DECLARE_FZ)
  __m512 a = _mm512_set1_ps(1.0f), b = _mm512_set1_ps(1e-9f);
  for (long n = 0; n < iterations; ++n) {
#define STEP_FZ(i) acc##i = _mm512_fmadd_ps(a, b, acc##i);
    ACC_LIST(STEP_FZ)
    __asm__ volatile("" : "+v"(a));
  }
  __m512 sum = _mm512_setzero_ps();
#define ADD_FZ(i) sum = _mm512_add_ps(sum, acc##i);
  ACC_LIST(ADD_FZ)
  return (int)_mm512_reduce_add_ps(sum);
}

/* The best of five timed runs, in int8 GOPS (or GFLOPS). */
static double measure(int (*run)(long), int macs_per_instruction) {
  long iterations = 20000000;
  run(iterations / 10); /* warm up the clock */
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    double t0 = now();
    volatile int sink = run(iterations);
    (void)sink;
    double gops = iterations * (double)ACCS * macs_per_instruction * 2 / (now() - t0) / 1e9;
    if (gops > best)
      best = gops;
  }
  return best;
}

int main(int argc, char **argv) {
  __builtin_cpu_init();
  if (argc > 1 && !strcmp(argv[1], "fma-ymm")) {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
      printf("fma (ymm) peak: n/a (this CPU has no AVX2 FMA)\n");
      return 0;
    }
    printf("fma (ymm) peak: %.1f GFLOPS (fp32, 1 core)\n", measure(probe_fma_ymm, 8));
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "fma-zmm")) {
    if (!__builtin_cpu_supports("avx512f")) {
      printf("fma (zmm) peak: n/a (this CPU has no AVX-512)\n");
      return 0;
    }
    printf("fma (zmm) peak: %.1f GFLOPS (fp32, 1 core)\n", measure(probe_fma_zmm, 16));
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "ymm")) {
    if (!__builtin_cpu_supports("avxvnni")) {
      printf("vpdpbusd (ymm, AVX-VNNI) peak: n/a (this CPU has no AVX-VNNI)\n");
      return 0;
    }
    printf("vpdpbusd (ymm, AVX-VNNI) peak: %.1f GOPS (int8 ops/s, 1 core)\n",
           measure(probe_ymm, 32));
    return 0;
  }
  if (!__builtin_cpu_supports("avx512vnni")) {
    printf("vpdpbusd peak: n/a (this CPU has no AVX-512 VNNI)\n");
    return 0;
  }
  printf("vpdpbusd peak: %.1f GOPS (int8 ops/s, 1 core)\n", measure(probe, 64));
  return 0;
}
