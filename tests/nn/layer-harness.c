/* layer-harness.c: one layer run the way the model runs it, and a
 * finite-difference gradient check on top of that. */
#include "layer-harness.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* What the harness writes into buffers the layer must overwrite. */
#define LH_JUNK 777.0f

struct LhRun
{
  NnLayer layer;
  int batch;
  int meta_features;
  float *params, *grads, *state;
  void *work;
  gsize work_bytes;
  float *x, *y, *dx, *dy;
  int *x_lengths, *y_lengths;
  float *meta, *dmeta;
  gsize x_size, y_size;
  NnAct x_act, y_act, meta_act;
  NnRng rng;
  gboolean training;
  gboolean has_forward;
  float junk;          /* what forward's output is filled with before the layer runs */
};

static gsize
shape_floats (const NnShape *shape, int batch)
{
  return (gsize) batch * (shape->seq ? (gsize) shape->steps : 1) * (gsize) shape->features;
}

LhRun *
lh_run_new (NnLayerKind kind, const NnLayerConfig *cfg, const NnShape *in, int meta_features,
            int batch, GError **error)
{
  const NnLayerOps *ops = nn_layer_ops_for_kind (kind);
  LhRun *run;
  NnRng init_rng;

  g_return_val_if_fail (ops != NULL && batch > 0, NULL);
  run = g_new0 (LhRun, 1);
  run->layer.ops = ops;
  run->layer.cfg = *cfg;
  if (!nn_layer_setup (&run->layer, in, meta_features, error))
    {
      g_free (run);
      return NULL;
    }
  run->batch = batch;
  run->meta_features = meta_features;
  run->junk = LH_JUNK;
  run->params = g_new0 (float, MAX (run->layer.n_params, 1));
  run->grads = g_new0 (float, MAX (run->layer.n_params, 1));
  run->state = g_new0 (float, MAX (run->layer.n_state, 1));
  if (ops->init != NULL)
    {
      nn_rng_init (&init_rng, 1);
      ops->init (&run->layer, run->params, run->state, &init_rng);
    }
  /* as nn_workspace_new asks: vector inputs count as one step */
  run->work_bytes = ops->workspace_size != NULL
                    ? ops->workspace_size (&run->layer, batch, in->seq ? MAX (in->steps, 1) : 1) : 0;
  run->work = g_aligned_alloc0 (nn_align64 (MAX (run->work_bytes, 64)), 1, 64);

  run->x_size = shape_floats (in, batch);
  run->y_size = shape_floats (&run->layer.out, batch);
  run->x = g_new0 (float, MAX (run->x_size, 1));
  run->dx = g_new0 (float, MAX (run->x_size, 1));
  run->y = g_new0 (float, MAX (run->y_size, 1));
  run->dy = g_new0 (float, MAX (run->y_size, 1));
  run->x_lengths = g_new0 (int, batch);
  run->y_lengths = g_new0 (int, batch);
  run->meta = g_new0 (float, MAX ((gsize) batch * meta_features, 1));
  run->dmeta = g_new0 (float, MAX ((gsize) batch * meta_features, 1));

  run->x_act = (NnAct) {
    .data = run->x,
    .lengths = in->seq ? run->x_lengths : NULL,
    .batch = batch,
    .steps = in->seq ? in->steps : 0,
    .features = in->features,
  };
  run->y_act = (NnAct) {
    .data = run->y,
    .lengths = run->layer.out.seq ? run->y_lengths : NULL,
    .batch = batch,
    .steps = run->layer.out.seq ? run->layer.out.steps : 0,
    .features = run->layer.out.features,
  };
  run->meta_act = (NnAct) {
    .data = run->meta,
    .batch = batch,
    .features = meta_features,
  };
  return run;
}

NnLayer *
lh_run_layer (LhRun *run)
{
  return &run->layer;
}

float *
lh_run_params (LhRun *run)
{
  return run->params;
}

float *
lh_run_grads (LhRun *run)
{
  return run->grads;
}

float *
lh_run_state (LhRun *run)
{
  return run->state;
}

int
lh_run_batch (LhRun *run)
{
  return run->batch;
}

gsize
lh_run_x_size (LhRun *run)
{
  return run->x_size;
}

gsize
lh_run_y_size (LhRun *run)
{
  return run->y_size;
}

static void
fill_pass (LhRun *run, NnPass *pass)
{
  memset (pass, 0, sizeof *pass);
  pass->params = run->params;
  pass->grads = run->grads;
  pass->state = run->state;
  pass->update_state = run->training;
  pass->work = run->work;
  pass->training = run->training;
  pass->rng = &run->rng;
  pass->meta = run->meta_features > 0 ? &run->meta_act : NULL;
  pass->dmeta = run->meta_features > 0 ? run->dmeta : NULL;
}

const NnAct *
lh_run_forward (LhRun *run, const float *x, const int *lengths, const float *meta,
                gboolean training, guint64 seed)
{
  NnPass pass;

  memcpy (run->x, x, run->x_size * sizeof (float));
  if (run->layer.in.seq)
    {
      g_assert_nonnull (lengths);
      for (int b = 0; b < run->batch; b++)
        g_assert_true (lengths[b] >= 0 && lengths[b] <= run->layer.in.steps);
      memcpy (run->x_lengths, lengths, run->batch * sizeof (int));
    }
  if (run->meta_features > 0)
    {
      g_assert_nonnull (meta);
      memcpy (run->meta, meta, (gsize) run->batch * run->meta_features * sizeof (float));
    }
  for (gsize i = 0; i < run->y_size; i++)
    run->y[i] = run->junk;
  for (int b = 0; b < run->batch; b++)
    run->y_lengths[b] = -1;

  run->training = training;
  nn_rng_init (&run->rng, seed);
  fill_pass (run, &pass);
  run->layer.ops->forward (&run->layer, &pass, &run->x_act, &run->y_act);
  run->has_forward = TRUE;
  return &run->y_act;
}

const float *
lh_run_backward_accumulate (LhRun *run, const float *dy, gboolean want_dx)
{
  NnPass pass;

  g_assert_true (run->has_forward);
  memcpy (run->dy, dy, run->y_size * sizeof (float));
  for (gsize i = 0; i < run->x_size; i++)
    run->dx[i] = run->junk;
  for (gsize i = 0; i < (gsize) run->batch * run->meta_features; i++)
    run->dmeta[i] = LH_JUNK;
  fill_pass (run, &pass);
  run->layer.ops->backward (&run->layer, &pass, &run->x_act, &run->y_act, run->dy,
                            want_dx ? run->dx : NULL);
  return want_dx ? run->dx : NULL;
}

const float *
lh_run_backward (LhRun *run, const float *dy, gboolean want_dx)
{
  memset (run->grads, 0, MAX (run->layer.n_params, 1) * sizeof (float));
  return lh_run_backward_accumulate (run, dy, want_dx);
}

const float *
lh_run_dmeta (LhRun *run)
{
  return run->dmeta;
}

void
lh_run_free (LhRun *run)
{
  if (run == NULL)
    return;
  g_free (run->params);
  g_free (run->grads);
  g_free (run->state);
  g_aligned_free (run->work);
  g_free (run->x);
  g_free (run->y);
  g_free (run->dx);
  g_free (run->dy);
  g_free (run->x_lengths);
  g_free (run->y_lengths);
  g_free (run->meta);
  g_free (run->dmeta);
  g_free (run);
}

/* ---- gradient check ---- */

#define LH_SEED 4242

typedef struct
{
  LhRun *run;
  const char *name;
  float *x;          /* the input the check perturbs */
  const int *lengths;
  float *meta;
  float *R;
  gboolean training;
  double h, tol;
  gboolean failed;
} Check;

static void check_fail (Check *c, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Records a failure and keeps going, so one run reports every problem. */
static void
check_fail (Check *c, const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list args;
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_test_message ("FAIL: %s", msg);
  g_test_fail_printf ("%s", msg);
  c->failed = TRUE;
}

static gboolean
is_padded (const NnShape *shape, const int *lengths, gsize i)
{
  gsize per_row, b, t;
  if (!shape->seq || lengths == NULL)
    return FALSE;
  per_row = (gsize) shape->steps * shape->features;
  b = i / per_row;
  t = (i % per_row) / shape->features;
  return (int) t >= lengths[b];
}

static double
check_loss (Check *c)
{
  const NnAct *y = lh_run_forward (c->run, c->x, c->lengths, c->meta, c->training, LH_SEED);
  double loss = 0.0;
  for (gsize i = 0; i < c->run->y_size; i++)
    loss += (double) c->R[i] * y->data[i];
  return loss;
}

/* Central difference of the loss along one float, which is restored afterwards. */
static double
numeric_grad (Check *c, float *v)
{
  float saved = *v, plus, minus;
  double lp, lm;
  *v = plus = (float) (saved + c->h);
  lp = check_loss (c);
  *v = minus = (float) (saved - c->h);
  lm = check_loss (c);
  *v = saved;
  return (lp - lm) / ((double) plus - (double) minus);
}

static void
compare_tensor (Check *c, const char *tensor, const float *analytic, float *values, gsize n,
                const NnShape *shape)
{
  gboolean any_nonzero = FALSE;
  double worst = 0.0;
  gsize worst_i = 0;
  double worst_a = 0.0, worst_n = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double num, err;
      if (shape != NULL && is_padded (shape, c->lengths, i))
        {
          if (analytic[i] != 0.0f)
            {
              check_fail (c, "%s: d/d%s[%" G_GSIZE_FORMAT "] is %g at a padded step, expected 0",
                          c->name, tensor, i, analytic[i]);
            }
          continue;
        }
      if (analytic[i] != 0.0f)
        any_nonzero = TRUE;
      num = numeric_grad (c, &values[i]);
      err = fabs (analytic[i] - num) / fmax (1.0, fabs (num));
      if (isnan (err) || err > worst)
        {
          worst = isnan (err) ? INFINITY : err;
          worst_i = i;
          worst_a = analytic[i];
          worst_n = num;
        }
    }
  if (worst > c->tol)
    {
      check_fail (c, "%s: d loss/d %s[%" G_GSIZE_FORMAT "]: backward gives %.7g, finite "
                  "differences %.7g (mixed error %.3g > %.3g)",
                  c->name, tensor, worst_i, worst_a, worst_n, worst, c->tol);
    }
  if (n > 0 && !any_nonzero)
    {
      check_fail (c, "%s: the gradient for %s is all zeros", c->name, tensor);
    }
  g_test_message ("%s: %s max mixed error %.3g", c->name, tensor, worst);
}

static void
fill_input (NnRng *rng, float *x, gsize n, const NnShape *shape, const int *lengths,
            double junk_lo)
{
  for (gsize i = 0; i < n; i++)
    x[i] = is_padded (shape, lengths, i)
           ? (float) nn_rng_uniform_range (rng, junk_lo, junk_lo + 50.0)
           : (float) nn_rng_uniform_range (rng, -1.0, 1.0);
}

static void
check_padding (Check *c, const NnShape *in)
{
  LhRun *run = c->run;
  const NnShape *out = &run->layer.out;
  g_autofree float *y1 = NULL;
  g_autofree float *x2 = g_memdup2 (c->x, run->x_size * sizeof (float));
  const NnAct *y;
  NnRng rng;

  y = lh_run_forward (run, c->x, c->lengths, c->meta, c->training, LH_SEED);
  if (out->seq)
    for (int b = 0; b < run->batch; b++)
      {
        if (y->lengths[b] < 0 || y->lengths[b] > out->steps)
          {
            check_fail (c, "%s: output length %d of row %d is outside 0..%d",
                        c->name, y->lengths[b], b, out->steps);
            continue;
          }
        for (gsize i = (gsize) y->lengths[b] * out->features; i < (gsize) out->steps * out->features; i++)
          if (y->data[(gsize) b * out->steps * out->features + i] != 0.0f)
            {
              check_fail (c, "%s: output row %d step %" G_GSIZE_FORMAT " is padding (length %d) "
                          "but holds %g", c->name, b, i / out->features, y->lengths[b],
                          y->data[(gsize) b * out->steps * out->features + i]);
              break;
            }
      }
  for (gsize i = 0; i < run->y_size; i++)
    if (!isfinite (y->data[i]))
      {
        check_fail (c, "%s: output element %" G_GSIZE_FORMAT " is %g", c->name, i, y->data[i]);
        break;
      }
  y1 = g_memdup2 (y->data, run->y_size * sizeof (float));

  /* every output element must be written: other junk in y before forward gives the same y */
  run->junk = -555.0f;
  y = lh_run_forward (run, c->x, c->lengths, c->meta, c->training, LH_SEED);
  run->junk = LH_JUNK;
  for (gsize i = 0; i < run->y_size; i++)
    if (y->data[i] != y1[i])
      {
        check_fail (c, "%s: output element %" G_GSIZE_FORMAT " is not written by forward (%.9g, then "
                    "%.9g)", c->name, i, y1[i], y->data[i]);
        break;
      }

  if (!in->seq || c->lengths == NULL)
    return;
  nn_rng_init (&rng, 99);
  for (gsize i = 0; i < run->x_size; i++)
    if (is_padded (in, c->lengths, i))
      x2[i] = (float) nn_rng_uniform_range (&rng, -300.0, -200.0);
  y = lh_run_forward (run, x2, c->lengths, c->meta, c->training, LH_SEED);
  for (gsize i = 0; i < run->y_size; i++)
    if (y->data[i] != y1[i])
      {
        check_fail (c, "%s: output element %" G_GSIZE_FORMAT " changed from %.9g to %.9g when "
                    "only padded input steps changed", c->name, i, y1[i], y->data[i]);
        break;
      }
}

/* backward must ADD into the parameter gradients: a second call doubles them. */
static void
check_accumulates (Check *c, const float *once)
{
  LhRun *run = c->run;
  gsize n = run->layer.n_params;
  lh_run_forward (run, c->x, c->lengths, c->meta, c->training, LH_SEED);
  lh_run_backward_accumulate (run, c->R, FALSE);
  for (gsize i = 0; i < n; i++)
    if (fabs (run->grads[i] - 2.0 * once[i]) > 1e-5 * fmax (1.0, fabs (2.0 * once[i])))
      {
        check_fail (c, "%s: a second backward gave grad[%" G_GSIZE_FORMAT "] = %g, expected %g "
                    "(backward must add into the gradients)",
                    c->name, i, run->grads[i], 2.0 * once[i]);
        return;
      }
}

/* dx must be written everywhere (it is overwritten, not added to). */
static void
check_dx_written (Check *c, const float *dx)
{
  LhRun *run = c->run;
  const float *again;

  lh_run_forward (run, c->x, c->lengths, c->meta, c->training, LH_SEED);
  run->junk = -555.0f;
  again = lh_run_backward (run, c->R, TRUE);
  run->junk = LH_JUNK;
  for (gsize i = 0; i < run->x_size; i++)
    if (again[i] != dx[i])
      {
        check_fail (c, "%s: dx[%" G_GSIZE_FORMAT "] is not overwritten by backward (%.9g, then %.9g)",
                    c->name, i, dx[i], again[i]);
        return;
      }
}

void
lh_gradcheck (NnLayerKind kind, const NnLayerConfig *cfg, const NnShape *in, int meta_features,
              int batch, const int *lengths, gboolean training, double h, double tol)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LhRun) run = lh_run_new (kind, cfg, in, meta_features, batch, &error);
  g_autofree float *x = NULL, *meta = NULL, *R = NULL;
  g_autofree float *grads = NULL, *dx = NULL, *dmeta = NULL;
  g_autofree char *name = NULL;
  const float *got;
  Check c = { 0 };
  NnRng rng;

  if (run == NULL)
    {
      g_test_fail_printf ("%s: setup failed: %s", nn_layer_ops_for_kind (kind)->name, error->message);
      return;
    }
  name = g_strdup_printf ("%s (%s, %s input)", run->layer.ops->name,
                          training ? "training" : "inference", in->seq ? "sequence" : "vector");

  nn_rng_init (&rng, 12345);
  x = g_new0 (float, MAX (run->x_size, 1));
  fill_input (&rng, x, run->x_size, in, lengths, 50.0);
  meta = g_new0 (float, MAX ((gsize) batch * meta_features, 1));
  for (gsize i = 0; i < (gsize) batch * meta_features; i++)
    meta[i] = (float) nn_rng_uniform_range (&rng, -1.0, 1.0);
  R = g_new0 (float, MAX (run->y_size, 1));
  for (gsize i = 0; i < run->y_size; i++)
    R[i] = (float) nn_rng_uniform_range (&rng, -1.0, 1.0);

  c = (Check) {
    .run = run, .name = name, .x = x, .lengths = in->seq ? lengths : NULL, .meta = meta, .R = R,
    .training = training, .h = h, .tol = tol,
  };

  check_padding (&c, in);

  lh_run_forward (run, x, c.lengths, meta, training, LH_SEED);
  got = lh_run_backward (run, R, TRUE);
  dx = g_memdup2 (got, run->x_size * sizeof (float));
  grads = g_memdup2 (run->grads, MAX (run->layer.n_params, 1) * sizeof (float));
  if (meta_features > 0)
    dmeta = g_memdup2 (run->dmeta, (gsize) batch * meta_features * sizeof (float));

  check_accumulates (&c, grads);
  check_dx_written (&c, dx);

  for (int t = 0; t < run->layer.n_tensors; t++)
    {
      const NnTensorInfo *info = &run->layer.tensors[t];
      compare_tensor (&c, info->name, grads + info->offset, run->params + info->offset,
                      info->size, NULL);
    }
  compare_tensor (&c, "x", dx, x, run->x_size, in);
  if (meta_features > 0)
    compare_tensor (&c, "meta", dmeta, meta, (gsize) batch * meta_features, NULL);
}
