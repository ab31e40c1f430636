/*===- Amx.c - permission to use AMX tiles --------------------------------===*
 *
 * Linux leaves the AMX tile data (8 KiB of register state per thread) out
 * of a process's saved state until the process asks for it with
 * arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA); a tile instruction
 * before that is an illegal instruction. Models whose products run on AMX
 * tiles ask here before their first tile layer (qf.amx_ready) and run their
 * AVX-512 VNNI kernels where the answer is no. The permission is the
 * process's, so it is asked once and the answer kept; a refusal is
 * reported once on stderr. QFORGE_AMX=0 in the environment answers no
 * without asking (to compare the two kernels, or to keep AMX's state out
 * of context switches).
 *
 * Like the other runtime files it includes no header: the few libc
 * functions it calls are declared with their Linux x86-64 signatures.
 *===----------------------------------------------------------------------===*/

#if defined(__x86_64__)

long syscall(long number, ...);
char *getenv(const char *name);
int *__errno_location(void);
struct qf_file;
extern struct qf_file *stderr;
int fprintf(struct qf_file *stream, const char *format, ...);

enum {
  kSysArchPrctl = 158,
  kArchReqXcompPerm = 0x1023,
  kXfeatureXtiledata = 18,
};

/* 0: not asked yet, 1: granted, -1: refused. Threads that race here ask
 * twice and agree. */
static int amx_state;

static int ask(void) {
  const char *setting = getenv("QFORGE_AMX");
  if (setting && setting[0] == '0' && setting[1] == 0)
    return -1;
  if (syscall(kSysArchPrctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0)
    return 1;
  fprintf(stderr,
          "qforge: the operating system refused AMX (arch_prctl "
          "ARCH_REQ_XCOMP_PERM failed, errno %d); the model runs its AVX-512 "
          "VNNI kernels instead\n",
          *__errno_location());
  return -1;
}

int qforge_amx_ready(void) {
  int state = __atomic_load_n(&amx_state, __ATOMIC_ACQUIRE);
  if (state == 0) {
    state = ask();
    __atomic_store_n(&amx_state, state, __ATOMIC_RELEASE);
  }
  return state > 0;
}

#else

/* No AMX outside x86-64; nothing compiled for another architecture asks. */
int qforge_amx_ready(void) { return 0; }

#endif
