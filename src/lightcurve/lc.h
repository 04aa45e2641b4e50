/* lc.h: Passband light-curve library, umbrella header. */
#pragma once

#include "lc-dataset.h"
#include "lc-format.h"
#include "lc-simulate.h"
#include "lc-features.h"
#include "lc-encoder.h"
#include "lc-split.h"
#include "lc-plasticc-metric.h"
#include "lc-pipeline.h"
#include "lc-novelty.h"
#include "lc-explain.h"
#include "lc-run.h"
