/* nn.h: the Passband neural-network core, umbrella header. */
#pragma once

#include "nn-rng.h"
#include "nn-blas.h"
#include "nn-data.h"
#include "nn-layer.h"
#include "nn-metrics.h"
#include "nn-calibration.h"
#include "nn-density.h"
#include "nn-attribution.h"
#include "nn-object-history.h"
#include "nn-model.h"
#include "nn-loss.h"
#include "nn-optim.h"
#include "nn-train.h"
#include "nn-model-file.h"
#include "nn-fields.h"
#include "nn-atomic.h"
