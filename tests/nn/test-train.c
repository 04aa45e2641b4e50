/* test-train.c: the training loop: learning on synthetic sequence tasks,
 * reproducibility (same seed => same numbers, with one and two threads), early
 * stopping with best-weights restore, callbacks that stop the run, divergence
 * and schedules. */
#include <math.h>
#include <string.h>

#include "nn.h"
#include "testutil.h"

static NnLayerConfig
config (int units, NnActivation act)
{
  NnLayerConfig cfg;
  nn_layer_config_default (&cfg);
  cfg.units = units;
  cfg.activation = act;
  return cfg;
}

/* Class 0 rises, class 1 falls, class 2 is flat; the mean of every sequence is
 * about 0, so only the order of the steps tells the classes apart.  Feature 1
 * is noise.  Lengths vary between T/2 and T. */
static NnData *
trend_data (int n, int T, guint64 seed)
{
  NnData *d = nn_data_new (n, T, 2, 0, 3);
  const float slope[3] = { 1.0f, -1.0f, 0.0f };
  NnRng rng;
  nn_rng_init (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      int c = (int) nn_rng_below (&rng, 3);
      int len = T / 2 + (int) nn_rng_below (&rng, T - T / 2 + 1);
      d->labels[i] = c;
      d->lengths[i] = len;
      for (int t = 0; t < len; t++)
        {
          float *x = d->x + ((size_t) i * T + t) * 2;
          float centred = (t - (len - 1) / 2.0f) / (len / 2.0f);
          x[0] = slope[c] * centred + 0.3f * (float) nn_rng_normal (&rng);
          x[1] = (float) nn_rng_normal (&rng);
        }
    }
  return d;
}

/* Class c has feature 0 around c - 1 at every step: averages suffice. */
static NnData *
level_data (int n, int T, guint64 seed)
{
  NnData *d = nn_data_new (n, T, 2, 0, 3);
  NnRng rng;
  nn_rng_init (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      int c = (int) nn_rng_below (&rng, 3);
      int len = 1 + (int) nn_rng_below (&rng, T);
      d->labels[i] = c;
      d->lengths[i] = len;
      for (int t = 0; t < len; t++)
        {
          float *x = d->x + ((size_t) i * T + t) * 2;
          x[0] = (float) (c - 1) + 0.5f * (float) nn_rng_normal (&rng);
          x[1] = (float) nn_rng_normal (&rng);
        }
    }
  return d;
}

static NnModel *
dense_model_act (int T, NnActivation act)
{
  NnModel *m = nn_model_new (2, 0, 3);
  NnLayerConfig a = config (8, act), head = config (3, NN_ACT_SOFTMAX);
  g_autoptr (GError) error = NULL;
  nn_model_add_layer (m, NN_LAYER_DENSE, &a, NULL);
  nn_model_add_layer (m, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  if (!nn_model_build (m, T, &error))
    g_error ("%s", error->message);
  nn_model_init (m, 1);
  return m;
}

static NnModel *
dense_model (int T)
{
  return dense_model_act (T, NN_ACT_TANH);
}

static NnModel *
gru_model (int T)
{
  NnModel *m = nn_model_new (2, 0, 3);
  NnLayerConfig gru = config (12, NN_ACT_TANH), head = config (3, NN_ACT_SOFTMAX);
  g_autoptr (GError) error = NULL;
  nn_model_add_layer (m, NN_LAYER_GRU, &gru, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  if (!nn_model_build (m, T, &error))
    g_error ("%s", error->message);
  nn_model_init (m, 1);
  return m;
}

static gboolean
gru_available (void)
{
  const NnLayerOps *ops = nn_layer_ops_for_kind (NN_LAYER_GRU);
  return ops->forward != NULL && ops->backward != NULL;
}

static void
base_config (NnTrainConfig *cfg)
{
  nn_train_config_default (cfg);
  nn_optim_config_default (&cfg->optim, NN_OPTIM_ADAM);
  cfg->optim.lr = 0.01f;
  cfg->batch_size = 32;
  cfg->seed = 42;
}

static double
last (const NnHistory *h, gboolean val)
{
  const NnEpochStats *s = &g_array_index (h->epochs, NnEpochStats, h->epochs->len - 1);
  return val ? s->val_accuracy : s->accuracy;
}

/* Like level_data, but class 2 (level +1) is rare: one row in rare_every,
 * the rest split between classes 0 and 1; the levels overlap (noise 0.8). */
static NnData *
imbalanced_level_data (int n, int T, int rare_every, guint64 seed)
{
  NnData *d = nn_data_new (n, T, 2, 0, 3);
  NnRng rng;
  nn_rng_init (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      int c = i % rare_every == 0 ? 2 : (int) nn_rng_below (&rng, 2);
      d->labels[i] = c;
      d->lengths[i] = T;
      for (int t = 0; t < T; t++)
        {
          float *x = d->x + ((size_t) i * T + t) * 2;
          x[0] = (float) (c - 1) + 0.8f * (float) nn_rng_normal (&rng) * sqrtf ((float) T);
          x[1] = (float) nn_rng_normal (&rng);
        }
    }
  return d;
}

/* Recall of class c: the share of its rows whose highest probability is c. */
static double
recall_of (const NnModel *m, const NnData *data, int c)
{
  g_autofree float *probs = g_new (float, (size_t) data->n * 3);
  g_autoptr (GError) error = NULL;
  int hit = 0, total = 0;

  g_assert_true (nn_model_predict (m, data, probs, 1, &error));
  for (int i = 0; i < data->n; i++)
    if (data->labels[i] == c)
      {
        const float *p = probs + (size_t) i * 3;
        total++;
        hit += p[c] > p[(c + 1) % 3] && p[c] > p[(c + 2) % 3];
      }
  return total > 0 ? (double) hit / total : 0.0;
}

/* ---- learning ---- */

/* Dense + average pooling separates classes by their level: validation
 * accuracy must reach 90 % (chance is 33 %). */
static void
test_learn_dense (void)
{
  g_autoptr (NnData) train = level_data (600, 10, 1);
  g_autoptr (NnData) val = level_data (300, 10, 2);
  g_autoptr (NnModel) m = dense_model (10);
  g_autoptr (NnHistory) h = nn_history_new ();
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;
  double acc;

  base_config (&cfg);
  cfg.epochs = 8;
  g_assert_true (nn_train (m, train, val, &cfg, NULL, h, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h->epochs->len, ==, 8);
  g_assert_true (nn_model_evaluate (m, val, NULL, 1, NULL, &acc, &error));
  g_test_message ("dense: val accuracy %.3f (last epoch %.3f)", acc, last (h, TRUE));
  g_assert_cmpfloat (acc, >=, 0.90);
  /* the loss went down */
  g_assert_cmpfloat (g_array_index (h->epochs, NnEpochStats, 7).loss, <,
                     g_array_index (h->epochs, NnEpochStats, 0).loss);
}

/* With one rare class in 25, plain cross entropy rarely predicts it where the
 * levels overlap; the logit-adjusted loss (class priors in the loss) must
 * find clearly more of it, scored on data where it is as common as the rest,
 * and the mean recall over the classes (balanced accuracy) must rise: the
 * common classes give up less than the rare one gains. */
static void
test_logit_adjust_finds_rare_class (void)
{
  g_autoptr (NnData) train = imbalanced_level_data (1500, 4, 25, 1);
  g_autoptr (NnData) test = imbalanced_level_data (900, 4, 3, 2);
  double recall[2], common[2], balanced[2];

  for (int adjusted = 0; adjusted < 2; adjusted++)
    {
      g_autoptr (NnModel) m = dense_model (4);
      g_autoptr (GError) error = NULL;
      NnTrainConfig cfg;

      base_config (&cfg);
      cfg.epochs = 10;
      cfg.loss.logit_adjust = adjusted ? 1.0f : 0.0f;
      g_assert_true (nn_train (m, train, NULL, &cfg, NULL, NULL, &error));
      g_assert_no_error (error);
      recall[adjusted] = recall_of (m, test, 2);
      common[adjusted] = (recall_of (m, test, 0) + recall_of (m, test, 1)) / 2.0;
      balanced[adjusted] = (2.0 * common[adjusted] + recall[adjusted]) / 3.0;
    }
  g_test_message ("rare-class recall: plain %.3f, logit-adjusted %.3f; common classes %.3f, %.3f",
                  recall[0], recall[1], common[0], common[1]);
  g_assert_cmpfloat (recall[1], >=, recall[0] + 0.15);
  g_assert_cmpfloat (recall[1], >=, 0.6);
  g_assert_cmpfloat (balanced[1], >=, balanced[0] + 0.05);
}

/* ---- class-balanced sampling ---- */

/* Drawn a million times, class c comes up in proportion to n_c^q and every
 * row of a class equally often: chi-square bounds far above what chance
 * gives (about 3 for 3 degrees of freedom) and far below what a wrong power
 * gives. */
static void
test_class_sampler_frequencies (void)
{
  static const int counts[4] = { 800, 150, 40, 10 };
  static const float powers[3] = { 0.0f, 0.5f, 1.0f };
  enum { N = 1000, DRAWS = 1000000 };
  g_autofree int *labels = g_new (int, N);
  g_autofree int *rows = g_new (int, DRAWS);
  int n = 0;

  for (int c = 0; c < 4; c++)
    for (int i = 0; i < counts[c]; i++)
      labels[n++] = c;
  g_assert_cmpint (n, ==, N);
  for (int k = 0; k < 3; k++)
    {
      g_autoptr (NnClassSampler) sampler = nn_class_sampler_new (labels, N, 4, powers[k]);
      double drawn[4] = { 0 }, rare_rows[10] = { 0 }, norm = 0.0, chi2 = 0.0, chi2_rows = 0.0;
      NnRng rng;

      nn_rng_init (&rng, 5 + k);
      nn_class_sampler_draw (sampler, &rng, rows, DRAWS);
      for (int i = 0; i < DRAWS; i++)
        {
          g_assert_cmpint (rows[i], >=, 0);
          g_assert_cmpint (rows[i], <, N);
          drawn[labels[rows[i]]]++;
          if (labels[rows[i]] == 3)
            rare_rows[rows[i] - (N - 10)]++;
        }
      for (int c = 0; c < 4; c++)
        norm += pow (counts[c], powers[k]);
      for (int c = 0; c < 4; c++)
        {
          double expected = DRAWS * pow (counts[c], powers[k]) / norm;
          chi2 += (drawn[c] - expected) * (drawn[c] - expected) / expected;
        }
      for (int r = 0; r < 10; r++)
        {
          double expected = drawn[3] / 10.0;
          chi2_rows += (rare_rows[r] - expected) * (rare_rows[r] - expected) / expected;
        }
      g_test_message ("power %.1f: classes drawn %.0f %.0f %.0f %.0f, chi2 %.2f, rows of the rarest %.2f",
                      powers[k], drawn[0], drawn[1], drawn[2], drawn[3], chi2, chi2_rows);
      g_assert_cmpfloat (chi2, <, 25.0);
      g_assert_cmpfloat (chi2_rows, <, 40.0);
    }
}

/* Sampling runs are reproducible for a seed and differ from the shuffle's. */
static void
test_class_sampling_reproducible (void)
{
  g_autoptr (NnData) train = imbalanced_level_data (300, 4, 10, 3);
  NnModel *runs[3];

  for (int r = 0; r < 3; r++)
    {
      g_autoptr (GError) error = NULL;
      NnTrainConfig cfg;
      base_config (&cfg);
      cfg.epochs = 3;
      cfg.class_sampling = r < 2;
      cfg.sampling_power = 0.0f;
      runs[r] = dense_model (4);
      g_assert_true (nn_train (runs[r], train, NULL, &cfg, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (memcmp (runs[0]->params, runs[1]->params, runs[0]->n_params * sizeof (float)), ==, 0);
  g_assert_cmpint (memcmp (runs[0]->params, runs[2]->params, runs[0]->n_params * sizeof (float)), !=, 0);
  for (int r = 0; r < 3; r++)
    nn_model_free (runs[r]);
}

/* Drawing every class equally often finds the rare class as the
 * logit-adjusted loss does. */
static void
test_class_sampling_finds_rare_class (void)
{
  g_autoptr (NnData) train = imbalanced_level_data (1500, 4, 25, 1);
  g_autoptr (NnData) test = imbalanced_level_data (900, 4, 3, 2);
  double recall[2];

  for (int sampled = 0; sampled < 2; sampled++)
    {
      g_autoptr (NnModel) m = dense_model (4);
      g_autoptr (GError) error = NULL;
      NnTrainConfig cfg;

      base_config (&cfg);
      cfg.epochs = 10;
      cfg.class_sampling = sampled;
      cfg.sampling_power = 0.0f;
      g_assert_true (nn_train (m, train, NULL, &cfg, NULL, NULL, &error));
      g_assert_no_error (error);
      recall[sampled] = recall_of (m, test, 2);
    }
  g_test_message ("rare-class recall: shuffled %.3f, class-balanced sampling %.3f", recall[0], recall[1]);
  g_assert_cmpfloat (recall[1], >=, recall[0] + 0.15);
  g_assert_cmpfloat (recall[1], >=, 0.6);
}

/* ---- deferred re-weighting ---- */

static const float drw_weights[3] = { 0.5f, 1.0f, 4.0f };

static void
keep_epoch_two_cb (const NnTrainCheckpoint *cp, gpointer user_data)
{
  NnTrainCheckpoint **copy = user_data;
  if (cp->epochs_done == 2)
    *copy = nn_train_checkpoint_copy (cp);
}

/* Re-weighting from epoch 3: the first two epochs are those of the plain
 * loss, bit for bit, and the rest those of the weighted, logit-adjusted loss
 * (a plain run's epoch-2 state trained on with the weighted loss ends with the
 * same weights). */
static void
test_deferred_reweighting_switches (void)
{
  g_autoptr (NnData) train = imbalanced_level_data (200, 4, 8, 3);
  g_autoptr (NnData) val = imbalanced_level_data (60, 4, 8, 4);
  g_autoptr (NnModel) deferred2 = dense_model (4);
  g_autoptr (NnModel) plain2 = dense_model (4);
  g_autoptr (NnModel) deferred4 = dense_model (4);
  g_autoptr (NnModel) plain4 = dense_model (4);
  g_autoptr (NnModel) switched = dense_model (4);
  g_autoptr (NnHistory) h_deferred = nn_history_new ();
  g_autoptr (NnHistory) h_switched = nn_history_new ();
  g_autoptr (NnTrainCheckpoint) at_two = NULL;
  g_autoptr (GError) error = NULL;
  NnTrainCallbacks keep = { NULL, NULL, &at_two, keep_epoch_two_cb };
  NnTrainConfig plain, weighted, deferred;

  base_config (&plain);
  plain.restore_best = FALSE;
  plain.epochs = 2;
  weighted = plain;
  weighted.loss.class_weights = drw_weights;
  weighted.loss.logit_adjust = 1.0f;
  deferred = weighted;
  deferred.reweight_from_epoch = 3;

  g_assert_true (nn_train (deferred2, train, val, &deferred, NULL, NULL, &error));
  g_assert_true (nn_train (plain2, train, val, &plain, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (memcmp (deferred2->params, plain2->params, plain2->n_params * sizeof (float)), ==, 0);

  deferred.epochs = weighted.epochs = plain.epochs = 4;
  g_assert_true (nn_train (deferred4, train, val, &deferred, NULL, h_deferred, &error));
  g_assert_true (nn_train (plain4, train, val, &plain, &keep, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (at_two);
  g_assert_cmpint (memcmp (deferred4->params, plain4->params, plain4->n_params * sizeof (float)), !=, 0);
  /* the checkpoint carries no loss: going on from it with the weighted loss */
  weighted.reweight_from_epoch = 0;
  g_assert_true (nn_train_resume (switched, train, val, &weighted, at_two, NULL, h_switched, &error));
  g_assert_no_error (error);
  g_assert_cmpint (memcmp (deferred4->params, switched->params, switched->n_params * sizeof (float)), ==, 0);
  for (int e = 0; e < 4; e++)
    g_assert_cmpfloat (g_array_index (h_deferred->epochs, NnEpochStats, e).val_loss, ==,
                       g_array_index (h_switched->epochs, NnEpochStats, e).val_loss);
}

/* With a learning rate of 0 the weights never change, so the first epoch
 * keeps the lowest validation loss of the plain loss; after the switch to the
 * weighted loss the best epoch and early stopping's count start afresh: the
 * best epoch is the switch, and patience 2 stops two epochs after it. */
static void
test_deferred_reweighting_resets_best (void)
{
  g_autoptr (NnData) train = imbalanced_level_data (100, 4, 8, 5);
  g_autoptr (NnData) val = imbalanced_level_data (40, 4, 8, 6);
  g_autoptr (NnModel) m = dense_model (4);
  g_autoptr (NnHistory) h = nn_history_new ();
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;

  base_config (&cfg);
  cfg.optim.lr = 0.0f;
  cfg.epochs = 10;
  cfg.patience = 2;
  cfg.loss.class_weights = drw_weights;
  cfg.reweight_from_epoch = 3;
  g_assert_true (nn_train (m, train, val, &cfg, NULL, h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (h->best_epoch, ==, 2);
  g_assert_cmpuint (h->epochs->len, ==, 5);
  g_assert_true (h->stopped_early);
  g_assert_cmpfloat (h->best_loss, ==, g_array_index (h->epochs, NnEpochStats, 2).val_loss);

  /* from the start (0): the first epoch is the best and patience stops the run at the third */
  cfg.reweight_from_epoch = 0;
  g_assert_true (nn_train (m, train, val, &cfg, NULL, h, &error));
  g_assert_cmpint (h->best_epoch, ==, 0);
  g_assert_cmpuint (h->epochs->len, ==, 3);
}

/* A GRU tells rising from falling from flat sequences of equal mean: 90 %. */
static void
test_learn_gru (void)
{
  g_autoptr (NnData) train = NULL;
  g_autoptr (NnData) val = NULL;
  g_autoptr (NnModel) m = NULL;
  g_autoptr (NnHistory) h = nn_history_new ();
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;
  double acc;

  if (!gru_available ())
    {
      g_test_skip ("GRU not available yet");
      return;
    }
  train = trend_data (600, 12, 3);
  val = trend_data (300, 12, 4);
  m = gru_model (12);
  base_config (&cfg);
  cfg.epochs = 12;
  g_assert_true (nn_train (m, train, val, &cfg, NULL, h, &error));
  g_assert_no_error (error);
  g_assert_true (nn_model_evaluate (m, val, NULL, 1, NULL, &acc, &error));
  g_test_message ("gru: val accuracy %.3f after %u epochs", acc, h->epochs->len);
  g_assert_cmpfloat (acc, >=, 0.90);
}

/* ---- reproducibility ---- */

static void
train_copy (const NnModel *init, const NnData *train, const NnData *val, int threads,
            NnModel **out_model, NnHistory **out_history)
{
  NnModel *m = nn_model_copy (init);
  NnHistory *h = nn_history_new ();
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;

  base_config (&cfg);
  cfg.epochs = 3;
  cfg.threads = threads;
  g_assert_true (nn_train (m, train, val, &cfg, NULL, h, &error));
  g_assert_no_error (error);
  *out_model = m;
  *out_history = h;
}

static void
assert_same_run (NnModel *a, NnHistory *ha, NnModel *b, NnHistory *hb)
{
  g_assert_cmpuint (ha->epochs->len, ==, hb->epochs->len);
  for (guint e = 0; e < ha->epochs->len; e++)
    {
      NnEpochStats *x = &g_array_index (ha->epochs, NnEpochStats, e);
      NnEpochStats *y = &g_array_index (hb->epochs, NnEpochStats, e);
      g_assert_cmpfloat (x->loss, ==, y->loss);
      g_assert_cmpfloat (x->val_loss, ==, y->val_loss);
      g_assert_cmpfloat (x->accuracy, ==, y->accuracy);
    }
  g_assert_cmpint (memcmp (a->params, b->params, a->n_params * sizeof (float)), ==, 0);
}

static void
check_reproducible (NnModel *init, const NnData *train, const NnData *val)
{
  NnModel *m1, *m1b, *m2, *m2b;
  NnHistory *h1, *h1b, *h2, *h2b;
  double l1, l2;

  train_copy (init, train, val, 1, &m1, &h1);
  train_copy (init, train, val, 1, &m1b, &h1b);
  train_copy (init, train, val, 2, &m2, &h2);
  train_copy (init, train, val, 2, &m2b, &h2b);

  /* same seed, same thread count: bitwise the same */
  assert_same_run (m1, h1, m1b, h1b);
  assert_same_run (m2, h2, m2b, h2b);
  /* and the training really changed the weights */
  g_assert_cmpint (memcmp (init->params, m1->params, init->n_params * sizeof (float)), !=, 0);

  /* two threads compute the same gradients up to rounding */
  l1 = g_array_index (h1->epochs, NnEpochStats, 0).loss;
  l2 = g_array_index (h2->epochs, NnEpochStats, 0).loss;
  g_test_message ("epoch 0 loss: 1 thread %.9g, 2 threads %.9g; last val loss %.6g vs %.6g", l1, l2,
                  g_array_index (h1->epochs, NnEpochStats, 2).val_loss,
                  g_array_index (h2->epochs, NnEpochStats, 2).val_loss);
  g_assert_cmpfloat (fabs (l1 - l2), <=, 1e-4 * fabs (l1));
  g_assert_cmpfloat (fabs (g_array_index (h1->epochs, NnEpochStats, 2).val_loss
                           - g_array_index (h2->epochs, NnEpochStats, 2).val_loss),
                     <=, 1e-3);
  tu_assert_close ("threads 2 vs 1 weights", m2->params, m1->params, m1->n_params, 1e-3);

  nn_model_free (m1);
  nn_model_free (m1b);
  nn_model_free (m2);
  nn_model_free (m2b);
  nn_history_free (h1);
  nn_history_free (h1b);
  nn_history_free (h2);
  nn_history_free (h2b);
}

static void
test_reproducible_dense (void)
{
  g_autoptr (NnData) train = level_data (200, 10, 5);
  g_autoptr (NnData) val = level_data (70, 10, 6);
  g_autoptr (NnModel) init = dense_model (10);
  check_reproducible (init, train, val);
}

static void
test_reproducible_gru (void)
{
  g_autoptr (NnData) train = NULL;
  g_autoptr (NnData) val = NULL;
  g_autoptr (NnModel) init = NULL;
  if (!gru_available ())
    {
      g_test_skip ("GRU not available yet");
      return;
    }
  train = trend_data (200, 12, 7);
  val = trend_data (70, 12, 8);
  init = gru_model (12);
  check_reproducible (init, train, val);
}

/* Dropout masks and batch-norm statistics are reproducible too, with either
 * thread count; the running statistics move (one thread writes them). */
static void
test_reproducible_dropout_batch_norm (void)
{
  g_autoptr (NnData) train = level_data (150, 10, 15);
  g_autoptr (NnModel) init = nn_model_new (2, 0, 3);
  NnLayerConfig conv = config (6, NN_ACT_RELU), drop = config (0, NN_ACT_LINEAR),
                bn = config (0, NN_ACT_LINEAR), head = config (3, NN_ACT_SOFTMAX);
  g_autoptr (GError) error = NULL;

  conv.padding = NN_PADDING_SAME;
  drop.rate = 0.3f;
  nn_model_add_layer (init, NN_LAYER_CONV1D, &conv, NULL);
  nn_model_add_layer (init, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);
  nn_model_add_layer (init, NN_LAYER_BATCH_NORM, &bn, NULL);
  nn_model_add_layer (init, NN_LAYER_DROPOUT, &drop, NULL);
  nn_model_add_layer (init, NN_LAYER_DENSE, &head, NULL);
  if (!nn_model_build (init, 10, &error))
    {
      g_test_skip (error->message);
      return;
    }
  nn_model_init (init, 2);
  g_assert_cmpuint (init->n_state, >, 0);
  for (int threads = 1; threads <= 2; threads++)
    {
      NnModel *runs[2];
      for (int r = 0; r < 2; r++)
        {
          NnTrainConfig cfg;
          runs[r] = nn_model_copy (init);
          base_config (&cfg);
          cfg.epochs = 2;
          cfg.threads = threads;
          cfg.restore_best = FALSE;
          g_assert_true (nn_train (runs[r], train, NULL, &cfg, NULL, NULL, &error));
          g_assert_no_error (error);
        }
      g_assert_cmpint (memcmp (runs[0]->params, runs[1]->params,
                               init->n_params * sizeof (float)), ==, 0);
      g_assert_cmpint (memcmp (runs[0]->state, runs[1]->state,
                               init->n_state * sizeof (float)), ==, 0);
      g_assert_cmpint (memcmp (runs[0]->state, init->state, init->n_state * sizeof (float)), !=, 0);
      for (size_t i = 0; i < init->n_state; i++)
        g_assert_true (isfinite (runs[0]->state[i]));
      nn_model_free (runs[0]);
      nn_model_free (runs[1]);
    }
}

/* ---- early stopping and callbacks ---- */

/* Random labels: the model can only overfit, so validation loss soon rises. */
static void
test_early_stopping_restores_best (void)
{
  g_autoptr (NnData) train = level_data (48, 6, 9);
  g_autoptr (NnData) val = level_data (48, 6, 10);
  g_autoptr (NnModel) m = dense_model (6);
  g_autoptr (NnHistory) h = nn_history_new ();
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;
  NnRng rng;
  double val_loss, best = INFINITY;
  int best_epoch = -1;

  nn_rng_init (&rng, 3);
  for (int i = 0; i < train->n; i++)
    train->labels[i] = (int) nn_rng_below (&rng, 3);
  for (int i = 0; i < val->n; i++)
    val->labels[i] = (int) nn_rng_below (&rng, 3);
  base_config (&cfg);
  cfg.optim.lr = 0.05f;
  cfg.batch_size = 8;
  cfg.epochs = 200;
  cfg.patience = 3;
  cfg.restore_best = TRUE;
  g_assert_true (nn_train (m, train, val, &cfg, NULL, h, &error));
  g_assert_no_error (error);
  g_assert_true (h->stopped_early);
  g_assert_cmpuint (h->epochs->len, <, 200);
  for (guint e = 0; e < h->epochs->len; e++)
    {
      double v = g_array_index (h->epochs, NnEpochStats, e).val_loss;
      if (v < best)
        {
          best = v;
          best_epoch = (int) e;
        }
    }
  g_assert_cmpint (h->best_epoch, ==, best_epoch);
  g_assert_cmpfloat (h->best_loss, ==, best);
  g_assert_cmpuint (h->epochs->len, ==, best_epoch + 1 + cfg.patience);
  /* the model now has the best epoch's weights, not the last ones */
  g_assert_true (nn_model_evaluate (m, val, NULL, 1, &val_loss, NULL, &error));
  g_test_message ("best epoch %d val loss %.6g, last %.6g, restored model %.6g", best_epoch, best,
                  g_array_index (h->epochs, NnEpochStats, h->epochs->len - 1).val_loss, val_loss);
  g_assert_cmpfloat (fabs (val_loss - best), <, 1e-5);
  g_assert_cmpfloat (fabs (val_loss - g_array_index (h->epochs, NnEpochStats,
                                                     h->epochs->len - 1).val_loss), >, 1e-4);
}

typedef struct
{
  int batches;
  int epochs;
  int stop_after_batches;   /* on_batch says stop after this many calls (0 = never) */
  int stop_after_epochs;
  int last_n_batches;
} Counter;

static gboolean
count_batch (int epoch, int batch, int n_batches, double loss, gpointer user_data)
{
  Counter *c = user_data;
  g_assert_true (isfinite (loss));
  g_assert_cmpint (batch, <, n_batches);
  c->last_n_batches = n_batches;
  c->batches++;
  return c->stop_after_batches == 0 || c->batches < c->stop_after_batches;
}

static gboolean
count_epoch (const NnEpochStats *stats, gpointer user_data)
{
  Counter *c = user_data;
  g_assert_cmpint (stats->epoch, ==, c->epochs);
  g_assert_true (isnan (stats->val_loss));
  g_assert_cmpfloat (stats->seconds, >=, 0.0);
  c->epochs++;
  return c->stop_after_epochs == 0 || c->epochs < c->stop_after_epochs;
}

static void
test_callbacks_stop (void)
{
  g_autoptr (NnData) train = level_data (100, 6, 11);
  g_autoptr (NnModel) m = dense_model (6);
  g_autoptr (NnHistory) h = nn_history_new ();
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;
  Counter c = { 0 };
  NnTrainCallbacks cb = { count_batch, count_epoch, &c };

  base_config (&cfg);
  cfg.epochs = 4;
  cfg.batch_size = 16;
  /* runs to the end: 7 batches per epoch */
  g_assert_true (nn_train (m, train, NULL, &cfg, &cb, h, &error));
  g_assert_cmpint (c.batches, ==, 4 * 7);
  g_assert_cmpint (c.epochs, ==, 4);
  g_assert_cmpint (c.last_n_batches, ==, 7);
  g_assert_cmpuint (h->epochs->len, ==, 4);

  /* a batch callback stops the run in the second epoch */
  memset (&c, 0, sizeof c);
  c.stop_after_batches = 10;
  g_assert_false (nn_train (m, train, NULL, &cfg, &cb, h, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (c.batches, ==, 10);
  g_assert_cmpuint (h->epochs->len, ==, 1);

  /* an epoch callback stops it after the second epoch */
  memset (&c, 0, sizeof c);
  c.stop_after_epochs = 2;
  g_assert_false (nn_train (m, train, NULL, &cfg, &cb, h, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_CANCELLED);
  g_assert_cmpint (c.epochs, ==, 2);
  g_assert_cmpuint (h->epochs->len, ==, 2);
}

static void
test_divergence (void)
{
  g_autoptr (NnData) train = level_data (100, 6, 12);
  /* no saturating activation: the weights can run away */
  g_autoptr (NnModel) m = dense_model_act (6, NN_ACT_LINEAR);
  g_autofree float *start = g_memdup2 (m->params, m->n_params * sizeof (float));
  g_autoptr (NnHistory) h = nn_history_new ();
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;

  base_config (&cfg);
  nn_optim_config_default (&cfg.optim, NN_OPTIM_SGD);
  cfg.optim.lr = 1e4f;
  cfg.epochs = 5;
  g_assert_false (nn_train (m, train, NULL, &cfg, NULL, h, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DIVERGED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "learning rate"));
  for (size_t i = 0; i < m->n_params; i++)
    g_assert_true (isfinite (m->params[i]));
  /* nothing better was seen: the starting weights are back */
  if (h->best_epoch < 0)
    g_assert_cmpint (memcmp (start, m->params, m->n_params * sizeof (float)), ==, 0);
}

static void
test_bad_settings (void)
{
  g_autoptr (NnData) train = level_data (20, 6, 13);
  g_autoptr (NnModel) m = dense_model (6);
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;

  base_config (&cfg);
  cfg.batch_size = 0;
  g_assert_false (nn_train (m, train, NULL, &cfg, NULL, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_clear_error (&error);

  base_config (&cfg);
  cfg.class_sampling = TRUE;
  cfg.sampling_power = 1.5f;
  g_assert_false (nn_train (m, train, NULL, &cfg, NULL, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "sampling power"));
  g_clear_error (&error);

  base_config (&cfg);
  cfg.loss.label_smoothing = 1.0f;
  g_assert_false (nn_train (m, train, NULL, &cfg, NULL, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "label smoothing"));
  g_clear_error (&error);

  base_config (&cfg);
  cfg.reweight_from_epoch = -2;
  g_assert_false (nn_train (m, train, NULL, &cfg, NULL, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "re-weighting from epoch -2"));
  g_clear_error (&error);

  base_config (&cfg);
  train->labels[3] = -1;
  g_assert_false (nn_train (m, train, NULL, &cfg, NULL, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "row 3"));
}

/* The learning rate in the history follows the schedule. */
static void
test_schedule_in_history (void)
{
  g_autoptr (NnData) train = level_data (40, 6, 14);
  g_autoptr (NnModel) m = dense_model (6);
  g_autoptr (NnHistory) h = nn_history_new ();
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;
  const float want[] = { 0.01f, 0.01f, 0.005f, 0.005f, 0.0025f };

  base_config (&cfg);
  cfg.epochs = 5;
  cfg.schedule.kind = NN_SCHEDULE_STEP;
  cfg.schedule.step_size = 2;
  cfg.schedule.gamma = 0.5f;
  g_assert_true (nn_train (m, train, NULL, &cfg, NULL, h, &error));
  for (int e = 0; e < 5; e++)
    g_assert_cmpfloat_with_epsilon (g_array_index (h->epochs, NnEpochStats, e).learning_rate,
                                    want[e], 1e-9);
}

/* ---- the two-thread team ---- */

/* nn_train with two threads gives each thread an optimiser over its half of
 * the parameters: that must give the numbers of one optimiser over all, for
 * every kind (each parameter's update reads only its own gradient and state). */
static void
test_optimizer_halves (void)
{
  enum { N = 37, SPLIT = 16, STEPS = 5 };
  const NnOptimKind kinds[] = { NN_OPTIM_SGD, NN_OPTIM_RMSPROP, NN_OPTIM_ADAM, NN_OPTIM_ADAMW };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      NnOptimConfig cfg;
      g_autoptr (NnOptimizer) whole = NULL;
      g_autoptr (NnOptimizer) lo = NULL;
      g_autoptr (NnOptimizer) hi = NULL;
      float a[N], b[N], g[N];
      NnRng rng;

      nn_optim_config_default (&cfg, kinds[k]);
      cfg.l2 = 1e-3f;
      whole = nn_optimizer_new (&cfg, N);
      lo = nn_optimizer_new (&cfg, SPLIT);
      hi = nn_optimizer_new (&cfg, N - SPLIT);
      nn_rng_init (&rng, 3 + k);
      for (int i = 0; i < N; i++)
        a[i] = b[i] = (float) nn_rng_normal (&rng);
      for (int s = 0; s < STEPS; s++)
        {
          for (int i = 0; i < N; i++)
            g[i] = (float) nn_rng_normal (&rng);
          nn_optimizer_step (whole, a, g, cfg.lr);
          nn_optimizer_step (lo, b, g, cfg.lr);
          nn_optimizer_step (hi, b + SPLIT, g + SPLIT, cfg.lr);
        }
      g_assert_cmpint (memcmp (a, b, sizeof a), ==, 0);
    }
}

/* Many tiny batches hand over between the threads thousands of times (batch,
 * then optimiser step); batches of 3 rows are not split.  Every run, with
 * validation and clipping or without, must end with the same numbers. */
static void
test_two_threads_many_batches (void)
{
  g_autoptr (NnData) train = level_data (402, 3, 8);
  g_autoptr (NnData) val = level_data (61, 3, 9);
  g_autoptr (NnModel) init = dense_model (3);

  for (int variant = 0; variant < 4; variant++)
    {
      g_autofree float *first = NULL;
      double first_loss = 0.0;

      for (int run = 0; run < 5; run++)
        {
          g_autoptr (NnModel) m = nn_model_copy (init);
          g_autoptr (NnHistory) h = nn_history_new ();
          g_autoptr (GError) error = NULL;
          NnTrainConfig cfg;
          double loss;

          base_config (&cfg);
          cfg.epochs = 3;
          cfg.threads = 2;
          cfg.batch_size = variant % 2 == 0 ? 4 : 3;
          cfg.clip_norm = variant >= 2 ? 0.5f : 0.0f;
          g_assert_true (nn_train (m, train, variant >= 2 ? val : NULL, &cfg, NULL, h, &error));
          g_assert_no_error (error);
          loss = g_array_index (h->epochs, NnEpochStats, 2).loss;
          if (run == 0)
            {
              first = g_memdup2 (m->params, m->n_params * sizeof (float));
              first_loss = loss;
              g_assert_cmpint (memcmp (init->params, first, m->n_params * sizeof (float)), !=, 0);
            }
          else
            {
              g_assert_cmpfloat (loss, ==, first_loss);
              g_assert_cmpint (memcmp (m->params, first, m->n_params * sizeof (float)), ==, 0);
            }
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nn_blas_set_threads (1);

  g_test_add_func ("/train/learn-dense", test_learn_dense);
  g_test_add_func ("/train/learn-gru", test_learn_gru);
  g_test_add_func ("/train/logit-adjust-finds-rare-class", test_logit_adjust_finds_rare_class);
  g_test_add_func ("/train/class-sampler-frequencies", test_class_sampler_frequencies);
  g_test_add_func ("/train/class-sampling-reproducible", test_class_sampling_reproducible);
  g_test_add_func ("/train/class-sampling-finds-rare-class", test_class_sampling_finds_rare_class);
  g_test_add_func ("/train/deferred-reweighting-switches", test_deferred_reweighting_switches);
  g_test_add_func ("/train/deferred-reweighting-resets-best", test_deferred_reweighting_resets_best);
  g_test_add_func ("/train/reproducible-dense", test_reproducible_dense);
  g_test_add_func ("/train/reproducible-gru", test_reproducible_gru);
  g_test_add_func ("/train/reproducible-dropout-batch-norm", test_reproducible_dropout_batch_norm);
  g_test_add_func ("/train/early-stopping-restores-best", test_early_stopping_restores_best);
  g_test_add_func ("/train/callbacks-stop", test_callbacks_stop);
  g_test_add_func ("/train/divergence", test_divergence);
  g_test_add_func ("/train/bad-settings", test_bad_settings);
  g_test_add_func ("/train/schedule-in-history", test_schedule_in_history);
  g_test_add_func ("/train/optimizer-halves", test_optimizer_halves);
  g_test_add_func ("/train/two-threads-many-batches", test_two_threads_many_batches);
  return g_test_run ();
}
