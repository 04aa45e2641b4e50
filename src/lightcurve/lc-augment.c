/* lc-augment.c: noisy, shifted, thinned copies of light curves for training */
#include "config.h"

#include "lc-augment.h"

#include "lc-dataset-builder.h"
#include "lc-features.h"
#include "nn-json.h"
#include "nn-rng.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define MAD_TO_SIGMA 1.4826

void
lc_augment_options_default (LcAugmentOptions *options)
{
  options->copies = 1;
  options->noise = 1.0;
  options->time_shift = 0.0;
  options->drop_fraction = 0.1;
  options->amplitude_jitter = 0.0;
  options->keep_originals = TRUE;
  options->seed = 0;
}

gboolean
lc_augment_options_active (const LcAugmentOptions *o)
{
  return o != NULL && o->copies > 0
         && (o->noise > 0.0 || o->time_shift > 0.0 || o->drop_fraction > 0.0
             || o->amplitude_jitter > 0.0);
}

static gboolean
check_options (const LcAugmentOptions *o, GError **error)
{
  const char *what = NULL;
  if (o->copies < 0 || o->copies > 1000)
    what = _("copies must be in [0, 1000]");
  else if (!(o->noise >= 0.0) || !isfinite (o->noise))
    what = _("noise must be a finite number >= 0");
  else if (!(o->time_shift >= 0.0) || !isfinite (o->time_shift))
    what = _("time_shift must be a finite number >= 0");
  else if (!(o->drop_fraction >= 0.0 && o->drop_fraction < 1.0))
    what = _("drop_fraction must be in [0, 1)");
  else if (!(o->amplitude_jitter >= 0.0) || !isfinite (o->amplitude_jitter))
    what = _("amplitude_jitter must be a finite number >= 0");
  if (what == NULL)
    return TRUE;
  g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH, _("augmentation: %s"), what);
  return FALSE;
}

double
lc_augment_band_scatter (const LcDataset *ds, gsize object, int band)
{
  const LcObject *o = &ds->objects[object];
  g_autofree double *diff = g_new (double, MAX (o->n_obs, 1));
  g_autofree double *scratch = g_new (double, MAX (o->n_obs, 1));
  double prev = NAN;
  int n = 0;

  for (int i = 0; i < o->n_obs; i++)
    {
      gsize j = o->first + i;
      if (ds->band[j] != band || !isfinite (ds->value[j]))
        continue;
      if (isfinite (prev))
        diff[n++] = fabs (ds->value[j] - prev);
      prev = ds->value[j];
    }
  if (n == 0)
    return NAN;
  return MAD_TO_SIGMA * lc_stat_median (diff, n, scratch) / G_SQRT2;
}

static gsize
begin_object (LcDatasetBuilder *b, const LcDataset *ds, const LcObject *o, const char *id)
{
  int class_id = o->label >= 0 ? ds->classes[o->label].id : -1;
  gsize index = lc_dataset_builder_begin_object (b, id, class_id);
  for (int k = 0; k < ds->n_meta; k++)
    lc_dataset_builder_set_meta (b, index, k, o->meta[k]);
  return index;
}

static void
add_original (LcDatasetBuilder *b, const LcDataset *ds, const LcObject *o)
{
  begin_object (b, ds, o, o->id);
  for (int i = 0; i < o->n_obs; i++)
    {
      gsize j = o->first + i;
      lc_dataset_builder_add_observation (b, ds->time[j], ds->value[j], ds->error[j], ds->band[j],
                                          ds->detected[j]);
    }
}

/* Which observations of o a copy keeps: each goes with probability
 * drop_fraction, but one always stays so the copy is still a light curve. */
static void
choose_kept (NnRng *rng, const LcObject *o, double drop_fraction, gboolean *keep)
{
  int kept = 0;
  for (int i = 0; i < o->n_obs; i++)
    {
      keep[i] = drop_fraction <= 0.0 || nn_rng_uniform (rng) >= drop_fraction;
      kept += keep[i];
    }
  if (kept == 0 && o->n_obs > 0)
    keep[nn_rng_below (rng, (guint64) o->n_obs)] = TRUE;
}

/* The time shift of one copy: uniform in days, whole steps on a grid. */
static double
draw_shift (NnRng *rng, const LcDataset *ds, double time_shift)
{
  if (time_shift <= 0.0)
    return 0.0;
  if (ds->on_grid)
    {
      guint64 max_steps = (guint64) floor (time_shift);
      return (double) nn_rng_below (rng, 2 * max_steps + 1) - (double) max_steps;
    }
  return nn_rng_uniform_range (rng, -time_shift, time_shift);
}

static void
add_copy (LcDatasetBuilder *b, const LcDataset *ds, gsize object, int k,
          const LcAugmentOptions *opt, const double *band_scatter, gboolean *keep)
{
  const LcObject *o = &ds->objects[object];
  g_autofree char *id = g_strdup_printf ("%s~aug%d", o->id, k + 1);
  double last_time = o->n_obs > 0 ? ds->time[o->first + o->n_obs - 1] : 0.0;
  double shift, factor = 1.0;
  NnRng rng;

  /* a stream per (object, copy): a copy does not depend on which other rows are augmented */
  nn_rng_init_stream (&rng, opt->seed, (guint64) object * 1001u + (guint64) k);
  shift = draw_shift (&rng, ds, opt->time_shift);
  if (opt->amplitude_jitter > 0.0)
    factor = exp (opt->amplitude_jitter * nn_rng_normal (&rng));
  choose_kept (&rng, o, opt->drop_fraction, keep);

  begin_object (b, ds, o, id);
  for (int i = 0; i < o->n_obs; i++)
    {
      gsize j = o->first + i;
      double t = ds->time[j] + shift, v = ds->value[j], e = ds->error[j];
      double sigma = isfinite (e) && e > 0.0 ? e : band_scatter[ds->band[j]];
      double z = nn_rng_normal (&rng);   /* drawn for every cell: the stream stays aligned */

      if (!keep[i])
        continue;
      /* a grid has no steps before the first or after the last */
      if (ds->on_grid && (t < 0.0 || t > last_time))
        continue;
      if (opt->noise > 0.0 && isfinite (sigma) && isfinite (v))
        v += opt->noise * sigma * z;
      if (ds->value_kind == LC_VALUE_MAGNITUDE)
        v -= 2.5 * log10 (factor);
      else
        {
          v *= factor;
          e *= factor;
        }
      lc_dataset_builder_add_observation (b, t, (float) v, (float) e, ds->band[j], ds->detected[j]);
    }
}

LcDataset *
lc_augment_dataset (const LcDataset *ds, const int *rows, int n_rows,
                    const LcAugmentOptions *options, int **source_out, GError **error)
{
  g_autoptr (LcDatasetBuilder) b = NULL;
  g_autofree int *source = NULL;
  g_autofree double *band_scatter = NULL;
  g_autofree gboolean *keep = NULL;
  g_autofree guint8 *seen = NULL;
  int longest = 1, n_out = 0, copies;

  if (!check_options (options, error))
    return NULL;
  if (rows == NULL)
    n_rows = (int) ds->n_objects;
  seen = g_new0 (guint8, MAX (ds->n_objects, 1));
  for (int r = 0; r < n_rows; r++)
    {
      int row = rows != NULL ? rows[r] : r;
      if (row < 0 || (gsize) row >= ds->n_objects)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       _("%s: augmentation: row %d is not an object of the dataset (%zu objects)"),
                       ds->path != NULL ? ds->path : _("dataset"), row, ds->n_objects);
          return NULL;
        }
      /* the builder would merge two objects of one id: resample after augmenting */
      if (seen[row]++)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_MISMATCH,
                       _("%s: augmentation: object %s is given twice; augment before resampling"),
                       ds->path != NULL ? ds->path : _("dataset"), ds->objects[row].id);
          return NULL;
        }
      longest = MAX (longest, ds->objects[row].n_obs);
    }

  copies = options->copies;
  b = lc_dataset_builder_new_like (ds);
  lc_dataset_builder_reserve (b, (gsize) longest * n_rows * (copies + 1));
  source = g_new (int, MAX ((gsize) n_rows * (copies + 1), 1));
  band_scatter = g_new (double, MAX (ds->n_bands, 1));
  keep = g_new (gboolean, longest);

  if (options->keep_originals)
    for (int r = 0; r < n_rows; r++)
      {
        int row = rows != NULL ? rows[r] : r;
        add_original (b, ds, &ds->objects[row]);
        source[n_out++] = row;
      }
  for (int r = 0; r < n_rows && copies > 0; r++)
    {
      int row = rows != NULL ? rows[r] : r;
      for (int band = 0; band < ds->n_bands; band++)
        band_scatter[band] = lc_augment_band_scatter (ds, row, band);
      for (int k = 0; k < copies; k++)
        {
          add_copy (b, ds, row, k, options, band_scatter, keep);
          source[n_out++] = row;
        }
    }

  if (source_out != NULL)
    *source_out = g_steal_pointer (&source);
  return lc_dataset_builder_finish (b, error);
}

/* ---------------------------------------------------------------- model file */

static gboolean
augment_field_error (GError **error, const char *field, const char *expected)
{
  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("augmentation: field “%s”: expected %s"),
               field, expected);
  return FALSE;
}

static gboolean
read_number (JsonObject *o, const char *field, double lo, double hi, double *out, GError **error)
{
  JsonNode *node;
  double v;
  if (!json_object_has_member (o, field))
    return TRUE;
  node = json_object_get_member (o, field);
  if (!nn_json_node_number (node, &v))
    return augment_field_error (error, field, _("a number"));
  if (!(v >= lo && v <= hi))
    {
      g_autofree char *range = g_strdup_printf (_("a number from %g to %g, found %g"), lo, hi, v);
      return augment_field_error (error, field, range);
    }
  *out = v;
  return TRUE;
}

gboolean
lc_augment_options_from_json (JsonNode *node, LcAugmentOptions *options, GError **error)
{
  static const char *const known[] = {
    "copies", "noise", "time_shift", "drop_fraction", "amplitude_jitter", "keep_originals", NULL
  };
  g_autoptr (GList) members = NULL;
  JsonObject *o;
  double copies;

  lc_augment_options_default (options);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("augmentation: expected an object { ... }"));
      return FALSE;
    }
  o = json_node_get_object (node);
  members = json_object_get_members (o);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                     _("augmentation: unknown field “%s” (known: copies, noise, time_shift, "
                       "drop_fraction, amplitude_jitter, keep_originals)"), (const char *) l->data);
        return FALSE;
      }
  copies = options->copies;
  if (!read_number (o, "copies", 0, 1000, &copies, error)
      || !read_number (o, "noise", 0, 100, &options->noise, error)
      || !read_number (o, "time_shift", 0, 1e6, &options->time_shift, error)
      || !read_number (o, "drop_fraction", 0, 0.99, &options->drop_fraction, error)
      || !read_number (o, "amplitude_jitter", 0, 10, &options->amplitude_jitter, error))
    return FALSE;
  if (copies != floor (copies))
    return augment_field_error (error, "copies", _("a whole number"));
  options->copies = (int) copies;
  if (json_object_has_member (o, "keep_originals"))
    {
      JsonNode *k = json_object_get_member (o, "keep_originals");
      if (!JSON_NODE_HOLDS_VALUE (k) || json_node_get_value_type (k) != G_TYPE_BOOLEAN)
        return augment_field_error (error, "keep_originals", _("true or false"));
      options->keep_originals = json_node_get_boolean (k);
    }
  return TRUE;
}

JsonNode *
lc_augment_options_to_json (const LcAugmentOptions *options)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_object_set_int_member (o, "copies", options->copies);
  json_object_set_double_member (o, "noise", options->noise);
  json_object_set_double_member (o, "time_shift", options->time_shift);
  json_object_set_double_member (o, "drop_fraction", options->drop_fraction);
  json_object_set_double_member (o, "amplitude_jitter", options->amplitude_jitter);
  json_object_set_boolean_member (o, "keep_originals", options->keep_originals);
  json_node_take_object (node, o);
  return node;
}
