/* As classify.c, with the scratch arena owned by the caller: a static
 * buffer of the size the header gives, so the model calls no malloc. */
#include <stdio.h>

#include "mnist.h"

static _Alignas(64) unsigned char scratch[MNIST_SCRATCH_BYTES];

int main(int argc, char **argv) {
  static mnist_input0_t image[MNIST_INPUT0_ELEMENTS];
  mnist_output0_t logits[MNIST_OUTPUT0_ELEMENTS];
  FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
  if (!f || fread(image, 1, sizeof image, f) != sizeof image)
    return 1;
  fclose(f);
  mnist_run(image, logits, scratch);
  for (int i = 0; i < MNIST_OUTPUT0_ELEMENTS; ++i)
    printf("%.9g\n", logits[i]);
  return 0;
}
