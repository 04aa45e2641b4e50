/* nn-model.c: the layer stack, shape inference, flat parameter vectors,
 * per-thread workspaces, forward/backward and prediction. */
#include "config.h"

#include "nn-model.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nn-blas.h"
#include "nn-loss.h"

/* ---- building ---- */

static void
layer_free (gpointer data)
{
  NnLayer *layer = data;
  g_free (layer->label);
  g_free (layer);
}

static void
problem_clear (gpointer data)
{
  NnModelProblem *p = data;
  g_clear_pointer (&p->message, g_free);
}

NnModel *
nn_model_new (int seq_features, int meta_features, int n_classes)
{
  NnModel *model = g_new0 (NnModel, 1);
  model->seq_features = seq_features;
  model->meta_features = MAX (meta_features, 0);
  model->n_classes = n_classes;
  model->layers = g_ptr_array_new_with_free_func (layer_free);
  model->concat_index = -1;
  return model;
}

static void
model_unbuild (NnModel *model)
{
  model->built = FALSE;
  model->n_params = 0;
  model->n_state = 0;
  model->n_run_layers = 0;
  model->fused_softmax = FALSE;
  model->concat_index = -1;
  g_clear_pointer (&model->head_run, g_free);
  g_clear_pointer (&model->params, g_free);
  g_clear_pointer (&model->grads, g_free);
  g_clear_pointer (&model->state, g_free);
}

void
nn_model_free (NnModel *model)
{
  if (model == NULL)
    return;
  model_unbuild (model);
  g_ptr_array_unref (model->layers);
  g_strfreev (model->class_names);
  g_free (model);
}

NnLayer *
nn_model_insert_layer (NnModel *model, int index, NnLayerKind kind,
                       const NnLayerConfig *cfg, const char *label)
{
  NnLayer *layer;
  const NnLayerOps *ops = nn_layer_ops_for_kind (kind);

  g_return_val_if_fail (ops != NULL, NULL);
  layer = g_new0 (NnLayer, 1);
  layer->ops = ops;
  if (cfg != NULL)
    layer->cfg = *cfg;
  else
    nn_layer_config_default (&layer->cfg);
  layer->label = g_strdup (label);
  if (index < 0 || (guint) index > model->layers->len)
    index = (int) model->layers->len;
  g_ptr_array_insert (model->layers, index, layer);
  model_unbuild (model);
  return layer;
}

NnLayer *
nn_model_add_layer (NnModel *model, NnLayerKind kind, const NnLayerConfig *cfg, const char *label)
{
  return nn_model_insert_layer (model, -1, kind, cfg, label);
}

void
nn_model_remove_layer (NnModel *model, int index)
{
  g_return_if_fail (index >= 0 && (guint) index < model->layers->len);
  g_ptr_array_remove_index (model->layers, index);
  model_unbuild (model);
}

int
nn_model_n_layers (const NnModel *model)
{
  return (int) model->layers->len;
}

NnLayer *
nn_model_get_layer (const NnModel *model, int index)
{
  g_return_val_if_fail (index >= 0 && (guint) index < model->layers->len, NULL);
  return g_ptr_array_index (model->layers, index);
}

void
nn_model_invalidate (NnModel *model)
{
  model_unbuild (model);
}

void
nn_model_set_class_names (NnModel *model, const char *const *class_names)
{
  g_strfreev (model->class_names);
  model->class_names = NULL;
  if (class_names == NULL)
    return;
  model->class_names = g_new0 (char *, model->n_classes + 1);
  for (int k = 0; k < model->n_classes; k++)
    model->class_names[k] = g_strdup (class_names[k]);
}

size_t
nn_model_n_params (const NnModel *model)
{
  size_t n = 0;
  if (model->built)
    return model->n_params;
  /* after validate only: sum what setup reported */
  for (guint i = 0; i < model->layers->len; i++)
    n += ((NnLayer *) g_ptr_array_index (model->layers, i))->n_params;
  return n;
}

static void G_GNUC_PRINTF (3, 4)
add_problem (GArray *problems, int layer_index, const char *format, ...)
{
  NnModelProblem p;
  va_list args;
  va_start (args, format);
  p.layer_index = layer_index;
  p.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (problems, p);
}

static const char *
kind_name (const NnLayer *layer)
{
  return layer->ops != NULL && layer->ops->name != NULL ? layer->ops->name : "?";
}

static gboolean
is_softmax_output (const NnLayer *layer)
{
  return (layer->ops->kind == NN_LAYER_DENSE || layer->ops->kind == NN_LAYER_ACTIVATION)
         && layer->cfg.activation == NN_ACT_SOFTMAX;
}

/* A layer that does not fit lets its input shape pass through, so the layers
 * after it are still checked; it shows no parameters. */
static gboolean
skip_layer (NnLayer *layer, const NnShape *shape)
{
  layer->in = *shape;
  layer->out = *shape;
  layer->n_tensors = 0;
  layer->n_params = 0;
  layer->n_state_tensors = 0;
  layer->n_state = 0;
  return FALSE;
}

/* Checks one layer against the current shape; advances *shape when it fits. */
static gboolean
validate_layer (NnModel *model, int i, NnShape *shape, int *concat_at, GArray *problems)
{
  NnLayer *layer = nn_model_get_layer (model, i);
  g_autoptr (GError) error = NULL;

  if (layer->ops->kind == NN_LAYER_CONCAT_METADATA)
    {
      if (*concat_at >= 0)
        {
          add_problem (problems, i, _("only one concat_metadata layer is allowed and layer %d is one "
                       "already; remove one of them"), *concat_at);
          return skip_layer (layer, shape);
        }
      if (model->meta_features == 0)
        {
          add_problem (problems, i, _("the data have no metadata features to join; remove this "
                       "concat_metadata layer"));
          return skip_layer (layer, shape);
        }
      *concat_at = i;
    }
  if (layer->ops->setup == NULL || !nn_layer_setup (layer, shape, model->meta_features, &error))
    {
      add_problem (problems, i, "%s",
                   error != NULL ? error->message : _("this layer kind cannot be set up"));
      return skip_layer (layer, shape);
    }
  *shape = layer->out;
  if (layer->ops->forward == NULL || layer->ops->backward == NULL)
    {
      add_problem (problems, i, _("layer kind “%s” cannot run yet"), kind_name (layer));
      return FALSE;
    }
  return TRUE;
}

/* After a failed layer the final shape is partly a guess: the number of outputs
 * is still the last layer's own setting, whether it is a sequence may not be. */
static void
validate_output (NnModel *model, const NnShape *out, gboolean all_ok, gboolean last_ok,
                 GArray *problems)
{
  int last = (int) model->layers->len - 1;
  if (!last_ok)
    return;
  if (out->seq && all_ok)
    add_problem (problems, last, _("the last layer gives a sequence of %d steps, but the model must "
                 "give one vector per object: add a global pooling or flatten layer, or set "
                 "return_sequences to false on the last recurrent layer"), out->steps);
  else if (!out->seq && out->features != model->n_classes)
    add_problem (problems, last, _("the last layer gives %d outputs but the data have %d classes; "
                 "end the model with a dense layer of %d units"), out->features, model->n_classes,
                 model->n_classes);
}

GArray *
nn_model_validate (NnModel *model, int max_steps)
{
  GArray *problems = g_array_new (FALSE, FALSE, sizeof (NnModelProblem));
  NnShape shape = { TRUE, max_steps, model->seq_features };
  int concat_at = -1;
  gboolean all_ok = TRUE, last_ok = TRUE;

  g_array_set_clear_func (problems, problem_clear);
  /* new shapes would no longer fit the allocated vectors */
  if (model->built && max_steps != model->max_steps)
    model_unbuild (model);
  if (model->seq_features < 1)
    add_problem (problems, -1, _("the model needs at least one feature per step (it has %d)"),
                 model->seq_features);
  if (model->n_classes < 2)
    add_problem (problems, -1, _("a classifier needs at least 2 classes (the data have %d)"),
                 model->n_classes);
  if (max_steps < 1)
    add_problem (problems, -1, _("sequences need at least 1 step (max_steps is %d)"), max_steps);
  if (model->layers->len == 0)
    {
      add_problem (problems, -1, _("the model has no layers; add at least a dense layer of %d units"),
                   model->n_classes);
      return problems;
    }
  if (problems->len > 0)
    return problems;

  for (guint i = 0; i < model->layers->len; i++)
    {
      last_ok = validate_layer (model, (int) i, &shape, &concat_at, problems);
      all_ok &= last_ok;
    }
  validate_output (model, &shape, all_ok, last_ok, problems);
  return problems;
}

static char *
problems_to_string (const NnModel *model, GArray *problems)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      NnModelProblem *p = &g_array_index (problems, NnModelProblem, i);
      if (i > 0)
        g_string_append_c (s, '\n');
      if (p->layer_index >= 0)
        /* TRANSLATORS: a layer's index and its kind (a keyword such as “dense”) */
        g_string_append_printf (s, _("layer %d (%s): "), p->layer_index,
                                kind_name (nn_model_get_layer (model, p->layer_index)));
      g_string_append (s, p->message);
    }
  return g_string_free (s, FALSE);
}

/* Which layers forward runs, and whether the output softmax is left to the loss. */
static void
plan_output (NnModel *model)
{
  int n = (int) model->layers->len;
  NnLayer *last = nn_model_get_layer (model, n - 1);

  model->n_run_layers = n;
  model->fused_softmax = is_softmax_output (last);
  if (!model->fused_softmax)
    return;
  if (last->ops->kind == NN_LAYER_ACTIVATION && n > 1)
    {
      model->n_run_layers = n - 1;
      return;
    }
  /* run a copy with a linear activation: its output are the logits */
  model->head_run = g_new (NnLayer, 1);
  *model->head_run = *last;
  model->head_run->label = NULL;
  model->head_run->cfg.activation = NN_ACT_LINEAR;
}

gboolean
nn_model_build (NnModel *model, int max_steps, GError **error)
{
  g_autoptr (GArray) problems = NULL;
  size_t p_off = 0, s_off = 0;

  model_unbuild (model);
  problems = nn_model_validate (model, max_steps);
  if (problems->len > 0)
    {
      g_autofree char *msg = problems_to_string (model, problems);
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL, "%s", msg);
      return FALSE;
    }
  for (guint i = 0; i < model->layers->len; i++)
    {
      NnLayer *layer = nn_model_get_layer (model, (int) i);
      layer->param_offset = p_off;
      layer->state_offset = s_off;
      p_off += layer->n_params;
      s_off += layer->n_state;
      if (layer->ops->kind == NN_LAYER_CONCAT_METADATA)
        model->concat_index = (int) i;
      /* each layer's count is far below SIZE_MAX, so checking as they add up
       * names the layer that crosses the limit */
      if (p_off > NN_MODEL_MAX_PARAMS || s_off > NN_MODEL_MAX_PARAMS)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL,
                       /* TRANSLATORS: a layer's index and its kind (a keyword such as “dense”) */
                       _("layer %u (%s) takes the model to %zu parameters; at most %zu fit in memory "
                         "(the layer is far too large)"),
                       i, kind_name (layer), MAX (p_off, s_off), NN_MODEL_MAX_PARAMS);
          return FALSE;
        }
    }
  model->max_steps = max_steps;
  model->n_params = p_off;
  model->n_state = s_off;
  model->params = g_new0 (float, MAX (p_off, 1));
  model->grads = g_new0 (float, MAX (p_off, 1));
  model->state = g_new0 (float, MAX (s_off, 1));
  plan_output (model);
  model->built = TRUE;
  return TRUE;
}

void
nn_model_init (NnModel *model, guint64 seed)
{
  g_return_if_fail (model->built);
  memset (model->params, 0, model->n_params * sizeof (float));
  memset (model->state, 0, model->n_state * sizeof (float));
  for (guint i = 0; i < model->layers->len; i++)
    {
      NnLayer *layer = nn_model_get_layer (model, (int) i);
      NnRng rng;
      if (layer->ops->init == NULL)
        continue;
      nn_rng_init_stream (&rng, seed, i + 1);
      layer->ops->init (layer, model->params + layer->param_offset,
                        model->state + layer->state_offset, &rng);
    }
}

NnModel *
nn_model_copy (const NnModel *model)
{
  NnModel *copy = nn_model_new (model->seq_features, model->meta_features, model->n_classes);
  nn_model_set_class_names (copy, (const char *const *) model->class_names);
  for (guint i = 0; i < model->layers->len; i++)
    {
      NnLayer *layer = nn_model_get_layer (model, (int) i);
      nn_model_add_layer (copy, layer->ops->kind, &layer->cfg, layer->label);
    }
  if (model->built)
    {
      g_autoptr (GError) error = NULL;
      if (!nn_model_build (copy, model->max_steps, &error))
        g_error ("copy of a built model does not build: %s", error->message);
      memcpy (copy->params, model->params, model->n_params * sizeof (float));
      memcpy (copy->state, model->state, model->n_state * sizeof (float));
    }
  return copy;
}

double
nn_model_flops (const NnModel *model)
{
  double total = 0.0;
  for (guint i = 0; i < model->layers->len; i++)
    {
      NnLayer *layer = nn_model_get_layer (model, (int) i);
      if (layer->ops->flops != NULL)
        total += layer->ops->flops (layer);
    }
  return total;
}

/* ---- workspaces ---- */

struct _NnWorkspace
{
  const NnModel *model;
  int max_batch;
  int n_run;
  float **act;        /* [n_run] outputs (max_batch x out size) */
  float **dact;       /* [n_run] gradients of the outputs */
  int **len;          /* [n_run] output lengths for sequence outputs, else NULL */
  void **work;        /* [n_run] layer workspaces */
  NnAct *y;           /* [n_run] output views of the last forward */
  NnAct x0;           /* input view of the last forward */
  NnAct meta;
  float *x_pad;       /* input padded to max_steps when a batch is shorter */
  int *len_in;
  float *probs;       /* (max_batch, K) */
  float *grads;       /* own gradient vector */
  NnRng rng;
  gboolean update_state;
  gboolean training;
};

static const NnLayer *
run_layer (const NnModel *model, int i)
{
  if (i == model->n_run_layers - 1 && model->head_run != NULL)
    return model->head_run;
  return nn_model_get_layer (model, i);
}

static size_t
shape_size (const NnShape *s)
{
  return (size_t) (s->seq ? s->steps : 1) * (size_t) s->features;
}

/* for_training FALSE leaves out the gradient buffers: half the memory, and
 * fresh memory costs a page fault per 4 KiB on first touch. */
static NnWorkspace *
workspace_new (const NnModel *model, int max_batch, gboolean for_training)
{
  NnWorkspace *ws;
  int n;

  g_return_val_if_fail (model->built, NULL);
  g_return_val_if_fail (max_batch > 0, NULL);
  n = model->n_run_layers;
  ws = g_new0 (NnWorkspace, 1);
  ws->model = model;
  ws->max_batch = max_batch;
  ws->n_run = n;
  ws->act = g_new0 (float *, n);
  ws->dact = g_new0 (float *, n);
  ws->len = g_new0 (int *, n);
  ws->work = g_new0 (void *, n);
  ws->y = g_new0 (NnAct, n);
  for (int i = 0; i < n; i++)
    {
      const NnLayer *layer = run_layer (model, i);
      size_t out = (size_t) max_batch * MAX (shape_size (&layer->out), 1);
      size_t bytes = 0;
      int in_steps = layer->in.seq ? layer->in.steps : 1;

      ws->act[i] = g_aligned_alloc0 (out, sizeof (float), 64);
      if (for_training)
        ws->dact[i] = g_aligned_alloc0 (out, sizeof (float), 64);
      if (layer->out.seq)
        ws->len[i] = g_new0 (int, max_batch);
      if (layer->ops->workspace_size != NULL)
        bytes = layer->ops->workspace_size (layer, max_batch, MAX (in_steps, 1));
      ws->work[i] = g_aligned_alloc0 (nn_align64 (MAX (bytes, 64)), 1, 64);
    }
  ws->x_pad = g_new0 (float, (size_t) max_batch * model->max_steps * model->seq_features);
  ws->len_in = g_new0 (int, max_batch);
  ws->probs = g_new0 (float, (size_t) max_batch * model->n_classes);
  ws->grads = for_training ? g_new0 (float, MAX (model->n_params, 1)) : NULL;
  ws->update_state = TRUE;
  nn_rng_init_stream (&ws->rng, 0, 0);
  return ws;
}

size_t
nn_workspace_bytes (const NnModel *model, int max_batch, gboolean for_training)
{
  size_t total = 0;
  g_return_val_if_fail (model->built, 0);
  for (int i = 0; i < model->n_run_layers; i++)
    {
      const NnLayer *layer = run_layer (model, i);
      size_t out = (size_t) max_batch * MAX (shape_size (&layer->out), 1) * sizeof (float);
      int in_steps = layer->in.seq ? layer->in.steps : 1;
      total += for_training ? 2 * out : out;
      if (layer->ops->workspace_size != NULL)
        total += layer->ops->workspace_size (layer, max_batch, MAX (in_steps, 1));
    }
  total += (size_t) max_batch * model->max_steps * model->seq_features * sizeof (float);
  if (for_training)
    total += model->n_params * sizeof (float);
  return total;
}

NnWorkspace *
nn_workspace_new (const NnModel *model, int max_batch)
{
  return workspace_new (model, max_batch, TRUE);
}

NnWorkspace *
nn_workspace_new_inference (const NnModel *model, int max_batch)
{
  return workspace_new (model, max_batch, FALSE);
}

void
nn_workspace_free (NnWorkspace *ws)
{
  if (ws == NULL)
    return;
  for (int i = 0; i < ws->n_run; i++)
    {
      g_aligned_free (ws->act[i]);
      g_aligned_free (ws->dact[i]);
      g_aligned_free (ws->work[i]);
      g_free (ws->len[i]);
    }
  g_free (ws->act);
  g_free (ws->dact);
  g_free (ws->len);
  g_free (ws->work);
  g_free (ws->y);
  g_free (ws->x_pad);
  g_free (ws->len_in);
  g_free (ws->probs);
  g_free (ws->grads);
  g_free (ws);
}

int
nn_workspace_max_batch (const NnWorkspace *ws)
{
  return ws->max_batch;
}

void
nn_workspace_seed (NnWorkspace *ws, guint64 seed, guint64 stream)
{
  nn_rng_init_stream (&ws->rng, seed, stream);
}

NnRng *
nn_workspace_rng (NnWorkspace *ws)
{
  return &ws->rng;
}

void
nn_workspace_set_update_state (NnWorkspace *ws, gboolean update_state)
{
  ws->update_state = update_state;
}

float *
nn_workspace_grads (NnWorkspace *ws)
{
  return ws->grads;
}

/* ---- forward / backward ---- */

/* The first layer sees batches at the model's max_steps: shorter batches are
 * copied with zero padding (padding never changes a result). */
static void
set_input (const NnModel *model, NnWorkspace *ws, const NnBatch *batch)
{
  int T = model->max_steps, F = model->seq_features, B = batch->batch;

  ws->x0.batch = B;
  ws->x0.steps = T;
  ws->x0.features = F;
  if (batch->steps == T)
    {
      ws->x0.data = (float *) batch->x;
      ws->x0.lengths = (int *) batch->lengths;
    }
  else
    {
      size_t row_in = (size_t) batch->steps * F, row_out = (size_t) T * F;
      for (int b = 0; b < B; b++)
        {
          memcpy (ws->x_pad + b * row_out, batch->x + b * row_in, row_in * sizeof (float));
          memset (ws->x_pad + b * row_out + row_in, 0, (row_out - row_in) * sizeof (float));
        }
      memcpy (ws->len_in, batch->lengths, B * sizeof (int));
      ws->x0.data = ws->x_pad;
      ws->x0.lengths = ws->len_in;
    }
  ws->meta.data = (float *) batch->meta;
  ws->meta.lengths = NULL;
  ws->meta.batch = B;
  ws->meta.steps = 0;
  ws->meta.features = model->meta_features;
}

static void
fill_pass (const NnModel *model, NnWorkspace *ws, int i, float *grads, NnPass *pass)
{
  const NnLayer *layer = run_layer (model, i);
  pass->params = model->params + layer->param_offset;
  pass->grads = grads != NULL ? grads + layer->param_offset : NULL;
  pass->state = model->state + layer->state_offset;
  pass->update_state = ws->training && ws->update_state;
  pass->work = ws->work[i];
  pass->training = ws->training;
  pass->rng = &ws->rng;
  pass->meta = i == model->concat_index ? &ws->meta : NULL;
  pass->dmeta = NULL;
}

const float *
nn_model_forward (const NnModel *model, NnWorkspace *ws, const NnBatch *batch, gboolean training)
{
  const NnAct *x;

  g_return_val_if_fail (model->built && ws->model == model, NULL);
  g_return_val_if_fail (batch->batch > 0 && batch->batch <= ws->max_batch, NULL);
  g_return_val_if_fail (batch->steps <= model->max_steps, NULL);
  g_return_val_if_fail (batch->features == model->seq_features, NULL);
  g_return_val_if_fail (model->meta_features == 0 || batch->meta != NULL, NULL);

  ws->training = training;
  set_input (model, ws, batch);
  x = &ws->x0;
  for (int i = 0; i < ws->n_run; i++)
    {
      const NnLayer *layer = run_layer (model, i);
      NnAct *y = &ws->y[i];
      NnPass pass;

      y->data = ws->act[i];
      y->lengths = ws->len[i];
      y->batch = batch->batch;
      y->steps = layer->out.seq ? layer->out.steps : 0;
      y->features = layer->out.features;
      fill_pass (model, ws, i, NULL, &pass);
      layer->ops->forward (layer, &pass, x, y);
      x = y;
    }
  return ws->act[ws->n_run - 1];
}

/* Layers before the first one with parameters need no backward pass. */
static int
first_trainable (const NnModel *model)
{
  for (int i = 0; i < model->n_run_layers; i++)
    if (run_layer (model, i)->n_params > 0)
      return i;
  return model->n_run_layers;
}

void
nn_model_backward (const NnModel *model, NnWorkspace *ws, const float *dlogits, float *grads)
{
  int last = ws->n_run - 1, stop = first_trainable (model);
  size_t n_out = (size_t) ws->y[last].batch * model->n_classes;

  g_return_if_fail (ws->model == model);
  g_return_if_fail (ws->grads != NULL);   /* not an inference workspace */
  memcpy (ws->dact[last], dlogits, n_out * sizeof (float));
  for (int i = last; i >= stop; i--)
    {
      const NnLayer *layer = run_layer (model, i);
      const NnAct *x = i > 0 ? &ws->y[i - 1] : &ws->x0;
      float *dx = i > stop ? ws->dact[i - 1] : NULL;
      NnPass pass;

      fill_pass (model, ws, i, grads, &pass);
      layer->ops->backward (layer, &pass, x, &ws->y[i], ws->dact[i], dx);
    }
}

void
nn_model_input_gradient (const NnModel *model, NnWorkspace *ws, const float *dlogits,
                         float *dx, float *dmeta)
{
  int last = ws->n_run - 1;
  size_t n_out = (size_t) ws->y[last].batch * model->n_classes;

  g_return_if_fail (ws->model == model);
  g_return_if_fail (ws->grads != NULL);   /* not an inference workspace */
  /* the parameter gradients are scratch here: the workspace's own vector */
  memset (ws->grads, 0, MAX (model->n_params, 1) * sizeof (float));
  if (dmeta != NULL)
    memset (dmeta, 0, (size_t) ws->meta.batch * model->meta_features * sizeof (float));
  memcpy (ws->dact[last], dlogits, n_out * sizeof (float));
  for (int i = last; i >= 0; i--)
    {
      const NnLayer *layer = run_layer (model, i);
      const NnAct *x = i > 0 ? &ws->y[i - 1] : &ws->x0;
      float *dxi = i > 0 ? ws->dact[i - 1] : dx;
      NnPass pass;

      fill_pass (model, ws, i, ws->grads, &pass);
      if (i == model->concat_index)
        pass.dmeta = dmeta;
      layer->ops->backward (layer, &pass, x, &ws->y[i], ws->dact[i], dxi);
    }
}

const float *
nn_model_probabilities (const NnModel *model, NnWorkspace *ws)
{
  int last = ws->n_run - 1;
  nn_softmax_rows (ws->act[last], ws->probs, ws->y[last].batch, model->n_classes);
  return ws->probs;
}

/* ---- data checks and prediction ---- */

gboolean
nn_model_check_data (const NnModel *model, const NnData *data, gboolean need_labels,
                     const char *what, GError **error)
{
  what = what != NULL ? what : _("data");
  if (!model->built)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL, _("the model is not built"));
      return FALSE;
    }
  if (data->features != model->seq_features)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("%s: %d features per step, but the model expects %d"),
                   what, data->features, model->seq_features);
      return FALSE;
    }
  if (data->meta_features != model->meta_features || (data->meta_features > 0 && data->meta == NULL))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("%s: %d metadata features, but the model expects %d"),
                   what, data->meta == NULL ? 0 : data->meta_features, model->meta_features);
      return FALSE;
    }
  if (data->steps > model->max_steps)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("%s: sequences of up to %d steps, but the model "
                   "was built for %d; build it again with at least %d steps"),
                   what, data->steps, model->max_steps, data->steps);
      return FALSE;
    }
  if (data->n < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("%s: no rows"), what);
      return FALSE;
    }
  for (int i = 0; i < data->n; i++)
    {
      int len = data->lengths[i];
      int label = data->labels != NULL ? data->labels[i] : -1;
      if (len < 1 || len > data->steps)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("%s: row %d: length %d is outside 1..%d"),
                       what, i, len, data->steps);
          return FALSE;
        }
      if (need_labels && label == -1)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("%s: row %d has no label; every row needs "
                       "a class here"), what, i);
          return FALSE;
        }
      if (label >= model->n_classes || label < -1)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_DATA, _("%s: row %d: label %d is outside 0..%d"),
                       what, i, label, model->n_classes - 1);
          return FALSE;
        }
    }
  return TRUE;
}

struct _NnRowPredictor
{
  const NnModel *model;
  NnWorkspace *ws;
  int *rows;
  float *x_buf;
  int *len_buf;
  float *meta_buf;
};

NnRowPredictor *
nn_row_predictor_new (const NnModel *model)
{
  NnRowPredictor *rp = g_new0 (NnRowPredictor, 1);
  int S = model->meta_features;

  rp->model = model;
  rp->ws = nn_workspace_new_inference (model, NN_PREDICT_BATCH);
  rp->rows = g_new (int, NN_PREDICT_BATCH);
  rp->x_buf = g_new (float, (size_t) NN_PREDICT_BATCH * MAX (model->max_steps, 1) * model->seq_features);
  rp->len_buf = g_new (int, NN_PREDICT_BATCH);
  rp->meta_buf = S > 0 ? g_new (float, (size_t) NN_PREDICT_BATCH * S) : NULL;
  return rp;
}

void
nn_row_predictor_free (NnRowPredictor *rp)
{
  if (rp == NULL)
    return;
  nn_workspace_free (rp->ws);
  g_free (rp->rows);
  g_free (rp->x_buf);
  g_free (rp->len_buf);
  g_free (rp->meta_buf);
  g_free (rp);
}

void
nn_row_predictor_run (NnRowPredictor *rp, const NnData *data, int first, int count, float *probs_out)
{
  int K = rp->model->n_classes;

  for (int start = 0; start < count; start += NN_PREDICT_BATCH)
    {
      int n = MIN (NN_PREDICT_BATCH, count - start);
      NnBatch batch;

      for (int i = 0; i < n; i++)
        rp->rows[i] = first + start + i;
      nn_data_gather (data, rp->rows, n, rp->x_buf, rp->len_buf, rp->meta_buf, NULL, &batch);
      nn_model_forward (rp->model, rp->ws, &batch, FALSE);
      memcpy (probs_out + (size_t) (first + start) * K, nn_model_probabilities (rp->model, rp->ws),
              (size_t) n * K * sizeof (float));
    }
}

typedef struct
{
  NnRowPredictor *rp;
  const NnData *data;
  int first, count;
  float *probs_out;
} PredictJob;

static gpointer
predict_job_run (gpointer user_data)
{
  PredictJob *job = user_data;

  nn_row_predictor_run (job->rp, job->data, job->first, job->count, job->probs_out);
  return NULL;
}

static gboolean
workspace_fits (const NnModel *model, GError **error)
{
  size_t bytes = nn_workspace_bytes (model, NN_PREDICT_BATCH, FALSE);
  g_autofree char *need = NULL, *most = NULL;
  if (bytes <= NN_PREDICT_MAX_WORKSPACE)
    return TRUE;
  need = g_format_size (bytes);
  most = g_format_size (NN_PREDICT_MAX_WORKSPACE);
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL,
               _("predicting with this model takes %s for sequences of %d steps; at most %s is "
                 "allowed"), need, model->max_steps, most);
  return FALSE;
}

gboolean
nn_model_predict (const NnModel *model, const NnData *data, float *probs_out, int threads,
                  GError **error)
{
  int n_batches = (data->n + NN_PREDICT_BATCH - 1) / NN_PREDICT_BATCH;
  int n_jobs, saved_blas = nn_blas_get_threads ();
  PredictJob jobs[2];
  GThread *helper = NULL;

  if (!nn_model_check_data (model, data, FALSE, _("data"), error))
    return FALSE;
  if (!workspace_fits (model, error))
    return FALSE;
  n_jobs = threads >= 2 && n_batches >= 2 ? 2 : 1;
  /* the threads split at batch boundaries: the batches, and so the bits, do
   * not depend on the thread count */
  for (int j = 0; j < n_jobs; j++)
    {
      int first = MIN (data->n, (int) ((gint64) n_batches * j / n_jobs) * NN_PREDICT_BATCH);
      int end = MIN (data->n, (int) ((gint64) n_batches * (j + 1) / n_jobs) * NN_PREDICT_BATCH);

      jobs[j] = (PredictJob) { nn_row_predictor_new (model), data, first, end - first, probs_out };
    }
  if (n_jobs == 2)
    {
      nn_blas_set_threads (1);
      helper = g_thread_new ("nn-predict", predict_job_run, &jobs[1]);
    }
  predict_job_run (&jobs[0]);
  if (helper != NULL)
    {
      g_thread_join (helper);
      nn_blas_set_threads (saved_blas);
    }
  for (int j = 0; j < n_jobs; j++)
    nn_row_predictor_free (jobs[j].rp);
  return TRUE;
}

int
nn_model_embedding_width (const NnModel *model)
{
  const NnLayer *before_head;

  g_return_val_if_fail (model->built, 0);
  if (model->n_run_layers < 2)
    return 0;
  before_head = run_layer (model, model->n_run_layers - 2);
  return before_head->out.seq ? 0 : before_head->out.features;
}

gboolean
nn_model_embed (const NnModel *model, const NnData *data, float *out, GError **error)
{
  int width = nn_model_embedding_width (model), last = model->n_run_layers - 2;
  g_autoptr (NnRowPredictor) rp = NULL;

  if (width <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL,
                   _("the network has no vector of features before its last layer to measure distances in"));
      return FALSE;
    }
  if (!nn_model_check_data (model, data, FALSE, _("data"), error) || !workspace_fits (model, error))
    return FALSE;
  rp = nn_row_predictor_new (model);
  for (int start = 0; start < data->n; start += NN_PREDICT_BATCH)
    {
      int n = MIN (NN_PREDICT_BATCH, data->n - start);
      NnBatch batch;

      for (int i = 0; i < n; i++)
        rp->rows[i] = start + i;
      nn_data_gather (data, rp->rows, n, rp->x_buf, rp->len_buf, rp->meta_buf, NULL, &batch);
      nn_model_forward (model, rp->ws, &batch, FALSE);
      memcpy (out + (size_t) start * width, rp->ws->act[last], (size_t) n * width * sizeof (float));
    }
  return TRUE;
}
