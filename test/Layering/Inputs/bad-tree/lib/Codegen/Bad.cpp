#include "qforge/Calibration/Calibrator.h"
