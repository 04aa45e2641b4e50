/* lc-run.c: the run file. */
#include "config.h"

#include "lc-run.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nn-json.h"

#define RUN_FORMAT "passband-run"
#define RUN_VERSION 1

char *
lc_dataset_checksum (const LcDataset *ds)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gint64 header[] = { (gint64) ds->n_objects, (gint64) ds->n_obs, ds->n_bands, ds->n_classes,
                      ds->n_meta, ds->on_grid };

  g_checksum_update (sum, (const guchar *) header, sizeof header);
  /* names with their terminating NUL, so "ab","c" differs from "a","bc" */
  for (int b = 0; b < ds->n_bands; b++)
    g_checksum_update (sum, (const guchar *) ds->band_names[b], strlen (ds->band_names[b]) + 1);
  for (int c = 0; c < ds->n_classes; c++)
    {
      g_checksum_update (sum, (const guchar *) &ds->classes[c].id, sizeof (int));
      g_checksum_update (sum, (const guchar *) ds->classes[c].name, strlen (ds->classes[c].name) + 1);
    }
  for (int k = 0; k < ds->n_meta; k++)
    g_checksum_update (sum, (const guchar *) ds->meta_names[k], strlen (ds->meta_names[k]) + 1);
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      const LcObject *o = &ds->objects[i];
      g_checksum_update (sum, (const guchar *) o->id, strlen (o->id) + 1);
      g_checksum_update (sum, (const guchar *) &o->label, sizeof (int));
      g_checksum_update (sum, (const guchar *) &o->n_obs, sizeof (int));
      if (ds->n_meta > 0)
        g_checksum_update (sum, (const guchar *) o->meta, ds->n_meta * sizeof (float));
    }
  g_checksum_update (sum, (const guchar *) ds->time, ds->n_obs * sizeof (double));
  g_checksum_update (sum, (const guchar *) ds->value, ds->n_obs * sizeof (float));
  g_checksum_update (sum, (const guchar *) ds->error, ds->n_obs * sizeof (float));
  g_checksum_update (sum, ds->band, ds->n_obs);
  g_checksum_update (sum, ds->detected, ds->n_obs);
  return g_strdup (g_checksum_get_string (sum));
}

LcRunFile *
lc_run_file_new (const char *path, const char *data_path, const char *meta_path,
                 const LcDataset *ds, const char *out_path, const NnModelDoc *spec,
                 const LcTrainOverrides *overrides)
{
  LcRunFile *run = g_new0 (LcRunFile, 1);
  run->path = g_strdup (path);
  run->data_path = g_strdup (data_path);
  run->meta_path = g_strdup (meta_path);
  run->data_checksum = lc_dataset_checksum (ds);
  run->out_path = g_strdup (out_path);
  run->spec = nn_model_doc_copy (spec);
  run->overrides = *overrides;
  return run;
}

void
lc_run_file_free (LcRunFile *run)
{
  if (run == NULL)
    return;
  g_free (run->path);
  g_free (run->data_path);
  g_free (run->meta_path);
  g_free (run->data_checksum);
  g_free (run->out_path);
  nn_model_doc_free (run->spec);
  nn_train_checkpoint_free (run->checkpoint);
  g_free (run);
}

static void
append_member_string (GString *s, const char *name, const char *value)
{
  g_string_append_printf (s, ",\n  \"%s\": ", name);
  if (value == NULL)
    g_string_append (s, "null");
  else
    nn_json_append_string (s, value);
}

/* The overrides, every field written: -1 / 0 mean "keep the spec's" as in
 * LcTrainOverrides. */
static void
append_overrides (GString *s, const LcTrainOverrides *o)
{
  g_string_append_printf (s, ",\n  \"overrides\": {\"epochs\": %d, \"batch_size\": %d, "
                          "\"learning_rate\": ", o->epochs, o->batch_size);
  nn_json_append_double (s, o->learning_rate);
  g_string_append_printf (s, ", \"seed\": %" G_GINT64_FORMAT ", \"val_fraction\": ", o->seed);
  nn_json_append_double (s, o->val_fraction);
  g_string_append_printf (s, ", \"balance\": %d, \"class_weight_power\": ", o->balance);
  nn_json_append_double (s, o->class_weight_power);
  g_string_append_printf (s, ", \"loss\": %d, \"focal_gamma\": ", o->loss);
  nn_json_append_double (s, o->focal_gamma);
  g_string_append (s, ", \"logit_adjust\": ");
  nn_json_append_double (s, o->logit_adjust);
  g_string_append_printf (s, ", \"threads\": %d, \"patience\": %d, \"augment_copies\": %d, "
                          "\"ensemble_members\": %d}", o->threads, o->patience, o->augment_copies,
                          o->ensemble_members);
}

gboolean
lc_run_file_save (const LcRunFile *run, const NnTrainCheckpoint *checkpoint, GError **error)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_autofree char *spec = nn_model_doc_to_data (run->spec, NULL);
  g_autoptr (GError) local = NULL;

  checkpoint = checkpoint != NULL ? checkpoint : run->checkpoint;
  g_string_append_printf (s, "{\"format\": \"%s\", \"version\": %d", RUN_FORMAT, RUN_VERSION);
  append_member_string (s, "data", run->data_path);
  append_member_string (s, "meta", run->meta_path);
  append_member_string (s, "data_sha256", run->data_checksum);
  append_member_string (s, "out", run->out_path);
  g_string_append_printf (s, ",\n  \"finished\": %s", run->finished ? "true" : "false");
  append_overrides (s, &run->overrides);
  g_string_append (s, ",\n  \"spec\": ");
  g_string_append (s, spec);
  g_string_append (s, ",\n  \"checkpoint\": ");
  if (checkpoint != NULL)
    {
      g_autofree char *cp = nn_train_checkpoint_to_data (checkpoint, NULL);
      g_string_append (s, cp);
    }
  else
    g_string_append (s, "null");
  g_string_append (s, "}\n");
  if (!g_file_set_contents_full (run->path, s->str, (gssize) s->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("cannot write %s: %s"), run->path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
field_error (GError **error, const char *path, const char *field, const char *what)
{
  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: field “%s”: %s"), path, field, what);
  return FALSE;
}

static gboolean
get_string (JsonObject *o, const char *field, gboolean nullable, char **out, const char *path,
            GError **error)
{
  JsonNode *node = json_object_get_member (o, field);
  if (node != NULL && nullable && JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return field_error (error, path, field, _("expected a string"));
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_number (JsonObject *o, const char *field, double *out, const char *path, GError **error)
{
  if (!nn_json_node_number (json_object_get_member (o, field), out) || !isfinite (*out))
    return field_error (error, path, field, _("expected a number"));
  return TRUE;
}

static gboolean
get_overrides (JsonObject *root, LcTrainOverrides *o, const char *path, GError **error)
{
  JsonNode *node = json_object_get_member (root, "overrides");
  JsonObject *ob = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  double v[14];
  static const char *const names[] = { "epochs", "batch_size", "learning_rate", "seed",
                                       "val_fraction", "balance", "class_weight_power", "loss",
                                       "focal_gamma", "logit_adjust", "threads", "patience",
                                       "augment_copies", "ensemble_members" };

  if (ob == NULL)
    return field_error (error, path, "overrides", _("expected an object"));
  for (int i = 0; i < 14; i++)
    {
      if (!get_number (ob, names[i], &v[i], path, error))
        return FALSE;
      /* every field but the rates and fractions is a whole number, a C int but the seed */
      if (i != 2 && i != 4 && i != 6 && i != 8 && i != 9
          && (v[i] != floor (v[i]) || (i != 3 && fabs (v[i]) > G_MAXINT)))
        return field_error (error, path, names[i], _("expected a whole number"));
    }
  *o = (LcTrainOverrides) { (int) v[0], (int) v[1], v[2], (gint64) v[3], v[4], (int) v[5], v[6],
                            (int) v[7], v[8], v[9], (int) v[10], (int) v[11], (int) v[12],
                            (int) v[13] };
  return TRUE;
}

LcRunFile *
lc_run_file_load (const char *path, GError **error)
{
  g_autofree char *text = NULL, *spec_text = NULL;
  gsize len = 0;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (LcRunFile) run = g_new0 (LcRunFile, 1);
  g_autoptr (GError) local = NULL;
  JsonNode *root, *node;
  JsonObject *o;
  double version;

  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, "%s", local->message);
      return NULL;
    }
  parser = nn_json_parse_untrusted (text, (gssize) len, &local);
  if (parser == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, "%s: %s", path, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                "format", ""), RUN_FORMAT) != 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s is not a Passband run file"), path);
      return NULL;
    }
  o = json_node_get_object (root);
  if (!get_number (o, "version", &version, path, error))
    return NULL;
  if (version > RUN_VERSION)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s was written by a newer Passband; update Passband to resume it"), path);
      return NULL;
    }
  run->path = g_strdup (path);
  if (!get_string (o, "data", FALSE, &run->data_path, path, error)
      || !get_string (o, "meta", TRUE, &run->meta_path, path, error)
      || !get_string (o, "data_sha256", FALSE, &run->data_checksum, path, error)
      || !get_string (o, "out", FALSE, &run->out_path, path, error)
      || !get_overrides (o, &run->overrides, path, error))
    return NULL;
  node = json_object_get_member (o, "finished");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      field_error (error, path, "finished", _("expected true or false"));
      return NULL;
    }
  run->finished = json_node_get_boolean (node);
  node = json_object_get_member (o, "spec");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      field_error (error, path, "spec", _("expected a model spec"));
      return NULL;
    }
  spec_text = nn_json_to_string (node);
  run->spec = nn_model_doc_load_from_data (spec_text, -1, path, error);
  if (run->spec == NULL)
    return NULL;
  node = json_object_get_member (o, "checkpoint");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      run->checkpoint = nn_train_checkpoint_from_json (node, path, error);
      if (run->checkpoint == NULL)
        return NULL;
    }
  return g_steal_pointer (&run);
}
