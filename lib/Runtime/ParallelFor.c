/*===- ParallelFor.c - the thread pool compiled models carry -------------===*
 *
 * A compiled model with --threads other than 1 splits each large kernel's
 * output tiles into chunks and calls qforge_parallel_for. This file is that
 * function. qforge compiles it to LLVM bitcode for each target when qforge
 * itself is built, and links it into every threaded model (internal
 * linkage, so two models in one program each have their own), so artefacts
 * need nothing beyond the C library and pthreads.
 *
 * It includes no header: the few libc and pthread entry points are declared
 * here with types that are the same on every 64-bit Linux target qforge
 * compiles for, and the mutex and condition variables are opaque buffers
 * larger than glibc's on x86-64 and AArch64.
 *
 * The pool starts on the first call: the number qforge_set_threads asked
 * for, else QFORGE_NUM_THREADS if set to a positive number, else the number
 * compiled in (0: the CPUs online). qforge_set_threads, exported by each
 * model as NAME_set_threads, can later lower the number of threads a call
 * uses (helpers above it stay idle), not raise it above the pool's. The
 * caller and the helpers take chunks from a shared counter until none are
 * left, large ones first, so that a core slowed by other work (a busy
 * neighbour on a VM) takes fewer items instead of holding up the rest.
 * Between calls helpers spin for a while (kernels of one model run back to
 * back) and then sleep on a condition variable. A call made while another
 * is running (two threads running models at once) runs its items itself.
 *===----------------------------------------------------------------------===*/

typedef unsigned long qf_thread_t;
typedef void (*qf_chunk_fn)(void *context, long begin, long end);

int pthread_create(qf_thread_t *thread, const void *attributes, void *(*start)(void *),
                   void *argument);
int pthread_detach(qf_thread_t thread);
int pthread_mutex_init(void *mutex, const void *attributes);
int pthread_mutex_lock(void *mutex);
int pthread_mutex_unlock(void *mutex);
int pthread_cond_init(void *cond, const void *attributes);
int pthread_cond_wait(void *cond, void *mutex);
int pthread_cond_broadcast(void *cond);
char *getenv(const char *name);
long strtol(const char *text, char **end, int base);
long sysconf(int name);

enum { kSysconfCpusOnline = 84 /* _SC_NPROCESSORS_ONLN in glibc */ };
enum { kMaxThreads = 256 };
/* About a millisecond of spinning after a job before a helper sleeps. */
enum { kSpinsBeforeSleep = 1 << 15 };

static void pause_briefly(void) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __builtin_arm_yield();
#endif
}

static struct {
  _Alignas(64) char mutex[64];
  _Alignas(64) char wake[64];
  int state; /* 0 not started, 1 starting, 2 ready */
  int threads;
  int requested; /* from qforge_set_threads; 0: the default */
  int active;    /* threads that take part in the current call */
  int busy;
  int sleepers;
  unsigned long generation;
  qf_chunk_fn fn;
  void *context;
  long items;
  _Alignas(64) long next;
  _Alignas(64) int pending;
} pool;

/* Takes chunks until none are left: each a share of what remains (half of
   it over the threads, at least one item), so that the first are large and
   contiguous and the last small enough to even out the threads' ends. */
static void run_chunks(void) {
  long begin = __atomic_load_n(&pool.next, __ATOMIC_RELAXED);
  for (;;) {
    long remaining = pool.items - begin;
    if (remaining <= 0)
      return;
    long grain = remaining / (2L * pool.active);
    long end = begin + (grain > 1 ? grain : 1);
    if (!__atomic_compare_exchange_n(&pool.next, &begin, end, 1, __ATOMIC_RELAXED,
                                     __ATOMIC_RELAXED))
      continue; /* `begin` now holds the counter's current value */
    pool.fn(pool.context, begin, end);
    begin = __atomic_load_n(&pool.next, __ATOMIC_RELAXED);
  }
}

static void *helper(void *argument) {
  int part = (int)(long)argument;
  unsigned long seen = 0;
  for (;;) {
    unsigned long now;
    int spins = 0;
    while ((now = __atomic_load_n(&pool.generation, __ATOMIC_ACQUIRE)) == seen) {
      if (++spins < kSpinsBeforeSleep) {
        pause_briefly();
        continue;
      }
      /* Checked again under the lock the caller takes to wake sleepers:
         no wake-up is lost between the check and the wait. */
      pthread_mutex_lock(pool.mutex);
      ++pool.sleepers;
      while (__atomic_load_n(&pool.generation, __ATOMIC_ACQUIRE) == seen)
        pthread_cond_wait(pool.wake, pool.mutex);
      --pool.sleepers;
      pthread_mutex_unlock(pool.mutex);
      spins = 0;
    }
    seen = now;
    if (part < pool.active)
      run_chunks();
    __atomic_fetch_sub(&pool.pending, 1, __ATOMIC_RELEASE);
  }
  return 0;
}

static int requested_threads(long compiled) {
  const char *text = getenv("QFORGE_NUM_THREADS");
  long n = pool.requested > 0 ? pool.requested : text ? strtol(text, 0, 10) : 0;
  if (n <= 0)
    n = compiled > 0 ? compiled : sysconf(kSysconfCpusOnline);
  if (n < 1)
    n = 1;
  return n > kMaxThreads ? kMaxThreads : (int)n;
}

static void start_pool(long compiled) {
  int expected = 0;
  if (__atomic_compare_exchange_n(&pool.state, &expected, 1, 0, __ATOMIC_ACQ_REL,
                                  __ATOMIC_ACQUIRE)) {
    pthread_mutex_init(pool.mutex, 0);
    pthread_cond_init(pool.wake, 0);
    int threads = requested_threads(compiled);
    pool.threads = 1;
    for (int part = 1; part < threads; ++part) {
      qf_thread_t thread;
      if (pthread_create(&thread, 0, helper, (void *)(long)part) != 0)
        break; /* run with the helpers that did start */
      pthread_detach(thread);
      pool.threads = part + 1;
    }
    __atomic_store_n(&pool.state, 2, __ATOMIC_RELEASE);
    return;
  }
  while (__atomic_load_n(&pool.state, __ATOMIC_ACQUIRE) != 2)
    pause_briefly();
}

/* Runs fn(context, begin, end) over [0, items) in contiguous chunks spread
   over the threads; returns when all are done. `compiled` is --threads. */
void qforge_parallel_for(qf_chunk_fn fn, void *context, long items, long compiled) {
  if (__atomic_load_n(&pool.state, __ATOMIC_ACQUIRE) != 2)
    start_pool(compiled);
  int active = pool.requested > 0 && pool.requested < pool.threads ? pool.requested
                                                                     : pool.threads;
  if (active <= 1 || items <= 1 ||
      __atomic_exchange_n(&pool.busy, 1, __ATOMIC_ACQUIRE)) {
    fn(context, 0, items);
    return;
  }
  pool.fn = fn;
  pool.context = context;
  pool.items = items;
  pool.active = active;
  pool.next = 0;
  pool.pending = pool.threads - 1;
  __atomic_fetch_add(&pool.generation, 1, __ATOMIC_RELEASE);
  pthread_mutex_lock(pool.mutex);
  if (pool.sleepers > 0)
    pthread_cond_broadcast(pool.wake);
  pthread_mutex_unlock(pool.mutex);
  run_chunks();
  while (__atomic_load_n(&pool.pending, __ATOMIC_ACQUIRE) > 0)
    pause_briefly();
  __atomic_store_n(&pool.busy, 0, __ATOMIC_RELEASE);
}

/* Sets the threads the model's next calls use: n >= 1 at most n (the pool,
   if not started yet, starts with n), n <= 0 the default. Returns the
   number the next call will use. `compiled` is --threads. Call it between
   the model's calls, not during one. */
int qforge_set_threads(int n, long compiled) {
  pool.requested = n > 0 ? (n > kMaxThreads ? kMaxThreads : n) : 0;
  if (__atomic_load_n(&pool.state, __ATOMIC_ACQUIRE) != 2)
    return requested_threads(compiled);
  return pool.requested > 0 && pool.requested < pool.threads ? pool.requested
                                                             : pool.threads;
}
