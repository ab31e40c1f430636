// Classifies MNIST digits with two qforge-compiled models: the fp32 model
// through the C++ wrapper (qforge/model.hpp), the int8 model through the C
// API of its generated header. Prints one line per digit: its index, the
// fp32 model's class and the int8 model's class.
//
//   classify IMAGES.npy [COUNT]   (uint8 [N, 28, 28], as examples/mnist/data)
#include "mnist_fp32.h"
#include "mnist_int8.h"

#include <qforge/model.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

/// The pixels of a uint8 .npy file of shape [N, 28, 28] (C order), or an
/// error message.
bool readImages(const char *path, std::vector<uint8_t> &pixels, std::string &error) {
  std::ifstream file(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                          std::istreambuf_iterator<char>());
  if (!file.good() && !file.eof()) {
    error = "cannot read it";
    return false;
  }
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) {
    error = "not a .npy file";
    return false;
  }
  size_t headerLength = static_cast<unsigned char>(bytes[8]) |
                        static_cast<unsigned char>(bytes[9]) << 8;
  std::string header(bytes.data() + 10, std::min(headerLength, bytes.size() - 10));
  if (header.find("'|u1'") == std::string::npos ||
      header.find("'fortran_order': False") == std::string::npos) {
    error = "not a C-order uint8 array";
    return false;
  }
  size_t begin = 10 + headerLength;
  if (bytes.size() < begin || (bytes.size() - begin) % (28 * 28) != 0) {
    error = "not a whole number of 28x28 images";
    return false;
  }
  pixels.assign(bytes.begin() + begin, bytes.end());
  return true;
}

int argmax(const float *logits, int n) {
  return static_cast<int>(std::max_element(logits, logits + n) - logits);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s IMAGES.npy [COUNT]\n", argv[0]);
    return 2;
  }
  std::vector<uint8_t> pixels;
  std::string error;
  if (!readImages(argv[1], pixels, error)) {
    std::fprintf(stderr, "classify: %s: %s\n", argv[1], error.c_str());
    return 1;
  }
  size_t count = pixels.size() / (28 * 28);
  if (argc > 2)
    count = std::min<size_t>(count, std::strtoul(argv[2], nullptr, 10));

  try {
    qforge::Model fp32(mnist_fp32_api());
    mnist_int8_model *int8 = nullptr;
    qforge_status status = mnist_int8_create(&int8);
    if (status != QFORGE_OK) {
      std::fprintf(stderr, "classify: mnist_int8: %s\n", qforge_status_string(status));
      return 1;
    }
    std::vector<float> logits(MNIST_FP32_OUTPUT0_ELEMENTS);
    float int8Logits[MNIST_INT8_OUTPUT0_ELEMENTS];
    for (size_t i = 0; i < count; ++i) {
      qforge::Span<const uint8_t> image(pixels.data() + i * 784, 784);
      fp32.run({image}, {logits});
      const void *in[] = {image.data()};
      void *out[] = {int8Logits};
      status = mnist_int8_invoke(int8, in, out);
      if (status != QFORGE_OK) {
        std::fprintf(stderr, "classify: mnist_int8: %s\n", qforge_status_string(status));
        return 1;
      }
      std::printf("%zu %d %d\n", i, argmax(logits.data(), 10), argmax(int8Logits, 10));
    }
    mnist_int8_destroy(int8);
  } catch (const qforge::Error &e) {
    std::fprintf(stderr, "classify: %s\n", e.what());
    return 1;
  }
  return 0;
}
