/* pcli-crossval.c: passband-cli crossval: stratified k-fold cross-validation
 * of a model spec, the way the README's accuracy table is measured.
 *
 * Each fold trains the spec on the other folds exactly as `train` would (its
 * own validation split for early stopping, augmentation, ensemble) and scores
 * the fold it never saw. */
#include "config.h"

#include "pcli.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lc-pipeline.h"
#include "nn-atomic.h"

typedef struct
{
  double accuracy;
  double macro_f1;
  double log_loss;
  double weighted_log_loss;  /* PLAsTiCC weights */
  double ece;
  double temperature;
  double seconds;
  double train_accuracy;     /* on the fold's training rows: the gap to accuracy shows overfitting */
  int epochs;
  int n_test;
  int n_classes;
  int *class_ids;            /* [n_classes] */
  double *recall;            /* [n_classes], NaN for a class absent from the fold */
  int never_predicted;       /* classes in the fold that no test object was assigned to */
} FoldScore;

static void
fold_score_clear (FoldScore *score)
{
  g_clear_pointer (&score->class_ids, g_free);
  g_clear_pointer (&score->recall, g_free);
}

/* Per-class recall and how many classes present in the fold were never predicted. */
static void
score_classes (const LcPredictor *predictor, const NnClassReport *report, FoldScore *score)
{
  int k = report->n_classes;

  score->n_classes = k;
  score->class_ids = g_memdup2 (predictor->class_ids, sizeof (int) * MAX (k, 1));
  score->recall = g_new (double, MAX (k, 1));
  score->never_predicted = 0;
  for (int c = 0; c < k; c++)
    {
      int predicted = 0;
      for (int r = 0; r < k; r++)
        predicted += report->confusion[r * k + c];
      score->recall[c] = report->support[c] > 0 ? report->recall[c] : NAN;
      score->never_predicted += report->support[c] > 0 && predicted == 0;
    }
}

/* Mean and sample standard deviation (n - 1) of one score over the folds. */
static void
mean_std (const FoldScore *scores, int n, gsize offset, double *mean, double *std)
{
  double sum = 0.0, sq = 0.0;
  for (int i = 0; i < n; i++)
    sum += G_STRUCT_MEMBER (double, &scores[i], offset);
  *mean = sum / n;
  for (int i = 0; i < n; i++)
    {
      double d = G_STRUCT_MEMBER (double, &scores[i], offset) - *mean;
      sq += d * d;
    }
  *std = n > 1 ? sqrt (sq / (n - 1)) : 0.0;
}

/* Every fold's held-out probabilities together, for the calibration error
 * and the weighted log loss of all the objects at once (a fold of a few
 * hundred objects measures ECE no better than a few hundredths). */
typedef struct
{
  GArray *probs;             /* float, (rows, K) */
  GArray *labels;            /* int */
  GArray *rows;              /* int: dataset object index */
  GArray *folds;             /* int: the fold (from 1) that held the row out */
  int *class_ids;            /* [K] of the first fold */
  int k;
  gboolean same_classes;     /* every fold's model has the first fold's classes */
} Pooled;

static void
pooled_add (Pooled *pool, const LcPredictor *p, const LcEvaluation *ev, int which)
{
  if (pool->class_ids == NULL)
    {
      pool->k = p->n_classes;
      pool->class_ids = g_memdup2 (p->class_ids, sizeof (int) * p->n_classes);
      pool->same_classes = TRUE;
    }
  else if (pool->k != p->n_classes || memcmp (pool->class_ids, p->class_ids, sizeof (int) * pool->k) != 0)
    pool->same_classes = FALSE;
  if (!pool->same_classes)
    return;
  g_array_append_vals (pool->probs, ev->probs, (guint) ev->n_rows * pool->k);
  g_array_append_vals (pool->labels, ev->labels, (guint) ev->n_rows);
  g_array_append_vals (pool->rows, ev->rows, (guint) ev->n_rows);
  for (int i = 0; i < ev->n_rows; i++)
    g_array_append_val (pool->folds, (int) { which + 1 });
}

/* Every held-out object's probabilities as CSV, one row per object:
 * object_id, fold, class (the true class id), then class_<id>... */
static gboolean
pooled_save (const Pooled *pool, const LcDataset *ds, const char *path, GError **error)
{
  g_autoptr (GString) s = g_string_new ("object_id,fold,class");
  const float *probs = (const float *) pool->probs->data;

  for (int c = 0; c < pool->k; c++)
    g_string_append_printf (s, ",class_%d", pool->class_ids[c]);
  g_string_append_c (s, '\n');
  for (guint i = 0; i < pool->labels->len; i++)
    {
      int label = g_array_index (pool->labels, int, i);
      g_string_append_printf (s, "%s,%d,%d", ds->objects[g_array_index (pool->rows, int, i)].id,
                              g_array_index (pool->folds, int, i), label >= 0 ? pool->class_ids[label] : -1);
      for (int c = 0; c < pool->k; c++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_c (s, ',');
          g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.7g", probs[(gsize) i * pool->k + c]));
        }
      g_string_append_c (s, '\n');
    }
  if (!nn_atomic_write (path, s->str, (gssize) s->len, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_fold (const LcDataset *ds, const NnModelDoc *spec, const LcTrainOverrides *o, const int *fold,
          int n, int which, int threads, FoldScore *score, Pooled *pool, GError **error)
{
  g_autofree int *train_rows = NULL, *test_rows = NULL;
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (LcPredictor) predictor = NULL;
  g_autoptr (LcEvaluation) ev = NULL, train_ev = NULL;
  int n_train, n_test;
  gint64 start = g_get_monotonic_time ();

  train_rows = lc_split_fold_rows (fold, n, which, FALSE, &n_train);
  test_rows = lc_split_fold_rows (fold, n, which, TRUE, &n_test);
  run = lc_train_run_fit_rows (ds, train_rows, n_train, spec, o, error);
  if (run == NULL)
    return FALSE;
  predictor = lc_predictor_new (run->doc, error);
  if (predictor == NULL)
    return FALSE;
  ev = lc_predictor_evaluate_rows (predictor, ds, test_rows, n_test, threads, error);
  if (ev == NULL)
    return FALSE;
  train_ev = lc_predictor_evaluate_rows (predictor, ds, train_rows, n_train, threads, error);
  if (train_ev == NULL)
    return FALSE;
  score->train_accuracy = train_ev->report->accuracy;
  score_classes (predictor, ev->report, score);
  score->accuracy = ev->report->accuracy;
  score->macro_f1 = ev->report->macro_f1;
  score->log_loss = ev->report->log_loss;
  score->weighted_log_loss = ev->report->weighted_log_loss;
  score->ece = ev->report->ece;
  score->temperature = run->doc->temperature;
  pooled_add (pool, predictor, ev, which);
  score->n_test = ev->n_rows;
  score->epochs = (int) run->history->epochs->len;
  score->seconds = (g_get_monotonic_time () - start) / 1e6;
  return TRUE;
}

static void
print_fold (int which, const FoldScore *s, gboolean json)
{
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "fold");
      json_builder_set_member_name (b, "fold");
      json_builder_add_int_value (b, which + 1);
      json_builder_set_member_name (b, "objects");
      json_builder_add_int_value (b, s->n_test);
      json_builder_set_member_name (b, "epochs");
      json_builder_add_int_value (b, s->epochs);
      pcli_json_add_number (b, "accuracy", s->accuracy);
      pcli_json_add_number (b, "macro_f1", s->macro_f1);
      pcli_json_add_number (b, "log_loss", s->log_loss);
      pcli_json_add_number (b, "weighted_log_loss", s->weighted_log_loss);
      pcli_json_add_number (b, "ece", s->ece);
      pcli_json_add_number (b, "temperature", s->temperature);
      pcli_json_add_number (b, "seconds", s->seconds);
      pcli_json_add_number (b, "train_accuracy", s->train_accuracy);
      json_builder_set_member_name (b, "never_predicted");
      json_builder_add_int_value (b, s->never_predicted);
      json_builder_set_member_name (b, "recall");
      json_builder_begin_object (b);
      for (int c = 0; c < s->n_classes; c++)
        {
          g_autofree char *id = g_strdup_printf ("%d", s->class_ids[c]);
          pcli_json_add_number (b, id, s->recall[c]);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      pcli_print_json (b);
    }
  else
    {
      printf (_("fold %2d  objects %5d  epochs %3d  accuracy %.4f  macro F1 %.4f  log loss %.4f  "
                "weighted log loss %.4f  ECE %.4f  T %.3f  train accuracy %.4f  "
                "classes never predicted %d  (%.1f s)\n"),
              which + 1, s->n_test, s->epochs, s->accuracy, s->macro_f1, s->log_loss,
              s->weighted_log_loss, s->ece, s->temperature, s->train_accuracy, s->never_predicted,
              s->seconds);
      fflush (stdout);
    }
}

/* Mean recall of class c over the folds that hold it (NaN when none does). */
static double
mean_recall (const FoldScore *scores, int k, int c)
{
  double sum = 0.0;
  int n = 0;
  for (int i = 0; i < k; i++)
    if (c < scores[i].n_classes && !isnan (scores[i].recall[c]))
      {
        sum += scores[i].recall[c];
        n++;
      }
  return n > 0 ? sum / n : NAN;
}

static void
print_summary (const FoldScore *scores, int k, const Pooled *pool, gboolean json)
{
  int n_pooled = pool->same_classes ? (int) pool->labels->len : 0;
  const float *probs = (const float *) pool->probs->data;
  const int *labels = (const int *) pool->labels->data;
  double pooled_ece = n_pooled > 0 ? nn_metrics_ece (probs, labels, n_pooled, pool->k) : NAN;
  double pooled_wll = n_pooled > 0 ? lc_plasticc_weighted_log_loss (probs, labels, n_pooled, pool->k,
                                                                     pool->class_ids) : NAN;
  double acc, acc_sd, f1, f1_sd, ll, ll_sd, wll, wll_sd, ece, ece_sd, sec, sec_sd, tr, tr_sd;
  int never = 0;
  for (int i = 0; i < k; i++)
    never += scores[i].never_predicted;
  mean_std (scores, k, G_STRUCT_OFFSET (FoldScore, train_accuracy), &tr, &tr_sd);
  mean_std (scores, k, G_STRUCT_OFFSET (FoldScore, accuracy), &acc, &acc_sd);
  mean_std (scores, k, G_STRUCT_OFFSET (FoldScore, macro_f1), &f1, &f1_sd);
  mean_std (scores, k, G_STRUCT_OFFSET (FoldScore, log_loss), &ll, &ll_sd);
  mean_std (scores, k, G_STRUCT_OFFSET (FoldScore, weighted_log_loss), &wll, &wll_sd);
  mean_std (scores, k, G_STRUCT_OFFSET (FoldScore, ece), &ece, &ece_sd);
  mean_std (scores, k, G_STRUCT_OFFSET (FoldScore, seconds), &sec, &sec_sd);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "result");
      json_builder_set_member_name (b, "folds");
      json_builder_add_int_value (b, k);
      pcli_json_add_number (b, "accuracy_mean", acc);
      pcli_json_add_number (b, "accuracy_std", acc_sd);
      pcli_json_add_number (b, "macro_f1_mean", f1);
      pcli_json_add_number (b, "macro_f1_std", f1_sd);
      pcli_json_add_number (b, "log_loss_mean", ll);
      pcli_json_add_number (b, "log_loss_std", ll_sd);
      pcli_json_add_number (b, "weighted_log_loss_mean", wll);
      pcli_json_add_number (b, "weighted_log_loss_std", wll_sd);
      pcli_json_add_number (b, "ece_mean", ece);
      pcli_json_add_number (b, "ece_std", ece_sd);
      pcli_json_add_number (b, "ece_pooled", pooled_ece);
      pcli_json_add_number (b, "weighted_log_loss_pooled", pooled_wll);
      pcli_json_add_number (b, "seconds_per_fold", sec);
      pcli_json_add_number (b, "train_accuracy_mean", tr);
      json_builder_set_member_name (b, "never_predicted");
      json_builder_add_int_value (b, never);
      json_builder_set_member_name (b, "recall_mean");
      json_builder_begin_object (b);
      for (int c = 0; c < scores[0].n_classes; c++)
        {
          g_autofree char *id = g_strdup_printf ("%d", scores[0].class_ids[c]);
          pcli_json_add_number (b, id, mean_recall (scores, k, c));
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      pcli_print_json (b);
    }
  else
    {
      printf (_("\n%d folds: accuracy %.4f ± %.4f   macro F1 %.4f ± %.4f   log loss %.4f ± %.4f   "
                "weighted log loss %.4f ± %.4f   ECE %.4f ± %.4f   (%.1f s per fold)\n"),
              k, acc, acc_sd, f1, f1_sd, ll, ll_sd, wll, wll_sd, ece, ece_sd, sec);
      printf (_("all %d held-out objects together: ECE %.4f   weighted log loss %.4f\n"), n_pooled,
              pooled_ece, pooled_wll);
      printf (_("train accuracy %.4f (gap %.4f); classes never predicted, summed over the folds: %d\n"),
              tr, tr - acc, never);
      printf (_("recall per class (mean over the folds):"));
      for (int c = 0; c < scores[0].n_classes; c++)
        printf ("  %d %.2f", scores[0].class_ids[c], mean_recall (scores, k, c));
      printf ("\n");
    }
}

int
pcli_crossval (int argc, char **argv)
{
  g_autofree char *data = NULL, *meta = NULL, *spec_path = NULL, *predictions_path = NULL;
  gboolean json = FALSE;
  int folds = 5, max_folds = 0;
  gint64 seed = -1;
  g_auto (PcliOverrides) overrides = { 0 };
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Labelled dataset"), "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, N_("Metadata CSV (PLAsTiCC)"), "PATH" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &spec_path, N_("Model spec or preset (JSON)"), "SPEC.json" },
    { "folds", 0, 0, G_OPTION_ARG_INT, &folds, N_("Number of stratified folds (default 5)"), "K" },
    { "max-folds", 0, 0, G_OPTION_ARG_INT, &max_folds,
      N_("Score only the first N folds (quick comparisons; 0 = all)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed for the folds and the training"), "S" },
    { "predictions", 0, 0, G_OPTION_ARG_FILENAME, &predictions_path,
      N_("Write every held-out object's probabilities (CSV: object_id, fold, class, class_<id>...)"),
      "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON lines"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("— stratified k-fold cross-validation of a model spec"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (NnModelDoc) spec = NULL;
  g_autofree int *labels = NULL, *fold = NULL;
  g_autofree FoldScore *scores = NULL;
  Pooled pool = { g_array_new (FALSE, FALSE, sizeof (float)), g_array_new (FALSE, FALSE, sizeof (int)),
                  g_array_new (FALSE, FALSE, sizeof (int)), g_array_new (FALSE, FALSE, sizeof (int)),
                  NULL, 0, FALSE };
  int status = 0;
  guint64 fold_seed;

  g_option_context_add_main_entries (context, entries, NULL);
  pcli_overrides_add_entries (context, &overrides);
  if (!pcli_parse (context, "crossval", &argc, &argv) || !pcli_overrides_finish (&overrides, "crossval"))
    return 2;
  if (data == NULL || spec_path == NULL)
    {
      pcli_error ("crossval", _("--data PATH and --model SPEC.json are required"));
      return 2;
    }
  if (folds < 2 || folds > 100)
    {
      pcli_error ("crossval", _("--folds: expected a number from 2 to 100, found %d"), folds);
      return 2;
    }
  if (max_folds <= 0 || max_folds > folds)
    max_folds = folds;
  overrides.o.seed = seed;

  if (!pcli_load_spec_and_data ("crossval", spec_path, data, meta, &spec, &ds))
    return 1;
  labels = lc_split_labels_from_dataset (ds);
  fold_seed = seed >= 0 ? (guint64) seed : spec->training.train.seed;
  fold = lc_split_kfold (labels, (int) ds->n_objects, folds, fold_seed, &error);
  if (fold == NULL)
    {
      pcli_error ("crossval", "%s: %s", ds->path, error->message);
      return 1;
    }

  scores = g_new0 (FoldScore, folds);
  for (int f = 0; f < max_folds; f++)
    {
      if (!run_fold (ds, spec, &overrides.o, fold, (int) ds->n_objects, f, MAX (overrides.o.threads, 1), &scores[f],
                     &pool, &error))
        {
          pcli_error ("crossval", _("fold %d: %s"), f + 1, error->message);
          status = 1;
          break;
        }
      print_fold (f, &scores[f], json);
    }
  if (status == 0)
    print_summary (scores, max_folds, &pool, json);
  if (status == 0 && predictions_path != NULL && !pooled_save (&pool, ds, predictions_path, &error))
    {
      pcli_error ("crossval", "%s", error->message);
      status = 1;
    }
  for (int f = 0; f < max_folds; f++)
    fold_score_clear (&scores[f]);
  g_array_unref (pool.probs);
  g_array_unref (pool.labels);
  g_array_unref (pool.rows);
  g_array_unref (pool.folds);
  g_free (pool.class_ids);
  return status;
}
