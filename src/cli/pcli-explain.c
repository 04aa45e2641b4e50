/* pcli-explain.c: passband-cli explain: which observations, bands and
 * metadata made the model give an object its class. */
#include "config.h"

#include "pcli.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lc-explain.h"

/* Steps and metadata features listed in the readable summary. */
#define TOP_N 5

static const char *
class_name (const LcPredictor *p, int k)
{
  if (p->doc->classes != NULL && (guint) k < p->doc->classes->len)
    return g_array_index (p->doc->classes, NnClassSpec, k).name;
  return "";
}

/* --class: a class id of the model (e.g. 90) or its name; -1 when absent. */
static gboolean
parse_class (const LcPredictor *p, const char *text, int *index_out)
{
  gint64 id;

  *index_out = -1;
  if (text == NULL)
    return TRUE;
  for (int k = 0; k < p->n_classes; k++)
    if (g_strcmp0 (class_name (p, k), text) == 0)
      {
        *index_out = k;
        return TRUE;
      }
  if (g_ascii_string_to_signed (text, 10, G_MININT, G_MAXINT, &id, NULL))
    for (int k = 0; k < p->n_classes; k++)
      if (p->class_ids[k] == id)
        {
          *index_out = k;
          return TRUE;
        }
  pcli_error ("explain", _("--class: the model has no class “%s”"), text);
  return FALSE;
}

/* An attribution of exactly zero (padding, a value the network never
 * multiplied) prints as 0, never -0.0. */
static void
add_attribution (JsonBuilder *b, double value)
{
  if (value == 0.0)
    json_builder_add_int_value (b, 0);
  else
    json_builder_add_double_value (b, value);
}

static void
add_attribution_member (JsonBuilder *b, const char *name, double value)
{
  if (value == 0.0)
    {
      json_builder_set_member_name (b, name);
      json_builder_add_int_value (b, 0);
    }
  else
    pcli_json_add_number (b, name, value);
}

/* The observations the network saw, in time order, with what their cells
 * carry: [time, band, attribution]. */
static void
add_observations (JsonBuilder *b, const LcDataset *ds, const LcExplanation *ex)
{
  const LcObject *o = &ds->objects[ex->object];

  json_builder_set_member_name (b, "observation_attributions");
  json_builder_begin_array (b);
  for (int i = 0; i < ex->n_observations; i++)
    {
      gsize j = o->first + i;

      if (!isfinite (ex->observation_attribution[i]))
        continue;
      json_builder_begin_array (b);
      json_builder_add_double_value (b, ds->time[j]);
      json_builder_add_string_value (b, ds->band_names[ds->band[j]]);
      add_attribution (b, ex->observation_attribution[i]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static void
print_json (const LcPredictor *p, const LcDataset *ds, const LcExplanation *ex)
{
  const NnAttribution *a = ex->attribution;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "object_id");
  json_builder_add_string_value (b, ds->objects[ex->object].id);
  json_builder_set_member_name (b, "class");
  json_builder_add_int_value (b, p->class_ids[ex->target]);
  json_builder_set_member_name (b, "class_name");
  json_builder_add_string_value (b, class_name (p, ex->target));
  pcli_json_add_number (b, "probability", ex->probability);
  pcli_json_add_number (b, "baseline_probability", a->baseline_probability);
  json_builder_set_member_name (b, "features");
  json_builder_begin_array (b);
  for (int f = 0; f < a->features; f++)
    json_builder_add_string_value (b, lc_encoder_step_feature_name (p->encoder, f));
  json_builder_end_array (b);
  /* the object's valid steps only: padding carries no attribution */
  json_builder_set_member_name (b, "attributions");
  json_builder_begin_array (b);
  for (int t = 0; t < a->length; t++)
    {
      json_builder_begin_array (b);
      for (int f = 0; f < a->features; f++)
        add_attribution (b, a->x[(size_t) t * a->features + f]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "metadata_attributions");
  json_builder_begin_object (b);
  for (int s = 0; s < a->meta_features; s++)
    add_attribution_member (b, lc_encoder_meta_feature_name (p->encoder, s), a->meta[s]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "band_occlusion");
  json_builder_begin_object (b);
  for (int band = 0; band < ex->n_bands; band++)
    add_attribution_member (b, ds->band_names[band], ex->band_occlusion[band]);
  json_builder_end_object (b);
  add_observations (b, ds, ex);
  json_builder_end_object (b);
  pcli_print_json (b);
}

/* "r at MJD 60123.41" or "r at step 12" */
static char *
observation_label (const LcDataset *ds, gsize j)
{
  if (ds->on_grid)
    return g_strdup_printf (_("%s at step %d"), ds->band_names[ds->band[j]], (int) ds->time[j]);
  return g_strdup_printf (_("%s at %.2f"), ds->band_names[ds->band[j]], ds->time[j]);
}

static void
print_summary (const LcPredictor *p, const LcDataset *ds, const LcExplanation *ex)
{
  const NnAttribution *a = ex->attribution;
  const LcObject *o = &ds->objects[ex->object];
  g_autofree int *obs = g_new (int, MAX (ex->n_observations, 1));
  g_autofree int *meta = g_new (int, MAX (a->meta_features, 1));
  double total = 0.0;
  int n_seen;

  printf (_("object %s: class %d %s, probability %.4f (baseline %.4f)\n"),
          o->id, p->class_ids[ex->target], class_name (p, ex->target), ex->probability,
          a->baseline_probability);
  n_seen = lc_explanation_rank_observations (ex, obs);
  for (int i = 0; i < n_seen; i++)
    total += fabs (ex->observation_attribution[obs[i]]);
  printf (ds->on_grid ? _("  top observations (band at step: attribution, share of |attribution|):\n")
          : _("  top observations (band at time: attribution, share of |attribution|):\n"));
  for (int i = 0; i < MIN (TOP_N, n_seen); i++)
    {
      g_autofree char *label = observation_label (ds, o->first + obs[i]);
      double v = ex->observation_attribution[obs[i]];

      printf ("    %s: %+.4f (%.1f%%)\n", label, v, total > 0.0 ? 100.0 * fabs (v) / total : 0.0);
    }
  if (a->meta_features > 0)
    {
      lc_explanation_rank_metadata (ex, meta);
      printf (_("  top metadata:"));
      for (int i = 0; i < MIN (TOP_N, a->meta_features); i++)
        printf (" %s %+.4f", lc_encoder_meta_feature_name (p->encoder, meta[i]), a->meta[meta[i]]);
      printf ("\n");
    }
  printf (_("  without band:"));
  for (int band = 0; band < ex->n_bands; band++)
    if (isfinite (ex->band_occlusion[band]))
      printf (" %s %+.4f", ds->band_names[band], ex->band_occlusion[band]);
    else
      printf (" %s -", ds->band_names[band]);
  printf ("\n");
  fflush (stdout);
}

static int
find_object (const LcDataset *ds, const char *id)
{
  for (gsize i = 0; i < ds->n_objects; i++)
    if (g_strcmp0 (ds->objects[i].id, id) == 0)
      return (int) i;
  return -1;
}

int
pcli_explain (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *data = NULL, *meta = NULL, *object_id = NULL,
                  *class_text = NULL;
  gboolean json = FALSE;
  int points = NN_ATTRIBUTION_DEFAULT_POINTS;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, N_("Trained model (JSON)"), "MODEL.json" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Dataset"), "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, N_("Metadata CSV (PLAsTiCC)"), "PATH" },
    { "object", 0, 0, G_OPTION_ARG_STRING, &object_id, N_("Explain only this object"), "ID" },
    { "class", 0, 0, G_OPTION_ARG_STRING, &class_text,
      N_("Class to explain, by id or name (default: the predicted one)"), "C" },
    { "points", 0, 0, G_OPTION_ARG_INT, &points,
      N_("Intervals of the integration path (default 64)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON lines"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("— which observations, bands and metadata decided the class"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autoptr (LcDataset) ds = NULL;
  int target, first = 0, last;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "explain", &argc, &argv))
    return 2;
  if (data == NULL || model_path == NULL)
    {
      pcli_error ("explain", _("--model MODEL.json and --data PATH are required"));
      return 2;
    }
  if (points < 2 || points > NN_ATTRIBUTION_MAX_POINTS)
    {
      pcli_error ("explain", _("--points: expected a number from 2 to %d, found %d"),
                  NN_ATTRIBUTION_MAX_POINTS, points);
      return 2;
    }
  if (!pcli_load_model_and_data ("explain", model_path, data, meta, &predictor, &ds))
    return 1;
  if (!parse_class (predictor, class_text, &target))
    return 2;
  last = (int) ds->n_objects - 1;
  if (object_id != NULL)
    {
      first = last = find_object (ds, object_id);
      if (first < 0)
        {
          pcli_error ("explain", _("%s has no object “%s”"), ds->path, object_id);
          return 1;
        }
    }
  for (int i = first; i <= last; i++)
    {
      g_autoptr (LcExplanation) ex = lc_explain_object (predictor, ds, i, target, points, &error);
      if (ex == NULL)
        {
          pcli_error ("explain", _("object %s: %s"), ds->objects[i].id, error->message);
          return 1;
        }
      if (json)
        print_json (predictor, ds, ex);
      else
        print_summary (predictor, ds, ex);
    }
  return 0;
}
