/* lc-augment.h: training-set augmentation that respects the physics of light
 * curves.
 *
 * A copy of an object is the same source seen again: each copy
 *  - redraws every flux with Gaussian noise of noise × its 1-sigma error (when
 *    the file has no errors, noise × the object's robust point-to-point
 *    scatter in that band, the best stand-in for the photometric error);
 *  - moves the whole light curve in time by a uniform shift in
 *    [-time_shift, +time_shift] days (on a grid: whole steps; cells pushed off
 *    the grid are lost, as when a survey starts later);
 *  - drops each observation with probability drop_fraction (never all of them);
 *  - multiplies every flux and error by one factor exp(N(0, amplitude_jitter)),
 *    i.e. the same source a little nearer or farther (flux data only; a
 *    magnitude light curve is shifted by -2.5 log10 of that factor instead).
 * Labels, metadata, bands and classes are kept.  Everything is drawn from an
 * NnRng seeded with `seed`, object by object, so the same seed gives the same
 * copies on every machine.
 *
 * Augment the training rows only, after the split: a copy of a validation
 * object in the training set would leak it.
 */
#pragma once

#include "lc-dataset.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  int copies;                 /* augmented copies per object (0: none) */
  double noise;               /* noise in units of the flux error (0: off) */
  double time_shift;          /* largest shift, days (grid: steps) (0: off) */
  double drop_fraction;       /* chance to drop an observation, [0, 1) */
  double amplitude_jitter;    /* std of the log flux factor (0: off) */
  gboolean keep_originals;    /* the result starts with the unchanged rows */
  guint64 seed;
} LcAugmentOptions;

/* One copy, noise 1, shift 0, drop 0.1, jitter 0, originals kept, seed 0. */
void lc_augment_options_default (LcAugmentOptions *options);

/* Whether options ask for any change at all (copies > 0 and some effect). */
gboolean lc_augment_options_active (const LcAugmentOptions *options);

/* A new dataset holding rows[0..n_rows) of ds (NULL: every object) unchanged
 * when keep_originals, followed by `copies` augmented copies of each row (all
 * copies of row 0, then of row 1, ...); rows must not repeat (augment before
 * resampling).  Copies are named "<id>~aug<k>".  The
 * result has the same bands, classes (counts recomputed), metadata columns,
 * grid flag and value kind.  source_out (may be NULL) gets, for each object of
 * the result, the row of ds it came from; free with g_free.  Fails
 * (LC_ERROR_MISMATCH) on options out of range or a row out of range. */
LcDataset *lc_augment_dataset (const LcDataset *ds, const int *rows, int n_rows,
                               const LcAugmentOptions *options, int **source_out, GError **error);

/* The robust point-to-point scatter of band `band` of object `object`:
 * 1.4826 × median |v[i+1] - v[i]| / √2 over its consecutive finite values;
 * NaN with fewer than two values.  What the noise uses when errors are unknown. */
double lc_augment_band_scatter (const LcDataset *ds, gsize object, int band);

/* The model file's "augmentation" object (nn-model-file.h):
 *   {"copies": 2, "noise": 1.0, "time_shift": 2, "drop_fraction": 0.1,
 *    "amplitude_jitter": 0.2, "keep_originals": true}
 * Every field is optional (lc_augment_options_default for the rest); the seed
 * is not stored (the training seed is used).  Unknown fields and values out of
 * range fail with LC_ERROR_FORMAT naming the field. */
gboolean  lc_augment_options_from_json (JsonNode *node, LcAugmentOptions *options, GError **error);
JsonNode *lc_augment_options_to_json   (const LcAugmentOptions *options);

G_END_DECLS
