/* lc-encoder.h: from an LcDataset to the tensors a network eats (DESIGN §6).
 *
 * The MISweeper recipe, configurable.  Two ways to turn an object into steps:
 *
 *  observations (irregular surveys, e.g. PLAsTiCC): one step per observation,
 *    sorted by time, with the features
 *      [Δt, value, error, detected, one-hot band (n_bands)]
 *    Δt is the time since the previous observation (0 for the first), as
 *    log(1 + days) when dt_log; error and detected are left out when turned
 *    off (error also when the fitted data had no errors at all).
 *  grid (.ts/.npy, every object on the same step grid): one step per time
 *    step with one value per band, then one error per band when present:
 *      [value_b0 .. value_bN, (error_b0 .. error_bN)]
 *    missing cells are 0.
 *
 * Values are first scaled (none; log: sign(v) log(1 + |v|); asinh: asinh(v)),
 * errors with the derivative of that scaling (error / (1 + |v|), error /
 * sqrt(1 + v²)), then normalised:
 *  object-robust: (v - median) / (1.4826 MAD) of the object's scaled values
 *    (falls back to the mean absolute deviation, then 1, when the MAD is 0);
 *  object-maxabs: v / max |v| of the object;
 *  global: (v - mean) / std of every scaled value of the training rows;
 *  none.
 * Errors are divided by the same scale.
 *
 * The static input (NnData.meta) is the aggregate features of lc-features.h
 * (as sign(x) log(1 + |x|), since they span many decades) followed by the
 * chosen metadata columns; each is standardised with the mean and std of the
 * training rows.  Missing values (NaN: an undefined skew, a galactic object's
 * distmod) become 0 after standardisation, i.e. the training mean.  The
 * metadata column "galactic" is derived when the dataset has none: 1 when
 * hostgal_photoz is 0, else 0.
 *
 * Statistics come from lc_encoder_fit on the training rows only; the fitted
 * encoder is saved as the model file's "preprocessing" (lc_encoder_to_json)
 * so that prediction repeats it exactly.  x and meta never hold NaN or Inf.
 *
 * Labels are class indices in the fitted class list (the class ids of the
 * dataset given to fit), so a model trained on one file labels another file
 * the same way; objects of other classes get -1.
 */
#pragma once

#include "lc-dataset.h"
#include "nn-data.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  LC_ENCODE_AUTO = 0,        /* grid when the dataset is on a grid, else observations */
  LC_ENCODE_OBSERVATIONS,
  LC_ENCODE_GRID,
} LcEncodeMode;

typedef enum
{
  LC_SCALE_NONE = 0,
  LC_SCALE_LOG,              /* sign(v) log(1 + |v|) */
  LC_SCALE_ASINH,            /* asinh(v) */
} LcValueScale;

typedef enum
{
  LC_NORM_OBJECT_ROBUST = 0, /* per object: median / MAD */
  LC_NORM_OBJECT_MAXABS,     /* per object: divide by max |v| */
  LC_NORM_GLOBAL,            /* mean / std fitted on the training rows */
  LC_NORM_NONE,
} LcNormalisation;

typedef struct
{
  LcEncodeMode mode;
  LcValueScale value_scale;
  LcNormalisation normalisation;
  gboolean dt_log;            /* Δt as log(1 + days) (TRUE) or days */
  gboolean with_error;        /* error feature(s) */
  gboolean with_detected;     /* detected flag (observations mode) */
  /* Windows: an object is encoded from the observations that pass all three,
   * and its aggregate features are computed on the same observations, so the
   * model never sees more than the window. */
  int max_steps;              /* keep the first max_steps steps; 0: as long as the longest */
  int first_k;                /* only the first k observations (grid: steps) of each object; 0: all */
  double first_days;          /* only observations up to this many days after the first
                               * detection (grid: steps after the first step); 0: all */
  gboolean with_features;     /* aggregate features in the static input */
  /* Metadata columns in the static input (NULL-terminated, copied).  NULL picks
   * hostgal_photoz, hostgal_photoz_err, distmod, mwebv and galactic when the
   * dataset has hostgal_photoz, else every metadata column; an empty list
   * (a pointer to NULL) means none. */
  const char *const *meta_columns;
  /* Per-band summary in the static input, after the aggregate features: for
   * each band, over the values of its observations, asinh(v) median, min and
   * max, the std of asinh(v), the skew of v and log(1 + count).  What a colour
   * and an amplitude are; per-object normalisation of the steps hides them. */
  gboolean with_band_features;
  /* The period of a variable star and the Fourier parameters of its light
   * curve (lc-period.h), after the per-band summary: log10 period,
   * periodogram power, log amplitude, R21, R31 and phi21, phi31 as cos and
   * sin.  Searched from period_min days (0: lc-period's default) to half the
   * baseline; costs a few milliseconds per object. */
  gboolean with_period_features;
  double period_min;
} LcEncoderOptions;

typedef struct _LcEncoder LcEncoder;

/* Observations (or grid when the data are), log scaling, per-object robust
 * normalisation, log Δt, error and detected, aggregate features, default metadata. */
void       lc_encoder_options_default (LcEncoderOptions *options);

/* options NULL: the defaults. */
LcEncoder *lc_encoder_new  (const LcEncoderOptions *options);
void       lc_encoder_free (LcEncoder *encoder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LcEncoder, lc_encoder_free)

/* Fits the layout (bands, classes, columns) and statistics on rows[0..n_rows)
 * of ds (NULL: every object).  Fails when a metadata column is missing or the
 * grid mode is asked for data that are not on a grid. */
gboolean   lc_encoder_fit    (LcEncoder *encoder, const LcDataset *ds, const int *rows, int n_rows,
                              GError **error);
gboolean   lc_encoder_is_fitted (const LcEncoder *encoder);

/* Progress of the slow part of fit and encode (the aggregate, per-band and
 * period features of each object): progress is called in the calling
 * thread every few objects with the fraction of that call done (0..1,
 * never decreasing, 1 at the end); returning FALSE makes fit or encode fail
 * with LC_ERROR_CANCELLED (a cancelled fit leaves the encoder unfitted).
 * NULL: none.  A setting of this encoder object, not saved with it. */
void       lc_encoder_set_progress (LcEncoder *encoder, LcProgressFunc progress, gpointer user_data);
/* With threads >= 2, fit and encode compute those features in two threads;
 * the results are the same bytes as with one.  Default 1; not saved. */
void       lc_encoder_set_threads  (LcEncoder *encoder, int threads);

/* Encodes rows[0..n_rows) of ds (NULL: every object) in that order.  Fails
 * when ds lacks a band or metadata column the encoder was fitted with. */
NnData    *lc_encoder_encode (const LcEncoder *encoder, const LcDataset *ds, const int *rows, int n_rows,
                              GError **error);
/* The same with another early-classification window than the fitted one
 * (first_k / first_days as in the options; 0 for all), computing the
 * aggregate features in threads (1 or 2; the values do not depend on it).
 * A const encoder may be shared: the thread count is the caller's. */
NnData    *lc_encoder_encode_window (const LcEncoder *encoder, const LcDataset *ds, const int *rows,
                                     int n_rows, int first_k, double first_days, int threads,
                                     GError **error);

/* Maps values laid out like the encoded steps of one object back to its
 * observations: x (steps, F) as lc_encoder_encode_window (same first_k,
 * first_days) laid out object `object` of ds (e.g. an attribution of every
 * encoded value); obs_out[o->n_obs] gets, for each observation, the sum of
 * the values of the cells it filled: its whole step in observations mode
 * (Δt, value, error, detected and band), its band's value and error cells
 * of its step on a grid.  An observation the network never saw (a missing
 * value, outside the window, past `steps`, or a grid cell a later
 * observation overwrote) gets NaN.  Every cell an observation filled belongs
 * to exactly one, so the finite outputs add up to the values of those cells
 * (empty grid cells and padding are left out). */
gboolean    lc_encoder_cells_to_observations (const LcEncoder *encoder, const LcDataset *ds, int object,
                                              int first_k, double first_days, const float *x, int steps,
                                              double *obs_out, GError **error);

/* The steps encode would give rows of ds (NULL: every object), computing no
 * values or features: what a builder needs to size a network, at once even
 * when the features are costly.  An unfitted encoder gets the layout of ds
 * (so the shapes below answer) but stays unfitted. */
gboolean    lc_encoder_shape  (LcEncoder *encoder, const LcDataset *ds, const int *rows, int n_rows,
                               int *steps, GError **error);

/* Shapes and names of what encode produces (after fit or lc_encoder_shape). */
int         lc_encoder_step_features  (const LcEncoder *encoder);   /* F */
int         lc_encoder_meta_features  (const LcEncoder *encoder);   /* S */
const char *lc_encoder_step_feature_name (const LcEncoder *encoder, int k);  /* "dt", "value", "band_r", ... */
const char *lc_encoder_meta_feature_name (const LcEncoder *encoder, int k);  /* "flux_mean", "hostgal_photoz", ... */
int         lc_encoder_n_bands        (const LcEncoder *encoder);
const char *lc_encoder_band_name      (const LcEncoder *encoder, int band);   /* "u", "g", ... */
int         lc_encoder_n_classes      (const LcEncoder *encoder);
const int  *lc_encoder_class_ids      (const LcEncoder *encoder);
const LcEncoderOptions *lc_encoder_get_options (const LcEncoder *encoder);

/* The encoder as the model file's "preprocessing" object, and back.  A fitted
 * encoder writes its options, layout and statistics; an unfitted one (a
 * preset) only its options.  from_json reads either: an object without
 * "value_mean" is a preset whose fields are all optional (defaults for the
 * rest) and gives an unfitted encoder.  Unknown or malformed fields fail
 * with an LC_ERROR_FORMAT that names the field. */
JsonNode  *lc_encoder_to_json   (const LcEncoder *encoder);
LcEncoder *lc_encoder_from_json (JsonNode *node, GError **error);

const char *lc_encode_mode_to_string    (LcEncodeMode mode);
const char *lc_value_scale_to_string    (LcValueScale scale);
const char *lc_normalisation_to_string  (LcNormalisation normalisation);
/* -1 when the name is unknown. */
int         lc_value_scale_from_string   (const char *name);
int         lc_normalisation_from_string (const char *name);
int         lc_encode_mode_from_string   (const char *name);

G_END_DECLS
