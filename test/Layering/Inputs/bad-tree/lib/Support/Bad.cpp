#include "../../tools/qforge/Options.h"
