/* pb-test-dataset.h: a small dataset built by hand, so drawing tests do not
 * depend on any loader. */
#pragma once

#include "lc-dataset.h"

/* n_objects objects in 6 bands (ugrizy) and 3 classes; object i has 20 + 7 (i mod 10)
 * observations (i mod 10); flux rises and falls, every 5th observation is not detected,
 * and object 0 has one negative flux.  Meta column "period" = 1.5 + i. */
LcDataset *pb_test_dataset_new (int n_objects);
