/* lc-burst.c: peak alignment, half-maximum widths and typical curves of bursts */
#include "lc-burst.h"

#include <math.h>
#include <stdlib.h>

/* ---- one curve -------------------------------------------------------- */

static double
interpolate_time (double t0, double v0, double t1, double v1, double level)
{
  if (v1 == v0)
    return 0.5 * (t0 + t1);
  return t0 + (level - v0) / (v1 - v0) * (t1 - t0);
}

/* Time where the curve falls below level, walking from the peak p in
 * direction step (-1 before, +1 after); NaN when it never does. */
static double
half_crossing (const double *time, const float *value, int n, int p, int step, double level)
{
  int last = p;  /* the last finite point at or above level */

  for (int i = p + step; i >= 0 && i < n; i += step)
    {
      if (!isfinite (value[i]) || !isfinite (time[i]))
        continue;
      if (value[i] < level)
        return interpolate_time (time[i], value[i], time[last], value[last], level);
      last = i;
    }
  return NAN;
}

gboolean
lc_burst_measure (const double *time, const float *value, int n, LcBurstShape *shape)
{
  int p = -1;
  double half, before, after;

  for (int i = 0; i < n; i++)
    if (isfinite (value[i]) && isfinite (time[i]) && value[i] > 0
        && (p < 0 || value[i] > value[p]))
      p = i;
  shape->peak_time = p >= 0 ? time[p] : NAN;
  shape->peak_value = p >= 0 ? value[p] : NAN;
  shape->rise_time = shape->decline_time = shape->fwhm = NAN;
  if (p < 0)
    return FALSE;

  half = 0.5 * value[p];
  before = half_crossing (time, value, n, p, -1, half);
  after = half_crossing (time, value, n, p, +1, half);
  shape->rise_time = time[p] - before;
  shape->decline_time = after - time[p];
  shape->fwhm = after - before;
  return TRUE;
}

/* ---- objects of a dataset --------------------------------------------- */

/* Linear brightness of observation i (magnitudes: relative flux). */
static double
brightness (const LcDataset *ds, gsize i)
{
  if (ds->value_kind == LC_VALUE_MAGNITUDE)
    return pow (10.0, -0.4 * ds->value[i]);
  return ds->value[i];
}

static gboolean
find_peak (const LcDataset *ds, gsize object, int band, gboolean detected_only, double *peak_time,
           double *peak_value)
{
  const LcObject *o = &ds->objects[object];
  gboolean found = FALSE;

  for (gsize i = o->first; i < o->first + (gsize) o->n_obs; i++)
    {
      double b;

      if ((band >= 0 && ds->band[i] != band) || (detected_only && !ds->detected[i]))
        continue;
      b = brightness (ds, i);
      if (!isfinite (b) || b <= 0 || !isfinite (ds->time[i]))
        continue;
      if (!found || b > *peak_value)
        {
          *peak_time = ds->time[i];
          *peak_value = b;
          found = TRUE;
        }
    }
  return found;
}

gboolean
lc_burst_find_peak (const LcDataset *ds, gsize object, int band, double *peak_time, double *peak_value)
{
  g_return_val_if_fail (object < ds->n_objects, FALSE);

  /* a noisy non-detection must not be taken for the peak when there are detections */
  return find_peak (ds, object, band, TRUE, peak_time, peak_value)
         || find_peak (ds, object, band, FALSE, peak_time, peak_value);
}

int
lc_burst_align (const LcDataset *ds, gsize object, int band, double *times_out, float *values_out)
{
  const LcObject *o;
  double t_peak, v_peak;
  int n = 0;

  if (!lc_burst_find_peak (ds, object, -1, &t_peak, &v_peak))
    return 0;
  o = &ds->objects[object];
  for (gsize i = o->first; i < o->first + (gsize) o->n_obs; i++)
    {
      double b;

      if (ds->band[i] != band)
        continue;
      b = brightness (ds, i);
      if (!isfinite (b) || !isfinite (ds->time[i]))
        continue;
      times_out[n] = ds->time[i] - t_peak;
      values_out[n] = (float) (b / v_peak);
      n++;
    }
  return n;
}

gboolean
lc_burst_measure_object (const LcDataset *ds, gsize object, int band, LcBurstShape *shape)
{
  int n_obs = ds->objects[object].n_obs;
  g_autofree double *t = g_new (double, MAX (n_obs, 1));
  g_autofree float *v = g_new (float, MAX (n_obs, 1));
  int n = lc_burst_align (ds, object, band, t, v);

  return lc_burst_measure (t, v, n, shape);
}

/* ---- typical curves --------------------------------------------------- */

static int
compare_floats (gconstpointer a, gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

static float
median_of (GArray *values)
{
  float *v = (float *) (void *) values->data;
  guint n = values->len;

  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (float), compare_floats);
  return n % 2 == 1 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2]);
}

double
lc_burst_typical_bin_time (const LcBurstTypical *typical, int bin)
{
  double width = (typical->t_max - typical->t_min) / typical->n_bins;

  return typical->t_min + (bin + 0.5) * width;
}

static void
add_object_to_bins (const LcDataset *ds, gsize object, LcBurstTypical *typ, GArray **cells,
                    double *t, float *v)
{
  double width = (typ->t_max - typ->t_min) / typ->n_bins;

  for (int band = 0; band < typ->n_bands; band++)
    {
      int n = lc_burst_align (ds, object, band, t, v);

      for (int i = 0; i < n; i++)
        {
          int bin = (int) floor ((t[i] - typ->t_min) / width);

          if (bin < 0 || bin >= typ->n_bins || !isfinite (v[i]))
            continue;
          g_array_append_val (cells[band * typ->n_bins + bin], v[i]);
        }
    }
}

static void
measure_typical (LcBurstTypical *typ)
{
  g_autofree double *t = g_new (double, typ->n_bins);

  for (int bin = 0; bin < typ->n_bins; bin++)
    t[bin] = lc_burst_typical_bin_time (typ, bin);
  for (int band = 0; band < typ->n_bands; band++)
    lc_burst_measure (t, typ->median + (gsize) band * typ->n_bins, typ->n_bins, &typ->shape[band]);
}

LcBurstTypical *
lc_burst_typical_new (const LcDataset *ds, const gsize *objects, guint n_objects, double t_min,
                      double t_max, int n_bins)
{
  LcBurstTypical *typ;
  GArray **cells;
  int max_obs = 1;
  gsize n_cells;
  g_autofree double *t = NULL;
  g_autofree float *v = NULL;

  g_return_val_if_fail (n_bins > 0 && t_max > t_min, NULL);

  typ = g_new0 (LcBurstTypical, 1);
  typ->n_bands = ds->n_bands;
  typ->n_bins = n_bins;
  typ->t_min = t_min;
  typ->t_max = t_max;
  n_cells = (gsize) typ->n_bands * n_bins;
  typ->median = g_new (float, MAX (n_cells, 1));
  typ->count = g_new0 (int, MAX (n_cells, 1));
  typ->shape = g_new0 (LcBurstShape, MAX (typ->n_bands, 1));

  for (guint k = 0; k < n_objects; k++)
    max_obs = MAX (max_obs, ds->objects[objects[k]].n_obs);
  t = g_new (double, max_obs);
  v = g_new (float, max_obs);
  cells = g_new (GArray *, MAX (n_cells, 1));
  for (gsize c = 0; c < n_cells; c++)
    cells[c] = g_array_new (FALSE, FALSE, sizeof (float));

  for (guint k = 0; k < n_objects; k++)
    {
      double tp, vp;

      if (objects[k] >= ds->n_objects || !lc_burst_find_peak (ds, objects[k], -1, &tp, &vp))
        continue;
      typ->n_objects++;
      add_object_to_bins (ds, objects[k], typ, cells, t, v);
    }

  for (gsize c = 0; c < n_cells; c++)
    {
      typ->count[c] = cells[c]->len;
      typ->median[c] = median_of (cells[c]);
      g_array_unref (cells[c]);
    }
  g_free (cells);
  measure_typical (typ);
  return typ;
}

LcBurstTypical *
lc_burst_typical_new_for_class (const LcDataset *ds, int class_index, double t_min, double t_max,
                                int n_bins)
{
  g_autoptr (GArray) objects = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (gsize i = 0; i < ds->n_objects; i++)
    if (ds->objects[i].label == class_index)
      g_array_append_val (objects, i);
  return lc_burst_typical_new (ds, (const gsize *) (void *) objects->data, objects->len, t_min, t_max,
                               n_bins);
}

void
lc_burst_typical_free (LcBurstTypical *typical)
{
  if (typical == NULL)
    return;
  g_free (typical->median);
  g_free (typical->count);
  g_free (typical->shape);
  g_free (typical);
}

/* ---- which classes ---------------------------------------------------- */

static gboolean
word_is_transient (const char *word)
{
  static const char *const prefixes[] = { "sn", "slsn", "kilonova", "supernova", "tde", "flare",
                                          "dwarf", "lens", "microlens", "nova" };

  if (g_strcmp0 (word, "kn") == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (word, prefixes[i]))
      return TRUE;
  return FALSE;
}

gboolean
lc_burst_class_is_transient (const LcDataset *ds, int class_index)
{
  static const int transient_ids[] = { 6, 15, 42, 52, 62, 64, 65, 67, 90, 95 };
  const LcClass *c;

  if (class_index < 0 || class_index >= ds->n_classes)
    return FALSE;
  c = &ds->classes[class_index];
  /* a named class says what it is (word by word, so "Unknown" is no "KN");
   * bare numbers are taken as PLAsTiCC ids */
  if (c->name != NULL && lc_plasticc_class_name (c->id) == NULL)
    {
      g_auto (GStrv) words = g_str_tokenize_and_fold (c->name, NULL, NULL);

      for (guint i = 0; words[i] != NULL; i++)
        if (word_is_transient (words[i]))
          return TRUE;
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (transient_ids); i++)
    if (c->id == transient_ids[i])
      return TRUE;
  return FALSE;
}

void
lc_burst_default_window (const LcDataset *ds, double *t_min, double *t_max)
{
  double span = 0;

  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];

      if (o->n_obs > 1)
        span = MAX (span, ds->time[o->first + o->n_obs - 1] - ds->time[o->first]);
    }
  if (span <= 0)
    span = 1;
  /* survey transients live about 50 days before and 100 after their peak */
  *t_min = ds->on_grid ? -0.5 * span : MAX (-50.0, -span);
  *t_max = ds->on_grid ? 0.75 * span : MIN (100.0, span);
}
