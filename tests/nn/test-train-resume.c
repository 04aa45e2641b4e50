/* test-train-resume.c: a run stopped after an epoch and resumed from its
 * checkpoint file ends with the same weights, bit for bit, as the run that
 * never stopped; the checkpoint file refuses what does not fit. */
#include <math.h>
#include <string.h>

#include "nn.h"
#include "testutil.h"

#define EPOCHS 6

static NnData *
labelled_data (int n, guint64 seed)
{
  NnData *d = nn_data_new (n, 8, 3, 2, 3);
  NnRng rng;
  nn_rng_init (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      d->lengths[i] = 3 + i % 6;
      d->labels[i] = i % 3;
      for (int t = 0; t < d->lengths[i]; t++)
        for (int f = 0; f < 3; f++)
          d->x[((size_t) i * 8 + t) * 3 + f] =
            (float) (nn_rng_normal (&rng) + (f == 0 ? d->labels[i] : 0.0));
      for (int s = 0; s < 2; s++)
        d->meta[i * 2 + s] = (float) nn_rng_normal (&rng);
    }
  return d;
}

/* GRU with dropout and batch norm: every kind of state a run carries */
static NnModel *
fresh_model (void)
{
  NnModel *m = nn_model_new (3, 2, 3);
  NnLayerConfig gru, drop, bn, head;
  g_autoptr (GError) error = NULL;

  nn_layer_config_default (&gru);
  gru.units = 6;
  nn_layer_config_default (&drop);
  drop.rate = 0.3f;
  nn_layer_config_default (&bn);
  nn_layer_config_default (&head);
  head.units = 3;
  head.activation = NN_ACT_SOFTMAX;
  nn_model_add_layer (m, NN_LAYER_GRU, &gru, NULL);
  nn_model_add_layer (m, NN_LAYER_DROPOUT, &drop, NULL);
  nn_model_add_layer (m, NN_LAYER_CONCAT_METADATA, NULL, NULL);
  nn_model_add_layer (m, NN_LAYER_BATCH_NORM, &bn, NULL);
  nn_model_add_layer (m, NN_LAYER_DENSE, &head, NULL);
  if (!nn_model_build (m, 8, &error))
    g_error ("%s", error->message);
  nn_model_init (m, 17);
  return m;
}

static void
config (NnTrainConfig *cfg, int threads)
{
  nn_train_config_default (cfg);
  cfg->epochs = EPOCHS;
  cfg->batch_size = 10;
  cfg->seed = 23;
  cfg->threads = threads;
  cfg->patience = 4;
  cfg->optim.lr = 0.02f;
  cfg->schedule.kind = NN_SCHEDULE_PLATEAU;
  cfg->schedule.patience = 1;
}

typedef struct
{
  const char *path;
  int stop_after;     /* epochs */
  int saved;
} Killer;

static void
save_checkpoint_cb (const NnTrainCheckpoint *cp, gpointer user_data)
{
  Killer *k = user_data;
  g_autoptr (GError) error = NULL;
  if (!nn_train_checkpoint_save (cp, k->path, &error))
    g_error ("%s", error->message);
  k->saved = cp->epochs_done;
}

static gboolean
stop_cb (const NnEpochStats *stats, gpointer user_data)
{
  Killer *k = user_data;
  return stats->epoch + 1 < k->stop_after;
}

typedef enum
{
  PLAIN,
  CLASS_SAMPLING,
  DEFERRED_REWEIGHTING,
} Variant;

static const float resume_weights[3] = { 0.6f, 1.0f, 3.0f };

static void
check_resume_variant (int threads, int stop_after, Variant variant)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-resume-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.checkpoint", NULL);
  g_autoptr (NnData) train = labelled_data (47, 1);
  g_autoptr (NnData) val = labelled_data (15, 2);
  g_autoptr (NnModel) whole = fresh_model ();
  g_autoptr (NnModel) resumed = NULL;
  g_autoptr (NnHistory) h_whole = nn_history_new ();
  g_autoptr (NnHistory) h_resumed = nn_history_new ();
  g_autoptr (NnTrainCheckpoint) cp = NULL;
  g_autoptr (GError) error = NULL;
  NnTrainConfig cfg;
  Killer k = { path, stop_after, 0 };
  NnTrainCallbacks cb = { NULL, stop_cb, &k, save_checkpoint_cb };

  config (&cfg, threads);
  if (variant == CLASS_SAMPLING)
    {
      cfg.class_sampling = TRUE;
      cfg.sampling_power = 0.3f;
    }
  if (variant == DEFERRED_REWEIGHTING)
    {
      cfg.loss.class_weights = resume_weights;
      cfg.loss.logit_adjust = 0.5f;
      cfg.reweight_from_epoch = 4;
    }
  g_assert_true (nn_train (whole, train, val, &cfg, NULL, h_whole, &error));
  g_assert_no_error (error);

  /* the interrupted run: everything it had in memory is dropped */
  {
    g_autoptr (NnModel) first = fresh_model ();
    g_assert_false (nn_train (first, train, val, &cfg, &cb, NULL, &error));
    g_assert_error (error, NN_ERROR, NN_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_cmpint (k.saved, ==, stop_after);
  }

  cp = nn_train_checkpoint_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cp->epochs_done, ==, stop_after);
  resumed = fresh_model ();
  /* other starting weights: the checkpoint's must replace them */
  nn_model_init (resumed, 99);
  g_assert_true (nn_train_resume (resumed, train, val, &cfg, cp, NULL, h_resumed, &error));
  g_assert_no_error (error);

  g_assert_cmpint (memcmp (whole->params, resumed->params, whole->n_params * sizeof (float)), ==, 0);
  g_assert_cmpint (memcmp (whole->state, resumed->state, whole->n_state * sizeof (float)), ==, 0);
  g_assert_cmpuint (h_whole->epochs->len, ==, h_resumed->epochs->len);
  g_assert_cmpint (h_whole->best_epoch, ==, h_resumed->best_epoch);
  for (guint e = 0; e < h_whole->epochs->len; e++)
    {
      NnEpochStats *a = &g_array_index (h_whole->epochs, NnEpochStats, e);
      NnEpochStats *b = &g_array_index (h_resumed->epochs, NnEpochStats, e);
      g_assert_cmpfloat (a->loss, ==, b->loss);
      g_assert_cmpfloat (a->val_loss, ==, b->val_loss);
      g_assert_cmpfloat (a->learning_rate, ==, b->learning_rate);
    }
  tu_remove_tree (dir);
}

static void
check_resume (int threads, int stop_after)
{
  check_resume_variant (threads, stop_after, PLAIN);
}

static void
test_resume_one_thread (void)
{
  check_resume (1, 2);
  check_resume (1, 5);
}

static void
test_resume_two_threads (void)
{
  check_resume (2, 3);
}

/* Class-balanced sampling draws each epoch's rows from the shuffle's stream:
 * a resumed run draws the same rows. */
static void
test_resume_class_sampling (void)
{
  check_resume_variant (1, 2, CLASS_SAMPLING);
  check_resume_variant (2, 3, CLASS_SAMPLING);
}

/* Stopped before the switch to the weighted loss and after it. */
static void
test_resume_deferred_reweighting (void)
{
  check_resume_variant (1, 2, DEFERRED_REWEIGHTING);
  check_resume_variant (1, 5, DEFERRED_REWEIGHTING);
  check_resume_variant (2, 3, DEFERRED_REWEIGHTING);
}

/* A copy taken during the callback stays what the run was at that epoch
 * while the trainer goes on: it writes the same file, and a run resumed from
 * it ends as the one that never stopped. */
static void
keep_copy_cb (const NnTrainCheckpoint *cp, gpointer user_data)
{
  NnTrainCheckpoint **copy = user_data;
  if (cp->epochs_done == 2)
    *copy = nn_train_checkpoint_copy (cp);
}

static void
test_checkpoint_copy (void)
{
  g_autoptr (NnData) train = labelled_data (47, 1);
  g_autoptr (NnData) val = labelled_data (15, 2);
  g_autoptr (NnModel) whole = fresh_model ();
  g_autoptr (NnModel) resumed = fresh_model ();
  g_autoptr (NnTrainCheckpoint) copy = NULL;
  g_autoptr (NnTrainCheckpoint) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL, *text_again = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  NnTrainCallbacks cb = { NULL, NULL, &copy, keep_copy_cb };
  NnTrainConfig cfg;

  config (&cfg, 1);
  g_assert_true (nn_train (whole, train, val, &cfg, &cb, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  g_assert_cmpint (copy->epochs_done, ==, 2);
  g_assert_cmpuint (copy->history->epochs->len, ==, 2);
  /* what the copy writes reads back as the same checkpoint */
  text = nn_train_checkpoint_to_data (copy, NULL);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  again = nn_train_checkpoint_from_json (json_parser_get_root (parser), "copy", &error);
  g_assert_no_error (error);
  text_again = nn_train_checkpoint_to_data (again, NULL);
  g_assert_cmpstr (text, ==, text_again);

  g_assert_true (nn_train_resume (resumed, train, val, &cfg, copy, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (memcmp (whole->params, resumed->params, whole->n_params * sizeof (float)), ==, 0);
  g_assert_cmpint (memcmp (whole->state, resumed->state, whole->n_state * sizeof (float)), ==, 0);
}

static void
test_checkpoint_mismatch_and_bad_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("passband-resume-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.checkpoint", NULL);
  g_autoptr (NnData) train = labelled_data (47, 1);
  g_autoptr (NnModel) m = fresh_model ();
  g_autoptr (NnTrainCheckpoint) cp = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  NnTrainConfig cfg;
  Killer k = { path, 1, 0 };
  NnTrainCallbacks cb = { NULL, stop_cb, &k, save_checkpoint_cb };

  config (&cfg, 1);
  g_assert_false (nn_train (m, train, NULL, &cfg, &cb, NULL, NULL));
  cp = nn_train_checkpoint_load (path, &error);
  g_assert_no_error (error);

  /* another thread count: the dropout streams would differ */
  cfg.threads = 2;
  g_assert_false (nn_train_resume (m, train, NULL, &cfg, cp, NULL, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DATA);
  g_clear_error (&error);

  /* a truncated list names the field */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  {
    char *p = strstr (text, "\"params\": [");
    g_assert_nonnull (p);
    /* drop the first value */
    p = strchr (p, ',');
    memmove (p, strchr (p + 1, ','), strlen (strchr (p + 1, ',')) + 1);
    g_assert_true (g_file_set_contents (path, text, -1, NULL));
  }
  g_assert_null (nn_train_checkpoint_load (path, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "params"));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"passband-model\"}", -1, NULL));
  g_assert_null (nn_train_checkpoint_load (path, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_FILE);
  tu_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train-resume/one-thread", test_resume_one_thread);
  g_test_add_func ("/train-resume/two-threads", test_resume_two_threads);
  g_test_add_func ("/train-resume/class-sampling", test_resume_class_sampling);
  g_test_add_func ("/train-resume/deferred-reweighting", test_resume_deferred_reweighting);
  g_test_add_func ("/train-resume/checkpoint-copy", test_checkpoint_copy);
  g_test_add_func ("/train-resume/mismatch-and-bad-files", test_checkpoint_mismatch_and_bad_files);
  return g_test_run ();
}
