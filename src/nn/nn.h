/* nn.h: the Passband neural-network core, umbrella header. */
#pragma once

#include "nn-rng.h"
#include "nn-blas.h"
#include "nn-data.h"
#include "nn-layer.h"
