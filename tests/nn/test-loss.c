/* test-loss.c: losses, optimisers and clipping against the PyTorch reference
 * (layers_reference.json §6, §7), finite-difference checks of every loss, and
 * the learning-rate schedules. */
#include <float.h>
#include <math.h>

#include "nn.h"
#include "testutil.h"

static JsonNode *reference;

static JsonNode *
ref (const char *dotted)
{
  JsonNode *node = tu_json_get (reference, dotted);
  if (node == NULL)
    g_error ("layers_reference.json has no field %s", dotted);
  return node;
}

typedef struct
{
  int B, K;
  float *logits;
  int *targets;
} LossCase;

static void
loss_case_load (LossCase *lc)
{
  lc->B = (int) json_node_get_int (ref ("losses.B"));
  lc->K = (int) json_node_get_int (ref ("losses.K"));
  lc->logits = tu_json_floats (ref ("losses.logits"), NULL);
  lc->targets = tu_json_ints (ref ("losses.targets"), NULL);
}

static void
loss_case_clear (LossCase *lc)
{
  g_free (lc->logits);
  g_free (lc->targets);
}

static void
check_loss (const NnLossConfig *cfg, const char *section)
{
  LossCase lc;
  g_autofree char *loss_path = g_strdup_printf ("losses.%s.loss", section);
  g_autofree char *grad_path = g_strdup_printf ("losses.%s.grad_logits", section);
  g_autofree float *want_grad = NULL;
  g_autofree float *grad = NULL;
  g_autofree float *probs = NULL;
  g_autofree float *want_probs = NULL;
  double norm, loss;

  loss_case_load (&lc);
  want_grad = tu_json_floats (ref (grad_path), NULL);
  want_probs = tu_json_floats (ref ("losses.softmax"), NULL);
  grad = g_new (float, lc.B * lc.K);
  probs = g_new (float, lc.B * lc.K);
  norm = nn_loss_normaliser (cfg, lc.targets, lc.B, lc.K);
  loss = nn_loss_compute (cfg, lc.logits, lc.targets, lc.B, lc.K, norm, grad, probs);
  g_assert_cmpfloat_with_epsilon (loss, tu_json_double (ref (loss_path)), 1e-5);
  tu_assert_close (grad_path, grad, want_grad, lc.B * lc.K, 1e-5);
  tu_assert_close ("softmax", probs, want_probs, lc.B * lc.K, 1e-6);
  loss_case_clear (&lc);
}

static void
test_ce (void)
{
  NnLossConfig cfg;
  nn_loss_config_default (&cfg);
  check_loss (&cfg, "ce");
}

static void
test_ce_weighted (void)
{
  NnLossConfig cfg;
  g_autofree float *w = tu_json_floats (ref ("losses.ce_weighted.class_weight"), NULL);
  nn_loss_config_default (&cfg);
  cfg.class_weights = w;
  check_loss (&cfg, "ce_weighted");
}

static void
test_focal (void)
{
  NnLossConfig cfg;
  g_autofree float *alpha = tu_json_floats (ref ("losses.focal.alpha"), NULL);
  nn_loss_config_default (&cfg);
  cfg.kind = NN_LOSS_FOCAL;
  cfg.gamma = (float) tu_json_double (ref ("losses.focal.gamma"));
  cfg.class_weights = alpha;
  check_loss (&cfg, "focal");
}

/* Splitting a batch in two with the whole batch's normaliser gives the same
 * loss and gradient as the whole batch (what the two training threads do). */
static void
test_split_normaliser (void)
{
  LossCase lc;
  NnLossConfig cfg;
  g_autofree float *w = tu_json_floats (ref ("losses.ce_weighted.class_weight"), NULL);
  g_autofree float *whole = NULL, *parts = NULL;
  double norm, l_whole, l_parts;
  int h;

  loss_case_load (&lc);
  nn_loss_config_default (&cfg);
  cfg.class_weights = w;
  whole = g_new (float, lc.B * lc.K);
  parts = g_new (float, lc.B * lc.K);
  h = lc.B / 2;
  norm = nn_loss_normaliser (&cfg, lc.targets, lc.B, lc.K);
  l_whole = nn_loss_compute (&cfg, lc.logits, lc.targets, lc.B, lc.K, norm, whole, NULL);
  l_parts = nn_loss_compute (&cfg, lc.logits, lc.targets, h, lc.K, norm, parts, NULL)
            + nn_loss_compute (&cfg, lc.logits + h * lc.K, lc.targets + h, lc.B - h, lc.K, norm,
                               parts + h * lc.K, NULL);
  g_assert_cmpfloat_with_epsilon (l_whole, l_parts, 1e-6);
  tu_assert_close ("split gradient", parts, whole, lc.B * lc.K, 1e-7);
  loss_case_clear (&lc);
}

/* Unlabelled rows (-1) count for nothing. */
static void
test_unlabelled_rows (void)
{
  LossCase lc;
  NnLossConfig cfg;
  g_autofree float *grad = NULL;
  double norm, with, without;

  loss_case_load (&lc);
  nn_loss_config_default (&cfg);
  grad = g_new (float, lc.B * lc.K);
  norm = nn_loss_normaliser (&cfg, lc.targets, lc.B - 1, lc.K);
  without = nn_loss_compute (&cfg, lc.logits, lc.targets, lc.B - 1, lc.K, norm, NULL, NULL);
  lc.targets[lc.B - 1] = -1;
  g_assert_cmpfloat (nn_loss_normaliser (&cfg, lc.targets, lc.B, lc.K), ==, norm);
  with = nn_loss_compute (&cfg, lc.logits, lc.targets, lc.B, lc.K, norm, grad, NULL);
  g_assert_cmpfloat_with_epsilon (with, without, 1e-9);
  for (int j = 0; j < lc.K; j++)
    g_assert_cmpfloat (grad[(lc.B - 1) * lc.K + j], ==, 0.0f);
  loss_case_clear (&lc);
}

/* Central differences in double-ish precision: the loss works in double, the
 * logits are float, so use a step that float represents well. */
static void
finite_difference_check (const NnLossConfig *cfg, const char *what)
{
  LossCase lc;
  g_autofree float *grad = NULL;
  double norm, max_err = 0.0, max_grad = 0.0;

  loss_case_load (&lc);
  grad = g_new (float, lc.B * lc.K);
  norm = nn_loss_normaliser (cfg, lc.targets, lc.B, lc.K);
  nn_loss_compute (cfg, lc.logits, lc.targets, lc.B, lc.K, norm, grad, NULL);
  for (int i = 0; i < lc.B * lc.K; i++)
    {
      float saved = lc.logits[i];
      const float h = 1.0f / 512;
      double lp, lm, fd;
      lc.logits[i] = saved + h;
      lp = nn_loss_compute (cfg, lc.logits, lc.targets, lc.B, lc.K, norm, NULL, NULL);
      lc.logits[i] = saved - h;
      lm = nn_loss_compute (cfg, lc.logits, lc.targets, lc.B, lc.K, norm, NULL, NULL);
      lc.logits[i] = saved;
      fd = (lp - lm) / (2.0 * h);
      max_err = MAX (max_err, fabs (fd - grad[i]));
      max_grad = MAX (max_grad, fabs (grad[i]));
    }
  g_test_message ("%s: max |fd - analytic| = %g, max |grad| = %g", what, max_err, max_grad);
  g_assert_cmpfloat (max_grad, >, 1e-3);
  g_assert_cmpfloat (max_err, <, 1e-4);
  loss_case_clear (&lc);
}

static void
test_finite_differences (void)
{
  NnLossConfig cfg;
  g_autofree float *w = tu_json_floats (ref ("losses.ce_weighted.class_weight"), NULL);
  float gammas[] = { 0.0f, 0.5f, 1.0f, 2.0f, 3.5f };

  nn_loss_config_default (&cfg);
  finite_difference_check (&cfg, "ce");
  cfg.class_weights = w;
  finite_difference_check (&cfg, "ce weighted");
  cfg.kind = NN_LOSS_FOCAL;
  for (guint g = 0; g < G_N_ELEMENTS (gammas); g++)
    {
      g_autofree char *what = g_strdup_printf ("focal gamma %g", gammas[g]);
      cfg.gamma = gammas[g];
      cfg.class_weights = g % 2 == 0 ? w : NULL;
      finite_difference_check (&cfg, what);
    }
}

/* Focal loss with gamma 0 and alpha 1 is cross entropy. */
static void
test_focal_gamma0_is_ce (void)
{
  LossCase lc;
  NnLossConfig ce, focal;
  g_autofree float *g1 = NULL, *g2 = NULL;
  double l1, l2;

  loss_case_load (&lc);
  g1 = g_new (float, lc.B * lc.K);
  g2 = g_new (float, lc.B * lc.K);
  nn_loss_config_default (&ce);
  nn_loss_config_default (&focal);
  focal.kind = NN_LOSS_FOCAL;
  focal.gamma = 0.0f;
  l1 = nn_loss_compute (&ce, lc.logits, lc.targets, lc.B, lc.K, lc.B, g1, NULL);
  l2 = nn_loss_compute (&focal, lc.logits, lc.targets, lc.B, lc.K, lc.B, g2, NULL);
  g_assert_cmpfloat_with_epsilon (l1, l2, 1e-9);
  tu_assert_close ("focal gamma 0", g2, g1, lc.B * lc.K, 1e-7);
  loss_case_clear (&lc);
}

/* Offsets are tau ln(prior); a class without rows counts as half a row. */
static void
test_logit_offsets (void)
{
  const int labels[] = { 0, 0, 0, 1, -1, 7 };
  float offsets[3];

  nn_loss_logit_offsets (labels, G_N_ELEMENTS (labels), 3, 1.0f, offsets);
  g_assert_cmpfloat_with_epsilon (offsets[0], log (3.0 / 4.0), 1e-6);
  g_assert_cmpfloat_with_epsilon (offsets[1], log (1.0 / 4.0), 1e-6);
  g_assert_cmpfloat_with_epsilon (offsets[2], log (0.5 / 4.0), 1e-6);
  nn_loss_logit_offsets (labels, G_N_ELEMENTS (labels), 3, 0.5f, offsets);
  g_assert_cmpfloat_with_epsilon (offsets[1], 0.5 * log (1.0 / 4.0), 1e-6);
}

/* The logit-adjusted loss is the plain loss of the shifted logits, with the
 * same gradient, for cross entropy and focal loss; and its gradient passes
 * the finite-difference check. */
static void
test_logit_adjusted_is_shifted (void)
{
  LossCase lc;
  g_autofree float *shifted = NULL, *g1 = NULL, *g2 = NULL, *offsets = NULL;
  NnLossConfig plain, adjusted;

  loss_case_load (&lc);
  shifted = g_new (float, lc.B * lc.K);
  g1 = g_new (float, lc.B * lc.K);
  g2 = g_new (float, lc.B * lc.K);
  offsets = g_new (float, lc.K);
  for (int c = 0; c < lc.K; c++)
    offsets[c] = -0.7f * c + 0.2f;
  for (int i = 0; i < lc.B * lc.K; i++)
    shifted[i] = lc.logits[i] + offsets[i % lc.K];
  for (int kind = NN_LOSS_CROSS_ENTROPY; kind <= NN_LOSS_FOCAL; kind++)
    {
      double l1, l2;

      nn_loss_config_default (&plain);
      plain.kind = kind;
      adjusted = plain;
      adjusted.logit_offsets = offsets;
      l1 = nn_loss_compute (&plain, shifted, lc.targets, lc.B, lc.K, lc.B, g1, NULL);
      l2 = nn_loss_compute (&adjusted, lc.logits, lc.targets, lc.B, lc.K, lc.B, g2, NULL);
      g_assert_cmpfloat_with_epsilon (l1, l2, 1e-6);
      tu_assert_close ("logit-adjusted gradient", g2, g1, lc.B * lc.K, 1e-6);
      finite_difference_check (&adjusted, kind == NN_LOSS_FOCAL ? "focal, adjusted" : "ce, adjusted");
      /* and it is not the plain loss of the unshifted logits */
      g_assert_cmpfloat (fabs (nn_loss_compute (&plain, lc.logits, lc.targets, lc.B, lc.K, lc.B, NULL,
                                                NULL) - l2), >, 1e-3);
    }
  loss_case_clear (&lc);
}

/* Label smoothing by hand: logits (1, 0, -1), label 0, eps 0.3, K 3: the
 * target is (0.8, 0.1, 0.1), the loss -Σ t_j ln s_j and the gradient s - t;
 * with class weights the row's weight scales both and the mean divides by it. */
static void
test_label_smoothing_value (void)
{
  const float logits[6] = { 1.0f, 0.0f, -1.0f, 0.5f, 2.0f, 0.0f };
  const int labels[2] = { 0, 2 };
  const float weights[3] = { 2.0f, 1.0f, 0.5f };
  const double t0[3] = { 0.8, 0.1, 0.1 }, t1[3] = { 0.1, 0.1, 0.8 };
  double s0[3], s1[3], z0 = 0.0, z1 = 0.0, l0 = 0.0, l1 = 0.0, loss;
  float grad[6];
  NnLossConfig cfg;

  for (int j = 0; j < 3; j++)
    {
      z0 += exp (logits[j]);
      z1 += exp (logits[3 + j]);
    }
  for (int j = 0; j < 3; j++)
    {
      s0[j] = exp (logits[j]) / z0;
      s1[j] = exp (logits[3 + j]) / z1;
      l0 -= t0[j] * log (s0[j]);
      l1 -= t1[j] * log (s1[j]);
    }
  nn_loss_config_default (&cfg);
  cfg.label_smoothing = 0.3f;
  loss = nn_loss_compute (&cfg, logits, labels, 1, 3, 1.0, grad, NULL);
  g_assert_cmpfloat_with_epsilon (loss, l0, 1e-6);
  for (int j = 0; j < 3; j++)
    g_assert_cmpfloat_with_epsilon (grad[j], s0[j] - t0[j], 1e-6);

  cfg.class_weights = weights;
  loss = nn_loss_compute (&cfg, logits, labels, 2, 3, nn_loss_normaliser (&cfg, labels, 2, 3), grad, NULL);
  g_assert_cmpfloat_with_epsilon (loss, (2.0 * l0 + 0.5 * l1) / 2.5, 1e-6);
  for (int j = 0; j < 3; j++)
    {
      g_assert_cmpfloat_with_epsilon (grad[j], 2.0 * (s0[j] - t0[j]) / 2.5, 1e-6);
      g_assert_cmpfloat_with_epsilon (grad[3 + j], 0.5 * (s1[j] - t1[j]) / 2.5, 1e-6);
    }

  /* focal loss does not smooth */
  cfg.class_weights = NULL;
  cfg.kind = NN_LOSS_FOCAL;
  cfg.gamma = 0.0f;
  g_assert_cmpfloat_with_epsilon (nn_loss_compute (&cfg, logits, labels, 1, 3, 1.0, NULL, NULL),
                                  -log (s0[0]), 1e-6);
}

/* The smoothed loss's gradient against central differences, alone, with
 * class weights and with logit offsets. */
static void
test_label_smoothing_gradient (void)
{
  NnLossConfig cfg;
  g_autofree float *w = tu_json_floats (ref ("losses.ce_weighted.class_weight"), NULL);
  float offsets[16];

  for (int c = 0; c < 16; c++)
    offsets[c] = -0.4f * c + 0.3f;
  nn_loss_config_default (&cfg);
  cfg.label_smoothing = 0.1f;
  finite_difference_check (&cfg, "ce, smoothed 0.1");
  cfg.label_smoothing = 0.6f;
  cfg.class_weights = w;
  finite_difference_check (&cfg, "ce weighted, smoothed 0.6");
  cfg.logit_offsets = offsets;
  finite_difference_check (&cfg, "ce weighted and adjusted, smoothed 0.6");
}

/* Huge logits must not give NaN. */
static void
test_extreme_logits (void)
{
  float logits[] = { 1e30f, -1e30f, 0.0f, 80.0f, -80.0f, 0.0f };
  int labels[] = { 1, 0 };
  float grad[6];
  NnLossConfig cfg;
  double loss;

  nn_loss_config_default (&cfg);
  loss = nn_loss_compute (&cfg, logits, labels, 2, 3, 2, grad, NULL);
  g_assert_true (isfinite (loss));
  g_assert_cmpfloat (loss, >, 1e29);
  for (int i = 0; i < 6; i++)
    g_assert_true (isfinite (grad[i]));
  cfg.kind = NN_LOSS_FOCAL;
  loss = nn_loss_compute (&cfg, logits, labels, 2, 3, 2, grad, NULL);
  g_assert_true (isfinite (loss));
  for (int i = 0; i < 6; i++)
    g_assert_true (isfinite (grad[i]));
}

/* ---- optimisers ---- */

static void
check_optimizer (const NnOptimConfig *cfg, const char *name, const char *state_field,
                 const char *state_name)
{
  int N = (int) json_node_get_int (ref ("optimizers.N"));
  int steps = (int) json_node_get_int (ref ("optimizers.steps"));
  g_autofree float *params = tu_json_floats (ref ("optimizers.params0"), NULL);
  g_autofree float *prev = g_new (float, N);
  g_autofree float *grads = tu_json_floats (ref ("optimizers.grads"), NULL);
  g_autofree char *params_path = g_strdup_printf ("optimizers.%s.params", name);
  g_autofree char *state_path = g_strdup_printf ("optimizers.%s.%s", name, state_field);
  g_autofree float *want = tu_json_floats (ref (params_path), NULL);
  g_autofree float *want_state = tu_json_floats (ref (state_path), NULL);
  g_autofree float *want_prev = tu_json_floats (ref ("optimizers.params0"), NULL);
  g_autoptr (NnOptimizer) opt = nn_optimizer_new (cfg, N);

  for (int t = 0; t < steps; t++)
    {
      float got_delta[N], want_delta[N];
      memcpy (prev, params, N * sizeof (float));
      nn_optimizer_step (opt, params, grads + t * N, cfg->lr);
      for (int i = 0; i < N; i++)
        {
          /* relative comparison of the step itself (a step can be 1e-4), allowing
           * the float rounding of the parameters the change is read from */
          double allowed;
          got_delta[i] = params[i] - prev[i];
          want_delta[i] = want[t * N + i] - (t == 0 ? want_prev[i] : want[(t - 1) * N + i]);
          allowed = 1e-3 * fabs (want_delta[i]) + 4.0 * FLT_EPSILON * fabsf (params[i]);
          if (fabs (got_delta[i] - want_delta[i]) > allowed)
            g_error ("%s step %d param %d: change %.9g, want %.9g (allowed error %g)",
                     name, t + 1, i, got_delta[i], want_delta[i], allowed);
        }
      tu_assert_close (params_path, params, want + t * N, N, 1e-5);
      {
        const float *state = nn_optimizer_state (opt, state_name);
        g_assert_nonnull (state);
        tu_assert_close (state_path, state, want_state + t * N, N, 1e-5);
      }
    }
  g_assert_cmpint (nn_optimizer_steps (opt), ==, steps);
}

static void
test_sgd_momentum (void)
{
  NnOptimConfig cfg;
  nn_optim_config_default (&cfg, NN_OPTIM_SGD);
  cfg.lr = (float) tu_json_double (ref ("optimizers.sgd_momentum.hyper.lr"));
  cfg.momentum = (float) tu_json_double (ref ("optimizers.sgd_momentum.hyper.momentum"));
  check_optimizer (&cfg, "sgd_momentum", "momentum_buffer", "momentum_buffer");
}

static void
adam_hyper (NnOptimConfig *cfg, const char *name)
{
  g_autofree char *path = g_strdup_printf ("optimizers.%s.hyper", name);
  JsonObject *h = json_node_get_object (ref (path));
  JsonArray *betas = json_object_get_array_member (h, "betas");
  cfg->lr = (float) json_object_get_double_member (h, "lr");
  cfg->eps = (float) json_object_get_double_member (h, "eps");
  cfg->beta1 = (float) json_array_get_double_element (betas, 0);
  cfg->beta2 = (float) json_array_get_double_element (betas, 1);
}

static void
test_adam (void)
{
  NnOptimConfig cfg;
  nn_optim_config_default (&cfg, NN_OPTIM_ADAM);
  adam_hyper (&cfg, "adam");
  check_optimizer (&cfg, "adam", "exp_avg", "exp_avg");
  check_optimizer (&cfg, "adam", "exp_avg_sq", "exp_avg_sq");
}

static void
test_adamw (void)
{
  NnOptimConfig cfg;
  nn_optim_config_default (&cfg, NN_OPTIM_ADAMW);
  adam_hyper (&cfg, "adamw");
  cfg.weight_decay = (float) tu_json_double (ref ("optimizers.adamw.hyper.weight_decay"));
  g_assert_cmpfloat (cfg.weight_decay, >, 0.0f);
  check_optimizer (&cfg, "adamw", "exp_avg", "exp_avg");
  check_optimizer (&cfg, "adamw", "exp_avg_sq", "exp_avg_sq");
}

static void
test_rmsprop (void)
{
  NnOptimConfig cfg;
  nn_optim_config_default (&cfg, NN_OPTIM_RMSPROP);
  cfg.lr = (float) tu_json_double (ref ("optimizers.rmsprop.hyper.lr"));
  cfg.alpha = (float) tu_json_double (ref ("optimizers.rmsprop.hyper.alpha"));
  cfg.eps = (float) tu_json_double (ref ("optimizers.rmsprop.hyper.eps"));
  check_optimizer (&cfg, "rmsprop", "square_avg", "square_avg");
}

/* L2 adds l2 * p to the gradient: the same as stepping with that gradient. */
static void
test_l2 (void)
{
  NnOptimConfig with, without;
  float p1[3] = { 1.0f, -2.0f, 0.5f }, p2[3] = { 1.0f, -2.0f, 0.5f };
  float g[3] = { 0.1f, 0.2f, -0.3f }, g_l2[3];
  g_autoptr (NnOptimizer) a = NULL;
  g_autoptr (NnOptimizer) b = NULL;

  nn_optim_config_default (&with, NN_OPTIM_SGD);
  with.l2 = 0.1f;
  without = with;
  without.l2 = 0.0f;
  a = nn_optimizer_new (&with, 3);
  b = nn_optimizer_new (&without, 3);
  for (int i = 0; i < 3; i++)
    g_l2[i] = g[i] + 0.1f * p2[i];
  nn_optimizer_step (a, p1, g, 0.1f);
  nn_optimizer_step (b, p2, g_l2, 0.1f);
  tu_assert_close ("l2", p1, p2, 3, 1e-7);
  g_assert_cmpfloat (fabsf (p1[0] - 1.0f), >, 1e-3);
}

static void
check_clip_case (const char *name)
{
  g_autofree char *w_path = g_strdup_printf ("clip_grad_norm.cases.%s.grads.W", name);
  g_autofree char *b_path = g_strdup_printf ("clip_grad_norm.cases.%s.grads.b", name);
  g_autofree char *cw_path = g_strdup_printf ("clip_grad_norm.cases.%s.clipped.W", name);
  g_autofree char *cb_path = g_strdup_printf ("clip_grad_norm.cases.%s.clipped.b", name);
  g_autofree char *n_path = g_strdup_printf ("clip_grad_norm.cases.%s.total_norm", name);
  gsize nw, nb;
  g_autofree float *w = tu_json_floats (ref (w_path), &nw);
  g_autofree float *b = tu_json_floats (ref (b_path), &nb);
  g_autofree float *cw = tu_json_floats (ref (cw_path), NULL);
  g_autofree float *cb = tu_json_floats (ref (cb_path), NULL);
  g_autofree float *flat = g_new (float, nw + nb);
  g_autofree float *want = g_new (float, nw + nb);
  double norm;

  /* the flat vector holds both tensors, as the model's gradient vector does */
  memcpy (flat, w, nw * sizeof (float));
  memcpy (flat + nw, b, nb * sizeof (float));
  memcpy (want, cw, nw * sizeof (float));
  memcpy (want + nw, cb, nb * sizeof (float));
  norm = nn_clip_grad_norm (flat, nw + nb, tu_json_double (ref ("clip_grad_norm.max_norm")));
  g_assert_cmpfloat_with_epsilon (norm, tu_json_double (ref (n_path)), 1e-5);
  tu_assert_close (cw_path, flat, want, nw + nb, 1e-6);
}

static void
test_clip_grad_norm (void)
{
  check_clip_case ("clipped");
  check_clip_case ("unchanged");
}

/* ---- schedules ---- */

static void
test_schedule_step_cosine (void)
{
  NnScheduleConfig cfg;
  NnSchedule s;
  float lr;

  nn_schedule_config_default (&cfg);
  cfg.kind = NN_SCHEDULE_STEP;
  cfg.step_size = 2;
  cfg.gamma = 0.5f;
  nn_schedule_init (&s, &cfg, 1.0f, 10);
  g_assert_cmpfloat (s.lr, ==, 1.0f);
  /* PyTorch StepLR: epochs 0,1 -> 1; 2,3 -> 0.5; 4,5 -> 0.25 */
  {
    float want[] = { 1.0f, 0.5f, 0.5f, 0.25f, 0.25f, 0.125f };
    for (int e = 0; e < 6; e++)
      {
        lr = nn_schedule_epoch_end (&s, 1.0);
        g_assert_cmpfloat_with_epsilon (lr, want[e], 1e-7);
      }
  }

  cfg.kind = NN_SCHEDULE_COSINE;
  cfg.lr_min = 0.1f;
  nn_schedule_init (&s, &cfg, 1.1f, 4);
  /* PyTorch CosineAnnealingLR with T_max 4, eta_min 0.1 */
  {
    double want[] = { 0.1 + 0.5 * (1 + cos (G_PI / 4)), 0.6, 0.1 + 0.5 * (1 + cos (3 * G_PI / 4)),
                      0.1, 0.1 };
    for (int e = 0; e < 5; e++)
      {
        lr = nn_schedule_epoch_end (&s, 1.0);
        g_assert_cmpfloat_with_epsilon (lr, want[e], 1e-6);
      }
  }
}

static void
test_schedule_plateau (void)
{
  NnScheduleConfig cfg;
  NnSchedule s;
  /* improves twice, then stalls: with patience 2 the third stalled epoch reduces */
  double metric[] = { 1.0, 0.9, 0.9, 0.95, 0.9, 0.5, 0.5, 0.5, 0.5 };
  float want[] = { 1.0f, 1.0f, 1.0f, 1.0f, 0.1f, 0.1f, 0.1f, 0.1f, 0.01f };

  nn_schedule_config_default (&cfg);
  cfg.kind = NN_SCHEDULE_PLATEAU;
  cfg.patience = 2;
  cfg.factor = 0.1f;
  cfg.lr_min = 0.0f;
  nn_schedule_init (&s, &cfg, 1.0f, 20);
  for (guint e = 0; e < G_N_ELEMENTS (metric); e++)
    {
      float lr = nn_schedule_epoch_end (&s, metric[e]);
      g_assert_cmpfloat_with_epsilon (lr, want[e], 1e-7);
    }
}

static void
test_names (void)
{
  NnOptimKind ok;
  NnLossKind lk;
  NnScheduleKind sk;
  g_assert_true (nn_optim_kind_from_string ("adamw", &ok) && ok == NN_OPTIM_ADAMW);
  g_assert_false (nn_optim_kind_from_string ("adamx", &ok));
  g_assert_cmpstr (nn_optim_kind_to_string (NN_OPTIM_RMSPROP), ==, "rmsprop");
  g_assert_true (nn_loss_kind_from_string ("focal", &lk) && lk == NN_LOSS_FOCAL);
  g_assert_false (nn_loss_kind_from_string (NULL, &lk));
  g_assert_true (nn_schedule_kind_from_string ("plateau", &sk) && sk == NN_SCHEDULE_PLATEAU);
  g_assert_cmpstr (nn_schedule_kind_to_string (NN_SCHEDULE_COSINE), ==, "cosine");
}

int
main (int argc, char **argv)
{
  g_autofree char *path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  path = tu_shared_path ("reference/layers_reference.json");
  reference = tu_load_json (path);

  g_test_add_func ("/loss/ce", test_ce);
  g_test_add_func ("/loss/ce-weighted", test_ce_weighted);
  g_test_add_func ("/loss/focal", test_focal);
  g_test_add_func ("/loss/split-normaliser", test_split_normaliser);
  g_test_add_func ("/loss/unlabelled-rows", test_unlabelled_rows);
  g_test_add_func ("/loss/finite-differences", test_finite_differences);
  g_test_add_func ("/loss/focal-gamma0-is-ce", test_focal_gamma0_is_ce);
  g_test_add_func ("/loss/extreme-logits", test_extreme_logits);
  g_test_add_func ("/loss/logit-offsets", test_logit_offsets);
  g_test_add_func ("/loss/logit-adjusted-is-shifted", test_logit_adjusted_is_shifted);
  g_test_add_func ("/loss/label-smoothing-value", test_label_smoothing_value);
  g_test_add_func ("/loss/label-smoothing-gradient", test_label_smoothing_gradient);
  g_test_add_func ("/optim/sgd-momentum", test_sgd_momentum);
  g_test_add_func ("/optim/adam", test_adam);
  g_test_add_func ("/optim/adamw", test_adamw);
  g_test_add_func ("/optim/rmsprop", test_rmsprop);
  g_test_add_func ("/optim/l2", test_l2);
  g_test_add_func ("/optim/clip-grad-norm", test_clip_grad_norm);
  g_test_add_func ("/optim/schedule-step-cosine", test_schedule_step_cosine);
  g_test_add_func ("/optim/schedule-plateau", test_schedule_plateau);
  g_test_add_func ("/optim/names", test_names);

  status = g_test_run ();
  json_node_unref (reference);
  return status;
}
