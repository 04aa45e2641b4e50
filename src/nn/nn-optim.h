/* nn-optim.h: optimisers on the flat parameter vector, gradient clipping and
 * learning-rate schedules.
 *
 * Update rules follow PyTorch (shared/reference/layers_README.md §7):
 *   sgd      b = momentum b + g;  p -= lr b                 (dampening 0, b_1 = g_1)
 *   rmsprop  v = alpha v + (1-alpha) g^2;  p -= lr g / (sqrt v + eps)
 *   adam     m, v with bias correction; p -= lr m^ / (sqrt v^ + eps)
 *   adamw    p *= 1 - lr weight_decay, then the adam step
 * l2 (any optimiser) adds l2 * p to the gradient before the rule, like PyTorch's
 * weight_decay for SGD/Adam/RMSprop.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

typedef enum
{
  NN_OPTIM_SGD = 0,   /* "sgd" */
  NN_OPTIM_RMSPROP,   /* "rmsprop" */
  NN_OPTIM_ADAM,      /* "adam" */
  NN_OPTIM_ADAMW,     /* "adamw" */
} NnOptimKind;

typedef struct
{
  NnOptimKind kind;
  float lr;             /* base learning rate (the schedule scales it) */
  float momentum;       /* sgd (0 = plain SGD) */
  float beta1, beta2;   /* adam, adamw */
  float alpha;          /* rmsprop smoothing */
  float eps;            /* adam, adamw, rmsprop; outside the square root */
  float weight_decay;   /* adamw: decoupled decay */
  float l2;             /* any: l2 * p added to the gradient */
} NnOptimConfig;

/* PyTorch defaults for the kind (sgd: lr 0.01, momentum 0.9; rmsprop: lr 0.01,
 * alpha 0.99, eps 1e-8; adam: lr 1e-3, betas 0.9/0.999, eps 1e-8; adamw: same
 * with weight_decay 0.01). */
void        nn_optim_config_default   (NnOptimConfig *cfg, NnOptimKind kind);
const char *nn_optim_kind_to_string   (NnOptimKind kind);
gboolean    nn_optim_kind_from_string (const char *name, NnOptimKind *kind);

typedef struct _NnOptimizer NnOptimizer;

/* State for n_params parameters, allocated here once and zeroed. */
NnOptimizer *nn_optimizer_new   (const NnOptimConfig *cfg, size_t n_params);
void         nn_optimizer_free  (NnOptimizer *opt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnOptimizer, nn_optimizer_free)
/* Zeroes the state and the step count. */
void         nn_optimizer_reset (NnOptimizer *opt);
/* One update of params with grads (not modified) at learning rate lr. */
void         nn_optimizer_step  (NnOptimizer *opt, float *params, const float *grads, float lr);
int          nn_optimizer_steps (const NnOptimizer *opt);
/* The state vectors for tests and checkpoints: "momentum_buffer", "exp_avg",
 * "exp_avg_sq", "square_avg"; NULL when the kind has no such state. */
const float *nn_optimizer_state (const NnOptimizer *opt, const char *name);
/* The whole state for a checkpoint: both moment vectors (n_params each,
 * whatever the kind uses) and the step count; load puts them back. */
void         nn_optimizer_save_state (const NnOptimizer *opt, float *m, float *v, int *step);
void         nn_optimizer_load_state (NnOptimizer *opt, const float *m, const float *v, int step);

/* PyTorch clip_grad_norm_ over the whole vector (= all tensors together):
 * scales grads by min(1, max_norm / (norm + 1e-6)); returns the norm before. */
double nn_clip_grad_norm (float *grads, size_t n, double max_norm);

/* ---- learning-rate schedules (per epoch) ---- */

typedef enum
{
  NN_SCHEDULE_CONSTANT = 0, /* "constant" */
  NN_SCHEDULE_STEP,         /* "step": lr = base gamma^floor(epoch / step_size) */
  NN_SCHEDULE_COSINE,       /* "cosine": lr_min + (base - lr_min)(1 + cos(pi epoch / epochs)) / 2 */
  NN_SCHEDULE_PLATEAU,      /* "plateau": lr *= factor after patience epochs without improvement */
} NnScheduleKind;

typedef struct
{
  NnScheduleKind kind;
  int step_size;    /* step: epochs between decays */
  float gamma;      /* step: decay factor (0.1) */
  int epochs;       /* cosine: length of the cosine (0 = the training run's epochs) */
  float lr_min;     /* cosine: final rate; plateau: lower bound */
  float factor;     /* plateau: multiplier (0.1) */
  int patience;     /* plateau: epochs without improvement before reducing (10) */
  float threshold;  /* plateau: relative improvement that counts (1e-4, PyTorch "rel") */
} NnScheduleConfig;

typedef struct
{
  NnScheduleConfig cfg;
  float base_lr;
  float lr;         /* the rate for the current epoch */
  int epoch;        /* epochs finished */
  double best;      /* plateau: best metric so far */
  int bad_epochs;   /* plateau */
} NnSchedule;

void        nn_schedule_config_default   (NnScheduleConfig *cfg);
const char *nn_schedule_kind_to_string   (NnScheduleKind kind);
gboolean    nn_schedule_kind_from_string (const char *name, NnScheduleKind *kind);

/* Starts at epoch 0 with lr = base_lr; total_epochs stands in for cfg.epochs when 0. */
void  nn_schedule_init      (NnSchedule *s, const NnScheduleConfig *cfg, float base_lr,
                             int total_epochs);
/* Ends an epoch; metric is the validation loss (or the training loss without
 * validation data; used by plateau).  Returns the rate for the next epoch. */
float nn_schedule_epoch_end (NnSchedule *s, double metric);

G_END_DECLS
