/* pcli-train.c: passband-cli train / evaluate (DESIGN §9) */
#include "config.h"

#include "pcli.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>

#include "lc-pipeline.h"
#include "lc-run.h"
#include "nn-atomic.h"

typedef struct
{
  gboolean json;
  gint64 start_us;
  LcRunFile *run_file;   /* --run / --resume: written after every epoch */
} TrainPrinter;

static void
save_run_cb (const NnTrainCheckpoint *checkpoint, gpointer user_data)
{
  TrainPrinter *p = user_data;
  g_autoptr (GError) error = NULL;
  if (!lc_run_file_save (p->run_file, checkpoint, &error))
    pcli_error ("train", "%s", error->message);
}

static gboolean
print_epoch_cb (const NnEpochStats *s, gpointer user_data)
{
  TrainPrinter *p = user_data;
  if (p->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "epoch");
      json_builder_set_member_name (b, "epoch");
      json_builder_add_int_value (b, s->epoch + 1);
      pcli_json_add_number (b, "loss", s->loss);
      pcli_json_add_number (b, "accuracy", s->accuracy);
      pcli_json_add_number (b, "val_loss", s->val_loss);
      pcli_json_add_number (b, "val_accuracy", s->val_accuracy);
      pcli_json_add_number (b, "learning_rate", s->learning_rate);
      pcli_json_add_number (b, "seconds", s->seconds);
      json_builder_end_object (b);
      pcli_print_json (b);
    }
  else
    {
      printf (_("epoch %3d  loss %.4f  acc %.4f"), s->epoch + 1, s->loss, s->accuracy);
      if (isfinite (s->val_loss))
        printf (_("  val_loss %.4f  val_acc %.4f"), s->val_loss, s->val_accuracy);
      printf ("  (%.2f s)\n", s->seconds);
      fflush (stdout);
    }
  return TRUE;
}

/* The saved model's scores on the validation rows: for an ensemble the
 * members' averaged probabilities, not the first member's history (what the
 * app shows for the same run).  NULL without validation rows. */
static LcEvaluation *
evaluate_validation (const LcTrainRun *run, const LcDataset *ds, GError **error)
{
  g_autoptr (LcPredictor) predictor = NULL;

  if (run->n_val <= 0)
    return NULL;
  predictor = lc_predictor_new (run->doc, error);
  if (predictor == NULL)
    return NULL;
  return lc_predictor_evaluate_rows (predictor, ds, run->val_rows, run->n_val, MAX (run->config.threads, 1), error);
}

static void
print_train_result (const LcTrainRun *run, const LcEvaluation *ensemble, const char *out_path, gboolean json,
                    double seconds)
{
  const NnHistory *h = run->history;
  const NnEpochStats *best = h->best_epoch >= 0 && (guint) h->best_epoch < h->epochs->len
                               ? &g_array_index (h->epochs, NnEpochStats, h->best_epoch) : NULL;
  double val_loss = best != NULL ? best->val_loss : NAN;
  double val_accuracy = best != NULL ? best->val_accuracy : NAN;

  if (ensemble != NULL)
    {
      val_loss = ensemble->report->log_loss;
      val_accuracy = ensemble->report->accuracy;
    }
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "result");
      json_builder_set_member_name (b, "epochs");
      json_builder_add_int_value (b, h->epochs->len);
      json_builder_set_member_name (b, "best_epoch");
      json_builder_add_int_value (b, h->best_epoch + 1);
      pcli_json_add_number (b, "val_loss", val_loss);
      pcli_json_add_number (b, "val_accuracy", val_accuracy);
      json_builder_set_member_name (b, "members");
      json_builder_add_int_value (b, MAX (run->n_members, 1));
      json_builder_set_member_name (b, "stopped_early");
      json_builder_add_boolean_value (b, h->stopped_early);
      json_builder_set_member_name (b, "parameters");
      json_builder_add_int_value (b, nn_model_n_params (run->model));
      json_builder_set_member_name (b, "train_objects");
      json_builder_add_int_value (b, run->train->n);
      json_builder_set_member_name (b, "val_objects");
      json_builder_add_int_value (b, run->n_val);
      pcli_json_add_number (b, "temperature", run->doc->temperature);
      pcli_json_add_number (b, "val_ece_before", run->doc->calibration.rows > 0
                                                   ? run->doc->calibration.ece_before : NAN);
      pcli_json_add_number (b, "val_ece_after", run->doc->calibration.rows > 0
                                                  ? run->doc->calibration.ece_after : NAN);
      pcli_json_add_number (b, "seconds", seconds);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, out_path);
      json_builder_end_object (b);
      pcli_print_json (b);
    }
  else
    {
      printf (_("trained %u epochs in %.1f s"), h->epochs->len, seconds);
      if (ensemble != NULL)
        printf (_("; ensemble of %d: val_loss %.4f, val_accuracy %.4f"), run->n_members, val_loss, val_accuracy);
      else if (best != NULL && isfinite (best->val_accuracy))
        printf (_("; best epoch %d: val_loss %.4f, val_accuracy %.4f"), h->best_epoch + 1,
                best->val_loss, best->val_accuracy);
      if (run->doc->calibration.rows > 0)
        printf (_("\ntemperature %.3f: validation log loss %.4f -> %.4f, ECE %.4f -> %.4f"),
                run->doc->temperature, run->doc->calibration.nll_before,
                run->doc->calibration.nll_after, run->doc->calibration.ece_before,
                run->doc->calibration.ece_after);
      printf (_("\nsaved %s\n"), out_path);
    }
}

static int      train_and_save     (const LcDataset *ds, const NnModelDoc *spec,
                                    const LcTrainOverrides *overrides, const char *out,
                                    LcRunFile *run_file, const NnTrainCheckpoint *checkpoint,
                                    gboolean json);
static gboolean mark_finished      (const LcRunFile *run_file);
static int      pcli_train_resume  (const char *path, gboolean json);

int
pcli_train (int argc, char **argv)
{
  g_autofree char *data = NULL, *meta = NULL, *spec_path = NULL, *out = NULL;
  g_autofree char *run_path = NULL, *resume_path = NULL;
  g_autoptr (LcRunFile) run_file = NULL;
  gboolean json = FALSE;
  g_auto (PcliOverrides) overrides = { 0 };
  gint64 seed = -1;
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Training dataset"), "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, N_("Metadata CSV (PLAsTiCC)"), "PATH" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &spec_path, N_("Model spec or preset (JSON)"), "SPEC.json" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Where to save the trained model"), "MODEL.json" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed for split, weights, shuffling, dropout"), "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON lines"), NULL },
    { "run", 0, 0, G_OPTION_ARG_FILENAME, &run_path,
      N_("Write the run (settings, data checksum, state, curves) here after every epoch"), "RUN.json" },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &resume_path,
      N_("Go on with the run of this file from its last epoch"), "RUN.json" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_("— train a model on a dataset"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (NnModelDoc) spec = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  pcli_overrides_add_entries (context, &overrides);
  if (!pcli_parse (context, "train", &argc, &argv))
    return 2;
  overrides.o.seed = seed;
  if (resume_path != NULL)
    return pcli_train_resume (resume_path, json);
  if (data == NULL || spec_path == NULL || out == NULL)
    {
      pcli_error ("train", _("--data PATH, --model SPEC.json and --out MODEL.json are required"));
      return 2;
    }
  if (!pcli_overrides_finish (&overrides, "train"))
    return 2;

  /* a missing or read-only folder is found now, not after the training */
  if (!nn_atomic_check_folder (out, &error))
    {
      pcli_error ("train", _("%s: cannot save the model there: %s"), out, error->message);
      return 1;
    }
  if (!pcli_load_spec_and_data ("train", spec_path, data, meta, &spec, &ds))
    return 1;
  if (run_path != NULL)
    {
      run_file = lc_run_file_new (run_path, data, meta, ds, out, spec, &overrides.o);
      if (!lc_run_file_save (run_file, NULL, &error))
        {
          pcli_error ("train", "%s", error->message);
          return 1;
        }
    }
  return train_and_save (ds, spec, &overrides.o, out, run_file, NULL, json);
}

/* Prepares and trains (from checkpoint when not NULL), saves the model and
 * prints the result; with run_file, the run is written after every epoch
 * and marked finished at the end. */
static int
train_and_save (const LcDataset *ds, const NnModelDoc *spec, const LcTrainOverrides *overrides,
                const char *out, LcRunFile *run_file, const NnTrainCheckpoint *checkpoint,
                gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcTrainRun) run = NULL;
  g_autoptr (LcEvaluation) ensemble = NULL;
  TrainPrinter printer = { json, 0, run_file };
  NnTrainCallbacks callbacks = { 0 };
  gint64 start;
  gboolean trained;

  start = g_get_monotonic_time ();
  run = lc_train_run_prepare (ds, spec, overrides, &error);
  if (run == NULL)
    {
      pcli_error ("train", "%s", error->message);
      return 1;
    }
  if (run_file != NULL && run->n_members > 1)
    {
      pcli_error ("train", _("--run and --resume train one model, not an ensemble of %d"),
                  run->n_members);
      return 2;
    }
  run->resume_from = checkpoint;
  if (run_file != NULL)
    lc_run_file_track_objects (run_file, ds, run, &callbacks);
  printer.start_us = start;
  callbacks.on_epoch = print_epoch_cb;
  callbacks.user_data = &printer;
  if (run_file != NULL)
    callbacks.on_checkpoint = save_run_cb;
  trained = lc_train_run_train (run, &callbacks, &error);
  if (!trained && !g_error_matches (error, NN_ERROR, NN_ERROR_DIVERGED))
    {
      pcli_error ("train", "%s", error->message);
      return 1;
    }
  if (!trained)
    pcli_error ("train", _("%s (saving the best weights seen)"), error->message);
  g_clear_error (&error);
  if (!nn_model_doc_save (run->doc, out, &error))
    {
      pcli_error ("train", "%s", error->message);
      return 1;
    }
  if (run->n_members > 1)
    {
      ensemble = evaluate_validation (run, ds, &error);
      if (ensemble == NULL && error != NULL)
        {
          pcli_error ("train", "%s", error->message);
          return 1;
        }
    }
  print_train_result (run, ensemble, out, json, (g_get_monotonic_time () - start) / 1e6);
  if (run_file != NULL && !mark_finished (run_file))
    return 1;
  return trained ? 0 : 1;
}

/* The run file as the last epoch left it, marked finished. */
static gboolean
mark_finished (const LcRunFile *run_file)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcRunFile) last = lc_run_file_load (run_file->path, &error);

  if (last != NULL)
    {
      last->finished = TRUE;
      if (lc_run_file_save (last, NULL, &error))
        return TRUE;
    }
  pcli_error ("train", "%s", error->message);
  return FALSE;
}

static int
pcli_train_resume (const char *path, gboolean json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcRunFile) run_file = lc_run_file_load (path, &error);
  g_autoptr (LcDataset) ds = NULL;
  g_autofree char *checksum = NULL;

  if (run_file == NULL)
    {
      pcli_error ("train", "%s", error->message);
      return 1;
    }
  if (run_file->finished)
    {
      pcli_error ("train", _("%s: the run has finished; its model is %s"), path,
                  run_file->out_path);
      return 0;
    }
  ds = pcli_load_dataset ("train", run_file->data_path, run_file->meta_path, &error);
  if (ds == NULL)
    {
      pcli_error ("train", "%s", error->message);
      return 1;
    }
  checksum = lc_dataset_checksum (ds);
  if (g_strcmp0 (checksum, run_file->data_checksum) != 0)
    {
      pcli_error ("train", _("%s: the data in %s are not those the run started with (checksum "
                             "%s, the run has %s)"), path, run_file->data_path, checksum,
                  run_file->data_checksum);
      return 1;
    }
  return train_and_save (ds, run_file->spec, &run_file->overrides, run_file->out_path, run_file,
                         run_file->checkpoint, json);
}

static void
add_double_array (JsonBuilder *b, const char *name, const double *v, int n)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    if (isfinite (v[i]))
      json_builder_add_double_value (b, v[i]);
    else
      json_builder_add_null_value (b);
  json_builder_end_array (b);
}

static void
print_evaluation_json (const LcPredictor *p, const LcEvaluation *ev)
{
  const NnClassReport *r = ev->report;
  int k = r->n_classes;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "result");
  json_builder_set_member_name (b, "objects");
  json_builder_add_int_value (b, ev->n_rows);
  json_builder_set_member_name (b, "skipped");
  json_builder_add_int_value (b, ev->n_skipped);
  pcli_json_add_number (b, "accuracy", r->accuracy);
  pcli_json_add_number (b, "macro_f1", r->macro_f1);
  pcli_json_add_number (b, "log_loss", r->log_loss);
  pcli_json_add_number (b, "weighted_log_loss", r->weighted_log_loss);
  pcli_json_add_number (b, "macro_auc", r->macro_auc);
  pcli_json_add_number (b, "ece", r->ece);
  pcli_json_add_number (b, "temperature", p->doc->temperature);
  json_builder_set_member_name (b, "reliability");
  json_builder_begin_object (b);
  add_double_array (b, "confidence", r->bin_confidence, r->n_bins);
  add_double_array (b, "accuracy", r->bin_accuracy, r->n_bins);
  json_builder_set_member_name (b, "count");
  json_builder_begin_array (b);
  for (int i = 0; i < r->n_bins; i++)
    json_builder_add_int_value (b, r->bin_count[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (int c = 0; c < k; c++)
    json_builder_add_int_value (b, p->class_ids[c]);
  json_builder_end_array (b);
  add_double_array (b, "precision", r->precision, k);
  add_double_array (b, "recall", r->recall, k);
  add_double_array (b, "f1", r->f1, k);
  json_builder_set_member_name (b, "confusion_matrix");
  json_builder_begin_array (b);
  for (int i = 0; i < k; i++)
    {
      json_builder_begin_array (b);
      for (int j = 0; j < k; j++)
        json_builder_add_int_value (b, r->confusion[i * k + j]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  pcli_print_json (b);
}

static void
print_evaluation_text (const LcPredictor *p, const LcEvaluation *ev, const LcDataset *ds)
{
  const NnClassReport *r = ev->report;
  printf (_("objects scored:     %d (%d without a known class skipped)\n"), ev->n_rows, ev->n_skipped);
  printf (_("accuracy:           %.4f\n"), r->accuracy);
  printf (_("macro F1:           %.4f\n"), r->macro_f1);
  printf (_("log loss:           %.4f\n"), r->log_loss);
  printf (_("weighted log loss:  %.4f (PLAsTiCC weights)\n"), r->weighted_log_loss);
  printf (_("calibration error:  %.4f (ECE, %d bins; temperature %.3f)\n"), r->ece, r->n_bins,
          p->doc->temperature);
  printf (_("\n  class  name              precision  recall     F1  support\n"));
  for (int c = 0; c < r->n_classes; c++)
    {
      int idx = lc_dataset_class_index (ds, p->class_ids[c]);
      printf ("  %5d  %-16s  %9.3f  %6.3f  %5.3f  %7d\n", p->class_ids[c],
              idx >= 0 ? ds->classes[idx].name : "", r->precision[c], r->recall[c], r->f1[c],
              r->support[c]);
    }
}

int
pcli_evaluate (int argc, char **argv)
{
  g_autofree char *data = NULL, *meta = NULL, *model_path = NULL;
  gboolean json = FALSE;
  int threads = 1;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, N_("Trained model"), "MODEL.json" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Labelled dataset"), "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, N_("Metadata CSV (PLAsTiCC)"), "PATH" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Threads (1 or 2)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON line"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (_("— score a trained model on labelled data"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (LcEvaluation) ev = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "evaluate", &argc, &argv))
    return 2;
  if (data == NULL || model_path == NULL)
    {
      pcli_error ("evaluate", _("--model MODEL.json and --data PATH are required"));
      return 2;
    }
  if (!pcli_load_model_and_data ("evaluate", model_path, data, meta, &p, &ds))
    return 1;
  ev = lc_predictor_evaluate (p, ds, CLAMP (threads, 1, 2), &error);
  if (ev == NULL)
    {
      pcli_error ("evaluate", "%s", error->message);
      return 1;
    }
  if (json)
    print_evaluation_json (p, ev);
  else
    print_evaluation_text (p, ev, ds);
  return 0;
}
