/* nn-model-info.c: per-layer shapes, counts, work and memory of a spec, its
 * problems and their one-click fixes (see nn-model-info.h). */
#include "config.h"

#include "nn-model-info.h"

#include "nn-fields.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static const char *
kind_name (NnLayerKind kind)
{
  const NnLayerOps *ops = nn_layer_ops_for_kind (kind);
  return ops != NULL ? ops->name : "?";
}

static gboolean
is_recurrent (NnLayerKind kind)
{
  const NnLayerKindInfo *row = nn_layer_kind_info (kind);
  return row != NULL && row->family == NN_LAYER_FAMILY_RECURRENT;
}

/* Layers that give what they are given: looking through them finds the layer
 * that decided whether the data are a sequence. */
static gboolean
keeps_shape (NnLayerKind kind)
{
  const NnLayerKindInfo *row = nn_layer_kind_info (kind);
  return row != NULL && row->keeps_shape;
}

/* Every setting in the range the field table (and so the model-file reader)
 * allows: a spec the builder accepts is one a file can hold. */
static void
check_field_ranges (const NnModelDoc *doc, GArray *problems)
{
  for (guint i = 0; i < doc->layers->len; i++)
    {
      const NnLayerSpec *spec = &g_array_index (doc->layers, NnLayerSpec, i);
      g_autoptr (GPtrArray) fields = nn_layer_kind_fields (spec->kind);

      for (guint f = 0; f < fields->len; f++)
        {
          const NnField *field = g_ptr_array_index (fields, f);
          double value = nn_field_get (field, &spec->cfg);
          g_autofree char *range = NULL;
          NnModelProblem problem;

          if (((field->flags & NN_FIELD_CLASSES) && spec->units_is_classes) || nn_field_in_range (field, value))
            continue;
          range = nn_field_range_text (field);
          problem.layer_index = (int) i;
          /* TRANSLATORS: a field of a layer ("units"), what it must be and the value it has */
          problem.message = g_strdup_printf (_("%s: “%s” must be %s, not %g"), kind_name (spec->kind),
                                             field->name, range, value);
          g_array_append_val (problems, problem);
        }
    }
}

static NnModel *
model_for_shape (const NnModelDoc *doc, int seq_features, int meta_features, int n_classes)
{
  NnModel *model = nn_model_new (seq_features, meta_features, n_classes);

  for (guint i = 0; i < doc->layers->len; i++)
    {
      const NnLayerSpec *spec = &g_array_index (doc->layers, NnLayerSpec, i);
      NnLayerConfig cfg = spec->cfg;

      if (spec->units_is_classes)
        cfg.units = n_classes;
      nn_model_add_layer (model, spec->kind, &cfg, spec->label);
    }
  return model;
}

/* Whether the layer fits the input validate gave it: setup again on a scratch
 * copy, since a failed layer and a layer that keeps its shape look alike. */
static gboolean
layer_fits (const NnLayer *layer, int meta_features)
{
  NnLayer scratch = *layer;
  return nn_layer_setup (&scratch, &layer->in, meta_features, NULL);
}

static size_t
shape_floats (const NnShape *shape)
{
  return (size_t) MAX (shape->steps, 1) * (size_t) MAX (shape->features, 0);
}

static void
fill_layer_info (NnModelInfo *info, const NnModel *model, int i, gboolean analysed,
                 int *first_concat)
{
  const NnLayer *layer = nn_model_get_layer (model, i);
  NnLayerInfo *li = &info->layers[i];

  li->kind = layer->ops->kind;
  li->in_head = *first_concat >= 0;
  if (!analysed)
    return;
  li->in = layer->in;
  li->out = layer->out;
  li->ok = layer_fits (layer, info->meta_features);
  if (li->kind == NN_LAYER_CONCAT_METADATA)
    {
      li->ok &= *first_concat < 0 && info->meta_features > 0;
      if (*first_concat < 0)
        *first_concat = i;
    }
  if (!li->ok)
    {
      li->out = li->in;
      return;
    }
  li->n_params = layer->n_params;
  li->flops = layer->ops->flops != NULL ? layer->ops->flops (layer) : 0.0;
  li->bytes_per_sample = 2 * sizeof (float) * shape_floats (&layer->out);
  if (layer->ops->workspace_size != NULL)
    li->bytes_per_sample += layer->ops->workspace_size (layer, 1, info->max_steps);
}

/* ---- fixes ------------------------------------------------------------ */

static void G_GNUC_PRINTF (5, 6)
set_fix (NnModelFix *fix, NnFixKind kind, int layer_index, int value, const char *format, ...)
{
  va_list args;

  fix->kind = kind;
  fix->layer_index = layer_index;
  fix->value = value;
  va_start (args, format);
  fix->description = g_strdup_vprintf (format, args);
  va_end (args);
}

/* The layer before i that decided the shape i is given (looking through
 * dropout, batch norm and activation layers), or -1. */
static int
shape_source (const NnModelInfo *info, int i)
{
  int j = i - 1;

  while (j >= 0 && keeps_shape (info->layers[j].kind))
    j--;
  return j;
}

/* A layer that needs a sequence was given a vector. */
static void
fix_needs_sequence (const NnModelInfo *info, const NnModelDoc *doc, int i, NnModelFix *fix)
{
  int j = shape_source (info, i);
  NnLayerKind source;

  if (info->layers[i].kind == NN_LAYER_GLOBAL_MAX_POOL || info->layers[i].kind == NN_LAYER_GLOBAL_AVG_POOL)
    {
      set_fix (fix, NN_FIX_REMOVE_LAYER, i, 0, _("Remove this pooling layer (layer %d)"), i + 1);
      return;
    }
  if (j < 0)
    return;
  source = info->layers[j].kind;
  if (is_recurrent (source) && !g_array_index (doc->layers, NnLayerSpec, j).cfg.return_sequences)
    set_fix (fix, NN_FIX_SET_RETURN_SEQUENCES, j, TRUE,
             _("Turn on return sequences in layer %d (%s)"), j + 1, kind_name (source));
  else if (source == NN_LAYER_FLATTEN || source == NN_LAYER_GLOBAL_MAX_POOL
           || source == NN_LAYER_GLOBAL_AVG_POOL)
    set_fix (fix, NN_FIX_REMOVE_LAYER, j, 0, _("Remove layer %d (%s) before it"), j + 1, kind_name (source));
}

/* Metadata can only join a vector. */
static void
fix_concat (const NnModelInfo *info, const NnModelDoc *doc, int i, int first_concat, NnModelFix *fix)
{
  const NnLayerInfo *li = &info->layers[i];
  int j;

  if (first_concat != i)
    {
      set_fix (fix, NN_FIX_REMOVE_LAYER, i, 0, _("Remove this second metadata join (layer %d)"), i + 1);
      return;
    }
  if (info->meta_features <= 0)
    {
      set_fix (fix, NN_FIX_REMOVE_LAYER, i, 0, _("Remove the metadata join (layer %d)"), i + 1);
      return;
    }
  if (!li->in.seq)
    return;
  j = shape_source (info, i);
  if (j >= 0 && is_recurrent (info->layers[j].kind)
      && g_array_index (doc->layers, NnLayerSpec, j).cfg.return_sequences)
    set_fix (fix, NN_FIX_SET_RETURN_SEQUENCES, j, FALSE,
             _("Turn off return sequences in layer %d (%s)"), j + 1, kind_name (info->layers[j].kind));
  else
    {
      set_fix (fix, NN_FIX_INSERT_LAYER, i, 0, _("Insert global average pooling before the join"));
      fix->insert_kind = NN_LAYER_GLOBAL_AVG_POOL;
    }
}

/* The same checks, in the same order, as conv1d's setup. */
static void
fix_conv1d (const NnModelInfo *info, const NnLayerSpec *spec, int i, NnModelFix *fix)
{
  const NnLayerConfig *cfg = &spec->cfg;
  int steps = info->layers[i].in.steps;
  int field;

  if (cfg->units < 1 || cfg->kernel_size < 1 || cfg->stride < 1 || cfg->dilation < 1)
    return;
  if (cfg->padding == NN_PADDING_SAME && cfg->stride != 1)
    {
      set_fix (fix, NN_FIX_SET_STRIDE, i, 1, _("Set the stride of layer %d to 1"), i + 1);
      return;
    }
  field = (cfg->kernel_size - 1) * cfg->dilation + 1;
  if (cfg->padding == NN_PADDING_VALID && field > steps && steps >= 1)
    set_fix (fix, NN_FIX_SET_KERNEL_SIZE, i, MIN (cfg->kernel_size, steps),
             _("Use a kernel of %d steps without dilation"), MIN (cfg->kernel_size, steps));
}

static void
fix_pool (const NnModelInfo *info, const NnLayerSpec *spec, int i, NnModelFix *fix)
{
  int steps = info->layers[i].in.steps;

  if (spec->cfg.pool_size > steps && steps >= 1)
    set_fix (fix, NN_FIX_SET_POOL_SIZE, i, steps, _("Use a pool of %d steps"), steps);
}

/* Where the classification head begins: the trailing dense layers and what
 * works step by step between them (dropout, batch norm, activations). */
static int
head_start (const NnModelInfo *info)
{
  int i = info->n_layers;

  while (i > 0)
    {
      NnLayerKind before = info->layers[i - 1].kind;

      if (before != NN_LAYER_DENSE && before != NN_LAYER_DROPOUT && before != NN_LAYER_BATCH_NORM
          && before != NN_LAYER_ACTIVATION)
        break;
      i--;
    }
  /* a head begins with a dense layer; n_layers: there is none */
  while (i < info->n_layers && info->layers[i].kind != NN_LAYER_DENSE)
    i++;
  return i;
}

/* The last layer fits its input but does not give one vector of K classes. */
static void
fix_output (const NnModelInfo *info, const NnModelDoc *doc, int i, NnModelFix *fix)
{
  const NnLayerInfo *li = &info->layers[i];
  const NnLayerSpec *spec = &g_array_index (doc->layers, NnLayerSpec, i);

  if (li->out.seq)
    {
      if (is_recurrent (li->kind))
        set_fix (fix, NN_FIX_SET_RETURN_SEQUENCES, i, FALSE,
                 _("Turn off return sequences in layer %d (%s)"), i + 1, kind_name (li->kind));
      else
        {
          int head = head_start (info);

          /* the pooling goes before the head: dense layers then see one
           * vector per object, and the softmax stays the last layer */
          if (head < info->n_layers)
            set_fix (fix, NN_FIX_INSERT_LAYER, head, 0, _("Add global average pooling before layer %d (%s)"),
                     head + 1, kind_name (info->layers[head].kind));
          else
            set_fix (fix, NN_FIX_INSERT_LAYER, head, 0, _("Add global average pooling at the end"));
          fix->insert_kind = NN_LAYER_GLOBAL_AVG_POOL;
        }
    }
  else if (li->kind == NN_LAYER_DENSE && !spec->units_is_classes)
    set_fix (fix, NN_FIX_SET_UNITS_TO_CLASSES, i, info->n_classes,
             _("Give layer %d one unit per class (%d)"), i + 1, info->n_classes);
  else if (li->kind != NN_LAYER_DENSE)
    {
      set_fix (fix, NN_FIX_INSERT_LAYER, info->n_layers, 0,
               _("Add a dense output layer of %d classes"), info->n_classes);
      fix->insert_kind = NN_LAYER_DENSE;
    }
}

static void
find_fix (const NnModelInfo *info, const NnModelDoc *doc, const NnModelProblem *problem,
          NnModelFix *fix)
{
  int i = problem->layer_index;
  const NnLayerInfo *li;
  const NnLayerSpec *spec;

  fix->kind = NN_FIX_NONE;
  if (i < 0)
    {
      if (info->n_layers == 0 && info->n_classes >= 2)
        {
          /* a dense layer alone would keep the sequence: start with a recurrent layer */
          set_fix (fix, NN_FIX_INSERT_LAYER, 0, 0, _("Start with a GRU layer"));
          fix->insert_kind = NN_LAYER_GRU;
        }
      return;
    }
  li = &info->layers[i];
  spec = &g_array_index (doc->layers, NnLayerSpec, i);
  if (li->ok)
    {
      if (i == info->n_layers - 1)
        fix_output (info, doc, i, fix);
      return;
    }
  switch (li->kind)
    {
    case NN_LAYER_CONCAT_METADATA:
      fix_concat (info, doc, i, info->concat_index, fix);
      break;
    case NN_LAYER_SIMPLE_RNN:
    case NN_LAYER_LSTM:
    case NN_LAYER_GRU:
    case NN_LAYER_GLOBAL_MAX_POOL:
    case NN_LAYER_GLOBAL_AVG_POOL:
      if (!li->in.seq)
        fix_needs_sequence (info, doc, i, fix);
      break;
    case NN_LAYER_CONV1D:
      if (!li->in.seq)
        fix_needs_sequence (info, doc, i, fix);
      else
        fix_conv1d (info, spec, i, fix);
      break;
    case NN_LAYER_MAX_POOL1D:
    case NN_LAYER_AVG_POOL1D:
      if (!li->in.seq)
        fix_needs_sequence (info, doc, i, fix);
      else
        fix_pool (info, spec, i, fix);
      break;
    default:
      break;
    }
}

/* ---- the analysis ----------------------------------------------------- */

NnModelInfo *
nn_model_info_new (const NnModelDoc *doc, int seq_features, int meta_features, int n_classes,
                   int max_steps)
{
  NnModelInfo *info = g_new0 (NnModelInfo, 1);
  g_autoptr (NnModel) model = model_for_shape (doc, seq_features, meta_features, n_classes);
  gboolean analysed;
  int first_concat = -1;

  info->seq_features = seq_features;
  info->meta_features = meta_features;
  info->n_classes = n_classes;
  info->max_steps = max_steps;
  info->n_layers = nn_model_n_layers (model);
  info->layers = g_new0 (NnLayerInfo, MAX (info->n_layers, 1));
  info->problems = nn_model_validate (model, max_steps);
  check_field_ranges (doc, info->problems);
  /* validate stops before the layers when the data shape itself is unusable */
  analysed = seq_features >= 1 && n_classes >= 2 && max_steps >= 1;

  for (int i = 0; i < info->n_layers; i++)
    {
      fill_layer_info (info, model, i, analysed, &first_concat);
      if (info->layers[i].ok)
        {
          info->n_params += info->layers[i].n_params;
          info->flops += info->layers[i].flops;
          info->bytes_per_sample += info->layers[i].bytes_per_sample;
        }
    }
  info->concat_index = first_concat;
  /* weights, their gradients and Adam's two moments */
  info->bytes_fixed = 4 * sizeof (float) * info->n_params;
  info->valid = info->problems->len == 0;

  info->fixes = g_new0 (NnModelFix, MAX (info->problems->len, 1));
  for (guint p = 0; p < info->problems->len; p++)
    find_fix (info, doc, &g_array_index (info->problems, NnModelProblem, p), &info->fixes[p]);
  return info;
}

void
nn_model_info_free (NnModelInfo *info)
{
  if (info == NULL)
    return;
  for (guint p = 0; p < info->problems->len; p++)
    g_free (info->fixes[p].description);
  g_free (info->fixes);
  g_array_unref (info->problems);
  g_free (info->layers);
  g_free (info);
}

GArray *
nn_model_info_layer_problems (const NnModelInfo *info, int layer_index)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint p = 0; p < info->problems->len; p++)
    if (g_array_index (info->problems, NnModelProblem, p).layer_index == layer_index)
      g_array_append_val (out, p);
  return out;
}

/* ---- applying a fix --------------------------------------------------- */

static void
insert_layer (NnModelDoc *doc, int index, NnLayerKind kind, gboolean as_output)
{
  NnLayerSpec spec = { 0 };

  spec.kind = kind;
  nn_layer_config_default_for_kind (&spec.cfg, kind);
  if (as_output && kind == NN_LAYER_DENSE)
    {
      spec.units_is_classes = TRUE;
      spec.cfg.activation = NN_ACT_SOFTMAX;
    }
  g_array_insert_val (doc->layers, (guint) index, spec);
}

gboolean
nn_model_fix_apply (const NnModelFix *fix, NnModelDoc *doc)
{
  int n = (int) doc->layers->len;
  NnLayerSpec *spec;

  if (fix->kind == NN_FIX_NONE)
    return FALSE;
  if (fix->kind == NN_FIX_INSERT_LAYER)
    {
      if (fix->layer_index < 0 || fix->layer_index > n)
        return FALSE;
      insert_layer (doc, fix->layer_index, fix->insert_kind, fix->layer_index == n);
      return TRUE;
    }
  if (fix->layer_index < 0 || fix->layer_index >= n)
    return FALSE;
  spec = &g_array_index (doc->layers, NnLayerSpec, fix->layer_index);
  switch (fix->kind)
    {
    case NN_FIX_SET_RETURN_SEQUENCES:
      spec->cfg.return_sequences = fix->value != 0;
      break;
    case NN_FIX_SET_KERNEL_SIZE:
      spec->cfg.kernel_size = fix->value;
      spec->cfg.dilation = 1;
      break;
    case NN_FIX_SET_POOL_SIZE:
      spec->cfg.pool_size = fix->value;
      spec->cfg.stride = 0;
      break;
    case NN_FIX_SET_STRIDE:
      spec->cfg.stride = fix->value;
      break;
    case NN_FIX_SET_UNITS_TO_CLASSES:
      spec->units_is_classes = TRUE;
      spec->cfg.units = fix->value;
      break;
    case NN_FIX_REMOVE_LAYER:
      /* the array's clear function frees the label */
      g_array_remove_index (doc->layers, (guint) fix->layer_index);
      break;
    default:
      return FALSE;
    }
  return TRUE;
}

char *
nn_shape_to_string (const NnShape *shape)
{
  if (shape->seq)
    return g_strdup_printf ("%d × %d", shape->steps, shape->features);
  return g_strdup_printf ("%d", shape->features);
}
