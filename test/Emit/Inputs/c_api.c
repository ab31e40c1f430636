/* Drives a compiled MNIST model through the handle API of its header
 * (docs/c-api.md) and prints what it sees: the tensors' metadata, the
 * status of bad calls, the scratch checks (a model compiled with
 * --scratch=caller), the thread control, and whether NAME_invoke gives the
 * bits NAME_run gives. Prints the logits last, one per line.
 * usage: c_api DIGIT.raw [threads] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mnist.h"

static void print_info(const char *kind, const qforge_tensor_info *t) {
  int d;
  printf("%s '%s' dtype %d rank %d shape", kind, t->name, (int)t->dtype, t->rank);
  for (d = 0; d < t->rank; ++d)
    printf(" %lld", (long long)t->shape[d]);
  printf(" elements %lld bytes %zu\n", (long long)t->elements, t->bytes);
}

/* Creation with caller scratch: too small, misaligned, then a good one. */
static void check_scratch(void) {
  mnist_model *m = NULL;
  unsigned char *buffer = malloc(mnist_scratch_bytes() + 128);
  unsigned char *aligned = (unsigned char *)(((uintptr_t)buffer + 63) & ~(uintptr_t)63);
  printf("small scratch: %s\n",
         qforge_status_string(mnist_create_with_scratch(aligned, mnist_scratch_bytes() - 1, &m)));
  printf("model after failure: %s\n", m ? "set" : "null");
  printf("misaligned scratch: %s\n",
         qforge_status_string(mnist_create_with_scratch(aligned + 1, mnist_scratch_bytes(), &m)));
  printf("aligned scratch: %s\n",
         qforge_status_string(mnist_create_with_scratch(aligned, mnist_scratch_bytes(), &m)));
  printf("uses it: %s\n", m && m->scratch == aligned ? "yes" : "no");
  mnist_destroy(m);
  free(buffer);
}

int main(int argc, char **argv) {
  static mnist_input0_t image[MNIST_INPUT0_ELEMENTS];
  mnist_output0_t direct[MNIST_OUTPUT0_ELEMENTS], logits[MNIST_OUTPUT0_ELEMENTS];
  mnist_model *model = NULL;
  const void *inputs[1] = {image}, *no_inputs[1] = {NULL};
  void *outputs[1] = {logits};
  const qforge_model_api *api = mnist_api();
  FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
  int i;
  if (!f || fread(image, 1, sizeof image, f) != sizeof image)
    return 1;
  fclose(f);

  printf("api %d name %s inputs %d outputs %d caller scratch %d\n", api->api_version,
         api->name, api->num_inputs, api->num_outputs, api->caller_scratch);
  print_info("input", mnist_input_info(0));
  print_info("output", mnist_output_info(0));
  printf("input 1: %s, input -1: %s\n", mnist_input_info(1) ? "set" : "null",
         mnist_input_info(-1) ? "set" : "null");
  printf("create(NULL): %s\n", qforge_status_string(mnist_create(NULL)));
  if (api->caller_scratch)
    check_scratch();
  if (argc > 2) {
    int n = atoi(argv[2]);
    printf("set_threads(%d) before the first call: %d\n", n, mnist_set_threads(n));
  }
  if (mnist_create(&model) != QFORGE_OK)
    return 1;
  printf("invoke(NULL model): %s\n", qforge_status_string(mnist_invoke(NULL, inputs, outputs)));
  printf("invoke(NULL inputs): %s\n", qforge_status_string(mnist_invoke(model, NULL, outputs)));
  printf("invoke(NULL input 0): %s\n",
         qforge_status_string(mnist_invoke(model, no_inputs, outputs)));
  printf("invoke: %s\n", qforge_status_string(mnist_invoke(model, inputs, outputs)));
#if MNIST_CALLER_SCRATCH
  mnist_run(image, direct, model->scratch);
#else
  mnist_run(image, direct);
#endif
  printf("invoke equals run: %s\n", memcmp(direct, logits, sizeof logits) ? "no" : "yes");
  if (argc > 2) {
    printf("set_threads(1): %d\n", mnist_set_threads(1));
    mnist_invoke(model, inputs, outputs);
    printf("1 thread equals run: %s\n", memcmp(direct, logits, sizeof logits) ? "no" : "yes");
    printf("set_threads(64): %d\n", mnist_set_threads(64));
    printf("set_threads(0): %d\n", mnist_set_threads(0));
    api->run(model, inputs, outputs);
    printf("api run equals run: %s\n", memcmp(direct, logits, sizeof logits) ? "no" : "yes");
  }
  mnist_destroy(model);
  mnist_destroy(NULL);
  for (i = 0; i < MNIST_OUTPUT0_ELEMENTS; ++i)
    printf("%.9g\n", logits[i]);
  return 0;
}
