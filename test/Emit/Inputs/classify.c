/* Links a qforge-compiled MNIST model through its generated header: reads
 * one raw 28x28 uint8 digit from argv[1], prints the ten logits. */
#include <stdio.h>

#include "mnist.h"

int main(int argc, char **argv) {
  static mnist_input0_t image[MNIST_INPUT0_ELEMENTS];
  mnist_output0_t logits[MNIST_OUTPUT0_ELEMENTS];
  FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
  if (!f || fread(image, 1, sizeof image, f) != sizeof image) {
    fprintf(stderr, "cannot read a 28x28 digit from %s\n", argc > 1 ? argv[1] : "?");
    return 1;
  }
  fclose(f);
  mnist_run(image, logits);
  for (int i = 0; i < MNIST_OUTPUT0_ELEMENTS; ++i)
    printf("%.9g\n", logits[i]);
  return 0;
}
