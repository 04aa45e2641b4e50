/* test-object-history.c: the validation pass records every object's
 * probabilities at every epoch (the same numbers a prediction gives), and
 * the questions asked of the record. */
#include <string.h>

#include "nn.h"
#include "testutil.h"

static NnData *
labelled_data (int n, guint64 seed)
{
  NnData *d = nn_data_new (n, 6, 2, 0, 3);
  NnRng rng;
  nn_rng_init (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      d->lengths[i] = 2 + i % 5;
      d->labels[i] = i % 3;
      for (int t = 0; t < d->lengths[i]; t++)
        for (int f = 0; f < 2; f++)
          d->x[((size_t) i * 6 + t) * 2 + f] = (float) (nn_rng_normal (&rng) + d->labels[i] * f);
    }
  return d;
}

static void
record_during_training (int threads)
{
  g_autoptr (NnData) train = labelled_data (60, 1);
  g_autoptr (NnData) val = labelled_data (37, 2);
  g_autoptr (NnModel) m = nn_model_new (2, 0, 3);
  g_autoptr (NnObjectHistory) h = nn_object_history_new (val->labels, val->n, 3, 5);
  g_autoptr (GError) error = NULL;
  g_autofree float *probs = g_new (float, val->n * 3);
  NnLayerConfig gru, head;
  NnTrainConfig cfg;
  NnTrainCallbacks cb = { 0 };

  nn_layer_config_default (&gru);
  gru.units = 5;
  nn_layer_config_default (&head);
  head.units = 3;
  head.activation = NN_ACT_SOFTMAX;
  nn_model_add_layer (m, NN_LAYER_GRU, &gru, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  g_assert_true (nn_model_build (m, 6, NULL));
  nn_model_init (m, 3);
  nn_train_config_default (&cfg);
  cfg.epochs = 5;
  cfg.batch_size = 8;
  cfg.threads = threads;
  cfg.optim.lr = 0.05f;
  cfg.restore_best = FALSE;
  cb.object_history = h;
  g_assert_true (nn_train (m, train, val, &cfg, &cb, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (h->n_epochs, ==, 5);

  /* the last epoch's record is the final model's prediction */
  g_assert_true (nn_model_predict (m, val, probs, 1, &error));
  tu_assert_close ("last epoch", h->probs + (size_t) 4 * val->n * 3, probs, val->n * 3, 1e-5);
  /* the epochs differ: the record is not one epoch copied five times */
  g_assert_cmpint (memcmp (h->probs, h->probs + (size_t) 4 * val->n * 3, val->n * 3 * sizeof (float)),
                   !=, 0);
}

static void
test_record_one_thread (void)
{
  record_during_training (1);
}

static void
test_record_two_threads (void)
{
  record_during_training (2);
}

/* A record written by hand: one-hot probabilities of the given classes. */
static NnObjectHistory *
history_of (const int *labels, int n, int epochs, const int *predicted)
{
  NnObjectHistory *h = nn_object_history_new (labels, n, 3, epochs);
  for (int e = 0; e < epochs; e++)
    {
      float *p = nn_object_history_next (h);
      memset (p, 0, n * 3 * sizeof (float));
      for (int i = 0; i < n; i++)
        p[i * 3 + predicted[e * n + i]] = 1.0f;
      nn_object_history_commit (h);
    }
  g_assert_null (nn_object_history_next (h));
  return h;
}

static void
assert_objects (GArray *got, const int *want, int n)
{
  g_assert_cmpuint (got->len, ==, n);
  for (int i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (got, int, i), ==, want[i]);
  g_array_unref (got);
}

static void
test_queries (void)
{
  /* objects: 0 right from the start, 1 learned at epoch 2, 2 never right,
   * 3 right then wrong at the end, 4 unlabelled, 5 flips late but learned at 3 */
  const int labels[] = { 0, 1, 2, 0, -1, 1 };
  const int pred[] = {
    0, 0, 0, 0, 1, 0,
    0, 2, 1, 0, 1, 2,
    0, 1, 0, 0, 1, 0,
    0, 1, 1, 1, 2, 1,
  };
  const int pred_b[] = {
    0, 1, 2, 0, 0, 0,
  };
  g_autoptr (NnObjectHistory) a = history_of (labels, 6, 4, pred);
  g_autoptr (NnObjectHistory) b = history_of (labels, 6, 1, pred_b);
  GArray *fixed, *broken;

  g_assert_cmpint (nn_object_history_learned_epoch (a, 0), ==, 0);
  g_assert_cmpint (nn_object_history_learned_epoch (a, 1), ==, 2);
  g_assert_cmpint (nn_object_history_learned_epoch (a, 2), ==, -1);
  g_assert_cmpint (nn_object_history_learned_epoch (a, 3), ==, -1);
  g_assert_cmpint (nn_object_history_learned_epoch (a, 4), ==, -1);
  g_assert_cmpint (nn_object_history_learned_epoch (a, 5), ==, 3);
  g_assert_cmpint (nn_object_history_predicted (a, 1, 5), ==, 2);
  assert_objects (nn_object_history_learned_at (a, 2), (int[]) { 1 }, 1);
  assert_objects (nn_object_history_learned_at (a, 0), (int[]) { 0 }, 1);
  assert_objects (nn_object_history_always_wrong (a), (int[]) { 2 }, 1);
  assert_objects (nn_object_history_flipped_after (a, 3), (int[]) { 2, 3, 4, 5 }, 4);
  assert_objects (nn_object_history_flipped_after (a, 0), (int[]) { 1, 2, 3, 4, 5 }, 5);

  /* b fixes 2 and 3 and breaks 5; 0 and 1 right in both, 4 has no label */
  g_assert_true (nn_object_history_compare (a, b, &fixed, &broken));
  assert_objects (fixed, (int[]) { 2, 3 }, 2);
  assert_objects (broken, (int[]) { 5 }, 1);
  {
    const int other[] = { 0, 1, 2, 0, -1, 2 };
    g_autoptr (NnObjectHistory) c = history_of (other, 6, 1, pred_b);
    g_assert_false (nn_object_history_compare (a, c, &fixed, &broken));
  }
}

/* A snapshot keeps the epochs recorded so far and only the room asked for;
 * the original goes on recording untouched by it. */
static void
test_copy_epochs (void)
{
  const int labels[] = { 0, 1 };
  const int pred[] = {
    1, 0,
    0, 0,
    0, 1,
  };
  g_autoptr (NnObjectHistory) h = history_of (labels, 2, 3, pred);
  g_autoptr (NnObjectHistory) snap = nn_object_history_copy_epochs (h, 3);
  g_autoptr (NnObjectHistory) first = nn_object_history_copy_epochs (h, 2);
  g_autoptr (NnObjectHistory) roomy = nn_object_history_copy_epochs (h, 5);
  g_autoptr (NnObjectHistory) none = nn_object_history_copy_epochs (h, 0);

  g_assert_cmpint (snap->n_epochs, ==, 3);
  g_assert_cmpint (snap->max_epochs, ==, 3);
  g_assert_null (nn_object_history_next (snap));
  g_assert_cmpmem (snap->probs, 3 * 2 * 3 * sizeof (float), h->probs, 3 * 2 * 3 * sizeof (float));
  for (int e = 0; e < 3; e++)
    for (int i = 0; i < 2; i++)
      g_assert_cmpint (nn_object_history_predicted (snap, e, i), ==, pred[e * 2 + i]);

  /* fewer epochs than recorded: the first ones */
  g_assert_cmpint (first->n_epochs, ==, 2);
  g_assert_cmpint (first->max_epochs, ==, 2);
  g_assert_cmpint (nn_object_history_learned_epoch (first, 0), ==, 1);
  g_assert_cmpint (nn_object_history_learned_epoch (first, 1), ==, -1);
  g_assert_cmpint (nn_object_history_learned_epoch (h, 1), ==, 2);

  /* more room: recording goes on in the copy alone */
  g_assert_cmpint (roomy->n_epochs, ==, 3);
  g_assert_cmpint (roomy->max_epochs, ==, 5);
  nn_object_history_record (roomy, (const float[]) { 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 1.0f });
  g_assert_cmpint (roomy->n_epochs, ==, 4);
  g_assert_cmpint (nn_object_history_predicted (roomy, 3, 0), ==, 2);
  g_assert_cmpint (h->n_epochs, ==, 3);
  g_assert_cmpint (roomy->labels[1], ==, 1);
  roomy->labels[1] = -1;
  g_assert_cmpint (h->labels[1], ==, 1);

  g_assert_cmpint (none->n_epochs, ==, 0);
  g_assert_cmpint (none->n_objects, ==, 2);
  g_assert_null (nn_object_history_next (none));
}

static void
test_wrong_size_refused (void)
{
  g_autoptr (NnData) train = labelled_data (20, 1);
  g_autoptr (NnData) val = labelled_data (7, 2);
  g_autoptr (NnModel) m = nn_model_new (2, 0, 3);
  g_autoptr (NnObjectHistory) h = nn_object_history_new (NULL, 8, 3, 2);
  g_autoptr (GError) error = NULL;
  NnLayerConfig head;
  NnTrainConfig cfg;
  NnTrainCallbacks cb = { 0 };

  nn_layer_config_default (&head);
  head.units = 3;
  nn_model_add_layer (m, NN_LAYER_GLOBAL_AVG_POOL, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  g_assert_true (nn_model_build (m, 6, NULL));
  nn_train_config_default (&cfg);
  cfg.epochs = 2;
  cb.object_history = h;
  g_assert_false (nn_train (m, train, val, &cfg, &cb, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/object-history/record-one-thread", test_record_one_thread);
  g_test_add_func ("/object-history/record-two-threads", test_record_two_threads);
  g_test_add_func ("/object-history/queries", test_queries);
  g_test_add_func ("/object-history/copy-epochs", test_copy_epochs);
  g_test_add_func ("/object-history/wrong-size-refused", test_wrong_size_refused);
  return g_test_run ();
}
