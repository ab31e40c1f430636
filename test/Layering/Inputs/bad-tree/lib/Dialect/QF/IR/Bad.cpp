#include "qforge/Codegen/Passes.h"
