/* lc-tune.c: hyperparameter search. */
#include "config.h"

#include "lc-tune.h"

#include "nn-atomic.h"
#include "nn-json.h"
#include "nn-names.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lc-plasticc-metric.h"
#include "nn-rng.h"

/* ---- strategies ---- */

static const NnNameEntry strategy_names[] = {
  { LC_TUNE_GRID, "grid" },
  { LC_TUNE_RANDOM, "random" },
  { LC_TUNE_HALVING, "halving" },
};

const char *
lc_tune_strategy_to_string (LcTuneStrategy strategy)
{
  return nn_name_lookup_name (strategy_names, G_N_ELEMENTS (strategy_names), strategy, "unknown");
}

gboolean
lc_tune_strategy_from_string (const char *name, LcTuneStrategy *strategy)
{
  int value;

  if (!nn_name_lookup_value (strategy_names, G_N_ELEMENTS (strategy_names), name, &value))
    return FALSE;
  *strategy = value;
  return TRUE;
}

/* ---- search spaces ---- */

static void
tune_param_free (gpointer data)
{
  LcTuneParam *p = data;
  g_free (p->path);
  if (p->values != NULL)
    json_node_unref (p->values);
  g_free (p);
}

LcSearchSpace *
lc_search_space_new (void)
{
  LcSearchSpace *space = g_new0 (LcSearchSpace, 1);
  space->source = g_strdup (_("search space"));
  space->params = g_ptr_array_new_with_free_func (tune_param_free);
  space->eta = 3;
  space->min_epochs = 1;
  return space;
}

void
lc_search_space_free (LcSearchSpace *space)
{
  if (space == NULL)
    return;
  g_free (space->source);
  g_ptr_array_unref (space->params);
  g_free (space);
}

/* json_node_copy shares objects and arrays; a repeated layer or a
 * copied parameter needs its own. */
static JsonNode *
deep_copy (JsonNode *node)
{
  g_autofree char *text = nn_json_to_string (node);
  return json_from_string (text, NULL);
}

LcSearchSpace *
lc_search_space_copy (const LcSearchSpace *space)
{
  LcSearchSpace *copy;

  if (space == NULL)
    return NULL;
  copy = lc_search_space_new ();
  g_free (copy->source);
  copy->source = g_strdup (space->source);
  copy->eta = space->eta;
  copy->min_epochs = space->min_epochs;
  copy->max_epochs = space->max_epochs;
  for (guint i = 0; i < space->params->len; i++)
    {
      const LcTuneParam *p = g_ptr_array_index (space->params, i);
      LcTuneParam *c = lc_search_space_add (copy, p->path, p->values, p->min, p->max, p->log);

      c->integer = p->integer;
      c->steps = p->steps;
    }
  return copy;
}

LcTuneParam *
lc_search_space_add (LcSearchSpace *space, const char *path, JsonNode *values, double min,
                     double max, gboolean log)
{
  LcTuneParam *p = g_new0 (LcTuneParam, 1);
  p->path = g_strdup (path);
  p->values = values != NULL ? deep_copy (values) : NULL;
  p->min = min;
  p->max = max;
  p->log = log;
  p->steps = 3;
  g_ptr_array_add (space->params, p);
  return p;
}

static gboolean
space_fail (GError **error, const char *source, const char *where, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
space_fail (GError **error, const char *source, const char *where, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, "%s: %s: %s", source, where, msg);
  return FALSE;
}

static gboolean
member_number (JsonObject *o, const char *name, double *out)
{
  return nn_json_node_number (json_object_get_member (o, name), out) && isfinite (*out);
}

static gboolean
member_bool (JsonObject *o, const char *name, gboolean *out, gboolean *valid)
{
  JsonNode *n = json_object_get_member (o, name);
  *valid = TRUE;
  if (n == NULL)
    return FALSE;
  if (JSON_NODE_TYPE (n) != JSON_NODE_VALUE || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    {
      *valid = FALSE;
      return FALSE;
    }
  *out = json_node_get_boolean (n);
  return TRUE;
}

static gboolean
parse_param (LcSearchSpace *space, JsonNode *node, int i, GError **error)
{
  g_autofree char *where = g_strdup_printf ("parameters[%d]", i);
  static const char *const known[] = { "path", "values", "min", "max", "log", "integer", "steps" };
  JsonObject *o;
  JsonNode *path, *values;
  LcTuneParam *p;
  gboolean valid;
  double steps;
  g_autoptr (GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return space_fail (error, space->source, where, _("expected an object"));
  o = json_node_get_object (node);
  members = json_object_get_members (o);
  for (GList *l = members; l != NULL; l = l->next)
    {
      gboolean ok = FALSE;
      for (guint k = 0; k < G_N_ELEMENTS (known); k++)
        ok |= strcmp (l->data, known[k]) == 0;
      if (!ok)
        return space_fail (error, space->source, where, _("unknown field “%s”"), (char *) l->data);
    }
  path = json_object_get_member (o, "path");
  if (path == NULL || JSON_NODE_TYPE (path) != JSON_NODE_VALUE
      || json_node_get_value_type (path) != G_TYPE_STRING || *json_node_get_string (path) == '\0')
    return space_fail (error, space->source, where, _("field “path”: expected a string"));
  g_free (where);
  where = g_strdup_printf ("parameters[%d] (%s)", i, json_node_get_string (path));

  values = json_object_get_member (o, "values");
  p = lc_search_space_add (space, json_node_get_string (path), NULL, 0, 0, FALSE);
  if (values != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (values) || json_array_get_length (json_node_get_array (values)) == 0)
        return space_fail (error, space->source, where, _("field “values”: expected a non-empty list"));
      p->values = json_node_copy (values);
      return TRUE;
    }
  if (!member_number (o, "min", &p->min))
    return space_fail (error, space->source, where, _("field “min”: expected a number (or give “values”)"));
  if (!member_number (o, "max", &p->max))
    return space_fail (error, space->source, where, _("field “max”: expected a number"));
  if (p->max < p->min)
    return space_fail (error, space->source, where, _("field “max”: %g is below min %g"), p->max, p->min);
  member_bool (o, "log", &p->log, &valid);
  if (!valid)
    return space_fail (error, space->source, where, _("field “log”: expected true or false"));
  member_bool (o, "integer", &p->integer, &valid);
  if (!valid)
    return space_fail (error, space->source, where, _("field “integer”: expected true or false"));
  if (p->log && p->min <= 0)
    return space_fail (error, space->source, where, _("field “min”: a log range needs min > 0, found %g"),
                       p->min);
  if (json_object_has_member (o, "steps"))
    {
      if (!member_number (o, "steps", &steps) || steps < 1 || steps > 1000 || steps != floor (steps))
        return space_fail (error, space->source, where, _("field “steps”: expected a whole number 1–1000"));
      p->steps = (int) steps;
    }
  return TRUE;
}

static gboolean
parse_halving (LcSearchSpace *space, JsonNode *node, GError **error)
{
  struct { const char *name; int *field; int min; } fields[] = {
    { "eta", &space->eta, 2 }, { "min_epochs", &space->min_epochs, 1 },
    { "max_epochs", &space->max_epochs, 0 },
  };
  JsonObject *o;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return space_fail (error, space->source, "halving", _("expected an object"));
  o = json_node_get_object (node);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      double v;
      if (!json_object_has_member (o, fields[i].name))
        continue;
      if (!member_number (o, fields[i].name, &v) || v != floor (v) || v < fields[i].min || v > 1e6)
        return space_fail (error, space->source, "halving", _("field “%s”: expected a whole number >= %d"),
                           fields[i].name, fields[i].min);
      *fields[i].field = (int) v;
    }
  return TRUE;
}

LcSearchSpace *
lc_search_space_load_from_data (const char *text, gssize len, const char *source, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (LcSearchSpace) space = lc_search_space_new ();
  g_autoptr (GError) local = NULL;
  JsonObject *root;
  JsonNode *format, *version, *params, *halving;

  g_free (space->source);
  space->source = g_strdup (source != NULL ? source : _("search space"));
  parser = nn_json_parse_untrusted (text, len, &local);
  if (parser == NULL)
    {
      space_fail (error, space->source, "JSON", "%s", local->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      space_fail (error, space->source, _("top level"), _("expected an object"));
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  format = json_object_get_member (root, "format");
  if (format == NULL || JSON_NODE_TYPE (format) != JSON_NODE_VALUE
      || g_strcmp0 (json_node_get_string (format), LC_SEARCH_FORMAT) != 0)
    {
      space_fail (error, space->source, _("field “format”"), _("expected “%s”"), LC_SEARCH_FORMAT);
      return NULL;
    }
  version = json_object_get_member (root, "version");
  if (version == NULL || JSON_NODE_TYPE (version) != JSON_NODE_VALUE
      || json_node_get_int (version) != LC_SEARCH_VERSION)
    {
      space_fail (error, space->source, _("field “version”"), _("expected %d"), LC_SEARCH_VERSION);
      return NULL;
    }
  params = json_object_get_member (root, "parameters");
  if (params == NULL || !JSON_NODE_HOLDS_ARRAY (params)
      || json_array_get_length (json_node_get_array (params)) == 0)
    {
      space_fail (error, space->source, _("field “parameters”"), _("expected a non-empty list"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (params)); i++)
    if (!parse_param (space, json_array_get_element (json_node_get_array (params), i), i, error))
      return NULL;
  halving = json_object_get_member (root, "halving");
  if (halving != NULL && !parse_halving (space, halving, error))
    return NULL;
  return g_steal_pointer (&space);
}

LcSearchSpace *
lc_search_space_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *base = g_path_get_basename (path);
  gsize len;
  if (!g_file_get_contents (path, &text, &len, error))
    return NULL;
  return lc_search_space_load_from_data (text, len, base, error);
}

char *
lc_search_space_to_data (const LcSearchSpace *space)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, LC_SEARCH_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, LC_SEARCH_VERSION);
  json_builder_set_member_name (b, "parameters");
  json_builder_begin_array (b);
  for (guint i = 0; i < space->params->len; i++)
    {
      const LcTuneParam *p = g_ptr_array_index (space->params, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, p->path);
      if (p->values != NULL)
        {
          json_builder_set_member_name (b, "values");
          json_builder_add_value (b, json_node_copy (p->values));
        }
      else
        {
          json_builder_set_member_name (b, "min");
          json_builder_add_double_value (b, p->min);
          json_builder_set_member_name (b, "max");
          json_builder_add_double_value (b, p->max);
          json_builder_set_member_name (b, "log");
          json_builder_add_boolean_value (b, p->log);
          json_builder_set_member_name (b, "integer");
          json_builder_add_boolean_value (b, p->integer);
          json_builder_set_member_name (b, "steps");
          json_builder_add_int_value (b, p->steps);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "halving");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "eta");
  json_builder_add_int_value (b, space->eta);
  json_builder_set_member_name (b, "min_epochs");
  json_builder_add_int_value (b, space->min_epochs);
  json_builder_set_member_name (b, "max_epochs");
  json_builder_add_int_value (b, space->max_epochs);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  text = nn_json_to_string (root);
  return g_strconcat (text, "\n", NULL);
}

gboolean
lc_search_space_save (const LcSearchSpace *space, const char *path, GError **error)
{
  g_autofree char *text = lc_search_space_to_data (space);
  if (!nn_atomic_write (path, text, -1, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

static int
param_grid_size (const LcTuneParam *p)
{
  if (p->values != NULL)
    return json_array_get_length (json_node_get_array (p->values));
  return p->steps;
}

gsize
lc_search_space_grid_size (const LcSearchSpace *space)
{
  gsize n = 1;
  for (guint i = 0; i < space->params->len; i++)
    {
      n *= param_grid_size (g_ptr_array_index (space->params, i));
      if (n > G_MAXINT)
        return G_MAXINT;
    }
  return n;
}

static JsonNode *
number_node (const LcTuneParam *p, double v)
{
  JsonNode *n = json_node_new (JSON_NODE_VALUE);
  if (p->integer)
    json_node_set_int (n, (gint64) llround (v));
  else
    json_node_set_double (n, v);
  return n;
}

static JsonNode *
grid_value (const LcTuneParam *p, int k)
{
  double t, v;
  if (p->values != NULL)
    return json_node_copy (json_array_get_element (json_node_get_array (p->values), k));
  t = p->steps > 1 ? (double) k / (p->steps - 1) : 0.5;
  if (p->log)
    v = exp (log (p->min) + t * (log (p->max) - log (p->min)));
  else
    v = p->min + t * (p->max - p->min);
  return number_node (p, v);
}

static JsonNode *
random_value (const LcTuneParam *p, NnRng *rng)
{
  double u = nn_rng_uniform (rng), v;
  if (p->values != NULL)
    {
      guint n = json_array_get_length (json_node_get_array (p->values));
      guint k = MIN ((guint) (u * n), n - 1);
      return json_node_copy (json_array_get_element (json_node_get_array (p->values), k));
    }
  if (p->log)
    v = exp (log (p->min) + u * (log (p->max) - log (p->min)));
  else
    v = p->min + u * (p->max - p->min);
  return number_node (p, v);
}

JsonNode *
lc_search_space_sample (const LcSearchSpace *space, LcTuneStrategy strategy, guint64 seed, int index)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  NnRng rng;
  gsize rest = (gsize) MAX (index, 0);

  /* one independent stream per configuration, so a shard draws what one run draws */
  nn_rng_init_stream (&rng, seed, (guint64) index);
  /* grid: the last parameter varies fastest */
  for (int i = (int) space->params->len - 1; strategy == LC_TUNE_GRID && i >= 0; i--)
    {
      const LcTuneParam *p = g_ptr_array_index (space->params, i);
      int n = param_grid_size (p);
      json_object_set_member (o, p->path, grid_value (p, (int) (rest % n)));
      rest /= n;
    }
  for (guint i = 0; strategy != LC_TUNE_GRID && i < space->params->len; i++)
    {
      const LcTuneParam *p = g_ptr_array_index (space->params, i);
      json_object_set_member (o, p->path, random_value (p, &rng));
    }
  json_node_take_object (node, o);
  /* the grid filled the object back to front: put it in the space's order */
  if (strategy == LC_TUNE_GRID)
    {
      JsonObject *ordered = json_object_new ();
      for (guint i = 0; i < space->params->len; i++)
        {
          const LcTuneParam *p = g_ptr_array_index (space->params, i);
          json_object_set_member (ordered, p->path, json_node_copy (json_object_get_member (o, p->path)));
        }
      json_node_take_object (node, ordered);
    }
  return node;
}

/* ---- applying settings to a model document ---- */

typedef struct
{
  char *name;
  int index;     /* -1: none; -2: [*] */
} PathStep;

static void
path_step_clear (gpointer data)
{
  g_free (((PathStep *) data)->name);
}

static GArray *
parse_path (const char *source, const char *path, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);
  GArray *steps = g_array_new (FALSE, TRUE, sizeof (PathStep));
  g_array_set_clear_func (steps, path_step_clear);

  for (int i = 0; parts[i] != NULL; i++)
    {
      PathStep s = { NULL, -1 };
      char *bracket = strchr (parts[i], '[');
      if (bracket != NULL)
        {
          char *end = NULL;
          if (strcmp (bracket, "[*]") == 0)
            s.index = -2;
          else
            {
              gint64 v = g_ascii_strtoll (bracket + 1, &end, 10);
              if (end == bracket + 1 || strcmp (end, "]") != 0 || v < 0 || v > 100000)
                {
                  g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                               _("%s: parameter “%s”: “%s” is not name[index] or name[*]"), source, path,
                               parts[i]);
                  g_array_unref (steps);
                  return NULL;
                }
              s.index = (int) v;
            }
          s.name = g_strndup (parts[i], bracket - parts[i]);
        }
      else
        s.name = g_strdup (parts[i]);
      if (*s.name == '\0')
        {
          g_free (s.name);
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: parameter “%s”: empty name"), source, path);
          g_array_unref (steps);
          return NULL;
        }
      g_array_append_val (steps, s);
    }
  return steps;
}

static gboolean
is_recurrent_kind (const char *type)
{
  return g_strcmp0 (type, "lstm") == 0 || g_strcmp0 (type, "gru") == 0
         || g_strcmp0 (type, "simple_rnn") == 0;
}

/* Setting "type": fields the new kind does not take would make the document invalid. */
static gboolean
set_layer_type (JsonObject *layer, JsonNode *value, const char *source, const char *path,
                GError **error)
{
  const NnLayerOps *ops = NULL;
  g_autoptr (GList) members = NULL;
  g_autoptr (GPtrArray) drop = g_ptr_array_new_with_free_func (g_free);
  if (JSON_NODE_TYPE (value) == JSON_NODE_VALUE && json_node_get_value_type (value) == G_TYPE_STRING)
    ops = nn_layer_ops_lookup (json_node_get_string (value));
  if (ops == NULL)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: parameter “%s”: not a layer kind"), source, path);
      return FALSE;
    }
  /* the list holds the object's own keys: copy the names before removing any */
  members = json_object_get_members (layer);
  for (GList *l = members; l != NULL; l = l->next)
    if (strcmp (l->data, "type") != 0 && strcmp (l->data, "label") != 0
        && !nn_model_file_layer_takes (ops->kind, l->data))
      g_ptr_array_add (drop, g_strdup (l->data));
  for (guint i = 0; i < drop->len; i++)
    json_object_remove_member (layer, g_ptr_array_index (drop, i));
  json_object_set_member (layer, "type", json_node_copy (value));
  return TRUE;
}

static gboolean set_at (JsonObject *o, const PathStep *steps, int n, JsonNode *value,
                        gboolean star, const char *source, const char *path, GError **error);

static gboolean
set_in_element (JsonNode *element, const PathStep *steps, int n, JsonNode *value, gboolean star,
                const char *source, const char *path, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (element))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: parameter “%s”: not an object there"), source,
                   path);
      return FALSE;
    }
  return set_at (json_node_get_object (element), steps, n, value, star, source, path, error);
}

static gboolean
set_at (JsonObject *o, const PathStep *steps, int n, JsonNode *value, gboolean star,
        const char *source, const char *path, GError **error)
{
  const PathStep *s = &steps[0];
  JsonNode *member = json_object_get_member (o, s->name);

  if (s->index != -1)
    {
      JsonArray *a;
      guint len;
      if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: parameter “%s”: the model has no list “%s”"),
                       source, path, s->name);
          return FALSE;
        }
      a = json_node_get_array (member);
      len = json_array_get_length (a);
      if (n == 1)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: parameter “%s”: name a field of %s[]"),
                       source, path, s->name);
          return FALSE;
        }
      if (s->index == -2)
        {
          for (guint i = 0; i < len; i++)
            if (!set_in_element (json_array_get_element (a, i), steps + 1, n - 1, value, TRUE, source,
                                 path, error))
              return FALSE;
          return TRUE;
        }
      if ((guint) s->index >= len)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: parameter “%s”: %s has %u entries"), source,
                       path, s->name, len);
          return FALSE;
        }
      return set_in_element (json_array_get_element (a, s->index), steps + 1, n - 1, value, star, source,
                             path, error);
    }
  if (n > 1)
    {
      if (member == NULL)
        {
          json_object_set_object_member (o, s->name, json_object_new ());
          member = json_object_get_member (o, s->name);
        }
      return set_in_element (member, steps + 1, n - 1, value, star, source, path, error);
    }
  if (star)
    {
      /* [*] sets the field where a layer has it; the head keeps "classes" */
      if (member == NULL)
        return TRUE;
      if (JSON_NODE_TYPE (member) == JSON_NODE_VALUE && json_node_get_value_type (member) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (member), "classes") == 0)
        return TRUE;
    }
  if (strcmp (s->name, "type") == 0)
    return set_layer_type (o, value, source, path, error);
  json_object_set_member (o, s->name, json_node_copy (value));
  return TRUE;
}

typedef struct
{
  int layer;
  int count;
  const char *path;
} Repeat;

static int
compare_repeat_desc (gconstpointer a, gconstpointer b)
{
  return ((const Repeat *) b)->layer - ((const Repeat *) a)->layer;
}

/* "layers[i].repeat": a path the document has no field for */
static gboolean
parse_repeat (const GArray *steps, JsonNode *value, const char *source, const char *path,
              Repeat *out, GError **error)
{
  const PathStep *s = &g_array_index (steps, PathStep, 0);
  if (steps->len != 2 || strcmp (s->name, "layers") != 0
      || strcmp (g_array_index (steps, PathStep, 1).name, "repeat") != 0)
    return FALSE;
  if (s->index < 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: parameter “%s”: repeat needs one layer index"),
                   source, path);
      return TRUE;
    }
  if (JSON_NODE_TYPE (value) != JSON_NODE_VALUE || json_node_get_value_type (value) != G_TYPE_INT64
      || json_node_get_int (value) < 0 || json_node_get_int (value) > 64)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT,
                   _("%s: parameter “%s”: expected a whole number of layers 0–64"), source, path);
      return TRUE;
    }
  out->layer = s->index;
  out->count = (int) json_node_get_int (value);
  out->path = path;
  return TRUE;
}

static gboolean
apply_repeat (JsonObject *root, const Repeat *r, const char *source, GError **error)
{
  JsonNode *layers = json_object_get_member (root, "layers");
  JsonArray *old, *fresh;
  guint len;

  if (layers == NULL || !JSON_NODE_HOLDS_ARRAY (layers))
    len = 0;
  else
    len = json_array_get_length (json_node_get_array (layers));
  if ((guint) r->layer >= len)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: parameter “%s”: layers has %u entries"), source,
                   r->path, len);
      return FALSE;
    }
  old = json_node_get_array (layers);
  fresh = json_array_new ();
  for (guint i = 0; i < len; i++)
    {
      JsonNode *layer = json_array_get_element (old, i);
      if ((int) i != r->layer)
        {
          json_array_add_element (fresh, deep_copy (layer));
          continue;
        }
      for (int k = 0; k < r->count; k++)
        {
          JsonNode *copy = deep_copy (layer);
          JsonObject *lo = JSON_NODE_HOLDS_OBJECT (copy) ? json_node_get_object (copy) : NULL;
          /* a stack of recurrent layers passes whole sequences up to the last one */
          if (lo != NULL && k < r->count - 1
              && is_recurrent_kind (json_object_get_string_member_with_default (lo, "type", "")))
            json_object_set_boolean_member (lo, "return_sequences", TRUE);
          json_array_add_element (fresh, copy);
        }
    }
  json_object_set_array_member (root, "layers", fresh);
  return TRUE;
}

NnModelDoc *
lc_tune_apply (const NnModelDoc *spec, JsonNode *settings, GError **error)
{
  g_autofree char *text = nn_model_doc_to_data (spec, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GArray) repeats = g_array_new (FALSE, FALSE, sizeof (Repeat));
  g_autofree char *out = NULL;
  const char *source = spec->source != NULL ? spec->source : _("model");
  JsonObject *root, *set;
  NnModelDoc *doc;
  g_autoptr (GList) paths = NULL;

  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  g_return_val_if_fail (JSON_NODE_HOLDS_OBJECT (settings), NULL);
  set = json_node_get_object (settings);
  paths = json_object_get_members (set);
  for (GList *l = paths; l != NULL; l = l->next)
    {
      const char *path = l->data;
      JsonNode *value = json_object_get_member (set, path);
      g_autoptr (GArray) steps = parse_path (source, path, error);
      Repeat r;
      if (steps == NULL)
        return NULL;
      if (parse_repeat (steps, value, source, path, &r, error))
        {
          if (error != NULL && *error != NULL)
            return NULL;
          g_array_append_val (repeats, r);
          continue;
        }
      if (!set_at (root, (const PathStep *) steps->data, steps->len, value, FALSE, source, path, error))
        return NULL;
    }
  /* from the last layer back, so every index still names a layer of the spec */
  g_array_sort (repeats, compare_repeat_desc);
  for (guint i = 0; i < repeats->len; i++)
    if (!apply_repeat (root, &g_array_index (repeats, Repeat, i), source, error))
      return NULL;

  out = nn_json_to_string (json_parser_get_root (parser));
  doc = nn_model_doc_load_from_data (out, -1, source, error);
  if (doc == NULL)
    {
      g_autofree char *list = NULL;
      GString *s = g_string_new (NULL);
      for (GList *l = paths; l != NULL; l = l->next)
        g_string_append_printf (s, "%s%s", l == paths ? "" : ", ", (char *) l->data);
      list = g_string_free (s, FALSE);
      g_prefix_error (error, _("with the settings of %s: "), list);
    }
  return doc;
}

/* ---- trials ---- */

LcTrial *
lc_trial_new (void)
{
  LcTrial *t = g_new0 (LcTrial, 1);
  t->best_epoch = -1;
  t->val_accuracy = t->val_loss = t->weighted_log_loss = t->macro_f1 = NAN;
  t->train_seconds = NAN;
  t->val_curve = g_array_new (FALSE, FALSE, sizeof (double));
  t->loss_curve = g_array_new (FALSE, FALSE, sizeof (double));
  return t;
}

void
lc_trial_free (LcTrial *t)
{
  if (t == NULL)
    return;
  if (t->settings != NULL)
    json_node_unref (t->settings);
  g_free (t->error);
  g_array_unref (t->val_curve);
  g_array_unref (t->loss_curve);
  g_free (t);
}

/* null for "not measured" (NaN) */
static void
add_finite_or_null (JsonBuilder *b, double v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_number (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  add_finite_or_null (b, v);
}

static void
add_curve (JsonBuilder *b, const char *name, const GArray *curve)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < curve->len; i++)
    add_finite_or_null (b, g_array_index (curve, double, i));
  json_builder_end_array (b);
}

JsonNode *
lc_trial_to_json (const LcTrial *t)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "trial");
  json_builder_set_member_name (b, "trial");
  json_builder_add_int_value (b, t->index);
  json_builder_set_member_name (b, "config");
  json_builder_add_int_value (b, t->config);
  json_builder_set_member_name (b, "rung");
  json_builder_add_int_value (b, t->rung);
  json_builder_set_member_name (b, "settings");
  if (t->settings != NULL)
    json_builder_add_value (b, json_node_copy (t->settings));
  else
    {
      json_builder_begin_object (b);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, t->ok);
  json_builder_set_member_name (b, "error");
  if (t->error != NULL)
    json_builder_add_string_value (b, t->error);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, t->epochs);
  json_builder_set_member_name (b, "best_epoch");
  json_builder_add_int_value (b, t->best_epoch + 1);
  add_number (b, "val_accuracy", t->val_accuracy);
  add_number (b, "val_loss", t->val_loss);
  add_number (b, "weighted_log_loss", t->weighted_log_loss);
  add_number (b, "macro_f1", t->macro_f1);
  add_number (b, "seconds", t->seconds);
  add_number (b, "train_seconds", t->train_seconds);
  add_curve (b, "val_curve", t->val_curve);
  add_curve (b, "loss_curve", t->loss_curve);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static double
get_number (JsonObject *o, const char *name)
{
  double v;
  return nn_json_node_number (json_object_get_member (o, name), &v) ? v : NAN;
}

static gboolean
read_curve (JsonObject *o, const char *name, GArray *curve)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (n)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (n), i);
      double v = NAN;
      if (JSON_NODE_TYPE (e) == JSON_NODE_VALUE)
        v = json_node_get_double (e);
      g_array_append_val (curve, v);
    }
  return TRUE;
}

LcTrial *
lc_trial_from_json (JsonNode *node, GError **error)
{
  g_autoptr (LcTrial) t = lc_trial_new ();
  JsonObject *o;
  JsonNode *settings;
  double index;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("expected an object"));
      return NULL;
    }
  o = json_node_get_object (node);
  index = get_number (o, "trial");
  if (!isfinite (index) || index < 0 || index != floor (index) || index > G_MAXINT)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("field “trial”: expected a whole number >= 0"));
      return NULL;
    }
  settings = json_object_get_member (o, "settings");
  if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("field “settings”: expected an object"));
      return NULL;
    }
  t->index = (int) index;
  t->config = isfinite (get_number (o, "config")) ? (int) get_number (o, "config") : t->index;
  t->rung = isfinite (get_number (o, "rung")) ? (int) get_number (o, "rung") : 0;
  t->settings = json_node_copy (settings);
  t->ok = json_object_get_boolean_member_with_default (o, "ok", FALSE);
  if (json_object_has_member (o, "error") && !json_object_get_null_member (o, "error"))
    t->error = g_strdup (json_object_get_string_member_with_default (o, "error", ""));
  t->epochs = isfinite (get_number (o, "epochs")) ? (int) get_number (o, "epochs") : 0;
  t->best_epoch = isfinite (get_number (o, "best_epoch")) ? (int) get_number (o, "best_epoch") - 1 : -1;
  t->val_accuracy = get_number (o, "val_accuracy");
  t->val_loss = get_number (o, "val_loss");
  t->weighted_log_loss = get_number (o, "weighted_log_loss");
  t->macro_f1 = get_number (o, "macro_f1");
  t->seconds = get_number (o, "seconds");
  t->train_seconds = get_number (o, "train_seconds");
  if (!read_curve (o, "val_curve", t->val_curve) || !read_curve (o, "loss_curve", t->loss_curve))
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("field “val_curve”/“loss_curve”: expected a list"));
      return NULL;
    }
  return g_steal_pointer (&t);
}

int
lc_trial_number (const LcTrial *trial)
{
  return trial->index + 1;
}

double
lc_trial_score (const LcTrial *t)
{
  if (!t->ok || !isfinite (t->val_accuracy))
    return -INFINITY;
  return t->val_accuracy;
}

int
lc_trial_compare_best (const LcTrial *a, const LcTrial *b)
{
  double sa = lc_trial_score (a), sb = lc_trial_score (b);
  double la = isfinite (a->weighted_log_loss) ? a->weighted_log_loss : INFINITY;
  double lb = isfinite (b->weighted_log_loss) ? b->weighted_log_loss : INFINITY;
  if (sa != sb)
    return sa > sb ? -1 : 1;
  if (la != lb)
    return la < lb ? -1 : 1;
  return a->index - b->index;
}

static char *node_label (JsonNode *n);

/* ---- the results table ---- */

LcTuneTable *
lc_tune_table_new (void)
{
  LcTuneTable *table = g_new0 (LcTuneTable, 1);
  table->trials = g_ptr_array_new_with_free_func ((GDestroyNotify) lc_trial_free);
  return table;
}

void
lc_tune_table_free (LcTuneTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->trials);
  g_free (table);
}

void
lc_tune_table_add (LcTuneTable *table, LcTrial *trial)
{
  for (guint i = 0; i < table->trials->len; i++)
    if (((LcTrial *) g_ptr_array_index (table->trials, i))->index == trial->index)
      {
        lc_trial_free (g_ptr_array_index (table->trials, i));
        g_ptr_array_index (table->trials, i) = trial;
        return;
      }
  g_ptr_array_add (table->trials, trial);
}

const LcTrial *
lc_tune_table_find (const LcTuneTable *table, int index)
{
  for (guint i = 0; i < table->trials->len; i++)
    if (((LcTrial *) g_ptr_array_index (table->trials, i))->index == index)
      return g_ptr_array_index (table->trials, i);
  return NULL;
}

const LcTrial *
lc_tune_table_best (const LcTuneTable *table)
{
  const LcTrial *best = NULL;
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);
      if (t->ok && (best == NULL || lc_trial_compare_best (t, best) < 0))
        best = t;
    }
  return best;
}

static double
trial_key_number (const LcTrial *t, const char *key, gboolean *is_number, const char **text)
{
  JsonNode *n;
  *is_number = TRUE;
  *text = NULL;
  if (strcmp (key, "trial") == 0)
    return t->index;
  if (strcmp (key, "rung") == 0)
    return t->rung;
  if (strcmp (key, "epochs") == 0)
    return t->epochs;
  if (strcmp (key, "val_accuracy") == 0)
    return t->val_accuracy;
  if (strcmp (key, "weighted_log_loss") == 0)
    return t->weighted_log_loss;
  if (strcmp (key, "macro_f1") == 0)
    return t->macro_f1;
  if (strcmp (key, "seconds") == 0)
    return t->seconds;
  n = t->settings != NULL ? json_object_get_member (json_node_get_object (t->settings), key) : NULL;
  if (n == NULL || JSON_NODE_TYPE (n) != JSON_NODE_VALUE)
    return NAN;
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    {
      *is_number = FALSE;
      *text = json_node_get_string (n);
      return NAN;
    }
  if (json_node_get_value_type (n) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (n);
  return json_node_get_double (n);
}

typedef struct
{
  const char *key;
  gboolean descending;
} SortKey;

static int
compare_by_key (gconstpointer pa, gconstpointer pb, gpointer user_data)
{
  const LcTrial *a = *(const LcTrial *const *) pa, *b = *(const LcTrial *const *) pb;
  const SortKey *k = user_data;
  gboolean na, nb;
  const char *ta, *tb;
  double va = trial_key_number (a, k->key, &na, &ta);
  double vb = trial_key_number (b, k->key, &nb, &tb);
  int c = 0;

  if (ta != NULL || tb != NULL)
    c = g_strcmp0 (ta, tb);
  else if (isnan (va) || isnan (vb))
    {
      /* missing values go last either way */
      if (isnan (va) != isnan (vb))
        return isnan (va) ? 1 : -1;
    }
  else
    c = va < vb ? -1 : va > vb ? 1 : 0;
  if (k->descending)
    c = -c;
  return c != 0 ? c : a->index - b->index;
}

int
lc_trial_compare_by (const LcTrial *a, const LcTrial *b, const char *key)
{
  SortKey k = { key, FALSE };
  return compare_by_key (&a, &b, &k);
}

char *
lc_trial_format (const LcTrial *t, const char *key)
{
  gboolean is_number;
  const char *text;
  double v = trial_key_number (t, key, &is_number, &text);
  JsonNode *n;
  if (text != NULL)
    return g_strdup (text);
  if (strcmp (key, "trial") == 0 || strcmp (key, "rung") == 0 || strcmp (key, "epochs") == 0)
    return g_strdup_printf ("%d", (int) v);
  if (strcmp (key, "seconds") == 0)
    /* TRANSLATORS: a duration in seconds */
    return isfinite (v) ? g_strdup_printf (_("%.1f s"), v) : g_strdup ("—");
  n = t->settings != NULL ? json_object_get_member (json_node_get_object (t->settings), key) : NULL;
  if (n != NULL)
    return node_label (n);
  if (!isfinite (v))
    return g_strdup (t->ok ? "—" : _("failed"));
  return g_strdup_printf ("%.4f", v);
}

void
lc_tune_table_sort (LcTuneTable *table, const char *key, gboolean descending)
{
  SortKey k = { key, descending };
  g_ptr_array_sort_with_data (table->trials, compare_by_key, &k);
}

gboolean
lc_tune_table_load (LcTuneTable *table, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autofree char *base = g_path_get_basename (path);

  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonParser) parser = NULL;
      g_autoptr (GError) local = NULL;
      JsonNode *root;
      LcTrial *t;
      if (*g_strstrip (lines[i]) == '\0')
        continue;
      parser = nn_json_parse_untrusted (lines[i], -1, &local);
      if (parser == NULL)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: line %d: %s"), base, i + 1, local->message);
          return FALSE;
        }
      root = json_parser_get_root (parser);
      if (!JSON_NODE_HOLDS_OBJECT (root)
          || g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root), "event", ""),
                        "trial") != 0)
        continue;
      t = lc_trial_from_json (root, &local);
      if (t == NULL)
        {
          g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: line %d: %s"), base, i + 1, local->message);
          return FALSE;
        }
      lc_tune_table_add (table, t);
    }
  return TRUE;
}

gboolean
lc_tune_table_load_dir (LcTuneTable *table, const char *dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "trials") && g_str_has_suffix (name, ".jsonl"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  /* g_ptr_array_sort hands pointers to the elements */
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, (char *) g_ptr_array_index (names, i), NULL);
      if (!lc_tune_table_load (table, path, error))
        return FALSE;
    }
  return TRUE;
}

static int
compare_index (gconstpointer pa, gconstpointer pb)
{
  return (*(const LcTrial *const *) pa)->index - (*(const LcTrial *const *) pb)->index;
}

char *
lc_tune_table_to_data (const LcTuneTable *table)
{
  /* not g_ptr_array_copy: the copy would free the trials too */
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (table->trials->len);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < table->trials->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (table->trials, i));
  g_ptr_array_sort (sorted, compare_index);
  for (guint i = 0; i < sorted->len; i++)
    {
      g_autoptr (JsonNode) node = lc_trial_to_json (g_ptr_array_index (sorted, i));
      g_autofree char *line = nn_json_to_string (node);
      g_string_append (s, line);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

gboolean
lc_tune_table_save (const LcTuneTable *table, const char *path, GError **error)
{
  g_autofree char *text = lc_tune_table_to_data (table);

  if (!nn_atomic_write (path, text, -1, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

/* ---- running ---- */

void
lc_tune_options_init (LcTuneOptions *o)
{
  memset (o, 0, sizeof *o);
  o->strategy = LC_TUNE_RANDOM;
  o->n_trials = 20;
  o->n_shards = 1;
  lc_train_overrides_init (&o->overrides);
}

typedef struct
{
  int n_rungs;
  int configs[32];   /* configurations per rung */
  int epochs[32];    /* epochs per rung */
  int first[32];     /* first trial index of the rung */
} HalvingPlan;

static int
spec_epochs (const NnModelDoc *spec, const LcTuneOptions *o)
{
  return o->overrides.epochs > 0 ? o->overrides.epochs : spec->training.train.epochs;
}

static void
halving_plan (const LcSearchSpace *space, int n0, int max_epochs, HalvingPlan *plan)
{
  int n = MAX (n0, 1), epochs = MAX (space->min_epochs, 1), first = 0;
  int cap = space->max_epochs > 0 ? space->max_epochs : max_epochs;
  plan->n_rungs = 0;
  while (plan->n_rungs < 32)
    {
      int r = plan->n_rungs++;
      plan->configs[r] = n;
      plan->epochs[r] = MIN (epochs, MAX (cap, 1));
      plan->first[r] = first;
      first += n;
      if (n <= 1 || epochs >= cap)
        break;
      n = MAX (n / space->eta, 1);
      epochs *= space->eta;
    }
}

int
lc_tune_n_planned (const LcSearchSpace *space, const LcTuneOptions *o)
{
  gsize grid = lc_search_space_grid_size (space);
  if (o->strategy == LC_TUNE_GRID)
    return o->n_trials > 0 && (gsize) o->n_trials < grid ? o->n_trials : (int) grid;
  if (o->strategy == LC_TUNE_HALVING)
    {
      HalvingPlan plan;
      halving_plan (space, o->n_trials, G_MAXINT / 4, &plan);
      return plan.first[plan.n_rungs - 1] + plan.configs[plan.n_rungs - 1];
    }
  return MAX (o->n_trials, 0);
}

typedef struct
{
  const LcTuneCallbacks *cb;
  gboolean stopped;
} EpochRelay;

static gboolean
relay_epoch (const NnEpochStats *stats, gpointer user_data)
{
  EpochRelay *r = user_data;
  if (r->cb != NULL && r->cb->train.on_epoch != NULL
      && !r->cb->train.on_epoch (stats, r->cb->train.user_data))
    r->stopped = TRUE;
  return !r->stopped;
}

static gboolean
relay_batch (int epoch, int batch, int n_batches, double loss, gpointer user_data)
{
  EpochRelay *r = user_data;
  if (r->cb != NULL && r->cb->train.on_batch != NULL
      && !r->cb->train.on_batch (epoch, batch, n_batches, loss, r->cb->train.user_data))
    r->stopped = TRUE;
  return !r->stopped;
}

static void
score_trial (LcTrial *t, const LcDataset *ds, const LcTrainRun *run, int threads)
{
  const NnHistory *h = run->history;
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (LcEvaluation) ev = NULL;
  g_autoptr (GError) local = NULL;

  t->epochs = h->epochs->len;
  t->best_epoch = h->best_epoch;
  for (guint e = 0; e < h->epochs->len; e++)
    {
      const NnEpochStats *s = &g_array_index (h->epochs, NnEpochStats, e);
      g_array_append_val (t->val_curve, s->val_accuracy);
      g_array_append_val (t->loss_curve, s->val_loss);
    }
  if (h->best_epoch >= 0 && (guint) h->best_epoch < h->epochs->len)
    t->val_loss = g_array_index (h->epochs, NnEpochStats, h->best_epoch).val_loss;
  if (run->n_val == 0)
    return;
  /* the kept weights on the validation rows: what promoting this trial gives */
  p = lc_predictor_new (run->doc, &local);
  if (p != NULL)
    ev = lc_predictor_evaluate_rows (p, ds, run->val_rows, run->n_val, threads, &local);
  if (ev == NULL)
    {
      t->ok = FALSE;
      t->error = g_strdup (local->message);
      return;
    }
  t->val_accuracy = ev->report->accuracy;
  t->macro_f1 = ev->report->macro_f1;
  t->weighted_log_loss = ev->report->weighted_log_loss;
}

/* Trains one trial.  Returns NULL when the callbacks stopped it half way;
 * *stop is set when they ask to stop after it. */
static LcTrial *
run_trial (const LcDataset *ds, const NnModelDoc *spec, const LcTuneOptions *o,
           const LcTuneCallbacks *cb, int index, int config, int rung, int epochs,
           JsonNode *settings, gboolean *stop)
{
  g_autoptr (LcTrial) t = lc_trial_new ();
  g_autoptr (NnModelDoc) doc = NULL;
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (GError) local = NULL;
  LcTrainOverrides overrides = o->overrides;
  EpochRelay relay = { cb, FALSE };
  NnTrainCallbacks train = { relay_batch, relay_epoch, &relay };
  gint64 start = g_get_monotonic_time ();

  *stop = FALSE;
  t->index = index;
  t->config = config;
  t->rung = rung;
  t->settings = json_node_copy (settings);
  if (cb != NULL && cb->on_trial_start != NULL && !cb->on_trial_start (index, settings, cb->user_data))
    {
      *stop = TRUE;
      return NULL;
    }
  if (epochs > 0)
    overrides.epochs = epochs;
  doc = lc_tune_apply (spec, settings, &local);
  if (doc != NULL)
    run = lc_train_run_prepare (ds, doc, &overrides, &local);
  if (run != NULL)
    {
      gint64 train_start = g_get_monotonic_time ();

      t->ok = lc_train_run_train (run, &train, &local);
      t->train_seconds = (g_get_monotonic_time () - train_start) / 1e6;
      if (relay.stopped)
        {
          *stop = TRUE;
          return NULL;
        }
      if (t->ok)
        score_trial (t, ds, run, MAX (overrides.threads, 1));
    }
  if (local != NULL && t->error == NULL)
    t->error = g_strdup (local->message);
  t->seconds = (g_get_monotonic_time () - start) / 1e6;
  if (cb != NULL && cb->on_trial != NULL
      && !cb->on_trial (t, t->ok && run != NULL ? run->doc : NULL, cb->user_data))
    *stop = TRUE;
  return g_steal_pointer (&t);
}

/* A space whose paths do not fit the spec fails before any training. */
static gboolean
check_space (const NnModelDoc *spec, const LcSearchSpace *space, const LcTuneOptions *o,
             GError **error)
{
  g_autoptr (JsonNode) settings = NULL;
  g_autoptr (NnModelDoc) doc = NULL;
  if (space->params->len == 0)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("%s: no parameters to search"), space->source);
      return FALSE;
    }
  if (o->n_shards < 1 || o->shard < 0 || o->shard >= o->n_shards)
    {
      g_set_error (error, LC_ERROR, LC_ERROR_FORMAT, _("shard %d/%d: expected 0 <= shard < shards"),
                   o->shard, o->n_shards);
      return FALSE;
    }
  settings = lc_search_space_sample (space, o->strategy, o->seed, 0);
  doc = lc_tune_apply (spec, settings, error);
  return doc != NULL;
}

static gboolean
mine (const LcTuneOptions *o, int index)
{
  return index % o->n_shards == o->shard;
}

static LcTuneStatus
run_flat (const LcDataset *ds, const NnModelDoc *spec, const LcSearchSpace *space,
          const LcTuneOptions *o, LcTuneTable *table, const LcTuneCallbacks *cb)
{
  int n = lc_tune_n_planned (space, o);
  for (int i = 0; i < n; i++)
    {
      g_autoptr (JsonNode) settings = NULL;
      gboolean stop;
      LcTrial *t;
      if (!mine (o, i) || lc_tune_table_find (table, i) != NULL)
        continue;
      settings = lc_search_space_sample (space, o->strategy, o->seed, i);
      t = run_trial (ds, spec, o, cb, i, i, 0, 0, settings, &stop);
      if (t != NULL)
        lc_tune_table_add (table, t);
      if (stop)
        return LC_TUNE_STOPPED;
    }
  return LC_TUNE_DONE;
}

static int
compare_trial_ptr_best (gconstpointer a, gconstpointer b)
{
  return lc_trial_compare_best (*(const LcTrial *const *) a, *(const LcTrial *const *) b);
}

static int
compare_int (gconstpointer a, gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

/* The configurations rung r trains (sorted by configuration), from the
 * results of rung r - 1; FALSE when some of those are missing. */
static gboolean
promoted_configs (const LcTuneTable *table, const HalvingPlan *plan, int r, int *configs)
{
  g_autoptr (GPtrArray) prev = g_ptr_array_new ();
  for (int j = 0; j < plan->configs[r - 1]; j++)
    {
      const LcTrial *t = lc_tune_table_find (table, plan->first[r - 1] + j);
      if (t == NULL)
        return FALSE;
      g_ptr_array_add (prev, (gpointer) t);
    }
  g_ptr_array_sort (prev, compare_trial_ptr_best);
  for (int j = 0; j < plan->configs[r]; j++)
    configs[j] = ((const LcTrial *) g_ptr_array_index (prev, j))->config;
  qsort (configs, plan->configs[r], sizeof (int), compare_int);
  return TRUE;
}

static LcTuneStatus
run_halving (const LcDataset *ds, const NnModelDoc *spec, const LcSearchSpace *space,
             const LcTuneOptions *o, LcTuneTable *table, const LcTuneCallbacks *cb)
{
  HalvingPlan plan;
  halving_plan (space, o->n_trials, spec_epochs (spec, o), &plan);
  for (int r = 0; r < plan.n_rungs; r++)
    {
      g_autofree int *configs = g_new (int, plan.configs[r]);
      if (r == 0)
        for (int j = 0; j < plan.configs[0]; j++)
          configs[j] = j;
      else if (!promoted_configs (table, &plan, r, configs))
        return LC_TUNE_WAITING;
      for (int j = 0; j < plan.configs[r]; j++)
        {
          g_autoptr (JsonNode) settings = NULL;
          int index = plan.first[r] + j;
          gboolean stop;
          LcTrial *t;
          if (!mine (o, index) || lc_tune_table_find (table, index) != NULL)
            continue;
          settings = lc_search_space_sample (space, LC_TUNE_RANDOM, o->seed, configs[j]);
          t = run_trial (ds, spec, o, cb, index, configs[j], r, plan.epochs[r], settings, &stop);
          if (t != NULL)
            lc_tune_table_add (table, t);
          if (stop)
            return LC_TUNE_STOPPED;
        }
    }
  return LC_TUNE_DONE;
}

LcTuneStatus
lc_tune_run (const LcDataset *ds, const NnModelDoc *spec, const LcSearchSpace *space,
             const LcTuneOptions *options, LcTuneTable *table, const LcTuneCallbacks *callbacks,
             GError **error)
{
  if (!check_space (spec, space, options, error))
    return LC_TUNE_FAILED;
  if (options->strategy == LC_TUNE_HALVING)
    return run_halving (ds, spec, space, options, table, callbacks);
  return run_flat (ds, spec, space, options, table, callbacks);
}

/* ---- how far a search is ---- */

/* The epochs trial index may train: its rung's in halving, else the
 * override, its own "training.epochs" setting or the spec's. */
static int
trial_epoch_cap (const NnModelDoc *spec, const LcTuneOptions *o, const HalvingPlan *plan, int index,
                 JsonNode *settings)
{
  JsonObject *s = settings != NULL && JSON_NODE_HOLDS_OBJECT (settings) ? json_node_get_object (settings) : NULL;
  double v;

  if (plan != NULL)
    {
      for (int r = plan->n_rungs - 1; r >= 0; r--)
        if (index >= plan->first[r])
          return plan->epochs[r];
    }
  if (o->overrides.epochs > 0)
    return o->overrides.epochs;
  if (s != NULL && nn_json_node_number (json_object_get_member (s, "training.epochs"), &v) && v >= 1)
    return (int) v;
  return MAX (spec->training.train.epochs, 1);
}

void
lc_tune_progress (const NnModelDoc *spec, const LcSearchSpace *space, const LcTuneOptions *o,
                  const LcTuneTable *table, int running, double running_seconds, LcTuneProgress *progress)
{
  HalvingPlan plan;
  const HalvingPlan *p = NULL;
  double overhead = 0, train = 0, cap_epochs = 0, left = 0;
  int n_timed = 0, n = lc_tune_n_planned (space, o);

  if (o->strategy == LC_TUNE_HALVING)
    {
      halving_plan (space, o->n_trials, spec_epochs (spec, o), &plan);
      p = &plan;
    }
  progress->n_planned = 0;
  progress->n_finished = 0;
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);
      /* trials written before the training time was kept count as all training */
      double in_epochs = isfinite (t->train_seconds) ? t->train_seconds : t->seconds;

      if (!mine (o, t->index) || t->index >= n || !isfinite (t->seconds))
        continue;
      n_timed++;
      overhead += MAX (t->seconds - in_epochs, 0);
      if (t->epochs > 0)
        {
          train += in_epochs;
          cap_epochs += MAX (trial_epoch_cap (spec, o, p, t->index, t->settings), t->epochs);
        }
    }
  for (int i = 0; i < n; i++)
    {
      g_autoptr (JsonNode) settings = NULL;
      double expected;

      if (!mine (o, i))
        continue;
      progress->n_planned++;
      if (lc_tune_table_find (table, i) != NULL)
        {
          progress->n_finished++;
          continue;
        }
      if (n_timed == 0)
        continue;
      /* a halving trial's epochs are its rung's, whatever configuration it gets */
      if (p == NULL)
        settings = lc_search_space_sample (space, o->strategy, o->seed, i);
      expected = overhead / n_timed;
      if (cap_epochs > 0)
        expected += train * trial_epoch_cap (spec, o, p, i, settings) / cap_epochs;
      if (i == running)
        expected = MAX (expected - running_seconds, 0);
      left += expected;
    }
  progress->seconds_left = n_timed > 0 ? left : -1;
}

/* ---- heat map ---- */

typedef struct
{
  gboolean numeric;
  GPtrArray *labels;     /* char *: categories, or bin labels */
  GArray *values;        /* double: numeric categories */
  double *edges;         /* bins: [n + 1], or NULL */
  gboolean log;
} Axis;

static JsonNode *
trial_setting (const LcTrial *t, const char *path)
{
  if (t->settings == NULL)
    return NULL;
  return json_object_get_member (json_node_get_object (t->settings), path);
}

static char *
node_label (JsonNode *n)
{
  double v;
  if (nn_json_node_number (n, &v))
    return g_strdup_printf ("%g", v);
  if (n != NULL && JSON_NODE_TYPE (n) == JSON_NODE_VALUE && json_node_get_value_type (n) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (n));
  if (n != NULL && JSON_NODE_TYPE (n) == JSON_NODE_VALUE && json_node_get_value_type (n) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (n) ? "true" : "false");
  return n != NULL ? nn_json_to_string (n) : g_strdup ("—");
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y ? 1 : 0;
}

static void
axis_build (Axis *axis, const LcTuneTable *table, const char *path, int max_bins)
{
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (double));
  axis->numeric = TRUE;
  axis->labels = g_ptr_array_new_with_free_func (g_free);
  axis->values = g_array_new (FALSE, FALSE, sizeof (double));
  axis->edges = NULL;

  for (guint i = 0; i < table->trials->len; i++)
    {
      JsonNode *n = trial_setting (g_ptr_array_index (table->trials, i), path);
      double v;
      if (n == NULL)
        continue;
      if (nn_json_node_number (n, &v))
        g_array_append_val (numbers, v);
      else
        axis->numeric = FALSE;
    }
  if (!axis->numeric)
    {
      /* categories in the order they first appear */
      for (guint i = 0; i < table->trials->len; i++)
        {
          JsonNode *n = trial_setting (g_ptr_array_index (table->trials, i), path);
          g_autofree char *label = n != NULL ? node_label (n) : NULL;
          gboolean seen = FALSE;
          if (label == NULL)
            continue;
          for (guint k = 0; k < axis->labels->len && !seen; k++)
            seen = strcmp (g_ptr_array_index (axis->labels, k), label) == 0;
          if (!seen)
            g_ptr_array_add (axis->labels, g_steal_pointer (&label));
        }
      return;
    }
  g_array_sort (numbers, compare_double);
  for (guint i = 0; i < numbers->len; i++)
    if (axis->values->len == 0
        || g_array_index (numbers, double, i) != g_array_index (axis->values, double, axis->values->len - 1))
      g_array_append_val (axis->values, g_array_index (numbers, double, i));
  if ((int) axis->values->len <= max_bins)
    {
      for (guint k = 0; k < axis->values->len; k++)
        g_ptr_array_add (axis->labels, g_strdup_printf ("%g", g_array_index (axis->values, double, k)));
      return;
    }
  {
    double lo = g_array_index (axis->values, double, 0);
    double hi = g_array_index (axis->values, double, axis->values->len - 1);
    axis->log = lo > 0 && hi / lo > 10;
    axis->edges = g_new (double, max_bins + 1);
    for (int k = 0; k <= max_bins; k++)
      {
        double t = (double) k / max_bins;
        axis->edges[k] = axis->log ? exp (log (lo) + t * (log (hi) - log (lo))) : lo + t * (hi - lo);
      }
    for (int k = 0; k < max_bins; k++)
      g_ptr_array_add (axis->labels, g_strdup_printf ("%.3g–%.3g", axis->edges[k], axis->edges[k + 1]));
  }
}

static int
axis_cell (const Axis *axis, JsonNode *n)
{
  double v;
  if (n == NULL)
    return -1;
  if (axis->numeric && nn_json_node_number (n, &v))
    {
      int nb = axis->labels->len;
      if (axis->edges != NULL)
        {
          for (int k = 0; k < nb; k++)
            if (v < axis->edges[k + 1])
              return k;
          return nb - 1;
        }
      for (guint k = 0; k < axis->values->len; k++)
        if (g_array_index (axis->values, double, k) == v)
          return k;
      return -1;
    }
  {
    g_autofree char *label = node_label (n);
    for (guint k = 0; k < axis->labels->len; k++)
      if (strcmp (g_ptr_array_index (axis->labels, k), label) == 0)
        return k;
  }
  return -1;
}

static char **
axis_steal_labels (Axis *axis, double **edges)
{
  char **labels = g_new0 (char *, axis->labels->len + 1);
  for (guint k = 0; k < axis->labels->len; k++)
    labels[k] = g_strdup (g_ptr_array_index (axis->labels, k));
  *edges = g_steal_pointer (&axis->edges);
  g_ptr_array_unref (axis->labels);
  g_array_unref (axis->values);
  return labels;
}

LcTuneHeatmap *
lc_tune_heatmap_new (const LcTuneTable *table, const char *x_path, const char *y_path, int max_bins)
{
  LcTuneHeatmap *map = g_new0 (LcTuneHeatmap, 1);
  Axis ax, ay;

  max_bins = MAX (max_bins, 1);
  axis_build (&ax, table, x_path, max_bins);
  axis_build (&ay, table, y_path, max_bins);
  map->nx = ax.labels->len;
  map->ny = ay.labels->len;
  map->score = g_new (double, MAX (map->nx * map->ny, 1));
  map->count = g_new0 (int, MAX (map->nx * map->ny, 1));
  for (int i = 0; i < map->nx * map->ny; i++)
    map->score[i] = NAN;
  for (guint i = 0; i < table->trials->len; i++)
    {
      const LcTrial *t = g_ptr_array_index (table->trials, i);
      int cx = axis_cell (&ax, trial_setting (t, x_path));
      int cy = axis_cell (&ay, trial_setting (t, y_path));
      double s = lc_trial_score (t);
      double *cell;
      if (cx < 0 || cy < 0)
        continue;
      map->count[cy * map->nx + cx]++;
      cell = &map->score[cy * map->nx + cx];
      if (isfinite (s) && (isnan (*cell) || s > *cell))
        *cell = s;
    }
  map->x_labels = axis_steal_labels (&ax, &map->x_edges);
  map->y_labels = axis_steal_labels (&ay, &map->y_edges);
  return map;
}

void
lc_tune_heatmap_free (LcTuneHeatmap *map)
{
  if (map == NULL)
    return;
  g_strfreev (map->x_labels);
  g_strfreev (map->y_labels);
  g_free (map->x_edges);
  g_free (map->y_edges);
  g_free (map->score);
  g_free (map->count);
  g_free (map);
}
