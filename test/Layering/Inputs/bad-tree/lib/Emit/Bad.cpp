#include "qforge/Execution/JitRunner.h"
