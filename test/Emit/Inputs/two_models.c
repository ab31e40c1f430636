/* Two compiled models in one program: their symbols and headers do not
 * clash. Runs the MNIST model on a blank digit and the reshape model on
 * 0..23, and prints one number from each. */
#include <stdio.h>

#include "chain.h"
#include "mnist.h"

int main(void) {
  static mnist_input0_t image[MNIST_INPUT0_ELEMENTS];
  mnist_output0_t logits[MNIST_OUTPUT0_ELEMENTS];
  chain_input0_t x[CHAIN_INPUT0_ELEMENTS];
  chain_output0_t y[CHAIN_OUTPUT0_ELEMENTS];
  for (int i = 0; i < CHAIN_INPUT0_ELEMENTS; ++i)
    x[i] = (float)i;
  mnist_run(image, logits);
  chain_run(x, y);
  printf("chain %g %g\n", y[0], y[CHAIN_OUTPUT0_ELEMENTS - 1]);
  printf("mnist %d logits\n", MNIST_OUTPUT0_ELEMENTS);
  return 0;
}
