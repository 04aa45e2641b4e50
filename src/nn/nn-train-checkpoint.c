/* nn-train-checkpoint.c: a training run's state after an epoch, and its file. */
#include "config.h"

#include "nn-train.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "nn-json.h"
#include "nn-atomic.h"

#define CHECKPOINT_FORMAT "passband-checkpoint"
#define CHECKPOINT_VERSION 1

NnTrainCheckpoint *
nn_train_checkpoint_new (size_t n_params, size_t n_state, int n_rows)
{
  NnTrainCheckpoint *cp = g_new0 (NnTrainCheckpoint, 1);
  cp->n_params = n_params;
  cp->n_state = n_state;
  cp->n_rows = n_rows;
  cp->n_threads = 1;
  cp->order = g_new0 (int, MAX (n_rows, 1));
  cp->optim_m = g_new0 (float, MAX (n_params, 1));
  cp->optim_v = g_new0 (float, MAX (n_params, 1));
  cp->params = g_new0 (float, MAX (n_params, 1));
  cp->state = g_new0 (float, MAX (n_state, 1));
  cp->best_params = g_new0 (float, MAX (n_params, 1));
  cp->best_state = g_new0 (float, MAX (n_state, 1));
  cp->history = nn_history_new ();
  return cp;
}

void
nn_train_checkpoint_free (NnTrainCheckpoint *cp)
{
  if (cp == NULL)
    return;
  g_free (cp->order);
  g_free (cp->optim_m);
  g_free (cp->optim_v);
  g_free (cp->params);
  g_free (cp->state);
  g_free (cp->best_params);
  g_free (cp->best_state);
  nn_history_free (cp->history);
  g_free (cp);
}

NnTrainCheckpoint *
nn_train_checkpoint_copy (const NnTrainCheckpoint *cp)
{
  NnTrainCheckpoint *copy = nn_train_checkpoint_new (cp->n_params, cp->n_state, cp->n_rows);
  NnHistory *history = copy->history;
  float *const buffers[] = { copy->optim_m, copy->optim_v, copy->params, copy->state,
                             copy->best_params, copy->best_state };
  int *order = copy->order;

  /* the scalars, then every buffer into the copy's own */
  *copy = *cp;
  copy->order = memcpy (order, cp->order, (size_t) cp->n_rows * sizeof (int));
  copy->optim_m = memcpy (buffers[0], cp->optim_m, cp->n_params * sizeof (float));
  copy->optim_v = memcpy (buffers[1], cp->optim_v, cp->n_params * sizeof (float));
  copy->params = memcpy (buffers[2], cp->params, cp->n_params * sizeof (float));
  copy->state = memcpy (buffers[3], cp->state, cp->n_state * sizeof (float));
  copy->best_params = memcpy (buffers[4], cp->best_params, cp->n_params * sizeof (float));
  copy->best_state = memcpy (buffers[5], cp->best_state, cp->n_state * sizeof (float));
  copy->history = history;
  g_array_append_vals (history->epochs, cp->history->epochs->data, cp->history->epochs->len);
  history->best_epoch = cp->history->best_epoch;
  history->best_loss = cp->history->best_loss;
  history->stopped_early = cp->history->stopped_early;
  return copy;
}

/* ---- writing ---- */

static void
append_floats (GString *s, const char *name, const float *v, size_t n)
{
  g_string_append_printf (s, ",\n  \"%s\": [", name);
  for (size_t i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      nn_json_append_float (s, v[i]);
    }
  g_string_append_c (s, ']');
}

static void
append_rng (GString *s, const NnRng *rng)
{
  g_string_append (s, "{\"s\": [");
  for (int i = 0; i < 4; i++)
    g_string_append_printf (s, "%s\"%016" G_GINT64_MODIFIER "x\"", i > 0 ? ", " : "", rng->s[i]);
  g_string_append_printf (s, "], \"has_spare\": %s, \"spare\": ", rng->has_spare ? "true" : "false");
  nn_json_append_double (s, rng->spare);
  g_string_append_c (s, '}');
}

static void
append_history (GString *s, const NnHistory *h)
{
  g_string_append_printf (s, ",\n  \"history\": {\"best_epoch\": %d, \"best_loss\": ", h->best_epoch);
  nn_json_append_double (s, h->best_loss);
  g_string_append_printf (s, ", \"stopped_early\": %s, \"epochs\": [",
                          h->stopped_early ? "true" : "false");
  for (guint i = 0; i < h->epochs->len; i++)
    {
      const NnEpochStats *e = &g_array_index (h->epochs, NnEpochStats, i);
      const double v[] = { e->loss, e->accuracy, e->val_loss, e->val_accuracy, e->seconds,
                           e->learning_rate };
      g_string_append_printf (s, "%s\n    [%d", i > 0 ? "," : "", e->epoch);
      for (guint k = 0; k < G_N_ELEMENTS (v); k++)
        {
          g_string_append (s, ", ");
          nn_json_append_double (s, v[k]);
        }
      g_string_append_c (s, ']');
    }
  g_string_append (s, "]}");
}

char *
nn_train_checkpoint_to_data (const NnTrainCheckpoint *cp, gsize *length)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "{\"format\": \"%s\", \"version\": %d,\n", CHECKPOINT_FORMAT,
                          CHECKPOINT_VERSION);
  g_string_append_printf (s, "  \"epochs_done\": %d, \"n_params\": %zu, \"n_state\": %zu, "
                          "\"n_rows\": %d, \"threads\": %d,\n", cp->epochs_done, cp->n_params,
                          cp->n_state, cp->n_rows, cp->n_threads);
  g_string_append (s, "  \"shuffle_rng\": ");
  append_rng (s, &cp->shuffle_rng);
  g_string_append (s, ",\n  \"dropout_rng\": [");
  for (int j = 0; j < cp->n_threads; j++)
    {
      if (j > 0)
        g_string_append (s, ", ");
      append_rng (s, &cp->dropout_rng[j]);
    }
  g_string_append (s, "],\n  \"schedule\": {\"lr\": ");
  nn_json_append_float (s, cp->schedule.lr);
  g_string_append_printf (s, ", \"epoch\": %d, \"best\": ", cp->schedule.epoch);
  nn_json_append_double (s, cp->schedule.best);
  g_string_append_printf (s, ", \"bad_epochs\": %d},\n", cp->schedule.bad_epochs);
  g_string_append_printf (s, "  \"epochs_since_best\": %d, \"optim_step\": %d,\n  \"order\": [",
                          cp->epochs_since_best, cp->optim_step);
  for (int i = 0; i < cp->n_rows; i++)
    g_string_append_printf (s, "%s%d", i > 0 ? "," : "", cp->order[i]);
  g_string_append_c (s, ']');
  append_floats (s, "optim_m", cp->optim_m, cp->n_params);
  append_floats (s, "optim_v", cp->optim_v, cp->n_params);
  append_floats (s, "params", cp->params, cp->n_params);
  append_floats (s, "state", cp->state, cp->n_state);
  append_floats (s, "best_params", cp->best_params, cp->n_params);
  append_floats (s, "best_state", cp->best_state, cp->n_state);
  append_history (s, cp->history);
  g_string_append (s, "\n}\n");
  if (length != NULL)
    *length = s->len;
  return g_string_free (s, FALSE);
}

gboolean
nn_train_checkpoint_save (const NnTrainCheckpoint *cp, const char *path, GError **error)
{
  gsize len;
  g_autofree char *text = nn_train_checkpoint_to_data (cp, &len);
  g_autoptr (GError) local = NULL;

  /* a temporary file beside path, renamed over it: a kill never leaves half a checkpoint */
  if (!nn_atomic_write (path, text, (gssize) len, &local))
    {
      g_set_error (error, G_FILE_ERROR, local->code, _("cannot write %s: %s"), path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- reading ---- */

typedef struct
{
  const char *path;
  GError **error;
  gboolean failed;
} Reader;

static void
fail (Reader *r, const char *field, const char *what)
{
  if (!r->failed)
    g_set_error (r->error, NN_ERROR, NN_ERROR_FILE, _("%s: field “%s”: %s"), r->path, field, what);
  r->failed = TRUE;
}

static gint64
get_int (Reader *r, JsonObject *o, const char *field, gint64 lo, gint64 hi)
{
  double v;
  if (!nn_json_node_number (json_object_get_member (o, field), &v) || v != floor (v) || v < lo
      || v > hi)
    {
      g_autofree char *what = g_strdup_printf (_("expected a whole number from %" G_GINT64_FORMAT
                                                 " to %" G_GINT64_FORMAT), lo, hi);
      fail (r, field, what);
      return lo;
    }
  return (gint64) v;
}

/* A number, or null for NaN (or `infinite` when given: best losses start there). */
static double
get_double (Reader *r, JsonObject *o, const char *field, double null_value)
{
  JsonNode *node = json_object_get_member (o, field);
  double v;
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return null_value;
  if (!nn_json_node_number (node, &v))
    fail (r, field, _("expected a number"));
  return v;
}

static gboolean
get_bool (Reader *r, JsonObject *o, const char *field)
{
  JsonNode *node = json_object_get_member (o, field);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      fail (r, field, _("expected true or false"));
      return FALSE;
    }
  return json_node_get_boolean (node);
}

static JsonArray *
get_array (Reader *r, JsonObject *o, const char *field, guint length)
{
  JsonNode *node = json_object_get_member (o, field);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (json_node_get_array (node)) != length)
    {
      g_autofree char *what = g_strdup_printf (_("expected a list of %u values"), length);
      fail (r, field, what);
      return NULL;
    }
  return json_node_get_array (node);
}

static void
get_floats (Reader *r, JsonObject *o, const char *field, float *out, size_t n)
{
  JsonArray *a = get_array (r, o, field, (guint) n);
  for (size_t i = 0; a != NULL && i < n; i++)
    {
      double v;
      if (!nn_json_node_number (json_array_get_element (a, (guint) i), &v) || !isfinite (v))
        {
          fail (r, field, _("expected finite numbers"));
          return;
        }
      out[i] = (float) v;
    }
}

static void
get_rng (Reader *r, JsonNode *node, const char *field, NnRng *rng)
{
  JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonArray *s = o != NULL ? get_array (r, o, "s", 4) : NULL;

  if (s == NULL)
    {
      fail (r, field, _("expected a generator state"));
      return;
    }
  for (guint i = 0; i < 4; i++)
    {
      const char *hex = json_array_get_string_element (s, i);
      char *end = NULL;
      errno = 0;
      rng->s[i] = hex != NULL ? g_ascii_strtoull (hex, &end, 16) : 0;
      if (hex == NULL || end == hex || *end != '\0' || errno != 0)
        fail (r, field, _("expected four hexadecimal numbers"));
    }
  rng->has_spare = get_bool (r, o, "has_spare");
  rng->spare = get_double (r, o, "spare", NAN);
}

static void
get_history (Reader *r, JsonObject *root, NnHistory *h, int epochs)
{
  JsonNode *node = json_object_get_member (root, "history");
  JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonArray *list;

  if (o == NULL)
    {
      fail (r, "history", _("expected an object"));
      return;
    }
  h->best_epoch = (int) get_int (r, o, "best_epoch", -1, MAX (epochs - 1, -1));
  h->best_loss = get_double (r, o, "best_loss", INFINITY);
  h->stopped_early = get_bool (r, o, "stopped_early");
  list = get_array (r, o, "epochs", (guint) epochs);
  for (int i = 0; list != NULL && i < epochs && !r->failed; i++)
    {
      JsonNode *e = json_array_get_element (list, i);
      JsonArray *v = e != NULL && JSON_NODE_HOLDS_ARRAY (e) ? json_node_get_array (e) : NULL;
      NnEpochStats st = { 0 };
      double x[7];

      if (v == NULL || json_array_get_length (v) != 7)
        {
          fail (r, "history.epochs", _("expected lists of 7 numbers"));
          return;
        }
      for (guint k = 0; k < 7; k++)
        {
          JsonNode *n = json_array_get_element (v, k);
          x[k] = NAN;
          if (!JSON_NODE_HOLDS_NULL (n) && !nn_json_node_number (n, &x[k]))
            fail (r, "history.epochs", _("expected lists of 7 numbers"));
        }
      st = (NnEpochStats) { (int) x[0], x[1], x[2], x[3], x[4], x[5], x[6] };
      g_array_append_val (h->epochs, st);
    }
}

NnTrainCheckpoint *
nn_train_checkpoint_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;

  if (!g_file_get_contents (path, &text, &len, error))
    return NULL;
  parser = nn_json_parse_untrusted (text, (gssize) len, &local);
  if (parser == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FILE, "%s: %s", path, local->message);
      return NULL;
    }
  return nn_train_checkpoint_from_json (json_parser_get_root (parser), path, error);
}

NnTrainCheckpoint *
nn_train_checkpoint_from_json (JsonNode *root, const char *path, GError **error)
{
  g_autoptr (NnTrainCheckpoint) cp = NULL;
  Reader r = { path, error, FALSE };
  JsonObject *o;
  JsonArray *a;
  gint64 n_params, n_state, n_rows, threads, epochs;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                "format", ""),
                    CHECKPOINT_FORMAT) != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FILE, _("%s is not a Passband training checkpoint"),
                   path);
      return NULL;
    }
  o = json_node_get_object (root);
  if (get_int (&r, o, "version", 1, G_MAXINT) > CHECKPOINT_VERSION)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_VERSION,
                   _("%s was written by a newer Passband; update Passband to resume it"), path);
      return NULL;
    }
  /* sizes first, checked against the lists before anything is allocated */
  n_params = get_int (&r, o, "n_params", 0, NN_MODEL_MAX_PARAMS);
  n_state = get_int (&r, o, "n_state", 0, NN_MODEL_MAX_PARAMS);
  n_rows = get_int (&r, o, "n_rows", 1, G_MAXINT);
  threads = get_int (&r, o, "threads", 1, 2);
  epochs = get_int (&r, o, "epochs_done", 1, 100000);
  get_array (&r, o, "params", (guint) n_params);
  get_array (&r, o, "order", (guint) n_rows);
  if (r.failed)
    return NULL;

  cp = nn_train_checkpoint_new ((size_t) n_params, (size_t) n_state, (int) n_rows);
  cp->n_threads = (int) threads;
  cp->epochs_done = (int) epochs;
  get_rng (&r, json_object_get_member (o, "shuffle_rng"), "shuffle_rng", &cp->shuffle_rng);
  a = get_array (&r, o, "dropout_rng", (guint) threads);
  for (int j = 0; a != NULL && j < threads; j++)
    get_rng (&r, json_array_get_element (a, j), "dropout_rng", &cp->dropout_rng[j]);
  {
    JsonNode *node = json_object_get_member (o, "schedule");
    JsonObject *so = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    if (so == NULL)
      fail (&r, "schedule", _("expected an object"));
    else
      {
        cp->schedule.lr = (float) get_double (&r, so, "lr", NAN);
        cp->schedule.epoch = (int) get_int (&r, so, "epoch", 0, 100000);
        cp->schedule.best = get_double (&r, so, "best", INFINITY);
        cp->schedule.bad_epochs = (int) get_int (&r, so, "bad_epochs", 0, 100000);
      }
  }
  cp->epochs_since_best = (int) get_int (&r, o, "epochs_since_best", 0, epochs);
  cp->optim_step = (int) get_int (&r, o, "optim_step", 0, G_MAXINT);
  a = get_array (&r, o, "order", (guint) n_rows);
  for (gint64 i = 0; a != NULL && i < n_rows && !r.failed; i++)
    {
      double v;
      if (!nn_json_node_number (json_array_get_element (a, (guint) i), &v) || v < 0 || v >= n_rows
          || v != floor (v))
        fail (&r, "order", _("expected row numbers of the training data"));
      cp->order[i] = (int) v;
    }
  get_floats (&r, o, "optim_m", cp->optim_m, cp->n_params);
  get_floats (&r, o, "optim_v", cp->optim_v, cp->n_params);
  get_floats (&r, o, "params", cp->params, cp->n_params);
  get_floats (&r, o, "state", cp->state, cp->n_state);
  get_floats (&r, o, "best_params", cp->best_params, cp->n_params);
  get_floats (&r, o, "best_state", cp->best_state, cp->n_state);
  get_history (&r, o, cp->history, (int) epochs);
  if (r.failed)
    return NULL;
  return g_steal_pointer (&cp);
}
