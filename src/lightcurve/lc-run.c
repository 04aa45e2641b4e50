/* lc-run.c: the run file. */
#include "config.h"

#include "lc-run.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <float.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nn-json.h"
#include "nn-atomic.h"
#include "nn-base64.h"

#define RUN_FORMAT "passband-run"
/* 2: whole probability vectors per object and epoch (1: the top one) */
#define RUN_VERSION 2

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

const char *
lc_dataset_get_checksum (const LcDataset *ds)
{
  /* a cache, not a change of the data: datasets stay immutable to readers */
  char **slot = &((LcDataset *) ds)->checksum;
  char *sum = g_atomic_pointer_get (slot);

  if (sum != NULL)
    return sum;
  sum = lc_dataset_checksum (ds);
  /* two threads may race to compute it: the first one's is kept */
  if (!g_atomic_pointer_compare_and_exchange (slot, NULL, sum))
    {
      g_free (sum);
      sum = g_atomic_pointer_get (slot);
    }
  return sum;
}

gboolean
lc_dataset_same_data (const LcDataset *a, const LcDataset *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  return a == b || strcmp (lc_dataset_get_checksum (a), lc_dataset_get_checksum (b)) == 0;
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
  run->data_checksum = g_strdup (lc_dataset_get_checksum (ds));
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
  nn_object_history_free (run->objects);
  g_strfreev (run->object_ids);
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
  g_string_append (s, ", \"prior_correction\": ");
  nn_json_append_double (s, o->prior_correction);
  g_string_append (s, ", \"sampling_power\": ");
  nn_json_append_double (s, o->sampling_power);
  g_string_append_printf (s, ", \"reweight_from_epoch\": %d", o->reweight_from_epoch);
  g_string_append (s, ", \"effective_beta\": ");
  nn_json_append_double (s, o->effective_beta);
  g_string_append (s, ", \"label_smoothing\": ");
  nn_json_append_double (s, o->label_smoothing);
  g_string_append_printf (s, ", \"threads\": %d, \"patience\": %d, \"augment_copies\": %d, "
                          "\"ensemble_members\": %d}", o->threads, o->patience, o->augment_copies,
                          o->ensemble_members);
}

/* "objects": {"classes": K, "ids": [...], "labels": [...],
 *   "predicted": [[one class per object] per epoch],
 *   "probabilities": ["<base64 float32, objects x classes>" per epoch]}
 * The predicted classes repeat what the probabilities say, for a reader
 * without a base64 decoder. */
static void
append_objects (GString *s, const LcRunFile *run)
{
  const NnObjectHistory *h = run->objects;
  int n = h->n_objects, k = h->n_classes;

  g_string_append_printf (s, ",\n  \"objects\": {\"classes\": %d, \"ids\": [", k);
  for (int i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      nn_json_append_string (s, run->object_ids[i]);
    }
  g_string_append (s, "],\n    \"labels\": [");
  for (int i = 0; i < n; i++)
    g_string_append_printf (s, "%s%d", i > 0 ? "," : "", h->labels[i]);
  g_string_append (s, "],\n    \"predicted\": [");
  for (int e = 0; e < h->n_epochs; e++)
    {
      g_string_append (s, e > 0 ? ",\n      [" : "\n      [");
      for (int i = 0; i < n; i++)
        g_string_append_printf (s, "%s%d", i > 0 ? "," : "", nn_object_history_predicted (h, e, i));
      g_string_append_c (s, ']');
    }
  g_string_append (s, "],\n    \"probabilities\": [");
  for (int e = 0; e < h->n_epochs; e++)
    {
      g_autofree char *b64 = nn_base64_from_floats (h->probs + (size_t) e * n * k, (gsize) n * k);
      g_string_append_printf (s, "%s\n      \"%s\"", e > 0 ? "," : "", b64);
    }
  g_string_append (s, "]}");
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
  if (run->objects != NULL)
    append_objects (s, run);
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
  if (!nn_atomic_write (run->path, s->str, (gssize) s->len, &local))
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

/* Leaves *out as it is when the field is absent. */
static gboolean
get_optional_number (JsonObject *o, const char *field, double *out, const char *path, GError **error)
{
  if (!json_object_has_member (o, field))
    return TRUE;
  return get_number (o, field, out, path, error);
}

static gboolean
get_optional_int (JsonObject *o, const char *field, int *out, const char *path, GError **error)
{
  double v = *out;
  if (!get_optional_number (o, field, &v, path, error))
    return FALSE;
  if (v != floor (v) || fabs (v) > G_MAXINT)
    return field_error (error, path, field, _("expected a whole number"));
  *out = (int) v;
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
  *o = (LcTrainOverrides) { .epochs = (int) v[0], .batch_size = (int) v[1], .learning_rate = v[2],
                            .seed = (gint64) v[3], .val_fraction = v[4], .balance = (int) v[5],
                            .class_weight_power = v[6], .loss = (int) v[7], .focal_gamma = v[8],
                            .logit_adjust = v[9], .threads = (int) v[10], .patience = (int) v[11],
                            .augment_copies = (int) v[12], .ensemble_members = (int) v[13],
                            .prior_correction = -1, .sampling_power = -1,
                            .reweight_from_epoch = -1, .effective_beta = -1,
                            .label_smoothing = -1 };
  /* fields added later: older runs, without them, keep the spec's */
  if (!get_optional_number (ob, "prior_correction", &o->prior_correction, path, error)
      || !get_optional_number (ob, "sampling_power", &o->sampling_power, path, error)
      || !get_optional_int (ob, "reweight_from_epoch", &o->reweight_from_epoch, path, error)
      || !get_optional_number (ob, "effective_beta", &o->effective_beta, path, error)
      || !get_optional_number (ob, "label_smoothing", &o->label_smoothing, path, error))
    return FALSE;
  if (o->balance < -1 || o->balance > NN_BALANCE_EFFECTIVE)
    return field_error (error, path, "balance", _("expected -1 or a balancing mode"));
  if (o->loss < -1 || o->loss > NN_LOSS_FOCAL)
    return field_error (error, path, "loss", _("expected -1 or a loss"));
  return TRUE;
}

static JsonArray *
array_member (JsonObject *o, const char *name, guint length)
{
  JsonNode *node = json_object_get_member (o, name);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || (length != G_MAXUINT && json_array_get_length (json_node_get_array (node)) != length))
    return NULL;
  return json_node_get_array (node);
}

/* A whole number in [lo, hi] at index i of a, or FALSE. */
static gboolean
int_element (JsonArray *a, guint i, int lo, int hi, int *out)
{
  double v;
  if (a == NULL || !nn_json_node_number (json_array_get_element (a, i), &v) || v != floor (v)
      || v < lo || v > hi)
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* Version 1 files keep the top class's probability only: that value in its
 * place and zeros elsewhere. */
static gboolean
read_top_probabilities (JsonArray *pa, JsonArray *qa, float *row, int n, int k)
{
  memset (row, 0, (size_t) n * k * sizeof (float));
  for (int i = 0; i < n; i++)
    {
      int c;
      double p;
      if (!int_element (pa, i, 0, k - 1, &c)
          || !nn_json_node_number (json_array_get_element (qa, i), &p) || !(p >= 0 && p <= 1))
        return FALSE;
      /* the top class keeps its place even when its probability is 0 */
      row[(size_t) i * k + c] = MAX ((float) p, FLT_MIN);
    }
  return TRUE;
}

/* One epoch's whole probability vectors, each a probability (NaN when the
 * model diverged). */
static gboolean
read_probabilities (const char *path, JsonNode *node, guint epoch, float *row, int n, int k,
                    GError **error)
{
  const char *text = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
  g_autofree char *problem = NULL;
  g_autofree char *field = g_strdup_printf ("objects.probabilities[%u]", epoch);

  if (text == NULL)
    return field_error (error, path, field, _("expected base64 text"));
  if (!nn_base64_to_floats (text, row, (gsize) n * k, &problem))
    return field_error (error, path, field, problem);
  for (size_t v = 0; v < (size_t) n * k; v++)
    if (!isnan (row[v]) && !(row[v] >= 0 && row[v] <= 1))
      {
        g_autofree char *what = g_strdup_printf (_("object %zu, class %zu: %g is not a probability"),
                                                 v / k, v % k, row[v]);
        return field_error (error, path, field, what);
      }
  return TRUE;
}

/* The predicted classes a file states must be those its probabilities give. */
static gboolean
check_predicted (const char *path, JsonArray *pa, const NnObjectHistory *h, guint epoch,
                 GError **error)
{
  for (int i = 0; i < h->n_objects; i++)
    {
      int c;
      if (!int_element (pa, i, 0, h->n_classes - 1, &c))
        return field_error (error, path, "objects.predicted", _("expected class numbers"));
      if (c != nn_object_history_predicted (h, (int) epoch, i))
        {
          g_autofree char *what =
            g_strdup_printf (_("epoch %u, object %d: class %d is not the most probable one"),
                             epoch + 1, i, c);
          return field_error (error, path, "objects.predicted", what);
        }
    }
  return TRUE;
}

static gboolean
get_objects (JsonObject *root, LcRunFile *run, int max_epochs, GError **error)
{
  JsonNode *node = json_object_get_member (root, "objects");
  JsonObject *o;
  JsonArray *ids, *labels, *pred, *prob, *probs;
  guint n, n_epochs;
  int k;
  g_autofree int *label_values = NULL;
  g_autofree float *row = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  ids = o != NULL ? array_member (o, "ids", G_MAXUINT) : NULL;
  n = ids != NULL ? json_array_get_length (ids) : 0;
  labels = o != NULL ? array_member (o, "labels", n) : NULL;
  pred = o != NULL ? array_member (o, "predicted", G_MAXUINT) : NULL;
  n_epochs = pred != NULL ? json_array_get_length (pred) : 0;
  /* "probabilities" (whole vectors) since version 2, "probability" (the top one) before */
  probs = o != NULL ? array_member (o, "probabilities", n_epochs) : NULL;
  prob = o != NULL && probs == NULL ? array_member (o, "probability", n_epochs) : NULL;
  if (o == NULL || labels == NULL || pred == NULL || (prob == NULL && probs == NULL))
    return field_error (error, run->path, "objects",
                        _("expected ids, labels, predicted and probabilities lists of one size"));
  if (n_epochs > (guint) max_epochs)
    return field_error (error, run->path, "objects.predicted",
                        _("more epochs than the run trains"));
  {
    double kd = 0;
    if (!nn_json_node_number (json_object_get_member (o, "classes"), &kd) || kd != floor (kd)
        || kd < 1 || kd > 100000)
      return field_error (error, run->path, "objects.classes", _("expected a number of classes"));
    k = (int) kd;
  }
  /* what the history will reserve, checked before anything is allocated */
  if ((double) n * k * max_epochs > (double) NN_MODEL_MAX_PARAMS)
    return field_error (error, run->path, "objects", _("too many objects and classes"));
  label_values = g_new (int, MAX (n, 1));
  run->object_ids = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const char *id = json_array_get_string_element (ids, i);
      if (id == NULL || !int_element (labels, i, -1, k - 1, &label_values[i]))
        return field_error (error, run->path, "objects",
                            _("expected string ids and class numbers"));
      run->object_ids[i] = g_strdup (id);
    }
  run->objects = nn_object_history_new (label_values, (int) n, k, max_epochs);
  row = g_new0 (float, (size_t) MAX (n, 1) * k);
  for (guint e = 0; e < n_epochs; e++)
    {
      JsonNode *pe = json_array_get_element (pred, e);
      JsonArray *pa = JSON_NODE_HOLDS_ARRAY (pe) ? json_node_get_array (pe) : NULL;
      if (pa == NULL || json_array_get_length (pa) != n)
        return field_error (error, run->path, "objects.predicted",
                            _("expected one value per object at every epoch"));
      if (probs != NULL)
        {
          if (!read_probabilities (run->path, json_array_get_element (probs, e), e, row, (int) n, k,
                                   error))
            return FALSE;
          nn_object_history_record (run->objects, row);
          if (!check_predicted (run->path, pa, run->objects, e, error))
            return FALSE;
        }
      else
        {
          JsonNode *qe = json_array_get_element (prob, e);
          JsonArray *qa = JSON_NODE_HOLDS_ARRAY (qe) ? json_node_get_array (qe) : NULL;
          if (qa == NULL || json_array_get_length (qa) != n
              || !read_top_probabilities (pa, qa, row, (int) n, k))
            return field_error (error, run->path, "objects.predicted",
                                _("expected class numbers and probabilities"));
          nn_object_history_record (run->objects, row);
        }
    }
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
  if (!get_objects (o, run, MAX (run->overrides.epochs > 0 ? run->overrides.epochs
                                 : run->spec->training.train.epochs, 1), error))
    return NULL;
  return g_steal_pointer (&run);
}

void
lc_run_file_track_objects (LcRunFile *run, const LcDataset *ds, const LcTrainRun *tr,
                           NnTrainCallbacks *callbacks)
{
  const NnObjectHistory *old = run->objects;
  NnObjectHistory *h;
  int n, k;

  if (tr->val == NULL || tr->val->n == 0)
    return;
  n = tr->val->n;
  k = tr->model->n_classes;
  h = nn_object_history_new (tr->val->labels, n, k, MAX (tr->config.epochs, 1));
  if (old != NULL && old->n_objects == n && old->n_classes == k)
    for (int e = 0; e < old->n_epochs && e < h->max_epochs; e++)
      nn_object_history_record (h, old->probs + (size_t) e * n * k);
  nn_object_history_free (run->objects);
  g_strfreev (run->object_ids);
  run->objects = h;
  run->object_ids = g_new0 (char *, n + 1);
  for (int i = 0; i < n; i++)
    run->object_ids[i] = g_strdup (ds->objects[tr->val_rows[i]].id);
  callbacks->object_history = h;
}

#define PEEK_BYTES 65536

gboolean
lc_run_file_peek (const char *path, char **data_path, char **meta_path, char **data_checksum,
                  gboolean *finished, GError **error)
{
  g_autofree char *head = g_malloc (PEEK_BYTES + 2);
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (LcRunFile) run = NULL;
  FILE *f = fopen (path, "rb");
  g_autofree char *checksum = NULL;
  size_t n;
  char *end;
  JsonNode *root;
  JsonObject *o;

  *data_path = *meta_path = NULL;
  if (data_checksum != NULL)
    *data_checksum = NULL;
  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("cannot read %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  n = fread (head, 1, PEEK_BYTES, f);
  fclose (f);
  head[n] = '\0';
  /* lc_run_file_save writes the data, checksum, model path and state
   * before the overrides: that much is a JSON object of its own */
  end = strstr (head, ",\n  \"overrides\"");
  if (end != NULL)
    {
      end[0] = '}';
      end[1] = '\0';
      parser = nn_json_parse_untrusted (head, -1, &local);
    }
  root = parser != NULL ? json_parser_get_root (parser) : NULL;
  o = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (o != NULL
      && g_strcmp0 (json_object_get_string_member_with_default (o, "format", ""), RUN_FORMAT) == 0
      && json_object_has_member (o, "finished")
      && json_node_get_value_type (json_object_get_member (o, "finished")) == G_TYPE_BOOLEAN
      && get_string (o, "data", FALSE, data_path, path, NULL)
      && get_string (o, "meta", TRUE, meta_path, path, NULL)
      && get_string (o, "data_sha256", FALSE, &checksum, path, NULL))
    {
      *finished = json_object_get_boolean_member (o, "finished");
      if (data_checksum != NULL)
        *data_checksum = g_steal_pointer (&checksum);
      return TRUE;
    }
  g_clear_pointer (data_path, g_free);
  g_clear_pointer (meta_path, g_free);
  /* written some other way: the whole file says it, or why not */
  run = lc_run_file_load (path, error);
  if (run == NULL)
    return FALSE;
  *data_path = g_steal_pointer (&run->data_path);
  *meta_path = g_steal_pointer (&run->meta_path);
  if (data_checksum != NULL)
    *data_checksum = g_steal_pointer (&run->data_checksum);
  *finished = run->finished;
  return TRUE;
}

/* ---- exporting runs ---- */

/* The settings a run trains with: the override where one was given, else
 * the spec's. */
typedef struct
{
  int epochs;
  int batch_size;
  double learning_rate;
  gint64 seed;
  int patience;
  int threads;
} Settings;

static void
effective_settings (const LcRunFile *run, Settings *s)
{
  const NnTrainConfig *t = &run->spec->training.train;
  const LcTrainOverrides *o = &run->overrides;

  s->epochs = o->epochs > 0 ? o->epochs : t->epochs;
  s->batch_size = o->batch_size > 0 ? o->batch_size : t->batch_size;
  s->learning_rate = o->learning_rate > 0.0 ? o->learning_rate : t->optim.lr;
  s->seed = o->seed >= 0 ? o->seed : (gint64) t->seed;
  s->patience = o->patience >= 0 ? o->patience : t->patience;
  s->threads = o->threads > 0 ? o->threads : t->threads;
}

typedef struct
{
  int epochs_done;
  int best_epoch;            /* 1-based, 0: none */
  double best_val_loss, best_val_accuracy, last_loss, last_val_loss;
} Outcome;

static void
run_outcome (const LcRunFile *run, Outcome *out)
{
  const NnHistory *h = run->checkpoint != NULL ? run->checkpoint->history : NULL;
  *out = (Outcome) { 0, 0, NAN, NAN, NAN, NAN };
  if (h == NULL || h->epochs->len == 0)
    return;
  out->epochs_done = (int) h->epochs->len;
  out->last_loss = g_array_index (h->epochs, NnEpochStats, h->epochs->len - 1).loss;
  out->last_val_loss = g_array_index (h->epochs, NnEpochStats, h->epochs->len - 1).val_loss;
  if (h->best_epoch >= 0 && (guint) h->best_epoch < h->epochs->len)
    {
      const NnEpochStats *b = &g_array_index (h->epochs, NnEpochStats, h->best_epoch);
      out->best_epoch = h->best_epoch + 1;
      out->best_val_loss = b->val_loss;
      out->best_val_accuracy = b->val_accuracy;
    }
}

static void
csv_field (GString *s, const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

/* A number as the shortest text that reads back; empty when not measured. */
static void
number_field (GString *s, double v)
{
  if (isfinite (v))
    nn_json_append_double (s, v);
}

static const char *const table_columns[] = {
  "run", "data", "data_sha256", "model", "epochs", "batch_size", "learning_rate", "seed",
  "patience", "threads", "epochs_done", "finished", "best_epoch", "best_val_loss",
  "best_val_accuracy", "last_loss", "last_val_loss",
};

/* Each run's cells as text, in table_columns order. */
static GPtrArray *
run_cells (const LcRunFile *run)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
  Settings st;
  Outcome oc;
  g_autoptr (GString) n = g_string_new (NULL);

  effective_settings (run, &st);
  run_outcome (run, &oc);
  g_ptr_array_add (cells, g_path_get_basename (run->path));
  g_ptr_array_add (cells, g_strdup (run->data_path));
  g_ptr_array_add (cells, g_strdup (run->data_checksum));
  g_ptr_array_add (cells, g_strdup (run->spec->name));
  g_ptr_array_add (cells, g_strdup_printf ("%d", st.epochs));
  g_ptr_array_add (cells, g_strdup_printf ("%d", st.batch_size));
  g_string_truncate (n, 0);
  /* a float in the trainer: its shortest text, not the double's digits */
  nn_json_append_float (n, (float) st.learning_rate);
  g_ptr_array_add (cells, g_strdup (n->str));
  g_ptr_array_add (cells, g_strdup_printf ("%" G_GINT64_FORMAT, st.seed));
  g_ptr_array_add (cells, g_strdup_printf ("%d", st.patience));
  g_ptr_array_add (cells, g_strdup_printf ("%d", st.threads));
  g_ptr_array_add (cells, g_strdup_printf ("%d", oc.epochs_done));
  g_ptr_array_add (cells, g_strdup (run->finished ? "yes" : "no"));
  g_ptr_array_add (cells, oc.best_epoch > 0 ? g_strdup_printf ("%d", oc.best_epoch) : g_strdup (""));
  {
    const double v[] = { oc.best_val_loss, oc.best_val_accuracy, oc.last_loss, oc.last_val_loss };
    for (guint i = 0; i < G_N_ELEMENTS (v); i++)
      {
        g_string_truncate (n, 0);
        number_field (n, v[i]);
        g_ptr_array_add (cells, g_strdup (n->str));
      }
  }
  return cells;
}

char *
lc_runs_table_csv (LcRunFile *const *runs, int n_runs)
{
  GString *s = g_string_new (NULL);

  for (guint c = 0; c < G_N_ELEMENTS (table_columns); c++)
    g_string_append_printf (s, "%s%s", c > 0 ? "," : "", table_columns[c]);
  g_string_append_c (s, '\n');
  for (int r = 0; r < n_runs; r++)
    {
      g_autoptr (GPtrArray) cells = run_cells (runs[r]);
      for (guint c = 0; c < cells->len; c++)
        {
          if (c > 0)
            g_string_append_c (s, ',');
          csv_field (s, g_ptr_array_index (cells, c));
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

char *
lc_latex_escape (const char *text)
{
  GString *s = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '\\':
        g_string_append (s, "\\textbackslash{}");
        break;
      case '~':
        g_string_append (s, "\\textasciitilde{}");
        break;
      case '^':
        g_string_append (s, "\\textasciicircum{}");
        break;
      case '&': case '%': case '$': case '#': case '_': case '{': case '}':
        g_string_append_c (s, '\\');
        g_string_append_c (s, *p);
        break;
      default:
        /* a newline or tab would end the row or be lost: a space */
        g_string_append_c (s, g_ascii_iscntrl (*p) ? ' ' : *p);
      }
  return g_string_free (s, FALSE);
}

char *
lc_runs_table_latex (LcRunFile *const *runs, int n_runs)
{
  GString *s = g_string_new ("\\begin{tabular}{");
  guint n_cols = G_N_ELEMENTS (table_columns);

  for (guint c = 0; c < n_cols; c++)
    g_string_append_c (s, c < 4 || c == 11 ? 'l' : 'r');
  g_string_append (s, "}\n\\toprule\n");
  for (guint c = 0; c < n_cols; c++)
    {
      g_autofree char *h = lc_latex_escape (table_columns[c]);
      g_string_append_printf (s, "%s%s", c > 0 ? " & " : "", h);
    }
  g_string_append (s, " \\\\\n\\midrule\n");
  for (int r = 0; r < n_runs; r++)
    {
      g_autoptr (GPtrArray) cells = run_cells (runs[r]);
      for (guint c = 0; c < cells->len; c++)
        {
          g_autofree char *e = lc_latex_escape (g_ptr_array_index (cells, c));
          g_string_append_printf (s, "%s%s", c > 0 ? " & " : "", e);
        }
      g_string_append (s, " \\\\\n");
    }
  g_string_append (s, "\\bottomrule\n\\end{tabular}\n");
  return g_string_free (s, FALSE);
}

char *
lc_run_curves_csv (const LcRunFile *run)
{
  GString *s = g_string_new ("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds\n");
  const NnHistory *h = run->checkpoint != NULL ? run->checkpoint->history : NULL;

  for (guint i = 0; h != NULL && i < h->epochs->len; i++)
    {
      const NnEpochStats *e = &g_array_index (h->epochs, NnEpochStats, i);
      const double v[] = { e->loss, e->accuracy, e->val_loss, e->val_accuracy };
      g_string_append_printf (s, "%d", e->epoch + 1);
      for (guint k = 0; k < G_N_ELEMENTS (v); k++)
        {
          g_string_append_c (s, ',');
          number_field (s, v[k]);
        }
      g_string_append_c (s, ',');
      nn_json_append_float (s, (float) e->learning_rate);
      g_string_append_c (s, ',');
      number_field (s, e->seconds);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

static gboolean
write_text (const char *path, const char *text, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (nn_atomic_write (path, text, -1, &local))
    return TRUE;
  g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("cannot write %s: %s"), path, local->message);
  return FALSE;
}

/* DIR/<run file name without .json>.csv, numbered when two runs share a name. */
static char *
curves_path (const char *dir, const LcRunFile *run, GHashTable *used)
{
  g_autofree char *base = g_path_get_basename (run->path);
  char *dot = g_str_has_suffix (base, ".json") ? strrchr (base, '.') : NULL;
  char *name;

  if (dot != NULL)
    *dot = '\0';
  name = g_strdup_printf ("%s.csv", base);
  for (int k = 2; g_hash_table_contains (used, name); k++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%d.csv", base, k);
    }
  g_hash_table_add (used, name);
  return g_build_filename (dir, name, NULL);
}

gboolean
lc_runs_export (LcRunFile *const *runs, int n_runs, const char *csv_path, const char *latex_path,
                const char *curves_dir, GError **error)
{
  if (csv_path != NULL)
    {
      g_autofree char *text = lc_runs_table_csv (runs, n_runs);
      if (!write_text (csv_path, text, error))
        return FALSE;
    }
  if (latex_path != NULL)
    {
      g_autofree char *text = lc_runs_table_latex (runs, n_runs);
      if (!write_text (latex_path, text, error))
        return FALSE;
    }
  if (curves_dir != NULL)
    {
      g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if (g_mkdir_with_parents (curves_dir, 0755) != 0)
        {
          int saved = errno;
          g_set_error (error, LC_ERROR, LC_ERROR_OPEN, _("cannot create %s: %s"), curves_dir,
                       g_strerror (saved));
          return FALSE;
        }
      for (int i = 0; i < n_runs; i++)
        {
          g_autofree char *path = curves_path (curves_dir, runs[i], used);
          g_autofree char *text = lc_run_curves_csv (runs[i]);
          if (!write_text (path, text, error))
            return FALSE;
        }
    }
  return TRUE;
}
