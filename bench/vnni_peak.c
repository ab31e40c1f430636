/* Peak probe: the throughput of vpdpbusd on one core, the ceiling the int8
 * GEMM benchmarks are measured against: AVX-512 VNNI on zmm registers
 * (default), or with the argument "ymm" AVX-VNNI's VEX form on ymm; with
 * "fma-zmm" or "fma-ymm", that of vfmadd231ps (the float GEMMs' ceiling).
 * AVX2 without VNNI has two int8 ceilings on ymm: "maddubs-ymm", bytes
 * multiplied directly (vpmaddubsw, vpmaddwd by ones to widen, vpaddd: 32
 * multiply-adds per three instructions, saturating), and "maddwd-ymm",
 * bytes widened to int16 first (vpmaddwd, vpaddd: 16 per two, exact), the
 * form qforge's AVX2 kernel uses.
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

/* Accumulators folded to one int, for the probes on ymm integers. */
__attribute__((target("avx2"))) static int sum_lanes(__m256i sum) {
  int lanes[8];
  _mm256_storeu_si256((__m256i *)lanes, sum);
  return lanes[0] + lanes[7];
}

__attribute__((target("avx2"), noinline)) static int probe_maddubs_ymm(long iterations) {
#define DECLARE_MB(i) __m256i acc##i = _mm256_set1_epi32(i);
  ACC_LIST(DECLARE_MB)
  __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-2), ones = _mm256_set1_epi16(1);
  for (long n = 0; n < iterations; ++n) {
    /* The products do not depend on the accumulators: the empty asm makes
     * each step's operand new, so that no product is shared. */
#define STEP_MB(i)                                                                         \
  __asm__ volatile("" : "+x"(a));                                                          \
  acc##i = _mm256_add_epi32(acc##i, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
    ACC_LIST(STEP_MB)
  }
  __m256i sum = _mm256_setzero_si256();
#define ADD_MB(i) sum = _mm256_add_epi32(sum, acc##i);
  ACC_LIST(ADD_MB)
  return sum_lanes(sum);
}

__attribute__((target("avx2"), noinline)) static int probe_maddwd_ymm(long iterations) {
#define DECLARE_MW(i) __m256i acc##i = _mm256_set1_epi32(i);
  ACC_LIST(DECLARE_MW)
  __m256i a = _mm256_set1_epi16(3), b = _mm256_set1_epi16(-2);
  for (long n = 0; n < iterations; ++n) {
#define STEP_MW(i)                                                                         \
  __asm__ volatile("" : "+x"(a));                                                          \
  acc##i = _mm256_add_epi32(acc##i, _mm256_madd_epi16(a, b));
    ACC_LIST(STEP_MW)
  }
  __m256i sum = _mm256_setzero_si256();
#define ADD_MW(i) sum = _mm256_add_epi32(sum, acc##i);
  ACC_LIST(ADD_MW)
  return sum_lanes(sum);
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
  if (argc > 1 && (!strcmp(argv[1], "maddubs-ymm") || !strcmp(argv[1], "maddwd-ymm"))) {
    int bytes = !strcmp(argv[1], "maddubs-ymm");
    const char *what = bytes ? "vpmaddubsw (ymm, AVX2)" : "vpmaddwd (ymm, AVX2)";
    if (!__builtin_cpu_supports("avx2")) {
      printf("%s peak: n/a (this CPU has no AVX2)\n", what);
      return 0;
    }
    printf("%s peak: %.1f GOPS (int8 ops/s, 1 core)\n", what,
           measure(bytes ? probe_maddubs_ymm : probe_maddwd_ymm, bytes ? 32 : 16));
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
