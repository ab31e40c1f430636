/* Runs a qforge-compiled MNIST model (compiled with --profile) three times
 * on a blank digit through its generated header and prints the per-layer
 * table it declares: `layers N`, then NAME<TAB>SECONDS per layer. */
#include <stdio.h>
#include <string.h>

#include "mnist.h"

int main(void) {
  static mnist_input0_t image[MNIST_INPUT0_ELEMENTS];
  mnist_output0_t logits[MNIST_OUTPUT0_ELEMENTS];
  memset(image, 0, sizeof image);
  for (int run = 0; run < 3; ++run)
    mnist_run(image, logits);
  printf("layers %d\n", MNIST_PROFILE_LAYERS);
  for (int i = 0; i < MNIST_PROFILE_LAYERS; ++i)
    printf("%s\t%.9f\n", mnist_profile_names[i], mnist_profile_seconds[i]);
  return 0;
}
