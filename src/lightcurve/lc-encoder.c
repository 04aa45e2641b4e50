/* lc-encoder.c: datasets to padded tensors, the MISweeper recipe (DESIGN §6) */
#include "config.h"

#include "lc-encoder.h"

#include "lc-features.h"
#include "lc-period.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define ENCODER_FORMAT "passband-encoder"
#define ENCODER_VERSION 1
/* far beyond anything a sane normalisation gives, yet finite in float */
#define VALUE_LIMIT 1e6

/* Indexed by LcValueKind: "values" in a fitted encoder. */
static const char *const value_kind_names[] = { "flux", "magnitude" };

struct _LcEncoder
{
  LcEncoderOptions options;   /* options.meta_columns points at meta_request */
  char **meta_request;        /* the caller's column list, or NULL for the default choice */
  gboolean fitted;

  /* layout, fixed by fit */
  LcEncodeMode mode;          /* observations or grid */
  int value_kind;             /* LcValueKind of the fitted data; -1 for files without "values" */
  gboolean with_error;
  int n_bands;
  char **band_names;
  int n_classes;
  int *class_ids;
  int n_meta_columns;
  char **meta_columns;
  int n_step;                 /* F */
  int n_static;               /* S */
  char **step_names;
  char **static_names;
  int off_error, off_detected, off_band;   /* observations mode; -1 when absent */

  /* statistics, fitted on the training rows */
  double value_mean, value_std;
  double *static_mean, *static_std;

  /* how fit and encode run: settings of this object, never saved */
  LcProgressFunc progress;
  gpointer progress_data;
  int threads;
};

/* The slice of an object that is encoded. */
typedef struct
{
  gsize first;
  int n;
} Window;

/* Where an encoder's metadata column comes from in one dataset. */
typedef struct
{
  int column;        /* index in ds->meta_names, or -1 */
  gboolean galactic; /* derived from hostgal_photoz (column) */
} MetaSource;

/* ---------------------------------------------------------------- names */

static const char *const mode_names[] = { "auto", "observations", "grid" };
static const char *const scale_names[] = { "none", "log", "asinh" };
static const char *const norm_names[] = { "object-robust", "object-maxabs", "global", "none" };

static int
name_index (const char *const *names, int n, const char *name)
{
  for (int i = 0; name != NULL && i < n; i++)
    if (strcmp (names[i], name) == 0)
      return i;
  return -1;
}

const char *
lc_encode_mode_to_string (LcEncodeMode mode)
{
  return (unsigned) mode < G_N_ELEMENTS (mode_names) ? mode_names[mode] : NULL;
}

const char *
lc_value_scale_to_string (LcValueScale scale)
{
  return (unsigned) scale < G_N_ELEMENTS (scale_names) ? scale_names[scale] : NULL;
}

const char *
lc_normalisation_to_string (LcNormalisation normalisation)
{
  return (unsigned) normalisation < G_N_ELEMENTS (norm_names) ? norm_names[normalisation] : NULL;
}

int
lc_encode_mode_from_string (const char *name)
{
  return name_index (mode_names, G_N_ELEMENTS (mode_names), name);
}

int
lc_value_scale_from_string (const char *name)
{
  return name_index (scale_names, G_N_ELEMENTS (scale_names), name);
}

int
lc_normalisation_from_string (const char *name)
{
  return name_index (norm_names, G_N_ELEMENTS (norm_names), name);
}

/* ---------------------------------------------------------------- lifetime */

void
lc_encoder_options_default (LcEncoderOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->mode = LC_ENCODE_AUTO;
  options->value_scale = LC_SCALE_LOG;
  options->normalisation = LC_NORM_OBJECT_ROBUST;
  options->dt_log = TRUE;
  options->with_error = TRUE;
  options->with_detected = TRUE;
  options->with_features = TRUE;
  options->meta_columns = NULL;
}

LcEncoder *
lc_encoder_new (const LcEncoderOptions *options)
{
  LcEncoder *enc = g_new0 (LcEncoder, 1);

  if (options != NULL)
    enc->options = *options;
  else
    lc_encoder_options_default (&enc->options);
  enc->meta_request = g_strdupv ((char **) enc->options.meta_columns);
  enc->options.meta_columns = (const char *const *) enc->meta_request;
  enc->value_std = 1.0;
  enc->value_kind = -1;
  return enc;
}

static void
clear_layout (LcEncoder *enc)
{
  g_clear_pointer (&enc->band_names, g_strfreev);
  g_clear_pointer (&enc->class_ids, g_free);
  g_clear_pointer (&enc->meta_columns, g_strfreev);
  g_clear_pointer (&enc->step_names, g_strfreev);
  g_clear_pointer (&enc->static_names, g_strfreev);
  g_clear_pointer (&enc->static_mean, g_free);
  g_clear_pointer (&enc->static_std, g_free);
  enc->fitted = FALSE;
}

void
lc_encoder_free (LcEncoder *encoder)
{
  if (encoder == NULL)
    return;
  clear_layout (encoder);
  g_strfreev (encoder->meta_request);
  g_free (encoder);
}

gboolean
lc_encoder_is_fitted (const LcEncoder *encoder)
{
  return encoder != NULL && encoder->fitted;
}

void
lc_encoder_set_progress (LcEncoder *encoder, LcProgressFunc progress, gpointer user_data)
{
  g_return_if_fail (encoder != NULL);
  encoder->progress = progress;
  encoder->progress_data = progress != NULL ? user_data : NULL;
}

void
lc_encoder_set_threads (LcEncoder *encoder, int threads)
{
  g_return_if_fail (encoder != NULL);
  encoder->threads = threads;
}

int
lc_encoder_step_features (const LcEncoder *encoder)
{
  return encoder->n_step;
}

int
lc_encoder_meta_features (const LcEncoder *encoder)
{
  return encoder->n_static;
}

const char *
lc_encoder_step_feature_name (const LcEncoder *encoder, int k)
{
  return k >= 0 && k < encoder->n_step ? encoder->step_names[k] : NULL;
}

const char *
lc_encoder_meta_feature_name (const LcEncoder *encoder, int k)
{
  return k >= 0 && k < encoder->n_static ? encoder->static_names[k] : NULL;
}

int
lc_encoder_n_bands (const LcEncoder *encoder)
{
  return encoder->n_bands;
}

const char *
lc_encoder_band_name (const LcEncoder *encoder, int band)
{
  return band >= 0 && band < encoder->n_bands ? encoder->band_names[band] : NULL;
}

int
lc_encoder_n_classes (const LcEncoder *encoder)
{
  return encoder->n_classes;
}

const int *
lc_encoder_class_ids (const LcEncoder *encoder)
{
  return encoder->class_ids;
}

const LcEncoderOptions *
lc_encoder_get_options (const LcEncoder *encoder)
{
  return &encoder->options;
}

/* ---------------------------------------------------------------- value transforms */

static double
scale_value (LcValueScale scale, double v)
{
  switch (scale)
    {
    case LC_SCALE_LOG:
      return copysign (log1p (fabs (v)), v);
    case LC_SCALE_ASINH:
      return asinh (v);
    case LC_SCALE_NONE:
    default:
      return v;
    }
}

/* The error after scaling: the error times the derivative of the scaling. */
static double
scale_error (LcValueScale scale, double v, double e)
{
  switch (scale)
    {
    case LC_SCALE_LOG:
      return e / (1.0 + fabs (v));
    case LC_SCALE_ASINH:
      return e / sqrt (1.0 + v * v);
    case LC_SCALE_NONE:
    default:
      return e;
    }
}

/* Finite and within float range, or 0 (what padding and missing values are). */
static float
finite_or_zero (double v)
{
  if (!isfinite (v))
    return 0.0f;
  return (float) CLAMP (v, -VALUE_LIMIT, VALUE_LIMIT);
}

static double
signed_log1p (double v)
{
  return copysign (log1p (fabs (v)), v);
}

/* ---------------------------------------------------------------- windows */

/* The observations of o that are encoded: the first first_k (or max_steps),
 * up to first_days after the first detection. */
static Window
object_window (const LcDataset *ds, const LcObject *o, int first_k, double first_days, int max_steps)
{
  Window w = { o->first, o->n_obs };
  int k = first_k;

  if (max_steps > 0 && (k <= 0 || max_steps < k))
    k = max_steps;
  if (first_days > 0.0 && o->n_obs > 0)
    {
      double t0 = ds->time[o->first];
      int n = 0;
      for (int i = 0; i < o->n_obs; i++)
        if (ds->detected[o->first + i])
          {
            t0 = ds->time[o->first + i];
            break;
          }
      while (n < o->n_obs && ds->time[o->first + n] <= t0 + first_days)
        n++;
      w.n = n;
    }
  if (k > 0 && w.n > k)
    w.n = k;
  return w;
}

/* Grid: the window counts steps, not observations (several bands per step). */
static Window
grid_window (const LcDataset *ds, const LcObject *o, int first_k, double first_days, int max_steps)
{
  Window w = { o->first, 0 };
  double t0 = o->n_obs > 0 ? ds->time[o->first] : 0.0;
  int k = first_k;

  if (max_steps > 0 && (k <= 0 || max_steps < k))
    k = max_steps;
  for (int i = 0; i < o->n_obs; i++)
    {
      double t = ds->time[o->first + i];
      if ((k > 0 && t >= k) || (first_days > 0.0 && t > t0 + first_days))
        break;
      w.n = i + 1;
    }
  return w;
}

static Window
window_for (const LcEncoder *enc, const LcDataset *ds, const LcObject *o, int first_k, double first_days)
{
  if (enc->mode == LC_ENCODE_GRID)
    return grid_window (ds, o, first_k, first_days, enc->options.max_steps);
  return object_window (ds, o, first_k, first_days, enc->options.max_steps);
}

/* Scaled values of the finite observations in w into out; returns how many. */
static int
scaled_values (const LcEncoder *enc, const LcDataset *ds, Window w, double *out)
{
  int n = 0;
  for (int i = 0; i < w.n; i++)
    {
      double v = ds->value[w.first + i];
      if (isfinite (v))
        out[n++] = scale_value (enc->options.value_scale, v);
    }
  return n;
}

/* Centre and scale of an object's values (global ones for LC_NORM_GLOBAL). */
static void
object_normalisation (const LcEncoder *enc, double *v, int n, double *scratch,
                      double *centre, double *scale)
{
  *centre = 0.0;
  *scale = 1.0;
  switch (enc->options.normalisation)
    {
    case LC_NORM_OBJECT_ROBUST:
      if (n > 0)
        {
          *centre = lc_stat_median (v, n, scratch);
          *scale = lc_stat_robust_scale (v, n, *centre, scratch);
        }
      break;
    case LC_NORM_OBJECT_MAXABS:
      for (int i = 0; i < n; i++)
        *scale = i == 0 ? fabs (v[i]) : MAX (*scale, fabs (v[i]));
      if (!(*scale > 0.0))
        *scale = 1.0;
      break;
    case LC_NORM_GLOBAL:
      *centre = enc->value_mean;
      *scale = enc->value_std;
      break;
    case LC_NORM_NONE:
    default:
      break;
    }
}

/* ---------------------------------------------------------------- static input */

static gboolean
resolve_meta_sources (const LcEncoder *enc, const LcDataset *ds, MetaSource *sources, GError **error)
{
  for (int k = 0; k < enc->n_meta_columns; k++)
    {
      const char *name = enc->meta_columns[k];
      sources[k].column = name_index ((const char *const *) ds->meta_names, ds->n_meta, name);
      sources[k].galactic = FALSE;
      if (sources[k].column < 0 && strcmp (name, "galactic") == 0)
        {
          sources[k].column = name_index ((const char *const *) ds->meta_names, ds->n_meta, "hostgal_photoz");
          sources[k].galactic = TRUE;
        }
      if (sources[k].column < 0)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       /* TRANSLATORS: the last %s is empty or " (galactic needs hostgal_photoz)" */
                       _("%s: metadata column “%s” used by the encoder is missing%s"),
                       ds->path != NULL ? ds->path : _("dataset"), name,
                       strcmp (name, "galactic") == 0 ? _(" (galactic needs hostgal_photoz)") : "");
          return FALSE;
        }
    }
  return TRUE;
}

#define PERIOD_FEATURES 9
static const char *const period_feature_names[PERIOD_FEATURES] = {
  "period_log10", "period_power", "period_log_amplitude", "period_r21", "period_r31",
  "period_phi21_cos", "period_phi21_sin", "period_phi31_cos", "period_phi31_sin"
};

#define BAND_FEATURES 6
static const char *const band_feature_names[BAND_FEATURES] = {
  "asinh_median", "asinh_min", "asinh_max", "asinh_std", "skew", "log_count"
};

/* The per-band summary (with_band_features) of window w into
 * out[n_bands * BAND_FEATURES], in the encoder's band order; NaN for a band
 * without observations (standardised to 0 later). */
static void
band_static (const LcEncoder *enc, const LcDataset *ds, Window w, double *out)
{
  g_autofree double *v = g_new (double, MAX (w.n, 1));
  g_autofree double *raw = g_new (double, MAX (w.n, 1));
  g_autofree double *scratch = g_new (double, MAX (w.n, 1));

  for (int b = 0; b < enc->n_bands; b++)
    {
      double *f = out + (gsize) b * BAND_FEATURES;
      int db = name_index ((const char *const *) ds->band_names, ds->n_bands, enc->band_names[b]);
      int n = 0;
      double lo = INFINITY, hi = -INFINITY;

      for (int i = 0; i < w.n && db >= 0; i++)
        {
          gsize j = w.first + i;
          if (ds->band[j] != db || !isfinite (ds->value[j]))
            continue;
          raw[n] = ds->value[j];
          v[n] = asinh (ds->value[j]);
          lo = MIN (lo, v[n]);
          hi = MAX (hi, v[n]);
          n++;
        }
      f[5] = log1p (n);
      if (n == 0)
        {
          f[0] = f[1] = f[2] = f[3] = f[4] = NAN;
          continue;
        }
      f[1] = lo;
      f[2] = hi;
      f[3] = lc_stat_std (v, n);
      f[4] = lc_stat_skew (raw, n);
      f[0] = lc_stat_median (v, n, scratch);
    }
}

/* The period features (with_period_features) of window w into
 * out[PERIOD_FEATURES]; NaN (standardised to 0 later) when the window is too
 * short to search. */
static void
period_static (const LcEncoder *enc, const LcDataset *ds, Window w, double *out)
{
  LcPeriodOptions options;
  LcPeriodFit fit;

  lc_period_options_default (&options);
  if (enc->options.period_min > 0)
    options.min_period = enc->options.period_min;
  lc_period_fit_range (ds, w.first, w.n, &options, &fit);
  out[0] = log10 (fit.period);
  out[1] = fit.power;
  out[2] = log (fit.amplitude);
  out[3] = fit.r21;
  out[4] = fit.r31;
  out[5] = cos (fit.phi21);
  out[6] = sin (fit.phi21);
  out[7] = cos (fit.phi31);
  out[8] = sin (fit.phi31);
}

/* Unstandardised static input of object o over window w into out[S]. */
static void
raw_static (const LcEncoder *enc, const LcDataset *ds, const LcObject *o, Window w,
            const MetaSource *sources, double *out)
{
  int s = 0;
  if (enc->options.with_features)
    {
      float f[LC_N_FEATURES];
      lc_features_compute_range (ds, w.first, w.n, f);
      for (int k = 0; k < LC_N_FEATURES; k++)
        out[s++] = signed_log1p (f[k]);
    }
  if (enc->options.with_band_features)
    {
      band_static (enc, ds, w, out + s);
      s += enc->n_bands * BAND_FEATURES;
    }
  if (enc->options.with_period_features)
    {
      period_static (enc, ds, w, out + s);
      s += PERIOD_FEATURES;
    }
  for (int k = 0; k < enc->n_meta_columns; k++)
    {
      double v = o->meta != NULL ? o->meta[sources[k].column] : NAN;
      if (sources[k].galactic)
        v = isnan (v) ? NAN : (v == 0.0 ? 1.0 : 0.0);
      out[s++] = v;
    }
}

/* ---------------------------------------------------------------- static pass */

/* Rows whose raw static input is held at once: bounds the memory of a pass
 * over a large (augmented) training set. */
#define STATIC_BLOCK 1024
/* The calling thread reports progress after every this many of its objects. */
#define PROGRESS_EVERY 4

/* The raw static input of rows[0..n) into raw[n * S], shared by one or two
 * threads that take the next row in turn.  Each row's result depends on that
 * row only, so the bytes do not depend on the threads. */
typedef struct
{
  const LcEncoder *enc;
  const LcDataset *ds;
  const int *rows;
  const Window *windows;
  const MetaSource *sources;
  int n;
  double *raw;
  int done_before, total;   /* rows of the whole pass done before this block, and in all */
  gint next;                /* atomic: the next row to take */
  gint done;                /* atomic: rows finished */
  gint stop;                /* atomic: cancelled */
} StaticPass;

static gboolean
report_progress (const LcEncoder *enc, int done, int total)
{
  return enc->progress == NULL
         || enc->progress (total > 0 ? (double) done / total : 1.0, enc->progress_data);
}

static void
static_pass_rows (StaticPass *p, gboolean report)
{
  int s_n = p->enc->n_static, mine = 0, i;

  while (!g_atomic_int_get (&p->stop) && (i = g_atomic_int_add (&p->next, 1)) < p->n)
    {
      raw_static (p->enc, p->ds, &p->ds->objects[p->rows[i]], p->windows[i], p->sources,
                  p->raw + (gsize) i * s_n);
      g_atomic_int_inc (&p->done);
      if (report && ++mine % PROGRESS_EVERY == 0
          && !report_progress (p->enc, p->done_before + g_atomic_int_get (&p->done), p->total))
        g_atomic_int_set (&p->stop, TRUE);
    }
}

static gpointer
static_pass_helper (gpointer data)
{
  static_pass_rows (data, FALSE);
  return NULL;
}

static gboolean
cancelled (GError **error)
{
  g_set_error (error, LC_ERROR, LC_ERROR_CANCELLED, _("cancelled"));
  return FALSE;
}

/* One block of a pass over total rows, done_before of them done already.
 * Only the calling thread calls the progress function. */
static gboolean
static_pass (const LcEncoder *enc, const LcDataset *ds, const int *rows, const Window *windows,
             int n, const MetaSource *sources, double *raw, int done_before, int total, int threads,
             GError **error)
{
  StaticPass p = { enc, ds, rows, windows, sources, n, raw, done_before, total, 0, 0, FALSE };
  GThread *helper = NULL;

  if (enc->n_static > 0)
    {
      if (threads >= 2 && n >= 2)
        helper = g_thread_new ("lc-encode", static_pass_helper, &p);
      static_pass_rows (&p, TRUE);
      if (helper != NULL)
        g_thread_join (helper);
    }
  if (g_atomic_int_get (&p.stop) || !report_progress (enc, done_before + n, total))
    return cancelled (error);
  return TRUE;
}

/* ---------------------------------------------------------------- fit */

static void
default_meta_columns (const LcDataset *ds, GPtrArray *out)
{
  static const char *const preferred[] = { "hostgal_photoz", "hostgal_photoz_err", "distmod", "mwebv" };
  const char *const *names = (const char *const *) ds->meta_names;

  if (name_index (names, ds->n_meta, "hostgal_photoz") < 0)
    {
      for (int k = 0; k < ds->n_meta; k++)
        g_ptr_array_add (out, g_strdup (ds->meta_names[k]));
      return;
    }
  for (guint k = 0; k < G_N_ELEMENTS (preferred); k++)
    if (name_index (names, ds->n_meta, preferred[k]) >= 0)
      g_ptr_array_add (out, g_strdup (preferred[k]));
  g_ptr_array_add (out, g_strdup ("galactic"));
}

static gboolean
any_error_known (const LcDataset *ds, const int *rows, int n_rows)
{
  for (int r = 0; r < n_rows; r++)
    {
      const LcObject *o = &ds->objects[rows[r]];
      for (int i = 0; i < o->n_obs; i++)
        if (isfinite (ds->error[o->first + i]))
          return TRUE;
    }
  return FALSE;
}

/* Feature names and offsets for the layout chosen by fit. */
static void
build_names (LcEncoder *enc)
{
  g_autoptr (GPtrArray) step = g_ptr_array_new ();
  g_autoptr (GPtrArray) stat = g_ptr_array_new ();

  enc->off_error = enc->off_detected = enc->off_band = -1;
  if (enc->mode == LC_ENCODE_GRID)
    {
      for (int b = 0; b < enc->n_bands; b++)
        g_ptr_array_add (step, g_strdup_printf ("value_%s", enc->band_names[b]));
      if (enc->with_error)
        for (int b = 0; b < enc->n_bands; b++)
          g_ptr_array_add (step, g_strdup_printf ("error_%s", enc->band_names[b]));
    }
  else
    {
      g_ptr_array_add (step, g_strdup ("dt"));
      g_ptr_array_add (step, g_strdup ("value"));
      if (enc->with_error)
        {
          enc->off_error = step->len;
          g_ptr_array_add (step, g_strdup ("error"));
        }
      if (enc->options.with_detected)
        {
          enc->off_detected = step->len;
          g_ptr_array_add (step, g_strdup ("detected"));
        }
      enc->off_band = step->len;
      for (int b = 0; b < enc->n_bands; b++)
        g_ptr_array_add (step, g_strdup_printf ("band_%s", enc->band_names[b]));
    }
  if (enc->options.with_features)
    for (int k = 0; k < LC_N_FEATURES; k++)
      g_ptr_array_add (stat, g_strdup (lc_feature_name (k)));
  if (enc->options.with_band_features)
    for (int b = 0; b < enc->n_bands; b++)
      for (int k = 0; k < BAND_FEATURES; k++)
        g_ptr_array_add (stat, g_strdup_printf ("%s_%s", band_feature_names[k], enc->band_names[b]));
  if (enc->options.with_period_features)
    for (int k = 0; k < PERIOD_FEATURES; k++)
      g_ptr_array_add (stat, g_strdup (period_feature_names[k]));
  for (int k = 0; k < enc->n_meta_columns; k++)
    g_ptr_array_add (stat, g_strdup (enc->meta_columns[k]));

  enc->n_step = step->len;
  enc->n_static = stat->len;
  g_ptr_array_add (step, NULL);
  g_ptr_array_add (stat, NULL);
  enc->step_names = (char **) g_ptr_array_steal (step, NULL);
  enc->static_names = (char **) g_ptr_array_steal (stat, NULL);
}

/* Mean and std (population) of the finite values; 0 and 1 when there are none
 * or they do not spread. */
static void
finite_mean_std (double sum, double sum_sq, gsize n, double *mean, double *std)
{
  double var;
  *mean = n > 0 ? sum / n : 0.0;
  var = n > 0 ? sum_sq / n - *mean * *mean : 0.0;
  /* sum_sq / n - mean² of a constant is rounding noise of about n ε mean²,
   * not 0: a spread below 1e-5 of the mean (less than a float32 input can
   * carry) counts as none, or an object off that constant (a band left out,
   * an early window) would be standardised to millions */
  *std = var > 1e-10 * MAX (1.0, *mean * *mean) && isfinite (var) ? sqrt (var) : 1.0;
  if (!isfinite (*mean))
    *mean = 0.0;
}

static void
fit_value_statistics (LcEncoder *enc, const LcDataset *ds, const int *rows, int n_rows, double *buf)
{
  double sum = 0.0, sum_sq = 0.0;
  gsize n = 0;

  for (int r = 0; r < n_rows; r++)
    {
      const LcObject *o = &ds->objects[rows[r]];
      Window w = window_for (enc, ds, o, enc->options.first_k, enc->options.first_days);
      int m = scaled_values (enc, ds, w, buf);
      for (int i = 0; i < m; i++)
        {
          sum += buf[i];
          sum_sq += buf[i] * buf[i];
        }
      n += m;
    }
  finite_mean_std (sum, sum_sq, n, &enc->value_mean, &enc->value_std);
}

static gboolean
fit_static_statistics (LcEncoder *enc, const LcDataset *ds, const int *rows, int n_rows,
                       const MetaSource *sources, GError **error)
{
  int s_n = enc->n_static, block = MIN (n_rows, STATIC_BLOCK);
  g_autofree double *raw = g_new (double, (gsize) MAX (s_n, 1) * MAX (block, 1));
  g_autofree Window *windows = g_new (Window, MAX (block, 1));
  g_autofree double *sum = g_new0 (double, MAX (s_n, 1));
  g_autofree double *sum_sq = g_new0 (double, MAX (s_n, 1));
  g_autofree gsize *count = g_new0 (gsize, MAX (s_n, 1));

  enc->static_mean = g_new0 (double, MAX (s_n, 1));
  enc->static_std = g_new0 (double, MAX (s_n, 1));
  for (int b0 = 0; b0 < n_rows; b0 += block)
    {
      int n = MIN (block, n_rows - b0);
      for (int r = 0; r < n; r++)
        windows[r] = window_for (enc, ds, &ds->objects[rows[b0 + r]], enc->options.first_k,
                                 enc->options.first_days);
      if (!static_pass (enc, ds, rows + b0, windows, n, sources, raw, b0, n_rows, enc->threads, error))
        return FALSE;
      /* summed in row order, as one thread would */
      for (int r = 0; r < n; r++)
        for (int k = 0; k < s_n; k++)
          {
            double v = raw[(gsize) r * s_n + k];
            if (isfinite (v))
              {
                sum[k] += v;
                sum_sq[k] += v * v;
                count[k]++;
              }
          }
    }
  for (int k = 0; k < s_n; k++)
    finite_mean_std (sum[k], sum_sq[k], count[k], &enc->static_mean[k], &enc->static_std[k]);
  return TRUE;
}

/* rows NULL: 0..n_objects-1 in a new array; else a check that each is an object. */
static int *
resolve_rows (const LcDataset *ds, const int *rows, int *n_rows, GError **error)
{
  if (rows == NULL)
    {
      int *all = g_new (int, MAX (ds->n_objects, 1));
      for (gsize i = 0; i < ds->n_objects; i++)
        all[i] = (int) i;
      *n_rows = (int) ds->n_objects;
      return all;
    }
  for (int r = 0; r < *n_rows; r++)
    if (rows[r] < 0 || (gsize) rows[r] >= ds->n_objects)
      {
        g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                     _("%s: row %d: object index %d out of range (%zu objects)"),
                     ds->path != NULL ? ds->path : _("dataset"), r, rows[r], ds->n_objects);
        return NULL;
      }
  return g_memdup2 (rows, sizeof (int) * MAX (*n_rows, 1));
}

static gsize
longest_object (const LcDataset *ds)
{
  gsize longest = 1;
  for (gsize i = 0; i < ds->n_objects; i++)
    longest = MAX (longest, (gsize) ds->objects[i].n_obs);
  return longest;
}

/* The layout (mode, bands, classes, metadata columns, feature names) from
 * rows of ds, and where each metadata column comes from; no statistics. */
static gboolean
fit_layout (LcEncoder *enc, const LcDataset *ds, const int *rows, int n_rows, MetaSource **sources_out,
            GError **error)
{
  g_autoptr (GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autofree MetaSource *sources = NULL;

  if (n_rows <= 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("%s: no training rows to fit the encoder on"),
                   ds->path != NULL ? ds->path : _("dataset"));
      return FALSE;
    }
  if (enc->options.mode == LC_ENCODE_GRID && !ds->on_grid)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: field “mode”: grid encoding needs data on a step grid (.ts, .npy)"),
                   ds->path != NULL ? ds->path : _("dataset"));
      return FALSE;
    }
  clear_layout (enc);
  enc->mode = enc->options.mode == LC_ENCODE_AUTO
              ? (ds->on_grid ? LC_ENCODE_GRID : LC_ENCODE_OBSERVATIONS) : enc->options.mode;
  enc->with_error = enc->options.with_error && any_error_known (ds, rows, n_rows);
  enc->value_kind = ds->value_kind;
  enc->n_bands = ds->n_bands;
  enc->band_names = g_strdupv (ds->band_names);
  enc->n_classes = ds->n_classes;
  enc->class_ids = g_new (int, MAX (ds->n_classes, 1));
  for (int c = 0; c < ds->n_classes; c++)
    enc->class_ids[c] = ds->classes[c].id;

  if (enc->meta_request != NULL)
    for (int k = 0; enc->meta_request[k] != NULL; k++)
      g_ptr_array_add (columns, g_strdup (enc->meta_request[k]));
  else
    default_meta_columns (ds, columns);
  enc->n_meta_columns = columns->len;
  g_ptr_array_add (columns, NULL);
  enc->meta_columns = (char **) g_ptr_array_steal (columns, NULL);
  build_names (enc);

  sources = g_new0 (MetaSource, MAX (enc->n_meta_columns, 1));
  if (!resolve_meta_sources (enc, ds, sources, error))
    {
      clear_layout (enc);
      return FALSE;
    }
  if (sources_out != NULL)
    *sources_out = g_steal_pointer (&sources);
  return TRUE;
}

gboolean
lc_encoder_fit (LcEncoder *encoder, const LcDataset *ds, const int *rows, int n_rows, GError **error)
{
  LcEncoder *enc = encoder;
  g_autofree int *all_rows = NULL;
  g_autofree MetaSource *sources = NULL;
  g_autofree double *buf = NULL;

  g_return_val_if_fail (encoder != NULL && ds != NULL, FALSE);
  all_rows = resolve_rows (ds, rows, &n_rows, error);
  if (all_rows == NULL)
    return FALSE;
  if (!fit_layout (enc, ds, all_rows, n_rows, &sources, error))
    return FALSE;
  buf = g_new (double, longest_object (ds));
  fit_value_statistics (enc, ds, all_rows, n_rows, buf);
  if (!fit_static_statistics (enc, ds, all_rows, n_rows, sources, error))
    {
      clear_layout (enc);
      return FALSE;
    }
  enc->fitted = TRUE;
  return TRUE;
}

/* ---------------------------------------------------------------- encode */

typedef struct
{
  const LcEncoder *enc;
  const LcDataset *ds;
  int *band_map;        /* dataset band -> encoder band */
  MetaSource *sources;
  double *values;       /* scratch: scaled values of one object */
  double *scratch;      /* 2 * longest */
} EncodeJob;

static int
object_length (const LcEncoder *enc, const LcDataset *ds, Window w)
{
  int n = 0;
  if (enc->mode == LC_ENCODE_GRID)
    {
      for (int i = 0; i < w.n; i++)
        n = MAX (n, (int) ds->time[w.first + i] + 1);
      return MAX (n, 1);
    }
  for (int i = 0; i < w.n; i++)
    n += isfinite (ds->value[w.first + i]);
  return MAX (n, 1);
}

static void
encode_observations (const EncodeJob *job, Window w, double centre, double scale, int steps, float *x)
{
  const LcEncoder *enc = job->enc;
  const LcDataset *ds = job->ds;
  double t_prev = NAN;
  int s = 0;

  for (int i = 0; i < w.n && s < steps; i++)
    {
      gsize j = w.first + i;
      double v = ds->value[j], dt;
      float *row = x + (gsize) s * enc->n_step;

      if (!isfinite (v))
        continue;   /* a missing value is no observation */
      dt = isnan (t_prev) ? 0.0 : MAX (ds->time[j] - t_prev, 0.0);
      t_prev = ds->time[j];
      row[0] = finite_or_zero (enc->options.dt_log ? log1p (dt) : dt);
      row[1] = finite_or_zero ((scale_value (enc->options.value_scale, v) - centre) / scale);
      if (enc->off_error >= 0)
        row[enc->off_error] = finite_or_zero (scale_error (enc->options.value_scale, v, ds->error[j]) / scale);
      if (enc->off_detected >= 0)
        row[enc->off_detected] = ds->detected[j] ? 1.0f : 0.0f;
      row[enc->off_band + job->band_map[ds->band[j]]] = 1.0f;
      s++;
    }
}

static void
encode_grid (const EncodeJob *job, Window w, double centre, double scale, int steps, float *x)
{
  const LcEncoder *enc = job->enc;
  const LcDataset *ds = job->ds;

  for (int i = 0; i < w.n; i++)
    {
      gsize j = w.first + i;
      double v = ds->value[j], t = ds->time[j];
      int b = job->band_map[ds->band[j]];
      float *row;

      if (!isfinite (v) || !(t >= 0.0) || t >= steps)
        continue;
      row = x + (gsize) t * enc->n_step;
      row[b] = finite_or_zero ((scale_value (enc->options.value_scale, v) - centre) / scale);
      if (enc->with_error)
        row[enc->n_bands + b] = finite_or_zero (scale_error (enc->options.value_scale, v, ds->error[j]) / scale);
    }
}

/* The standardised static input from its raw values. */
static void
encode_static (const LcEncoder *enc, const double *raw, float *meta)
{
  for (int k = 0; k < enc->n_static; k++)
    meta[k] = finite_or_zero ((raw[k] - enc->static_mean[k]) / enc->static_std[k]);
}

static int
encoder_label (const LcEncoder *enc, const LcDataset *ds, const LcObject *o)
{
  if (o->label < 0 || o->label >= ds->n_classes)
    return -1;
  for (int c = 0; c < enc->n_classes; c++)
    if (enc->class_ids[c] == ds->classes[o->label].id)
      return c;
  return -1;
}

static gboolean
prepare_job (EncodeJob *job, const LcEncoder *enc, const LcDataset *ds, GError **error)
{
  const char *name = ds->path != NULL ? ds->path : _("dataset");

  job->enc = enc;
  job->ds = ds;
  if (enc->mode == LC_ENCODE_GRID && !ds->on_grid)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   _("%s: the encoder was fitted on data on a step grid; these are not"), name);
      return FALSE;
    }
  if (enc->value_kind >= 0 && (int) ds->value_kind != enc->value_kind)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                   ds->value_kind == LC_VALUE_MAGNITUDE
                   ? _("%s: the data are magnitudes, but the model was trained on fluxes; "
                       "its predictions would mean nothing")
                   : _("%s: the data are fluxes, but the model was trained on magnitudes; "
                       "its predictions would mean nothing"), name);
      return FALSE;
    }
  job->band_map = g_new (int, MAX (ds->n_bands, 1));
  for (int b = 0; b < ds->n_bands; b++)
    {
      job->band_map[b] = name_index ((const char *const *) enc->band_names, enc->n_bands, ds->band_names[b]);
      if (job->band_map[b] < 0)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       _("%s: passband “%s” is not one the encoder was fitted with"), name, ds->band_names[b]);
          return FALSE;
        }
    }
  job->sources = g_new0 (MetaSource, MAX (enc->n_meta_columns, 1));
  if (!resolve_meta_sources (enc, ds, job->sources, error))
    return FALSE;
  job->values = g_new (double, longest_object (ds));
  job->scratch = g_new (double, 2 * longest_object (ds));
  return TRUE;
}

static void
clear_job (EncodeJob *job)
{
  g_free (job->band_map);
  g_free (job->sources);
  g_free (job->values);
  g_free (job->scratch);
}

NnData *
lc_encoder_encode_window (const LcEncoder *encoder, const LcDataset *ds, const int *rows, int n_rows,
                          int first_k, double first_days, int threads, GError **error)
{
  const LcEncoder *enc = encoder;
  EncodeJob job = { 0 };
  g_autofree int *all_rows = NULL;
  g_autofree Window *windows = NULL;
  g_autofree double *raw = NULL;
  g_autoptr (NnData) data = NULL;
  int steps = 1, block;

  g_return_val_if_fail (encoder != NULL && ds != NULL, NULL);
  if (!enc->fitted)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("the encoder has not been fitted"));
      return NULL;
    }
  all_rows = resolve_rows (ds, rows, &n_rows, error);
  if (all_rows == NULL || !prepare_job (&job, enc, ds, error))
    {
      clear_job (&job);
      return NULL;
    }

  windows = g_new (Window, MAX (n_rows, 1));
  for (int r = 0; r < n_rows; r++)
    {
      windows[r] = window_for (enc, ds, &ds->objects[all_rows[r]], first_k, first_days);
      steps = MAX (steps, object_length (enc, ds, windows[r]));
    }
  if (enc->options.max_steps > 0)
    steps = MIN (steps, enc->options.max_steps);

  data = nn_data_new (n_rows, steps, enc->n_step, enc->n_static, enc->n_classes);
  block = MIN (n_rows, STATIC_BLOCK);
  raw = g_new (double, (gsize) MAX (enc->n_static, 1) * MAX (block, 1));
  for (int b0 = 0; b0 < n_rows; b0 += block)
    {
      int n = MIN (block, n_rows - b0);

      if (!static_pass (enc, ds, all_rows + b0, windows + b0, n, job.sources, raw, b0, n_rows, threads,
                        error))
        {
          clear_job (&job);
          return NULL;
        }
      for (int r = b0; r < b0 + n; r++)
        {
          const LcObject *o = &ds->objects[all_rows[r]];
          float *x = data->x + (gsize) r * steps * enc->n_step;
          double centre, scale;
          int m = scaled_values (enc, ds, windows[r], job.values);

          object_normalisation (enc, job.values, m, job.scratch, &centre, &scale);
          if (enc->mode == LC_ENCODE_GRID)
            encode_grid (&job, windows[r], centre, scale, steps, x);
          else
            encode_observations (&job, windows[r], centre, scale, steps, x);
          data->lengths[r] = MIN (object_length (enc, ds, windows[r]), steps);
          if (enc->n_static > 0)
            encode_static (enc, raw + (gsize) (r - b0) * enc->n_static,
                           data->meta + (gsize) r * enc->n_static);
          data->labels[r] = encoder_label (enc, ds, o);
        }
    }
  clear_job (&job);
  return g_steal_pointer (&data);
}

gboolean
lc_encoder_shape (LcEncoder *encoder, const LcDataset *ds, const int *rows, int n_rows, int *steps,
                  GError **error)
{
  LcEncoder *enc = encoder;
  EncodeJob job = { 0 };
  g_autofree int *all_rows = NULL;
  gboolean ok;

  g_return_val_if_fail (encoder != NULL && ds != NULL && steps != NULL, FALSE);
  all_rows = resolve_rows (ds, rows, &n_rows, error);
  if (all_rows == NULL || (!enc->fitted && !fit_layout (enc, ds, all_rows, n_rows, NULL, error)))
    return FALSE;
  /* the same checks as encode: a fitted encoder's bands and columns must be there */
  ok = prepare_job (&job, enc, ds, error);
  clear_job (&job);
  if (!ok)
    return FALSE;
  *steps = 1;
  for (int r = 0; r < n_rows; r++)
    {
      Window w = window_for (enc, ds, &ds->objects[all_rows[r]], enc->options.first_k, enc->options.first_days);
      *steps = MAX (*steps, object_length (enc, ds, w));
    }
  if (enc->options.max_steps > 0)
    *steps = MIN (*steps, enc->options.max_steps);
  return TRUE;
}

/* Observations mode: each seen observation is one whole step, in the order
 * encode_observations writes them (a window starts at the object's first
 * observation, so i indexes the object's observations). */
static void
observation_steps_to_observations (const LcEncoder *enc, const LcDataset *ds, Window w, const float *x,
                                   int steps, double *obs_out)
{
  for (int i = 0, s = 0; i < w.n && s < steps; i++)
    {
      const float *row = x + (gsize) s * enc->n_step;
      double sum = 0.0;

      if (!isfinite (ds->value[w.first + i]))
        continue;
      for (int f = 0; f < enc->n_step; f++)
        sum += row[f];
      obs_out[i] = sum;
      s++;
    }
}

/* Grid: an observation fills its band's value (and error) cell of its step;
 * when two fall in the same cell, encode_grid keeps the later one. */
static void
grid_cells_to_observations (const EncodeJob *job, Window w, const float *x, int steps, double *obs_out)
{
  const LcEncoder *enc = job->enc;
  const LcDataset *ds = job->ds;
  g_autofree int *owner = g_new (int, (gsize) steps * enc->n_bands);

  for (gsize c = 0; c < (gsize) steps * enc->n_bands; c++)
    owner[c] = -1;
  for (int i = 0; i < w.n; i++)
    {
      double v = ds->value[w.first + i], t = ds->time[w.first + i];

      if (isfinite (v) && t >= 0.0 && t < steps)
        owner[(gsize) t * enc->n_bands + job->band_map[ds->band[w.first + i]]] = i;
    }
  for (int t = 0; t < steps; t++)
    for (int b = 0; b < enc->n_bands; b++)
      {
        int i = owner[(gsize) t * enc->n_bands + b];
        const float *row = x + (gsize) t * enc->n_step;

        if (i >= 0)
          obs_out[i] = row[b] + (enc->with_error ? row[enc->n_bands + b] : 0.0f);
      }
}

gboolean
lc_encoder_cells_to_observations (const LcEncoder *encoder, const LcDataset *ds, int object, int first_k,
                                  double first_days, const float *x, int steps, double *obs_out,
                                  GError **error)
{
  const LcEncoder *enc = encoder;
  EncodeJob job = { 0 };
  const LcObject *o;
  Window w;

  g_return_val_if_fail (encoder != NULL && ds != NULL && x != NULL && obs_out != NULL, FALSE);
  g_return_val_if_fail (object >= 0 && (gsize) object < ds->n_objects && steps >= 0, FALSE);
  if (!enc->fitted)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("the encoder has not been fitted"));
      return FALSE;
    }
  if (!prepare_job (&job, enc, ds, error))
    {
      clear_job (&job);
      return FALSE;
    }
  o = &ds->objects[object];
  for (int i = 0; i < o->n_obs; i++)
    obs_out[i] = NAN;
  w = window_for (enc, ds, o, first_k, first_days);
  if (enc->mode == LC_ENCODE_GRID)
    grid_cells_to_observations (&job, w, x, steps, obs_out);
  else
    observation_steps_to_observations (enc, ds, w, x, steps, obs_out);
  clear_job (&job);
  return TRUE;
}

NnData *
lc_encoder_encode (const LcEncoder *encoder, const LcDataset *ds, const int *rows, int n_rows,
                   GError **error)
{
  g_return_val_if_fail (encoder != NULL, NULL);
  return lc_encoder_encode_window (encoder, ds, rows, n_rows, encoder->options.first_k,
                                   encoder->options.first_days, encoder->threads, error);
}

/* ---------------------------------------------------------------- JSON */

static JsonNode *
strv_node (char **strv, int n)
{
  JsonArray *arr = json_array_sized_new (n);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  for (int i = 0; i < n; i++)
    json_array_add_string_element (arr, strv[i]);
  json_node_take_array (node, arr);
  return node;
}

static JsonNode *
doubles_node (const double *v, int n)
{
  JsonArray *arr = json_array_sized_new (n);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  for (int i = 0; i < n; i++)
    json_array_add_double_element (arr, v[i]);
  json_node_take_array (node, arr);
  return node;
}

JsonNode *
lc_encoder_to_json (const LcEncoder *encoder)
{
  const LcEncoder *enc = encoder;
  JsonObject *o;
  JsonNode *node;
  JsonArray *ids;

  g_return_val_if_fail (encoder != NULL, NULL);
  o = json_object_new ();
  json_object_set_string_member (o, "format", ENCODER_FORMAT);
  json_object_set_int_member (o, "version", ENCODER_VERSION);
  json_object_set_string_member (o, "mode", lc_encode_mode_to_string (enc->fitted ? enc->mode : enc->options.mode));
  json_object_set_string_member (o, "value_scale", lc_value_scale_to_string (enc->options.value_scale));
  json_object_set_string_member (o, "normalisation", lc_normalisation_to_string (enc->options.normalisation));
  json_object_set_boolean_member (o, "dt_log", enc->options.dt_log);
  json_object_set_boolean_member (o, "with_error", enc->fitted ? enc->with_error : enc->options.with_error);
  json_object_set_boolean_member (o, "with_detected", enc->options.with_detected);
  json_object_set_int_member (o, "max_steps", enc->options.max_steps);
  json_object_set_int_member (o, "first_k", enc->options.first_k);
  json_object_set_double_member (o, "first_days", enc->options.first_days);
  json_object_set_boolean_member (o, "with_features", enc->options.with_features);
  /* written only when on, so files of encoders without it stay as they were */
  if (enc->options.with_band_features)
    json_object_set_boolean_member (o, "with_band_features", TRUE);
  if (enc->options.with_period_features)
    {
      json_object_set_boolean_member (o, "with_period_features", TRUE);
      if (enc->options.period_min > 0)
        json_object_set_double_member (o, "period_min", enc->options.period_min);
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  if (!enc->fitted)
    {
      /* a preset: the options only (no list: the default choice of columns) */
      if (enc->meta_request != NULL)
        json_object_set_member (o, "meta_columns",
                                strv_node (enc->meta_request, g_strv_length (enc->meta_request)));
      return node;
    }
  json_object_set_member (o, "meta_columns", strv_node (enc->meta_columns, enc->n_meta_columns));
  json_object_set_member (o, "bands", strv_node (enc->band_names, enc->n_bands));
  if (enc->value_kind >= 0)
    json_object_set_string_member (o, "values", value_kind_names[enc->value_kind]);
  ids = json_array_sized_new (enc->n_classes);
  for (int c = 0; c < enc->n_classes; c++)
    json_array_add_int_element (ids, enc->class_ids[c]);
  json_object_set_array_member (o, "class_ids", ids);
  json_object_set_int_member (o, "step_features", enc->n_step);
  json_object_set_int_member (o, "meta_features", enc->n_static);
  json_object_set_member (o, "step_feature_names", strv_node (enc->step_names, enc->n_step));
  json_object_set_member (o, "meta_feature_names", strv_node (enc->static_names, enc->n_static));
  json_object_set_double_member (o, "value_mean", enc->value_mean);
  json_object_set_double_member (o, "value_std", enc->value_std);
  json_object_set_member (o, "meta_mean", doubles_node (enc->static_mean, enc->n_static));
  json_object_set_member (o, "meta_std", doubles_node (enc->static_std, enc->n_static));
  return node;
}

/* Reading: every getter names the field in its error. */

static gboolean
field_error (GError **error, const char *field, const char *expected)
{
  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("preprocessing: field “%s”: expected %s"), field, expected);
  return FALSE;
}

static JsonNode *
member_of_type (JsonObject *o, const char *field, GType value_type, GError **error)
{
  JsonNode *node = json_object_get_member (o, field);
  if (node == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("preprocessing: field “%s” is missing"), field);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node)
      || (value_type == G_TYPE_DOUBLE ? !(json_node_get_value_type (node) == G_TYPE_DOUBLE
                                          || json_node_get_value_type (node) == G_TYPE_INT64)
                                      : json_node_get_value_type (node) != value_type))
    {
      field_error (error, field,
                   value_type == G_TYPE_STRING ? _("a string")
                   : value_type == G_TYPE_BOOLEAN ? _("true or false")
                   : value_type == G_TYPE_INT64 ? _("an integer") : _("a number"));
      return NULL;
    }
  return node;
}

static gboolean
get_bool (JsonObject *o, const char *field, gboolean *out, GError **error)
{
  JsonNode *node = member_of_type (o, field, G_TYPE_BOOLEAN, error);
  if (node == NULL)
    return FALSE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_int (JsonObject *o, const char *field, int lo, int hi, int *out, GError **error)
{
  JsonNode *node = member_of_type (o, field, G_TYPE_INT64, error);
  gint64 v;
  if (node == NULL)
    return FALSE;
  v = json_node_get_int (node);
  if (v < lo || v > hi)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("preprocessing: field “%s”: expected %d to %d, found %lld"), field, lo, hi,
                   (long long) v);
      return FALSE;
    }
  *out = (int) v;
  return TRUE;
}

static gboolean
get_double (JsonObject *o, const char *field, double *out, GError **error)
{
  JsonNode *node = member_of_type (o, field, G_TYPE_DOUBLE, error);
  if (node == NULL)
    return FALSE;
  *out = json_node_get_double (node);
  if (!isfinite (*out))
    return field_error (error, field, _("a finite number"));
  return TRUE;
}

/* A string member that names one of names[0..n); its index into *out. */
static gboolean
get_enum (JsonObject *o, const char *field, const char *const *names, int n, int *out, GError **error)
{
  JsonNode *node = member_of_type (o, field, G_TYPE_STRING, error);
  const char *value;
  if (node == NULL)
    return FALSE;
  value = json_node_get_string (node);
  *out = name_index (names, n, value);
  if (*out < 0)
    {
      g_autoptr (GString) choices = g_string_new (NULL);
      for (int i = 0; i < n; i++)
        g_string_append_printf (choices, "%s%s", i > 0 ? ", " : "", names[i]);
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("preprocessing: field “%s”: expected one of %s, found “%s”"), field, choices->str, value);
      return FALSE;
    }
  return TRUE;
}

static JsonArray *
get_array (JsonObject *o, const char *field, int expected_len, GError **error)
{
  JsonNode *node = json_object_get_member (o, field);
  JsonArray *arr;
  if (node == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("preprocessing: field “%s” is missing"), field);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      field_error (error, field, _("a list"));
      return NULL;
    }
  arr = json_node_get_array (node);
  if (expected_len >= 0 && (int) json_array_get_length (arr) != expected_len)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("preprocessing: field “%s”: expected %d values, found %u"), field, expected_len,
                   json_array_get_length (arr));
      return NULL;
    }
  return arr;
}

static gboolean
get_strv (JsonObject *o, const char *field, char ***out, int *n, GError **error)
{
  JsonArray *arr = get_array (o, field, -1, error);
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  if (arr == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *e = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                       _("preprocessing: field “%s”: element %u: expected a string"), field, i);
          return FALSE;
        }
      g_ptr_array_add (list, g_strdup (json_node_get_string (e)));
    }
  *n = list->len;
  g_ptr_array_add (list, NULL);
  *out = (char **) g_ptr_array_steal (list, NULL);
  return TRUE;
}

static gboolean
get_numbers (JsonObject *o, const char *field, int n, gboolean integers, double *out, GError **error)
{
  JsonArray *arr = get_array (o, field, n, error);
  if (arr == NULL)
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (arr, i);
      GType t = JSON_NODE_HOLDS_VALUE (e) ? json_node_get_value_type (e) : G_TYPE_INVALID;
      if (!(t == G_TYPE_INT64 || (!integers && t == G_TYPE_DOUBLE))
          || !isfinite (out[i] = json_node_get_double (e)))
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("preprocessing: field “%s”: element %d: expected %s"),
                       field, i, integers ? _("an integer") : _("a finite number"));
          return FALSE;
        }
    }
  return TRUE;
}

/* A fitted encoder gives every field; a preset may give any subset of the
 * options and keeps the defaults for the rest. */
static gboolean
wanted (JsonObject *o, const char *field, gboolean fitted)
{
  return fitted || json_object_has_member (o, field);
}

static gboolean
read_options (JsonObject *o, gboolean fitted, LcEncoder *enc, GError **error)
{
  LcEncoderOptions *opt = &enc->options;
  int mode = opt->mode, scale = opt->value_scale, norm = opt->normalisation;
  gboolean ok = TRUE;

  if (ok && wanted (o, "mode", fitted))
    ok = get_enum (o, "mode", mode_names, G_N_ELEMENTS (mode_names), &mode, error);
  if (ok && wanted (o, "value_scale", fitted))
    ok = get_enum (o, "value_scale", scale_names, G_N_ELEMENTS (scale_names), &scale, error);
  if (ok && wanted (o, "normalisation", fitted))
    ok = get_enum (o, "normalisation", norm_names, G_N_ELEMENTS (norm_names), &norm, error);
  if (ok && wanted (o, "dt_log", fitted))
    ok = get_bool (o, "dt_log", &opt->dt_log, error);
  if (ok && wanted (o, "with_error", fitted))
    ok = get_bool (o, "with_error", &opt->with_error, error);
  if (ok && wanted (o, "with_detected", fitted))
    ok = get_bool (o, "with_detected", &opt->with_detected, error);
  if (ok && wanted (o, "max_steps", fitted))
    ok = get_int (o, "max_steps", 0, G_MAXINT, &opt->max_steps, error);
  if (ok && wanted (o, "first_k", fitted))
    ok = get_int (o, "first_k", 0, G_MAXINT, &opt->first_k, error);
  if (ok && wanted (o, "first_days", fitted))
    ok = get_double (o, "first_days", &opt->first_days, error);
  if (ok && wanted (o, "with_features", fitted))
    ok = get_bool (o, "with_features", &opt->with_features, error);
  /* optional even in a fitted encoder: older files do not have it */
  if (ok && json_object_has_member (o, "with_band_features"))
    ok = get_bool (o, "with_band_features", &opt->with_band_features, error);
  if (ok && json_object_has_member (o, "with_period_features"))
    ok = get_bool (o, "with_period_features", &opt->with_period_features, error);
  if (ok && json_object_has_member (o, "period_min"))
    ok = get_double (o, "period_min", &opt->period_min, error);
  if (!ok)
    return FALSE;
  if (!(opt->period_min >= 0.0))
    return field_error (error, "period_min", _("0 (the default) or a positive number of days"));
  if (opt->first_days < 0.0)
    return field_error (error, "first_days", _("0 or more days"));
  if (fitted && mode == LC_ENCODE_AUTO)
    return field_error (error, "mode", _("observations or grid in a fitted encoder"));
  opt->mode = mode;
  opt->value_scale = scale;
  opt->normalisation = norm;
  enc->mode = mode;
  enc->with_error = opt->with_error;
  if (!fitted && json_object_has_member (o, "meta_columns"))
    {
      int n;
      g_strfreev (enc->meta_request);
      enc->meta_request = NULL;
      if (!get_strv (o, "meta_columns", &enc->meta_request, &n, error))
        return FALSE;
      opt->meta_columns = (const char *const *) enc->meta_request;
    }
  return TRUE;
}

/* Unknown fields are most likely typos ("normalization"): say so. */
static gboolean
check_known_fields (JsonObject *o, GError **error)
{
  static const char *const known[] = {
    "format", "version", "mode", "value_scale", "normalisation", "dt_log", "with_error",
    "with_detected", "max_steps", "first_k", "first_days", "with_features", "meta_columns",
    "with_band_features", "with_period_features", "period_min",
    "bands", "values", "class_ids", "step_features", "meta_features", "step_feature_names",
    "meta_feature_names", "value_mean", "value_std", "meta_mean", "meta_std",
  };
  g_autoptr (GList) members = json_object_get_members (o);

  for (GList *l = members; l != NULL; l = l->next)
    if (name_index (known, G_N_ELEMENTS (known), l->data) < 0)
      {
        g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("preprocessing: field “%s” is not known"),
                     (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

/* "values": what the fitted data measured; absent in older files. */
static gboolean
read_value_kind (JsonObject *o, LcEncoder *enc, GError **error)
{
  JsonNode *node = json_object_get_member (o, "values");
  const char *name;
  if (node == NULL)
    return TRUE;
  name = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
  enc->value_kind = name_index (value_kind_names, G_N_ELEMENTS (value_kind_names), name);
  if (enc->value_kind < 0)
    return field_error (error, "values", _("“flux” or “magnitude”"));
  return TRUE;
}

static gboolean
read_layout (JsonObject *o, LcEncoder *enc, GError **error)
{
  JsonArray *ids;
  int n_step, n_static;

  if (!get_strv (o, "meta_columns", &enc->meta_columns, &enc->n_meta_columns, error)
      || !get_strv (o, "bands", &enc->band_names, &enc->n_bands, error))
    return FALSE;
  if (enc->n_bands < 1 || enc->n_bands > 255)
    return field_error (error, "bands", _("1 to 255 band names"));
  if (!read_value_kind (o, enc, error))
    return FALSE;
  ids = get_array (o, "class_ids", -1, error);
  if (ids == NULL)
    return FALSE;
  enc->n_classes = json_array_get_length (ids);
  enc->class_ids = g_new (int, MAX (enc->n_classes, 1));
  {
    g_autofree double *v = g_new (double, MAX (enc->n_classes, 1));
    if (!get_numbers (o, "class_ids", enc->n_classes, TRUE, v, error))
      return FALSE;
    for (int c = 0; c < enc->n_classes; c++)
      enc->class_ids[c] = (int) v[c];
  }
  build_names (enc);
  /* the layout the file claims must be the one these options give */
  if (!get_int (o, "step_features", 1, G_MAXINT, &n_step, error)
      || !get_int (o, "meta_features", 0, G_MAXINT, &n_static, error))
    return FALSE;
  if (n_step != enc->n_step)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("preprocessing: field “step_features”: the options give %d features, found %d"),
                   enc->n_step, n_step);
      return FALSE;
    }
  if (n_static != enc->n_static)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("preprocessing: field “meta_features”: the options give %d features, found %d"),
                   enc->n_static, n_static);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_statistics (JsonObject *o, LcEncoder *enc, GError **error)
{
  enc->static_mean = g_new0 (double, MAX (enc->n_static, 1));
  enc->static_std = g_new0 (double, MAX (enc->n_static, 1));
  if (!get_double (o, "value_mean", &enc->value_mean, error)
      || !get_double (o, "value_std", &enc->value_std, error)
      || !get_numbers (o, "meta_mean", enc->n_static, FALSE, enc->static_mean, error)
      || !get_numbers (o, "meta_std", enc->n_static, FALSE, enc->static_std, error))
    return FALSE;
  if (!(enc->value_std > 0.0))
    return field_error (error, "value_std", _("a positive number"));
  for (int k = 0; k < enc->n_static; k++)
    if (!(enc->static_std[k] > 0.0))
      return field_error (error, "meta_std", _("positive numbers"));
  return TRUE;
}

LcEncoder *
lc_encoder_from_json (JsonNode *node, GError **error)
{
  g_autoptr (LcEncoder) enc = NULL;
  JsonObject *o;
  gboolean fitted;
  int version = ENCODER_VERSION;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("preprocessing: expected an object"));
      return NULL;
    }
  o = json_node_get_object (node);
  if (!check_known_fields (o, error))
    return NULL;
  /* statistics make it a fitted encoder; without them it is a preset's options */
  fitted = json_object_has_member (o, "value_mean");
  if (wanted (o, "format", fitted))
    {
      const char *format;
      if (member_of_type (o, "format", G_TYPE_STRING, error) == NULL)
        return NULL;
      format = json_object_get_string_member (o, "format");
      if (g_strcmp0 (format, ENCODER_FORMAT) != 0)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                       _("preprocessing: field “format”: expected “%s”, found “%s”"), ENCODER_FORMAT, format);
          return NULL;
        }
    }
  if (wanted (o, "version", fitted) && !get_int (o, "version", 1, G_MAXINT, &version, error))
    return NULL;
  if (version > ENCODER_VERSION)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("preprocessing: field “version”: version %d is newer than this program reads (%d)"),
                   version, ENCODER_VERSION);
      return NULL;
    }
  enc = lc_encoder_new (NULL);
  if (!read_options (o, fitted, enc, error))
    return NULL;
  if (!fitted)
    return g_steal_pointer (&enc);
  if (!read_layout (o, enc, error) || !read_statistics (o, enc, error))
    return NULL;
  /* refitting keeps the same columns */
  g_strfreev (enc->meta_request);
  enc->meta_request = g_strdupv (enc->meta_columns);
  enc->options.meta_columns = (const char *const *) enc->meta_request;
  enc->fitted = TRUE;
  return g_steal_pointer (&enc);
}
