/* nn-optim.c: SGD, RMSprop, Adam, AdamW; clipping; learning-rate schedules */
#include "nn-optim.h"

#include "nn-names.h"

#include <math.h>
#include <string.h>

struct _NnOptimizer
{
  NnOptimConfig cfg;
  size_t n;
  int step;
  float *m;   /* sgd: momentum buffer; adam: exp_avg */
  float *v;   /* rmsprop: square_avg; adam: exp_avg_sq */
};

static const NnNameEntry optim_names[] = {
  { NN_OPTIM_SGD, "sgd" },
  { NN_OPTIM_RMSPROP, "rmsprop" },
  { NN_OPTIM_ADAM, "adam" },
  { NN_OPTIM_ADAMW, "adamw" },
};

void
nn_optim_config_default (NnOptimConfig *cfg, NnOptimKind kind)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->kind = kind;
  cfg->beta1 = 0.9f;
  cfg->beta2 = 0.999f;
  cfg->alpha = 0.99f;
  cfg->eps = 1e-8f;
  switch (kind)
    {
    case NN_OPTIM_SGD:
      cfg->lr = 0.01f;
      cfg->momentum = 0.9f;
      break;
    case NN_OPTIM_RMSPROP:
      cfg->lr = 0.01f;
      break;
    case NN_OPTIM_ADAM:
      cfg->lr = 1e-3f;
      break;
    case NN_OPTIM_ADAMW:
      cfg->lr = 1e-3f;
      cfg->weight_decay = 0.01f;
      break;
    }
}

const char *
nn_optim_kind_to_string (NnOptimKind kind)
{
  return nn_name_lookup_name (optim_names, G_N_ELEMENTS (optim_names), kind, "adam");
}

gboolean
nn_optim_kind_from_string (const char *name, NnOptimKind *kind)
{
  int value;

  if (!nn_name_lookup_value (optim_names, G_N_ELEMENTS (optim_names), name, &value))
    return FALSE;
  *kind = value;
  return TRUE;
}

NnOptimizer *
nn_optimizer_new (const NnOptimConfig *cfg, size_t n_params)
{
  NnOptimizer *opt = g_new0 (NnOptimizer, 1);
  opt->cfg = *cfg;
  opt->n = n_params;
  opt->m = g_new0 (float, MAX (n_params, 1));
  opt->v = g_new0 (float, MAX (n_params, 1));
  return opt;
}

void
nn_optimizer_free (NnOptimizer *opt)
{
  if (opt == NULL)
    return;
  g_free (opt->m);
  g_free (opt->v);
  g_free (opt);
}

void
nn_optimizer_reset (NnOptimizer *opt)
{
  opt->step = 0;
  memset (opt->m, 0, opt->n * sizeof (float));
  memset (opt->v, 0, opt->n * sizeof (float));
}

int
nn_optimizer_steps (const NnOptimizer *opt)
{
  return opt->step;
}

void
nn_optimizer_save_state (const NnOptimizer *opt, float *m, float *v, int *step)
{
  memcpy (m, opt->m, opt->n * sizeof (float));
  memcpy (v, opt->v, opt->n * sizeof (float));
  *step = opt->step;
}

void
nn_optimizer_load_state (NnOptimizer *opt, const float *m, const float *v, int step)
{
  memcpy (opt->m, m, opt->n * sizeof (float));
  memcpy (opt->v, v, opt->n * sizeof (float));
  opt->step = step;
}

const float *
nn_optimizer_state (const NnOptimizer *opt, const char *name)
{
  switch (opt->cfg.kind)
    {
    case NN_OPTIM_SGD:
      return g_strcmp0 (name, "momentum_buffer") == 0 ? opt->m : NULL;
    case NN_OPTIM_RMSPROP:
      return g_strcmp0 (name, "square_avg") == 0 ? opt->v : NULL;
    case NN_OPTIM_ADAM:
    case NN_OPTIM_ADAMW:
      if (g_strcmp0 (name, "exp_avg") == 0)
        return opt->m;
      return g_strcmp0 (name, "exp_avg_sq") == 0 ? opt->v : NULL;
    }
  return NULL;
}

static void
sgd_step (NnOptimizer *opt, float *p, const float *grads, float lr)
{
  float mu = opt->cfg.momentum, l2 = opt->cfg.l2;
  gboolean first = opt->step == 1;
  for (size_t i = 0; i < opt->n; i++)
    {
      float g = grads[i] + l2 * p[i];
      if (mu != 0.0f)
        {
          /* PyTorch starts the buffer at g_1, not at (1 - dampening) g_1 */
          opt->m[i] = first ? g : mu * opt->m[i] + g;
          g = opt->m[i];
        }
      p[i] -= lr * g;
    }
}

static void
rmsprop_step (NnOptimizer *opt, float *p, const float *grads, float lr)
{
  float a = opt->cfg.alpha, eps = opt->cfg.eps, l2 = opt->cfg.l2;
  for (size_t i = 0; i < opt->n; i++)
    {
      float g = grads[i] + l2 * p[i];
      opt->v[i] = a * opt->v[i] + (1.0f - a) * g * g;
      p[i] -= lr * g / (sqrtf (opt->v[i]) + eps);
    }
}

static void
adam_step (NnOptimizer *opt, float *p, const float *grads, float lr, gboolean decoupled)
{
  float b1 = opt->cfg.beta1, b2 = opt->cfg.beta2, eps = opt->cfg.eps, l2 = opt->cfg.l2;
  double bc1 = 1.0 - pow (b1, opt->step);
  double bc2 = 1.0 - pow (b2, opt->step);
  float step_size = (float) (lr / bc1);
  float inv_sqrt_bc2 = (float) (1.0 / sqrt (bc2));
  float decay = decoupled ? 1.0f - lr * opt->cfg.weight_decay : 1.0f;
  for (size_t i = 0; i < opt->n; i++)
    {
      float g = grads[i] + l2 * p[i];
      p[i] *= decay;
      opt->m[i] = b1 * opt->m[i] + (1.0f - b1) * g;
      opt->v[i] = b2 * opt->v[i] + (1.0f - b2) * g * g;
      p[i] -= step_size * opt->m[i] / (sqrtf (opt->v[i]) * inv_sqrt_bc2 + eps);
    }
}

void
nn_optimizer_step (NnOptimizer *opt, float *params, const float *grads, float lr)
{
  opt->step++;
  switch (opt->cfg.kind)
    {
    case NN_OPTIM_SGD:
      sgd_step (opt, params, grads, lr);
      break;
    case NN_OPTIM_RMSPROP:
      rmsprop_step (opt, params, grads, lr);
      break;
    case NN_OPTIM_ADAM:
      adam_step (opt, params, grads, lr, FALSE);
      break;
    case NN_OPTIM_ADAMW:
      adam_step (opt, params, grads, lr, TRUE);
      break;
    }
}

double
nn_clip_grad_norm (float *grads, size_t n, double max_norm)
{
  double sum = 0.0, norm, coef;
  for (size_t i = 0; i < n; i++)
    sum += (double) grads[i] * grads[i];
  norm = sqrt (sum);
  coef = max_norm / (norm + 1e-6);
  if (coef < 1.0)
    for (size_t i = 0; i < n; i++)
      grads[i] = (float) (grads[i] * coef);
  return norm;
}

/* ---- schedules ---- */

static const NnNameEntry schedule_names[] = {
  { NN_SCHEDULE_CONSTANT, "constant" },
  { NN_SCHEDULE_STEP, "step" },
  { NN_SCHEDULE_COSINE, "cosine" },
  { NN_SCHEDULE_PLATEAU, "plateau" },
};

void
nn_schedule_config_default (NnScheduleConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->kind = NN_SCHEDULE_CONSTANT;
  cfg->step_size = 10;
  cfg->gamma = 0.1f;
  cfg->epochs = 0;
  cfg->lr_min = 0.0f;
  cfg->factor = 0.1f;
  cfg->patience = 10;
  cfg->threshold = 1e-4f;
}

const char *
nn_schedule_kind_to_string (NnScheduleKind kind)
{
  return nn_name_lookup_name (schedule_names, G_N_ELEMENTS (schedule_names), kind, "constant");
}

gboolean
nn_schedule_kind_from_string (const char *name, NnScheduleKind *kind)
{
  int value;

  if (!nn_name_lookup_value (schedule_names, G_N_ELEMENTS (schedule_names), name, &value))
    return FALSE;
  *kind = value;
  return TRUE;
}

void
nn_schedule_init (NnSchedule *s, const NnScheduleConfig *cfg, float base_lr, int total_epochs)
{
  s->cfg = *cfg;
  if (s->cfg.epochs <= 0)
    s->cfg.epochs = MAX (total_epochs, 1);
  s->base_lr = base_lr;
  s->lr = base_lr;
  s->epoch = 0;
  s->best = INFINITY;
  s->bad_epochs = 0;
}

/* PyTorch ReduceLROnPlateau, mode "min", threshold_mode "rel", no cooldown. */
static float
plateau_update (NnSchedule *s, double metric)
{
  if (isfinite (metric) && metric < s->best * (1.0 - s->cfg.threshold))
    {
      s->best = metric;
      s->bad_epochs = 0;
    }
  else if (++s->bad_epochs > s->cfg.patience)
    {
      s->lr = MAX (s->lr * s->cfg.factor, s->cfg.lr_min);
      s->bad_epochs = 0;
    }
  return s->lr;
}

float
nn_schedule_epoch_end (NnSchedule *s, double metric)
{
  int e = ++s->epoch;
  switch (s->cfg.kind)
    {
    case NN_SCHEDULE_CONSTANT:
      break;
    case NN_SCHEDULE_STEP:
      s->lr = s->base_lr * powf (s->cfg.gamma, (float) (e / MAX (s->cfg.step_size, 1)));
      break;
    case NN_SCHEDULE_COSINE:
      {
        double frac = MIN ((double) e / s->cfg.epochs, 1.0);
        s->lr = (float) (s->cfg.lr_min
                         + (s->base_lr - s->cfg.lr_min) * 0.5 * (1.0 + cos (G_PI * frac)));
      }
      break;
    case NN_SCHEDULE_PLATEAU:
      return plateau_update (s, metric);
    }
  return s->lr;
}
