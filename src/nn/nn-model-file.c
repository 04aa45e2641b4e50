/* nn-model-file.c: reading, checking, writing and building model documents
 * (DESIGN §5).  Reading is strict: every member is checked for its type and
 * range, unknown members are refused, and every message names the file, the
 * place in the document and what was expected.  Writing uses our own small
 * JSON writer so numbers come out as people wrote them ("0.2", not
 * "0.20000000298023224") and long lists (layers, weights) stay one entry a line. */
#include "config.h"

#include "nn-model-file.h"

#include "nn-calibration.h"
#include "nn-fields.h"
#include "nn-atomic.h"
#include "nn-base64.h"
#include "nn-json.h"
#include "nn-names.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

/* Limits that keep a hostile file from asking for absurd allocations (the
 * ranges of layer and training settings are rows of nn-fields.c). */
#define MAX_FEATURES     65536
#define MAX_STEPS        (1 << 20)
#define MAX_TENSOR_SIZE  ((size_t) 1 << 28)
#define MAX_LAYERS       1024

/* ------------------------------------------------------------------ */
/* small helpers shared by reading and writing                         */

static const NnNameEntry balance_names[] = {
  { NN_BALANCE_NONE, "none" },
  { NN_BALANCE_WEIGHTS, "weights" },
  { NN_BALANCE_RESAMPLE, "resample" },
  { NN_BALANCE_SAMPLE, "sample" },
  { NN_BALANCE_EFFECTIVE, "effective" },
};

const char *
nn_balance_to_string (NnBalance balance)
{
  return nn_name_lookup_name (balance_names, G_N_ELEMENTS (balance_names), balance, "none");
}

gboolean
nn_balance_from_string (const char *name, NnBalance *balance)
{
  int value;

  if (!nn_name_lookup_value (balance_names, G_N_ELEMENTS (balance_names), name, &value))
    return FALSE;
  *balance = value;
  return TRUE;
}

void
nn_training_spec_default (NnTrainingSpec *spec)
{
  memset (spec, 0, sizeof *spec);
  nn_train_config_default (&spec->train);
  spec->train.loss.class_weights = NULL;
  spec->train.loss.logit_offsets = NULL;
  spec->balance = NN_BALANCE_NONE;
  spec->class_weight_power = 0.5f;
  spec->effective_beta = 0.999f;
  spec->val_fraction = 0.2f;
}

static const char *
kind_name (NnLayerKind kind)
{
  const NnLayerOps *ops = nn_layer_ops_for_kind (kind);
  return ops != NULL ? ops->name : "?";
}

static char *
shape_to_string (int ndim, const int *shape)
{
  GString *s = g_string_new ("[");
  for (int i = 0; i < ndim; i++)
    g_string_append_printf (s, i > 0 ? ", %d" : "%d", shape[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static void
layer_spec_clear (gpointer p)
{
  NnLayerSpec *spec = p;
  g_clear_pointer (&spec->label, g_free);
}

static void
class_spec_clear (gpointer p)
{
  NnClassSpec *c = p;
  g_clear_pointer (&c->name, g_free);
}

static void
tensor_data_free (gpointer p)
{
  NnTensorData *t = p;
  if (t == NULL)
    return;
  g_free (t->name);
  g_free (t->data);
  g_free (t);
}

static NnTensorData *
tensor_data_new (int layer, const char *name, int ndim, const int *shape, const float *data)
{
  NnTensorData *t = g_new0 (NnTensorData, 1);
  t->layer = layer;
  t->name = g_strdup (name);
  t->ndim = ndim;
  t->size = 1;
  for (int i = 0; i < ndim; i++)
    {
      t->shape[i] = shape[i];
      t->size *= (size_t) shape[i];
    }
  t->data = data != NULL ? g_memdup2 (data, t->size * sizeof (float)) : g_new0 (float, t->size);
  return t;
}

static void
ensemble_member_free (gpointer p)
{
  NnEnsembleMember *m = p;
  if (m == NULL)
    return;
  g_ptr_array_unref (m->weights);
  g_ptr_array_unref (m->state);
  g_free (m);
}

static NnEnsembleMember *
ensemble_member_new (void)
{
  NnEnsembleMember *m = g_new0 (NnEnsembleMember, 1);
  m->weights = g_ptr_array_new_with_free_func (tensor_data_free);
  m->state = g_ptr_array_new_with_free_func (tensor_data_free);
  return m;
}

NnModelDoc *
nn_model_doc_new (void)
{
  NnModelDoc *doc = g_new0 (NnModelDoc, 1);
  doc->source = g_strdup (_("model"));
  doc->name = g_strdup ("");
  doc->description = g_strdup ("");
  doc->layers = g_array_new (FALSE, TRUE, sizeof (NnLayerSpec));
  g_array_set_clear_func (doc->layers, layer_spec_clear);
  doc->classes = g_array_new (FALSE, TRUE, sizeof (NnClassSpec));
  g_array_set_clear_func (doc->classes, class_spec_clear);
  nn_training_spec_default (&doc->training);
  doc->history = g_array_new (FALSE, TRUE, sizeof (NnEpochStats));
  doc->weights = g_ptr_array_new_with_free_func (tensor_data_free);
  doc->state = g_ptr_array_new_with_free_func (tensor_data_free);
  doc->ensemble_members = 1;
  doc->ensemble = g_ptr_array_new_with_free_func (ensemble_member_free);
  doc->temperature = 1.0;
  doc->novelty_reference = g_ptr_array_new_with_free_func (tensor_data_free);
  return doc;
}

void
nn_model_doc_free (NnModelDoc *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->source);
  g_free (doc->name);
  g_free (doc->description);
  g_array_unref (doc->layers);
  g_array_unref (doc->classes);
  g_clear_pointer (&doc->preprocessing, json_node_unref);
  g_array_unref (doc->history);
  g_ptr_array_unref (doc->weights);
  g_ptr_array_unref (doc->state);
  g_clear_pointer (&doc->extra, json_node_unref);
  g_clear_pointer (&doc->augmentation, json_node_unref);
  g_ptr_array_unref (doc->ensemble);
  g_free (doc->class_offsets);
  g_ptr_array_unref (doc->novelty_reference);
  g_free (doc);
}

static void
copy_tensors (GPtrArray *to, GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    {
      const NnTensorData *t = g_ptr_array_index (from, i);
      g_ptr_array_add (to, tensor_data_new (t->layer, t->name, t->ndim, t->shape, t->data));
    }
}

NnModelDoc *
nn_model_doc_copy (const NnModelDoc *doc)
{
  NnModelDoc *copy = nn_model_doc_new ();

  g_free (copy->source);
  g_free (copy->name);
  g_free (copy->description);
  copy->source = g_strdup (doc->source);
  copy->name = g_strdup (doc->name);
  copy->description = g_strdup (doc->description);
  copy->seq_features = doc->seq_features;
  copy->max_steps = doc->max_steps;
  copy->meta_features = doc->meta_features;
  for (guint i = 0; i < doc->layers->len; i++)
    {
      const NnLayerSpec *spec = &g_array_index (doc->layers, NnLayerSpec, i);
      nn_model_doc_add_layer (copy, spec->kind, &spec->cfg, spec->label)->units_is_classes =
        spec->units_is_classes;
    }
  for (guint c = 0; c < doc->classes->len; c++)
    {
      NnClassSpec spec = g_array_index (doc->classes, NnClassSpec, c);
      spec.name = g_strdup (spec.name);
      g_array_append_val (copy->classes, spec);
    }
  if (doc->preprocessing != NULL)
    copy->preprocessing = json_node_copy (doc->preprocessing);
  copy->has_training = doc->has_training;
  copy->training = doc->training;
  g_array_append_vals (copy->history, doc->history->data, doc->history->len);
  copy_tensors (copy->weights, doc->weights);
  copy_tensors (copy->state, doc->state);
  if (doc->extra != NULL)
    copy->extra = json_node_copy (doc->extra);
  if (doc->augmentation != NULL)
    copy->augmentation = json_node_copy (doc->augmentation);
  copy->ensemble_members = doc->ensemble_members;
  for (guint i = 0; i < doc->ensemble->len; i++)
    {
      const NnEnsembleMember *m = g_ptr_array_index (doc->ensemble, i);
      NnEnsembleMember *c = ensemble_member_new ();
      copy_tensors (c->weights, m->weights);
      copy_tensors (c->state, m->state);
      g_ptr_array_add (copy->ensemble, c);
    }
  copy->temperature = doc->temperature;
  if (doc->class_offsets != NULL)
    copy->class_offsets = g_memdup2 (doc->class_offsets, sizeof (float) * doc->classes->len);
  copy->calibration = doc->calibration;
  copy_tensors (copy->novelty_reference, doc->novelty_reference);
  copy->novelty_k = doc->novelty_k;
  copy->novelty_threshold = doc->novelty_threshold;
  return copy;
}

NnLayerSpec *
nn_model_doc_add_layer (NnModelDoc *doc, NnLayerKind kind, const NnLayerConfig *cfg,
                        const char *label)
{
  NnLayerSpec spec = { 0 };
  spec.kind = kind;
  if (cfg != NULL)
    spec.cfg = *cfg;
  else
    nn_layer_config_default (&spec.cfg);
  spec.label = g_strdup (label);
  g_array_append_val (doc->layers, spec);
  return &g_array_index (doc->layers, NnLayerSpec, doc->layers->len - 1);
}

void
nn_model_doc_set_classes (NnModelDoc *doc, int n_classes, const int *ids,
                          const char *const *names)
{
  g_array_set_size (doc->classes, 0);
  for (int c = 0; c < n_classes; c++)
    {
      NnClassSpec spec;
      spec.id = ids != NULL ? ids[c] : c;
      spec.name = names != NULL && names[c] != NULL ? g_strdup (names[c])
                                                    : g_strdup_printf ("class %d", spec.id);
      g_array_append_val (doc->classes, spec);
    }
}

void
nn_model_doc_set_preprocessing (NnModelDoc *doc, JsonNode *preprocessing)
{
  g_return_if_fail (preprocessing == NULL || JSON_NODE_HOLDS_OBJECT (preprocessing));
  g_clear_pointer (&doc->preprocessing, json_node_unref);
  if (preprocessing != NULL)
    doc->preprocessing = json_node_copy (preprocessing);
}

void
nn_model_doc_clear_weights (NnModelDoc *doc)
{
  g_ptr_array_set_size (doc->weights, 0);
  g_ptr_array_set_size (doc->state, 0);
  g_array_set_size (doc->history, 0);
  g_ptr_array_set_size (doc->ensemble, 0);
  doc->temperature = 1.0;
  g_clear_pointer (&doc->class_offsets, g_free);
  memset (&doc->calibration, 0, sizeof doc->calibration);
  g_ptr_array_set_size (doc->novelty_reference, 0);
  doc->novelty_k = 0;
  doc->novelty_threshold = 0.0;
}

void
nn_model_doc_set_history (NnModelDoc *doc, const NnHistory *history)
{
  g_array_set_size (doc->history, 0);
  if (history != NULL && history->epochs != NULL)
    g_array_append_vals (doc->history, history->epochs->data, history->epochs->len);
}

/* ------------------------------------------------------------------ */
/* which fields each layer kind takes: the table in nn-fields.c        */

gboolean
nn_model_file_layer_takes (NnLayerKind kind, const char *field)
{
  g_return_val_if_fail (field != NULL, FALSE);
  if (nn_layer_kind_info (kind) == NULL)
    return FALSE;
  if (strcmp (field, "type") == 0 || strcmp (field, "label") == 0)
    return TRUE;
  return nn_layer_field_lookup (kind, field) != NULL;
}

static char *
layer_fields_list (NnLayerKind kind)
{
  g_autoptr (GPtrArray) fields = nn_layer_kind_fields (kind);
  GString *s = g_string_new ("type");
  for (guint i = 0; i < fields->len; i++)
    g_string_append_printf (s, ", %s", ((const NnField *) g_ptr_array_index (fields, i))->name);
  g_string_append (s, ", label");
  return g_string_free (s, FALSE);
}

static char *
layer_kinds_list (void)
{
  GString *s = g_string_new (NULL);
  for (int k = 0; k < NN_LAYER_N_KINDS; k++)
    g_string_append_printf (s, k > 0 ? ", %s" : "%s", kind_name (k));
  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------ */
/* reading: errors                                                     */

typedef struct
{
  const char *source;
} Reader;

static void G_GNUC_PRINTF (5, 6)
fail (GError **error, int code, const Reader *r, const char *place, const char *format, ...)
{
  va_list ap;
  g_autofree char *what = NULL;
  va_start (ap, format);
  what = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (place != NULL && place[0] != '\0')
    g_set_error (error, NN_ERROR, code, "%s: %s: %s", r->source, place, what);
  else
    g_set_error (error, NN_ERROR, code, "%s: %s", r->source, what);
}

#define FAIL(error, r, place, ...) fail (error, NN_ERROR_FILE, r, place, __VA_ARGS__)

/* A short description of what the file has, for "found ..." */
static char *
describe_node (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup (_("a list"));
  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (_("an object"));
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%g", json_node_get_double (node));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    case G_TYPE_STRING:
      {
        const char *text = json_node_get_string (node);
        if (g_utf8_strlen (text, -1) > 40)
          {
            g_autofree char *start = g_utf8_substring (text, 0, 37);
            return g_strdup_printf (_("the text “%s...”"), start);
          }
        return g_strdup_printf (_("the text “%s”"), text);
      }
    default:
      return g_strdup (_("a value of unknown type"));
    }
}

static gboolean G_GNUC_PRINTF (6, 7)
field_fail (GError **error, const Reader *r, const char *place, const char *field,
            JsonNode *found, const char *format, ...)
{
  va_list ap;
  g_autofree char *what = NULL;
  g_autofree char *found_text = NULL;
  va_start (ap, format);
  what = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (found != NULL)
    {
      found_text = describe_node (found);
      /* TRANSLATORS: the field's name, what it should be ("expected a string") and a
       * description of its value ("a list", "the text “x”") */
      FAIL (error, r, place, _("field “%s”: %s, found %s"), field, what, found_text);
    }
  else
    FAIL (error, r, place, _("field “%s”: %s"), field, what);
  return FALSE;
}

/* Refuses members that are not in allowed (NULL-terminated). */
static gboolean
check_members (const Reader *r, JsonObject *obj, const char *place, const char *const *allowed,
               GError **error)
{
  g_autoptr (GList) members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      if (!g_strv_contains (allowed, name))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) allowed);
          FAIL (error, r, place, _("unknown field “%s” (known fields: %s)"), name, known);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
require_member (const Reader *r, JsonObject *obj, const char *place, const char *field,
                GError **error)
{
  if (json_object_has_member (obj, field))
    return TRUE;
  FAIL (error, r, place, _("required field “%s” is missing"), field);
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* reading: typed fields (absent fields leave *out unchanged)          */

static gboolean
read_int (const Reader *r, JsonObject *obj, const char *place, const char *field,
          int min, int max, int *out, GError **error)
{
  JsonNode *node;
  double v;
  if (!json_object_has_member (obj, field))
    return TRUE;
  node = json_object_get_member (obj, field);
  if (!nn_json_node_number (node, &v) || !isfinite (v) || v != floor (v) || v < min)
    {
      if (min == 1)
        return field_fail (error, r, place, field, node, _("expected a positive whole number"));
      if (min == 0)
        return field_fail (error, r, place, field, node, _("expected a whole number, 0 or more"));
      return field_fail (error, r, place, field, node, _("expected a whole number, %d or more"), min);
    }
  if (v > max)
    return field_fail (error, r, place, field, node, _("expected a whole number no larger than %d"),
                       max);
  *out = (int) v;
  return TRUE;
}

typedef enum
{
  RANGE_ANY,          /* any finite number */
  RANGE_POSITIVE,     /* > 0 */
  RANGE_NON_NEGATIVE, /* >= 0 */
  RANGE_UNIT,         /* [0, 1] */
} Range;

static const char *
range_words (Range range)
{
  switch (range)
    {
    case RANGE_POSITIVE:
      return _("a number greater than 0");
    case RANGE_NON_NEGATIVE:
      return _("a number, 0 or more");
    case RANGE_UNIT:
      return _("a number from 0 to 1");
    case RANGE_ANY:
    default:
      return _("a finite number");
    }
}

static gboolean
in_range (double v, Range range)
{
  if (!isfinite (v))
    return FALSE;
  switch (range)
    {
    case RANGE_POSITIVE:
      return v > 0;
    case RANGE_NON_NEGATIVE:
      return v >= 0;
    case RANGE_UNIT:
      return v >= 0 && v <= 1;
    case RANGE_ANY:
    default:
      return TRUE;
    }
}

static gboolean
read_double (const Reader *r, JsonObject *obj, const char *place, const char *field,
             Range range, double *out, GError **error)
{
  JsonNode *node;
  double v;
  if (!json_object_has_member (obj, field))
    return TRUE;
  node = json_object_get_member (obj, field);
  if (!nn_json_node_number (node, &v) || !in_range (v, range) || !isfinite ((float) v))
    return field_fail (error, r, place, field, node, _("expected %s"), range_words (range));
  *out = v;
  return TRUE;
}

/* A history number: finite, or null for "not measured" (NaN). */
static gboolean
read_double_or_null (const Reader *r, JsonObject *obj, const char *place, const char *field,
                     double *out, GError **error)
{
  if (json_object_has_member (obj, field)
      && JSON_NODE_HOLDS_NULL (json_object_get_member (obj, field)))
    {
      *out = NAN;
      return TRUE;
    }
  return read_double (r, obj, place, field, RANGE_ANY, out, error);
}

static gboolean
read_bool (const Reader *r, JsonObject *obj, const char *place, const char *field,
           gboolean *out, GError **error)
{
  JsonNode *node;
  if (!json_object_has_member (obj, field))
    return TRUE;
  node = json_object_get_member (obj, field);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return field_fail (error, r, place, field, node, _("expected true or false"));
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* *out points into the document (valid while the parser lives). */
static gboolean
read_string (const Reader *r, JsonObject *obj, const char *place, const char *field,
             const char **out, GError **error)
{
  JsonNode *node;
  if (!json_object_has_member (obj, field))
    return TRUE;
  node = json_object_get_member (obj, field);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return field_fail (error, r, place, field, node, _("expected a string"));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_string_dup (const Reader *r, JsonObject *obj, const char *place, const char *field,
                 char **out, GError **error)
{
  const char *s = NULL;
  if (!read_string (r, obj, place, field, &s, error))
    return FALSE;
  if (s != NULL)
    {
      g_free (*out);
      *out = g_strdup (s);
    }
  return TRUE;
}

/* A member that must be an object (or a list); NULL with *ok FALSE on error. */
static JsonObject *
read_object (const Reader *r, JsonObject *obj, const char *place, const char *field,
             gboolean *ok, GError **error)
{
  JsonNode *node;
  *ok = TRUE;
  if (!json_object_has_member (obj, field))
    return NULL;
  node = json_object_get_member (obj, field);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *ok = field_fail (error, r, place, field, node, _("expected an object { ... }"));
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
read_array (const Reader *r, JsonObject *obj, const char *place, const char *field,
            gboolean *ok, GError **error)
{
  JsonNode *node;
  *ok = TRUE;
  if (!json_object_has_member (obj, field))
    return NULL;
  node = json_object_get_member (obj, field);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *ok = field_fail (error, r, place, field, node, _("expected a list [ ... ]"));
      return NULL;
    }
  return json_node_get_array (node);
}

/* An element of a list that must be an object. */
static JsonObject *
element_object (const Reader *r, JsonArray *arr, guint i, const char *place, GError **error)
{
  JsonNode *node = json_array_get_element (arr, i);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *found = describe_node (node);
      FAIL (error, r, place, _("expected an object { ... }, found %s"), found);
      return NULL;
    }
  return json_node_get_object (node);
}

/* ------------------------------------------------------------------ */
/* reading: sections                                                   */

static gboolean
read_inputs (const Reader *r, JsonObject *root, NnModelDoc *doc, GError **error)
{
  static const char *const allowed[] = {
    "sequence_features", "max_steps", "metadata_features", NULL
  };
  gboolean ok;
  JsonObject *obj = read_object (r, root, NULL, "inputs", &ok, error);
  if (obj == NULL)
    return ok;
  return check_members (r, obj, "inputs", allowed, error)
         && read_int (r, obj, "inputs", "sequence_features", 0, MAX_FEATURES, &doc->seq_features,
                      error)
         && read_int (r, obj, "inputs", "max_steps", 0, MAX_STEPS, &doc->max_steps, error)
         && read_int (r, obj, "inputs", "metadata_features", 0, MAX_FEATURES, &doc->meta_features,
                      error);
}

static gboolean
read_layer_kind (const Reader *r, JsonObject *obj, const char *place, NnLayerKind *kind,
                 GError **error)
{
  const char *type = NULL;
  const NnLayerOps *ops;
  if (!require_member (r, obj, place, "type", error)
      || !read_string (r, obj, place, "type", &type, error))
    return FALSE;
  ops = nn_layer_ops_lookup (type);
  if (ops == NULL)
    {
      g_autofree char *known = layer_kinds_list ();
      FAIL (error, r, place, _("unknown layer type “%s”; known: %s"), type, known);
      return FALSE;
    }
  *kind = ops->kind;
  return TRUE;
}

static gboolean
check_layer_members (const Reader *r, JsonObject *obj, const char *place, NnLayerKind kind,
                     GError **error)
{
  g_autoptr (GList) members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *takes = NULL;
      if (nn_model_file_layer_takes (kind, name))
        continue;
      takes = layer_fields_list (kind);
      if (nn_layer_field_any (name) != NULL)
        FAIL (error, r, place, _("field “%s” does not apply to a %s layer (it takes: %s)"),
              name, kind_name (kind), takes);
      else
        FAIL (error, r, place, _("unknown field “%s” (a %s layer takes: %s)"),
              name, kind_name (kind), takes);
      return FALSE;
    }
  return TRUE;
}

/* A number of the field's range; as stored, too: 1e-60 is greater than 0,
 * its float is 0, and a file must never hold what its reader refuses. */
static gboolean
read_number_field (const Reader *r, JsonNode *node, const char *place, const NnField *field,
                   double *out, GError **error)
{
  g_autofree char *range = nn_field_range_text (field);
  double v;

  if (!nn_json_node_number (node, &v) || !nn_field_in_range (field, v))
    return field_fail (error, r, place, field->name, node, _("expected %s"), range);
  if (field->type == NN_FIELD_FLOAT && !nn_field_in_range (field, (float) v))
    return field_fail (error, r, place, field->name, node, _("expected %s; as a 32-bit float this is %g"),
                       range, (double) (float) v);
  *out = v;
  return TRUE;
}

/* One field of a layer or of the training section, checked against its row
 * of the table and stored at base; absent fields are left alone. */
static gboolean
read_field (const Reader *r, JsonObject *obj, const char *place, const NnField *field, void *base,
            GError **error)
{
  JsonNode *node = json_object_get_member (obj, field->name);
  double v = 0;

  if (node == NULL)
    return TRUE;
  switch (field->type)
    {
    case NN_FIELD_BOOL:
      {
        gboolean flag = FALSE;
        if (!read_bool (r, obj, place, field->name, &flag, error))
          return FALSE;
        v = flag;
        break;
      }
    case NN_FIELD_CHOICE:
      {
        const char *name = NULL;
        int value;
        if (!read_string (r, obj, place, field->name, &name, error))
          return FALSE;
        if (!nn_field_choice_value (field, name, &value))
          {
            g_autofree char *known = nn_field_choices_text (field);
            return field_fail (error, r, place, field->name, NULL, _("unknown value “%s”; known: %s"), name,
                               known);
          }
        v = value;
        break;
      }
    case NN_FIELD_INT:
    case NN_FIELD_SEED:
    case NN_FIELD_FLOAT:
    default:
      if (!read_number_field (r, node, place, field, &v, error))
        return FALSE;
      break;
    }
  nn_field_set (field, base, v);
  return TRUE;
}

/* "units": a number, or "classes" where the row allows it. */
static gboolean
read_layer_field (const Reader *r, JsonObject *obj, const char *place, const NnField *field,
                  NnLayerSpec *spec, GError **error)
{
  JsonNode *node = json_object_get_member (obj, field->name);

  if ((field->flags & NN_FIELD_CLASSES) && node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *range = nn_field_range_text (field);
      if (strcmp (json_node_get_string (node), "classes") != 0)
        return field_fail (error, r, place, field->name, node, _("expected %s or “classes”"), range);
      spec->units_is_classes = TRUE;
      return TRUE;
    }
  return read_field (r, obj, place, field, &spec->cfg, error);
}

static gboolean
read_layer_settings (const Reader *r, JsonObject *obj, const char *place, NnLayerSpec *spec,
                     GError **error)
{
  g_autoptr (GPtrArray) fields = nn_layer_kind_fields (spec->kind);

  for (guint i = 0; i < fields->len; i++)
    if (!read_layer_field (r, obj, place, g_ptr_array_index (fields, i), spec, error))
      return FALSE;
  return read_string_dup (r, obj, place, "label", &spec->label, error);
}

static gboolean
read_layer (const Reader *r, JsonArray *arr, guint i, NnModelDoc *doc, GError **error)
{
  g_autofree char *place = g_strdup_printf ("layers[%u]", i);
  g_autofree char *kind_place = NULL;
  JsonObject *obj = element_object (r, arr, i, place, error);
  NnLayerSpec *spec;
  NnLayerKind kind;

  if (obj == NULL || !read_layer_kind (r, obj, place, &kind, error))
    return FALSE;
  kind_place = g_strdup_printf ("layers[%u] (%s)", i, kind_name (kind));
  if (!check_layer_members (r, obj, kind_place, kind, error))
    return FALSE;
  spec = nn_model_doc_add_layer (doc, kind, NULL, NULL);
  nn_fields_layer_defaults (&spec->cfg, kind);
  return read_layer_settings (r, obj, kind_place, spec, error);
}

static gboolean
read_layers (const Reader *r, JsonObject *root, NnModelDoc *doc, GError **error)
{
  gboolean ok;
  JsonArray *arr;
  guint n;
  if (!require_member (r, root, NULL, "layers", error))
    return FALSE;
  arr = read_array (r, root, NULL, "layers", &ok, error);
  if (!ok)
    return FALSE;
  n = json_array_get_length (arr);
  if (n == 0)
    {
      FAIL (error, r, NULL, _("field “layers”: the list is empty; a model needs at least one layer"));
      return FALSE;
    }
  if (n > MAX_LAYERS)
    {
      FAIL (error, r, NULL, _("field “layers”: %u layers is more than this version handles (%d)"),
            n, MAX_LAYERS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (!read_layer (r, arr, i, doc, error))
      return FALSE;
  return TRUE;
}

static gboolean
read_classes (const Reader *r, JsonObject *root, NnModelDoc *doc, GError **error)
{
  static const char *const allowed[] = { "id", "name", NULL };
  gboolean ok;
  JsonArray *arr = read_array (r, root, NULL, "classes", &ok, error);
  if (arr == NULL)
    return ok;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      g_autofree char *place = g_strdup_printf ("classes[%u]", i);
      JsonObject *obj = element_object (r, arr, i, place, error);
      NnClassSpec spec = { (int) i, NULL };
      if (obj == NULL || !check_members (r, obj, place, allowed, error)
          || !require_member (r, obj, place, "name", error)
          || !read_int (r, obj, place, "id", G_MININT, G_MAXINT, &spec.id, error)
          || !read_string_dup (r, obj, place, "name", &spec.name, error))
        return FALSE;
      g_array_append_val (doc->classes, spec);
    }
  return TRUE;
}

static gboolean
check_training_members (const Reader *r, JsonObject *obj, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      if (nn_training_field_lookup (name) == NULL)
        {
          guint n;
          const NnField *fields = nn_training_fields (&n);
          g_autoptr (GString) known = g_string_new (NULL);
          for (guint i = 0; i < n; i++)
            g_string_append_printf (known, i > 0 ? ", %s" : "%s", fields[i].name);
          FAIL (error, r, "training", _("unknown field “%s” (known fields: %s)"), name, known->str);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_training (const Reader *r, JsonObject *root, NnModelDoc *doc, GError **error)
{
  gboolean ok;
  JsonObject *obj = read_object (r, root, NULL, "training", &ok, error);
  guint n;
  const NnField *fields = nn_training_fields (&n);

  if (obj == NULL)
    return ok;
  doc->has_training = TRUE;
  if (!check_training_members (r, obj, error))
    return FALSE;
  /* in table order: the optimiser's and schedule's defaults come before the fields refining them */
  for (guint i = 0; i < n; i++)
    if (!read_field (r, obj, "training", &fields[i], &doc->training, error))
      return FALSE;
  return TRUE;
}

static gboolean
read_history (const Reader *r, JsonObject *root, NnModelDoc *doc, GError **error)
{
  static const char *const allowed[] = {
    "epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds", "learning_rate", NULL
  };
  gboolean ok;
  JsonArray *arr = read_array (r, root, NULL, "history", &ok, error);
  if (arr == NULL)
    return ok;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      g_autofree char *place = g_strdup_printf ("history[%u]", i);
      JsonObject *obj = element_object (r, arr, i, place, error);
      NnEpochStats e = { 0, NAN, NAN, NAN, NAN, 0.0, NAN };
      int epoch = 1;
      if (obj == NULL || !check_members (r, obj, place, allowed, error)
          || !require_member (r, obj, place, "epoch", error)
          || !require_member (r, obj, place, "loss", error)
          || !read_int (r, obj, place, "epoch", 1, G_MAXINT, &epoch, error)
          || !read_double_or_null (r, obj, place, "loss", &e.loss, error)
          || !read_double_or_null (r, obj, place, "accuracy", &e.accuracy, error)
          || !read_double_or_null (r, obj, place, "val_loss", &e.val_loss, error)
          || !read_double_or_null (r, obj, place, "val_accuracy", &e.val_accuracy, error)
          || !read_double (r, obj, place, "seconds", RANGE_NON_NEGATIVE, &e.seconds, error)
          || !read_double_or_null (r, obj, place, "learning_rate", &e.learning_rate, error))
        return FALSE;
      e.epoch = epoch - 1;
      g_array_append_val (doc->history, e);
    }
  return TRUE;
}

static gboolean
read_shape (const Reader *r, JsonObject *obj, const char *place, NnTensorData *t, GError **error)
{
  gboolean ok;
  JsonArray *arr = read_array (r, obj, place, "shape", &ok, error);
  guint n;
  if (!ok)
    return FALSE;
  n = json_array_get_length (arr);
  if (n < 1 || n > 4)
    return field_fail (error, r, place, "shape", NULL,
                       _("expected a list of 1 to 4 sizes, found %u"), n);
  t->ndim = (int) n;
  t->size = 1;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (arr, i);
      double v;
      if (!nn_json_node_number (node, &v) || v != floor (v) || v < 1
          || v > (double) MAX_TENSOR_SIZE)
        return field_fail (error, r, place, "shape", node,
                           _("entry %u: expected a positive whole number"), i);
      t->shape[i] = (int) v;
      t->size *= (size_t) v;
      if (t->size > MAX_TENSOR_SIZE)
        return field_fail (error, r, place, "shape", NULL,
                           _("more than %zu values in one tensor"), MAX_TENSOR_SIZE);
    }
  return TRUE;
}

/* "sha256": the SHA-256 of the tensor's bytes as stored (little-endian
 * floats), so a flipped bit is found rather than predicted with.  Files
 * written before it was stored have none and still load. */
static char *
tensor_checksum (const guchar *bytes, gsize n_bytes)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, n_bytes);
}

static gboolean
check_tensor_checksum (const Reader *r, JsonObject *obj, const char *place, const guchar *bytes,
                       gsize n_bytes, GError **error)
{
  const char *stored = NULL;
  g_autofree char *actual = NULL;
  if (!read_string (r, obj, place, "sha256", &stored, error))
    return FALSE;
  if (stored == NULL)
    return TRUE;
  actual = tensor_checksum (bytes, n_bytes);
  if (g_ascii_strcasecmp (stored, actual) != 0)
    return field_fail (error, r, place, "sha256", NULL,
                       _("the data do not match their checksum: the file was changed or damaged "
                         "after it was written"));
  return TRUE;
}

static gboolean
read_tensor_values (const Reader *r, JsonObject *obj, const char *place, NnTensorData *t,
                    GError **error)
{
  const char *text = NULL;
  g_autofree char *problem = NULL;
  g_autofree guchar *bytes = NULL;
  g_autofree char *shape = NULL;
  gsize len, n_bytes;

  if (!read_string (r, obj, place, "data", &text, error))
    return FALSE;
  len = strlen (text);
  if (!nn_base64_check (text, len, &problem))
    return field_fail (error, r, place, "data", NULL, "%s", problem);
  shape = shape_to_string (t->ndim, t->shape);
  /* check the decoded size before decoding, so a huge wrong entry costs nothing */
  n_bytes = nn_base64_decoded_size (text, len);
  if (n_bytes != t->size * sizeof (float))
    return field_fail (error, r, place, "data", NULL,
                       _("%zu bytes of data, but shape %s needs %zu"
                         " (4 bytes per value); cut short or the wrong tensor?"),
                       n_bytes, shape, t->size * sizeof (float));
  bytes = g_base64_decode (text, &n_bytes);
  if (!check_tensor_checksum (r, obj, place, bytes, n_bytes, error))
    return FALSE;
  t->data = g_new (float, t->size);
  for (size_t i = 0; i < t->size; i++)
    {
      guint32 bits;
      memcpy (&bits, bytes + 4 * i, 4);
      bits = GUINT32_FROM_LE (bits);
      memcpy (&t->data[i], &bits, 4);
      if (!isfinite (t->data[i]))
        /* TRANSLATORS: the second %s is "NaN" or the translation of "infinite" */
        return field_fail (error, r, place, "data", NULL, _("value %zu is %s"), i,
                           isnan (t->data[i]) ? "NaN" : _("infinite"));
    }
  return TRUE;
}

/* "weights" or "state": tensors of the layers, each given once. */
static gboolean
read_tensors (const Reader *r, JsonObject *root, const char *field, NnModelDoc *doc,
              GPtrArray *out, GError **error)
{
  static const char *const allowed[] = { "layer", "name", "shape", "data", "sha256", NULL };
  static const char *const required[] = { "layer", "name", "shape", "data", NULL };
  gboolean ok;
  JsonArray *arr = read_array (r, root, NULL, field, &ok, error);
  int n_layers = (int) doc->layers->len;
  if (arr == NULL)
    return ok;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      g_autofree char *place = g_strdup_printf ("%s[%u]", field, i);
      g_autofree char *full_place = NULL;
      JsonObject *obj = element_object (r, arr, i, place, error);
      const char *name = NULL;
      NnTensorData *t;
      int layer = -1;

      if (obj == NULL || !check_members (r, obj, place, allowed, error))
        return FALSE;
      for (const char *const *f = required; *f != NULL; f++)
        if (!require_member (r, obj, place, *f, error))
          return FALSE;
      if (!read_int (r, obj, place, "layer", 0, G_MAXINT, &layer, error)
          || !read_string (r, obj, place, "name", &name, error))
        return FALSE;
      if (layer >= n_layers)
        return field_fail (error, r, place, "layer", json_object_get_member (obj, "layer"),
                           _("expected a layer index from 0 to %d"), n_layers - 1);
      /* TRANSLATORS: a place in a model file: "weights[3] (layer 0 weight_ih)",
       * the list entry, the layer index and the tensor's name */
      full_place = g_strdup_printf (_("%s (layer %d %s)"), place, layer, name);
      for (guint j = 0; j < out->len; j++)
        {
          NnTensorData *other = g_ptr_array_index (out, j);
          if (other->layer == layer && strcmp (other->name, name) == 0)
            {
              FAIL (error, r, full_place, _("this tensor is given twice (also in %s[%u])"), field, j);
              return FALSE;
            }
        }
      t = g_new0 (NnTensorData, 1);
      t->layer = layer;
      t->name = g_strdup (name);
      g_ptr_array_add (out, t);
      if (!read_shape (r, obj, full_place, t, error)
          || !read_tensor_values (r, obj, full_place, t, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_format_and_version (const Reader *r, JsonObject *root, GError **error)
{
  const char *format = NULL;
  int version = 0;
  if (!require_member (r, root, NULL, "format", error)
      || !read_string (r, root, NULL, "format", &format, error))
    return FALSE;
  if (strcmp (format, NN_MODEL_FILE_FORMAT) != 0)
    {
      FAIL (error, r, NULL, _("not a Passband model file (field “format” is “%s”, expected “%s”)"),
            format, NN_MODEL_FILE_FORMAT);
      return FALSE;
    }
  if (!require_member (r, root, NULL, "version", error)
      || !read_int (r, root, NULL, "version", 1, G_MAXINT, &version, error))
    return FALSE;
  if (version > NN_MODEL_FILE_VERSION)
    {
      fail (error, NN_ERROR_VERSION, r, NULL,
            _("version %d was written by a newer Passband (this one reads version %d)"),
            version, NN_MODEL_FILE_VERSION);
      return FALSE;
    }
  return TRUE;
}

static const char *const top_level_fields[] = {
  "format", "version", "name", "description", "inputs", "layers", "classes", "preprocessing",
  "training", "history", "weights", "state", "extra", "augmentation", "ensemble",
  "calibration", "novelty", NULL
};

static gboolean
read_free_object (const Reader *r, JsonObject *root, const char *field, JsonNode **out,
                  GError **error)
{
  gboolean ok;
  if (read_object (r, root, NULL, field, &ok, error) != NULL)
    *out = json_node_copy (json_object_get_member (root, field));
  return ok;
}

/* "ensemble": {"members": N, "models": [{"weights": [...], "state": [...]}, ...]} */
static gboolean
read_ensemble (const Reader *r, JsonObject *root, NnModelDoc *doc, GError **error)
{
  static const char *const allowed[] = { "members", "models", NULL };
  static const char *const member_allowed[] = { "weights", "state", NULL };
  gboolean ok;
  JsonObject *obj = read_object (r, root, NULL, "ensemble", &ok, error);
  JsonArray *models;

  if (obj == NULL)
    return ok;
  if (!check_members (r, obj, "ensemble", allowed, error)
      || !require_member (r, obj, "ensemble", "members", error)
      || !read_int (r, obj, "ensemble", "members", 1, 1000, &doc->ensemble_members, error))
    return FALSE;
  models = read_array (r, obj, "ensemble", "models", &ok, error);
  if (models == NULL)
    return ok;
  if ((int) json_array_get_length (models) > doc->ensemble_members - 1)
    return field_fail (error, r, "ensemble", "models", json_object_get_member (obj, "models"),
                       _("expected at most members - 1 = %d trained members (member 1 is "
                         "the top-level weights)"), doc->ensemble_members - 1);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      g_autofree char *place = g_strdup_printf ("ensemble.models[%u]", i);
      JsonObject *m_obj = element_object (r, models, i, place, error);
      NnEnsembleMember *m;

      if (m_obj == NULL || !check_members (r, m_obj, place, member_allowed, error))
        return FALSE;
      m = ensemble_member_new ();
      g_ptr_array_add (doc->ensemble, m);
      if (!read_tensors (r, m_obj, "weights", doc, m->weights, error)
          || !read_tensors (r, m_obj, "state", doc, m->state, error))
        {
          g_prefix_error (error, "%s: ", place);
          return FALSE;
        }
    }
  return TRUE;
}

/* "class_offsets": one finite number per class of the document. */
static gboolean
read_class_offsets (const Reader *r, JsonObject *obj, NnModelDoc *doc, GError **error)
{
  gboolean ok;
  JsonArray *arr = read_array (r, obj, "calibration", "class_offsets", &ok, error);
  guint k = doc->classes->len;

  if (arr == NULL)
    return ok;
  if (json_array_get_length (arr) != k)
    return field_fail (error, r, "calibration", "class_offsets", NULL,
                       _("expected one number per class (%u), found %u numbers"), k,
                       json_array_get_length (arr));
  doc->class_offsets = g_new (float, MAX (k, 1));
  for (guint c = 0; c < k; c++)
    {
      JsonNode *node = json_array_get_element (arr, c);
      double v;
      if (!nn_json_node_number (node, &v) || !isfinite ((float) v))
        return field_fail (error, r, "calibration", "class_offsets", node,
                           _("expected finite numbers (entry %u)"), c + 1);
      doc->class_offsets[c] = (float) v;
    }
  return TRUE;
}

/* "calibration": {"temperature": T, "validation_rows": N, "nll_before": x, ...} */
static gboolean
read_calibration (const Reader *r, JsonObject *root, NnModelDoc *doc, GError **error)
{
  static const char *const allowed[] = {
    "temperature", "class_offsets", "validation_rows", "nll_before", "nll_after", "ece_before",
    "ece_after", NULL
  };
  NnCalibrationRecord *rec = &doc->calibration;
  gboolean ok;
  JsonObject *obj = read_object (r, root, NULL, "calibration", &ok, error);

  if (obj == NULL)
    return ok;
  if (!check_members (r, obj, "calibration", allowed, error)
      || !require_member (r, obj, "calibration", "temperature", error)
      || !read_double (r, obj, "calibration", "temperature", RANGE_POSITIVE, &doc->temperature,
                       error))
    return FALSE;
  if (doc->temperature < NN_CALIBRATION_T_MIN || doc->temperature > NN_CALIBRATION_T_MAX)
    return field_fail (error, r, "calibration", "temperature",
                       json_object_get_member (obj, "temperature"),
                       _("expected a number from %g to %g"), NN_CALIBRATION_T_MIN,
                       NN_CALIBRATION_T_MAX);
  if (!read_class_offsets (r, obj, doc, error))
    return FALSE;
  rec->nll_before = rec->nll_after = rec->ece_before = rec->ece_after = NAN;
  return read_int (r, obj, "calibration", "validation_rows", 0, G_MAXINT, &rec->rows, error)
         && read_double (r, obj, "calibration", "nll_before", RANGE_NON_NEGATIVE, &rec->nll_before,
                         error)
         && read_double (r, obj, "calibration", "nll_after", RANGE_NON_NEGATIVE, &rec->nll_after,
                         error)
         && read_double (r, obj, "calibration", "ece_before", RANGE_UNIT, &rec->ece_before, error)
         && read_double (r, obj, "calibration", "ece_after", RANGE_UNIT, &rec->ece_after, error);
}

/* {"shape": [...], "sha256": "...", "data": "..."} of ndim dimensions. */
static gboolean
read_bare_tensor (const Reader *r, JsonObject *obj, const char *place, const char *field, int ndim,
                  NnTensorData *t, GError **error)
{
  static const char *const allowed[] = { "shape", "data", "sha256", NULL };
  g_autofree char *full_place = g_strdup_printf ("%s: %s", place, field);
  gboolean ok;
  JsonObject *tensor = read_object (r, obj, place, field, &ok, error);

  if (tensor == NULL)
    return ok && require_member (r, obj, place, field, error);
  if (!check_members (r, tensor, full_place, allowed, error)
      || !require_member (r, tensor, full_place, "shape", error)
      || !require_member (r, tensor, full_place, "data", error)
      || !read_shape (r, tensor, full_place, t, error))
    return FALSE;
  if (t->ndim != ndim)
    return field_fail (error, r, full_place, "shape", NULL, _("expected %d sizes, found %d"), ndim, t->ndim);
  return read_tensor_values (r, tensor, full_place, t, error);
}

/* "novelty": every member's reference features. */
static gboolean
read_novelty (const Reader *r, JsonObject *root, NnModelDoc *doc, GError **error)
{
  static const char *const allowed[] = { "score", "k", "threshold", "members", NULL };
  static const char *const member_fields[] = { "reference", NULL };
  const char *score = NULL;
  gboolean ok;
  JsonObject *obj = read_object (r, root, NULL, "novelty", &ok, error);
  JsonArray *members;
  int n_members = MAX (nn_model_doc_n_members (doc), 1), k = 0;

  if (obj == NULL)
    return ok;
  if (!check_members (r, obj, "novelty", allowed, error)
      || !require_member (r, obj, "novelty", "score", error)
      || !require_member (r, obj, "novelty", "k", error)
      || !require_member (r, obj, "novelty", "members", error)
      || !read_string (r, obj, "novelty", "score", &score, error)
      || !read_int (r, obj, "novelty", "k", 1, 1 << 20, &k, error)
      || !read_double (r, obj, "novelty", "threshold", RANGE_NON_NEGATIVE, &doc->novelty_threshold, error))
    return FALSE;
  if (strcmp (score, "knn") != 0)
    return field_fail (error, r, "novelty", "score", json_object_get_member (obj, "score"), _("expected “knn”"));
  doc->novelty_k = k;
  members = read_array (r, obj, "novelty", "members", &ok, error);
  if (members == NULL)
    return FALSE;
  if ((int) json_array_get_length (members) != n_members)
    return field_fail (error, r, "novelty", "members", NULL,
                       _("expected one entry per ensemble member (%d), found %u"), n_members,
                       json_array_get_length (members));
  for (guint i = 0; i < json_array_get_length (members); i++)
    {
      g_autofree char *place = g_strdup_printf ("novelty: members[%u]", i);
      JsonObject *m = element_object (r, members, i, place, error);
      NnTensorData *t;

      if (m == NULL || !check_members (r, m, place, member_fields, error))
        return FALSE;
      t = g_new0 (NnTensorData, 1);
      t->layer = (int) i;
      t->name = g_strdup ("reference");
      g_ptr_array_add (doc->novelty_reference, t);
      if (!read_bare_tensor (r, m, place, "reference", 2, t, error))
        return FALSE;
      if (i > 0 && t->shape[1] != ((NnTensorData *) g_ptr_array_index (doc->novelty_reference, 0))->shape[1])
        {
          FAIL (error, r, place, _("the reference features are %d wide, those of members[0] %d"), t->shape[1],
                ((NnTensorData *) g_ptr_array_index (doc->novelty_reference, 0))->shape[1]);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_document (const Reader *r, JsonNode *root_node, NnModelDoc *doc, GError **error)
{
  JsonObject *root;
  if (root_node == NULL)
    {
      FAIL (error, r, NULL, _("the file is empty; expected a JSON model document"));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_autofree char *found = describe_node (root_node);
      FAIL (error, r, NULL, _("expected a JSON object { ... } at the top, found %s"), found);
      return FALSE;
    }
  root = json_node_get_object (root_node);
  /* format and version first: a newer file may have fields this version does not know */
  return read_format_and_version (r, root, error)
         && check_members (r, root, NULL, top_level_fields, error)
         && read_string_dup (r, root, NULL, "name", &doc->name, error)
         && read_string_dup (r, root, NULL, "description", &doc->description, error)
         && read_inputs (r, root, doc, error)
         && read_layers (r, root, doc, error)
         && read_classes (r, root, doc, error)
         && read_free_object (r, root, "preprocessing", &doc->preprocessing, error)
         && read_training (r, root, doc, error)
         && read_history (r, root, doc, error)
         && read_tensors (r, root, "weights", doc, doc->weights, error)
         && read_tensors (r, root, "state", doc, doc->state, error)
         && read_free_object (r, root, "extra", &doc->extra, error)
         && read_free_object (r, root, "augmentation", &doc->augmentation, error)
         && read_ensemble (r, root, doc, error)
         && read_calibration (r, root, doc, error)
         && read_novelty (r, root, doc, error);
}

NnModelDoc *
nn_model_doc_load_from_data (const char *text, gssize len, const char *source_name,
                             GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_new ();
  Reader r = { source_name != NULL ? source_name : _("model") };

  g_return_val_if_fail (text != NULL, NULL);
  if (len < 0)
    len = (gssize) strlen (text);
  if (!g_utf8_validate (text, len, NULL))
    {
      FAIL (error, &r, NULL, _("not a UTF-8 text file; expected a JSON model document"));
      return NULL;
    }
  parser = nn_json_parse_untrusted (text, len, &parse_error);
  if (parser == NULL)
    {
      FAIL (error, &r, NULL, "%s", parse_error->message);
      return NULL;
    }
  g_free (doc->source);
  doc->source = g_strdup (r.source);
  if (!read_document (&r, json_parser_get_root (parser), doc, error))
    return NULL;
  return g_steal_pointer (&doc);
}

NnModelDoc *
nn_model_doc_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len;
  g_autoptr (GError) read_error = NULL;
  if (!g_file_get_contents (path, &text, &len, &read_error))
    {
      g_set_error (error, G_FILE_ERROR, read_error->code, _("%s: cannot read the model: %s"), path,
                   read_error->message);
      return NULL;
    }
  return nn_model_doc_load_from_data (text, (gssize) len, path, error);
}

/* ------------------------------------------------------------------ */
/* writing                                                             */

static void
put_key (GString *s, gboolean *first, const char *key)
{
  if (!*first)
    g_string_append (s, ", ");
  *first = FALSE;
  nn_json_append_string (s, key);
  g_string_append (s, ": ");
}

/* A field's value as its row says it is written. */
static void
put_field_value (GString *s, const NnField *field, const void *base)
{
  double v = nn_field_get (field, base);

  switch (field->type)
    {
    case NN_FIELD_BOOL:
      g_string_append (s, v != 0.0 ? "true" : "false");
      break;
    case NN_FIELD_CHOICE:
      nn_json_append_string (s, nn_field_choice_name (field, (int) v));
      break;
    case NN_FIELD_FLOAT:
      nn_json_append_float (s, (float) v);
      break;
    case NN_FIELD_SEED:
      g_string_append_printf (s, "%.0f", v);
      break;
    case NN_FIELD_INT:
    default:
      g_string_append_printf (s, "%d", (int) v);
      break;
    }
}

/* Only what means something: a leaky relu's slope, not an elu's; a
 * logit adjustment of 0 (off) is left out. */
static gboolean
field_is_written (const NnField *field, const void *base)
{
  return nn_field_is_relevant (field, base)
         && !((field->flags & NN_FIELD_SKIP_ZERO) && nn_field_get (field, base) == 0.0);
}

static void
put_layer (GString *s, const NnLayerSpec *spec)
{
  g_autoptr (GPtrArray) fields = nn_layer_kind_fields (spec->kind);
  gboolean first = TRUE;

  g_string_append_c (s, '{');
  put_key (s, &first, "type");
  nn_json_append_string (s, kind_name (spec->kind));
  for (guint i = 0; i < fields->len; i++)
    {
      const NnField *field = g_ptr_array_index (fields, i);

      if (!field_is_written (field, &spec->cfg))
        continue;
      put_key (s, &first, field->name);
      if ((field->flags & NN_FIELD_CLASSES) && spec->units_is_classes)
        nn_json_append_string (s, "classes");
      else
        put_field_value (s, field, &spec->cfg);
    }
  if (spec->label != NULL)
    {
      put_key (s, &first, "label");
      nn_json_append_string (s, spec->label);
    }
  g_string_append_c (s, '}');
}

/* One "key": value line of a multi-line object. */
static void
put_line_start (GString *s, gboolean *first, int indent, const char *key)
{
  g_string_append (s, *first ? "\n" : ",\n");
  *first = FALSE;
  nn_json_append_indent (s, indent);
  nn_json_append_string (s, key);
  g_string_append (s, ": ");
}

static void
put_training (GString *s, const NnTrainingSpec *spec)
{
  guint n;
  const NnField *fields = nn_training_fields (&n);
  gboolean first = TRUE;

  g_string_append_c (s, '{');
  /* only the settings the chosen optimiser, loss and schedule use */
  for (guint i = 0; i < n; i++)
    if (field_is_written (&fields[i], spec))
      {
        put_line_start (s, &first, 2, fields[i].name);
        put_field_value (s, &fields[i], spec);
      }
  g_string_append (s, "\n  }");
}

static void
put_history_entry (GString *s, const NnEpochStats *e)
{
  g_string_append_printf (s, "{\"epoch\": %d, \"loss\": ", e->epoch + 1);
  nn_json_append_double (s, e->loss);
  g_string_append (s, ", \"accuracy\": ");
  nn_json_append_double (s, e->accuracy);
  g_string_append (s, ", \"val_loss\": ");
  nn_json_append_double (s, e->val_loss);
  g_string_append (s, ", \"val_accuracy\": ");
  nn_json_append_double (s, e->val_accuracy);
  g_string_append (s, ", \"seconds\": ");
  nn_json_append_double (s, e->seconds);
  if (isfinite (e->learning_rate))
    {
      g_string_append (s, ", \"learning_rate\": ");
      nn_json_append_double (s, e->learning_rate);
    }
  g_string_append_c (s, '}');
}

static void
put_tensor (GString *s, const NnTensorData *t)
{
  g_autofree char *shape = shape_to_string (t->ndim, t->shape);
  g_autofree guint32 *le = g_new (guint32, MAX (t->size, 1));
  g_autofree char *b64 = NULL;
  g_autofree char *sum = NULL;
  for (size_t i = 0; i < t->size; i++)
    {
      guint32 bits;
      memcpy (&bits, &t->data[i], 4);
      le[i] = GUINT32_TO_LE (bits);
    }
  b64 = g_base64_encode ((const guchar *) le, t->size * sizeof (float));
  sum = tensor_checksum ((const guchar *) le, t->size * sizeof (float));
  g_string_append_printf (s, "{\"layer\": %d, \"name\": ", t->layer);
  nn_json_append_string (s, t->name);
  g_string_append_printf (s, ", \"shape\": %s, \"sha256\": \"%s\", \"data\": \"%s\"}", shape, sum,
                          b64);
}

/* A list whose entries sit one per line. */
typedef void (*PutEntry) (GString *s, gconstpointer entry);

static void
put_entry_list (GString *s, gboolean *first, const char *key, guint n,
                gconstpointer (*nth) (gconstpointer list, guint i), gconstpointer list,
                PutEntry put)
{
  put_line_start (s, first, 1, key);
  g_string_append_c (s, '[');
  for (guint i = 0; i < n; i++)
    {
      g_string_append (s, i > 0 ? ",\n    " : "\n    ");
      put (s, nth (list, i));
    }
  g_string_append (s, n > 0 ? "\n  ]" : "]");
}

static gconstpointer
nth_layer (gconstpointer list, guint i)
{
  return &g_array_index ((GArray *) list, NnLayerSpec, i);
}

static gconstpointer
nth_class (gconstpointer list, guint i)
{
  return &g_array_index ((GArray *) list, NnClassSpec, i);
}

static gconstpointer
nth_epoch (gconstpointer list, guint i)
{
  return &g_array_index ((GArray *) list, NnEpochStats, i);
}

static gconstpointer
nth_pointer (gconstpointer list, guint i)
{
  return g_ptr_array_index ((GPtrArray *) list, i);
}

static void
put_layer_entry (GString *s, gconstpointer p)
{
  put_layer (s, p);
}

static void
put_class_entry (GString *s, gconstpointer p)
{
  const NnClassSpec *c = p;
  g_string_append_printf (s, "{\"id\": %d, \"name\": ", c->id);
  nn_json_append_string (s, c->name);
  g_string_append_c (s, '}');
}

static void
put_epoch_entry (GString *s, gconstpointer p)
{
  put_history_entry (s, p);
}

static void
put_tensor_entry (GString *s, gconstpointer p)
{
  put_tensor (s, p);
}

static void
put_ensemble (GString *s, gboolean *first, const NnModelDoc *doc)
{
  put_line_start (s, first, 1, "ensemble");
  g_string_append_printf (s, "{\"members\": %d", MAX (doc->ensemble_members, 1));
  if (doc->ensemble->len > 0)
    {
      g_string_append (s, ", \"models\": [");
      for (guint i = 0; i < doc->ensemble->len; i++)
        {
          const NnEnsembleMember *m = g_ptr_array_index (doc->ensemble, i);
          gboolean member_first = TRUE;
          g_string_append (s, i > 0 ? ", {" : "{");
          put_entry_list (s, &member_first, "weights", m->weights->len, nth_pointer, m->weights,
                          put_tensor_entry);
          put_entry_list (s, &member_first, "state", m->state->len, nth_pointer, m->state,
                          put_tensor_entry);
          g_string_append (s, "\n  }");
        }
      g_string_append (s, "]");
    }
  g_string_append (s, "}");
}

static void
put_bare_tensor (GString *s, const float *data, int rows, int cols)
{
  NnTensorData t = { .ndim = 2, .shape = { rows, cols }, .size = (size_t) rows * cols, .data = (float *) data };
  g_autoptr (GString) full = g_string_new (NULL);
  const char *start;

  /* put_tensor's entry without its layer and name */
  put_tensor (full, &t);
  start = strstr (full->str, "\"shape\"");
  g_string_append_c (s, '{');
  g_string_append (s, start);
}

static void
put_novelty (GString *s, gboolean *first, const NnModelDoc *doc)
{
  put_line_start (s, first, 1, "novelty");
  g_string_append_printf (s, "{\"score\": \"knn\", \"k\": %d, \"threshold\": ", doc->novelty_k);
  nn_json_append_double (s, doc->novelty_threshold);
  g_string_append (s, ", \"members\": [");
  for (guint i = 0; i < doc->novelty_reference->len; i++)
    {
      const NnTensorData *t = g_ptr_array_index (doc->novelty_reference, i);
      g_string_append (s, i > 0 ? ",\n    {\"reference\": " : "\n    {\"reference\": ");
      put_bare_tensor (s, t->data, t->shape[0], t->shape[1]);
      g_string_append (s, "}");
    }
  g_string_append (s, "\n  ]}");
}

static void
put_calibration_number (GString *s, const char *key, double v)
{
  if (!isfinite (v))
    return;
  g_string_append (s, ", ");
  nn_json_append_string (s, key);
  g_string_append (s, ": ");
  nn_json_append_double (s, v);
}

static void
put_calibration (GString *s, gboolean *first, const NnModelDoc *doc)
{
  const NnCalibrationRecord *rec = &doc->calibration;

  put_line_start (s, first, 1, "calibration");
  g_string_append (s, "{\"temperature\": ");
  nn_json_append_double (s, doc->temperature);
  if (doc->class_offsets != NULL)
    {
      g_string_append (s, ", \"class_offsets\": [");
      for (guint c = 0; c < doc->classes->len; c++)
        {
          if (c > 0)
            g_string_append (s, ", ");
          nn_json_append_float (s, doc->class_offsets[c]);
        }
      g_string_append (s, "]");
    }
  if (rec->rows > 0)
    {
      g_string_append_printf (s, ", \"validation_rows\": %d", rec->rows);
      put_calibration_number (s, "nll_before", rec->nll_before);
      put_calibration_number (s, "nll_after", rec->nll_after);
      put_calibration_number (s, "ece_before", rec->ece_before);
      put_calibration_number (s, "ece_after", rec->ece_after);
    }
  g_string_append (s, "}");
}

char *
nn_model_doc_to_data (const NnModelDoc *doc, gsize *length)
{
  GString *s = g_string_new ("{");
  gboolean first = TRUE;

  put_line_start (s, &first, 1, "format");
  nn_json_append_string (s, NN_MODEL_FILE_FORMAT);
  put_line_start (s, &first, 1, "version");
  g_string_append_printf (s, "%d", NN_MODEL_FILE_VERSION);
  put_line_start (s, &first, 1, "name");
  nn_json_append_string (s, doc->name);
  put_line_start (s, &first, 1, "description");
  nn_json_append_string (s, doc->description);
  put_line_start (s, &first, 1, "inputs");
  g_string_append_printf (s, "{\"sequence_features\": %d, \"max_steps\": %d, "
                          "\"metadata_features\": %d}",
                          doc->seq_features, doc->max_steps, doc->meta_features);
  put_entry_list (s, &first, "layers", doc->layers->len, nth_layer, doc->layers, put_layer_entry);
  if (doc->classes->len > 0)
    put_entry_list (s, &first, "classes", doc->classes->len, nth_class, doc->classes,
                    put_class_entry);
  if (doc->preprocessing != NULL)
    {
      put_line_start (s, &first, 1, "preprocessing");
      nn_json_append_pretty (s, doc->preprocessing, 1);
    }
  put_line_start (s, &first, 1, "training");
  put_training (s, &doc->training);
  if (doc->history->len > 0)
    put_entry_list (s, &first, "history", doc->history->len, nth_epoch, doc->history,
                    put_epoch_entry);
  if (doc->weights->len > 0)
    put_entry_list (s, &first, "weights", doc->weights->len, nth_pointer, doc->weights,
                    put_tensor_entry);
  if (doc->state->len > 0)
    put_entry_list (s, &first, "state", doc->state->len, nth_pointer, doc->state,
                    put_tensor_entry);
  if (doc->extra != NULL)
    {
      put_line_start (s, &first, 1, "extra");
      nn_json_append_pretty (s, doc->extra, 1);
    }
  if (doc->augmentation != NULL)
    {
      put_line_start (s, &first, 1, "augmentation");
      nn_json_append_pretty (s, doc->augmentation, 1);
    }
  if (doc->ensemble_members > 1 || doc->ensemble->len > 0)
    put_ensemble (s, &first, doc);
  if (doc->temperature != 1.0 || doc->calibration.rows > 0 || doc->class_offsets != NULL)
    put_calibration (s, &first, doc);
  if (doc->novelty_reference->len > 0)
    put_novelty (s, &first, doc);
  g_string_append (s, "\n}\n");
  if (length != NULL)
    *length = s->len;
  return g_string_free (s, FALSE);
}

gboolean
nn_model_doc_save (const NnModelDoc *doc, const char *path, GError **error)
{
  gsize len;
  g_autofree char *text = nn_model_doc_to_data (doc, &len);
  g_autoptr (GError) write_error = NULL;
  if (!nn_atomic_write (path, text, (gssize) len, &write_error))
    {
      g_set_error (error, G_FILE_ERROR, write_error->code, _("%s: cannot save the model: %s"),
                   path, write_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* building                                                            */

/* A dimension the document and the data may both give: they must agree. */
static gboolean
resolve_dim (const NnModelDoc *doc, int from_doc, int from_data, const char *what,
             int *out, GError **error)
{
  if (from_doc > 0 && from_data > 0 && from_doc != from_data)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   /* TRANSLATORS: "model.json: the model takes 3 classes, the data have 4"; the
                    * second %s is "features per step", "classes" or "metadata features" */
                   _("%s: the model takes %d %s, the data have %d"), doc->source, from_doc, what,
                   from_data);
      return FALSE;
    }
  *out = from_doc > 0 ? from_doc : from_data;
  return TRUE;
}

static gboolean
doc_uses_metadata (const NnModelDoc *doc)
{
  for (guint i = 0; i < doc->layers->len; i++)
    if (g_array_index (doc->layers, NnLayerSpec, i).kind == NN_LAYER_CONCAT_METADATA)
      return TRUE;
  return FALSE;
}

typedef struct
{
  int seq_features, meta_features, n_classes, max_steps;
} Dims;

static gboolean
resolve_dims (const NnModelDoc *doc, int seq_features, int meta_features, int n_classes,
              int max_steps, Dims *d, GError **error)
{
  int doc_classes = (int) doc->classes->len;
  if (!resolve_dim (doc, doc->seq_features, seq_features, _("features per step"), &d->seq_features,
                    error)
      || !resolve_dim (doc, doc_classes, n_classes, _("classes"), &d->n_classes, error))
    return FALSE;
  /* a model without a concat_metadata layer ignores the data's metadata */
  if (!doc_uses_metadata (doc))
    d->meta_features = 0;
  else if (!resolve_dim (doc, doc->meta_features, meta_features, _("metadata features"),
                         &d->meta_features, error))
    return FALSE;
  /* shorter sequences fit a model built for longer ones, not the other way */
  if (doc->max_steps > 0 && max_steps > doc->max_steps)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _("%s: the data have sequences of up to %d steps; this model takes at most %d"),
                   doc->source, max_steps, doc->max_steps);
      return FALSE;
    }
  d->max_steps = doc->max_steps > 0 ? doc->max_steps : max_steps;

  if (d->seq_features <= 0 || d->max_steps <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _("%s: the number of features per step and of steps must come from the "
                     "model or the data"), doc->source);
      return FALSE;
    }
  if (d->n_classes < 2)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA,
                   _("%s: a classifier needs at least 2 classes, found %d"), doc->source,
                   d->n_classes);
      return FALSE;
    }
  return TRUE;
}

static NnModel *
model_from_layers (const NnModelDoc *doc, const Dims *d)
{
  NnModel *model = nn_model_new (d->seq_features, d->meta_features, d->n_classes);
  for (guint i = 0; i < doc->layers->len; i++)
    {
      const NnLayerSpec *spec = &g_array_index (doc->layers, NnLayerSpec, i);
      NnLayerConfig cfg = spec->cfg;
      if (spec->units_is_classes)
        cfg.units = d->n_classes;
      nn_model_add_layer (model, spec->kind, &cfg, spec->label);
    }
  if (doc->classes->len > 0)
    {
      g_autofree const char **names = g_new0 (const char *, doc->classes->len + 1);
      for (guint c = 0; c < doc->classes->len; c++)
        names[c] = g_array_index (doc->classes, NnClassSpec, c).name;
      nn_model_set_class_names (model, names);
    }
  return model;
}

static const NnTensorInfo *
find_layer_tensor (const NnLayer *layer, gboolean state, const char *name)
{
  int n = state ? layer->n_state_tensors : layer->n_tensors;
  const NnTensorInfo *table = state ? layer->state_tensors : layer->tensors;
  for (int i = 0; i < n; i++)
    if (strcmp (table[i].name, name) == 0)
      return &table[i];
  return NULL;
}

static char *
tensor_names_list (const NnLayer *layer, gboolean state)
{
  int n = state ? layer->n_state_tensors : layer->n_tensors;
  const NnTensorInfo *table = state ? layer->state_tensors : layer->tensors;
  GString *s = g_string_new (NULL);
  for (int i = 0; i < n; i++)
    g_string_append_printf (s, i > 0 ? ", %s" : "%s", table[i].name);
  if (n == 0)
    g_string_append (s, _("none"));
  return g_string_free (s, FALSE);
}

/* Checks the document's tensors against the model's tables (set by
 * nn_model_validate: nothing needs to be allocated yet); every tensor of
 * every layer must be given, each with the model's shape. */
static gboolean
check_tensors (const NnModelDoc *doc, NnModel *model, gboolean state, GError **error)
{
  GPtrArray *list = state ? doc->state : doc->weights;
  const char *field = state ? "state" : "weights";
  int n_layers = nn_model_n_layers (model);
  g_autofree guint *given = g_new0 (guint, n_layers);

  for (guint i = 0; i < list->len; i++)
    {
      const NnTensorData *t = g_ptr_array_index (list, i);
      const NnLayer *layer;
      const NnTensorInfo *info;
      g_autofree char *want = NULL;
      g_autofree char *have = NULL;

      if (t->layer < 0 || t->layer >= n_layers)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FILE, _("%s: %s[%u]: layer %d does not exist "
                       "(the model has %d layers)"), doc->source, field, i, t->layer, n_layers);
          return FALSE;
        }
      layer = nn_model_get_layer (model, t->layer);
      info = find_layer_tensor (layer, state, t->name);
      if (info == NULL)
        {
          g_autofree char *names = tensor_names_list (layer, state);
          g_set_error (error, NN_ERROR, NN_ERROR_FILE,
                       /* TRANSLATORS: "model.json: weights[2] (layer 0 bias): a dense layer has no
                        * tensor “bias” (it has: weight)"; the layer kind and tensor names are keywords */
                       _("%s: %s[%u] (layer %d %s): a %s layer has no tensor “%s” (it has: %s)"),
                       doc->source, field, i, t->layer, t->name, layer->ops->name, t->name, names);
          return FALSE;
        }
      want = shape_to_string (info->ndim, info->shape);
      have = shape_to_string (t->ndim, t->shape);
      if (info->ndim != t->ndim || memcmp (info->shape, t->shape, sizeof (int) * t->ndim) != 0)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FILE,
                       _("%s: %s[%u] (layer %d %s): shape %s does not match the model's %s"),
                       doc->source, field, i, t->layer, t->name, have, want);
          return FALSE;
        }
      given[t->layer]++;
    }

  /* names are unique per layer (checked when reading), so a count says it all */
  for (int l = 0; l < n_layers; l++)
    {
      const NnLayer *layer = nn_model_get_layer (model, l);
      int n = state ? layer->n_state_tensors : layer->n_tensors;
      const NnTensorInfo *table = state ? layer->state_tensors : layer->tensors;
      if ((int) given[l] == n)
        continue;
      for (int k = 0; k < n; k++)
        {
          gboolean found = FALSE;
          for (guint i = 0; i < list->len && !found; i++)
            {
              const NnTensorData *t = g_ptr_array_index (list, i);
              found = t->layer == l && strcmp (t->name, table[k].name) == 0;
            }
          if (!found)
            {
              g_set_error (error, NN_ERROR, NN_ERROR_FILE,
                           _("%s: %s: tensor “%s” of layer %d (%s) is missing; a trained model "
                             "has every tensor of every layer"), doc->source, field,
                           table[k].name, l, layer->ops->name);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* Copies the checked tensors into the built model. */
static void
copy_tensors_into_model (const NnModelDoc *doc, NnModel *model, gboolean state)
{
  GPtrArray *list = state ? doc->state : doc->weights;
  float *dest = state ? model->state : model->params;
  for (guint i = 0; i < list->len; i++)
    {
      const NnTensorData *t = g_ptr_array_index (list, i);
      const NnLayer *layer = nn_model_get_layer (model, t->layer);
      const NnTensorInfo *info = find_layer_tensor (layer, state, t->name);
      memcpy (dest + (state ? layer->state_offset : layer->param_offset) + info->offset,
              t->data, info->size * sizeof (float));
    }
}

/* The stored shapes against the layers, before the model allocates anything:
 * a wrong size in a file costs a message, not its weights' memory. */
static gboolean
check_stored_tensors (const NnModelDoc *doc, NnModel *model, int max_steps, GError **error)
{
  g_autoptr (GArray) problems = nn_model_validate (model, max_steps);
  if (problems->len > 0)
    return TRUE;   /* nn_model_build says what is wrong */
  return check_tensors (doc, model, FALSE, error) && check_tensors (doc, model, TRUE, error);
}

NnModel *
nn_model_doc_build (const NnModelDoc *doc, int seq_features, int meta_features, int n_classes,
                    int max_steps, GError **error)
{
  g_autoptr (NnModel) model = NULL;
  g_autoptr (GError) build_error = NULL;
  gboolean has_tensors;
  Dims d;

  if (doc->layers->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL, _("%s: the model has no layers"),
                   doc->source);
      return NULL;
    }
  if (!resolve_dims (doc, seq_features, meta_features, n_classes, max_steps, &d, error))
    return NULL;
  model = model_from_layers (doc, &d);
  has_tensors = doc->weights->len > 0 || doc->state->len > 0;
  if (has_tensors && !check_stored_tensors (doc, model, d.max_steps, error))
    return NULL;
  if (!nn_model_build (model, d.max_steps, &build_error))
    {
      g_set_error (error, NN_ERROR, build_error->code, "%s: %s", doc->source, build_error->message);
      return NULL;
    }
  nn_model_init (model, doc->training.train.seed);
  if (has_tensors)
    {
      copy_tensors_into_model (doc, model, FALSE);
      copy_tensors_into_model (doc, model, TRUE);
    }
  return g_steal_pointer (&model);
}

int
nn_model_doc_n_members (const NnModelDoc *doc)
{
  return doc->weights->len > 0 ? 1 + (int) doc->ensemble->len : 0;
}

NnModel *
nn_model_doc_build_member (const NnModelDoc *doc, int member, int seq_features, int meta_features,
                           int n_classes, int max_steps, GError **error)
{
  NnModelDoc view;
  const NnEnsembleMember *m;

  if (member == 0)
    return nn_model_doc_build (doc, seq_features, meta_features, n_classes, max_steps, error);
  if (member < 0 || (guint) member > doc->ensemble->len)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FILE, _("%s: ensemble: there is no member %d "
                   "(the file has %d)"), doc->source, member + 1, nn_model_doc_n_members (doc));
      return NULL;
    }
  /* the same document seen with the member's tensors: build only reads it */
  m = g_ptr_array_index (doc->ensemble, member - 1);
  view = *doc;
  view.weights = m->weights;
  view.state = m->state;
  return nn_model_doc_build (&view, seq_features, meta_features, n_classes, max_steps, error);
}

gssize
nn_model_doc_count_params (const NnModelDoc *doc, int seq_features, int meta_features,
                           int n_classes, int max_steps, GError **error)
{
  g_autoptr (NnModel) model = NULL;
  g_autoptr (GArray) problems = NULL;
  gssize total = 0;
  Dims d;

  if (!resolve_dims (doc, seq_features, meta_features, n_classes, max_steps, &d, error))
    return -1;
  model = model_from_layers (doc, &d);
  problems = nn_model_validate (model, d.max_steps);
  if (problems->len > 0)
    {
      const NnModelProblem *p = &g_array_index (problems, NnModelProblem, 0);
      if (p->layer_index >= 0)
        g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL, "%s: layers[%d] (%s): %s",
                     doc->source, p->layer_index,
                     nn_model_get_layer (model, p->layer_index)->ops->name, p->message);
      else
        g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL, "%s: %s", doc->source, p->message);
      return -1;
    }
  for (int i = 0; i < nn_model_n_layers (model); i++)
    total += (gssize) nn_model_get_layer (model, i)->n_params;
  return total;
}

/* ------------------------------------------------------------------ */
/* capturing a model                                                   */

static void
capture_tensors (GPtrArray *out, const NnModel *model, gboolean state)
{
  g_ptr_array_set_size (out, 0);
  for (int l = 0; l < nn_model_n_layers (model); l++)
    {
      const NnLayer *layer = nn_model_get_layer (model, l);
      int n = state ? layer->n_state_tensors : layer->n_tensors;
      const NnTensorInfo *table = state ? layer->state_tensors : layer->tensors;
      const float *base = state ? model->state + layer->state_offset
                                : model->params + layer->param_offset;
      for (int k = 0; k < n; k++)
        g_ptr_array_add (out, tensor_data_new (l, table[k].name, table[k].ndim, table[k].shape,
                                               base + table[k].offset));
    }
}

static void
capture_layers (NnModelDoc *doc, const NnModel *model)
{
  g_autoptr (GArray) old = g_steal_pointer (&doc->layers);
  doc->layers = g_array_new (FALSE, TRUE, sizeof (NnLayerSpec));
  g_array_set_clear_func (doc->layers, layer_spec_clear);
  for (int i = 0; i < nn_model_n_layers (model); i++)
    {
      const NnLayer *layer = nn_model_get_layer (model, i);
      NnLayerSpec *spec = nn_model_doc_add_layer (doc, layer->ops->kind, &layer->cfg, layer->label);
      /* keep "units": "classes" so the document still fits another class count */
      if ((guint) i < old->len)
        {
          const NnLayerSpec *before = &g_array_index (old, NnLayerSpec, i);
          spec->units_is_classes = before->kind == spec->kind && before->units_is_classes
                                   && layer->cfg.units == model->n_classes;
        }
    }
}

void
nn_model_doc_add_member (NnModelDoc *doc, const NnModel *model)
{
  NnEnsembleMember *m = ensemble_member_new ();
  capture_tensors (m->weights, model, FALSE);
  capture_tensors (m->state, model, TRUE);
  g_ptr_array_add (doc->ensemble, m);
}

void
nn_model_doc_take_model (NnModelDoc *doc, const NnModel *model)
{
  capture_layers (doc, model);
  doc->seq_features = model->seq_features;
  doc->meta_features = model->meta_features;
  if (model->built)
    {
      doc->max_steps = model->max_steps;
      capture_tensors (doc->weights, model, FALSE);
      capture_tensors (doc->state, model, TRUE);
    }
  if ((int) doc->classes->len != model->n_classes)
    nn_model_doc_set_classes (doc, model->n_classes, NULL,
                              (const char *const *) model->class_names);
}
