/* pcli-common.c: option parsing, errors, loading and JSON output shared by the subcommands */
#include "config.h"

#include "pcli.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nn-json.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

void
pcli_error (const char *command, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "passband-cli %s: %s\n", command, message);
}

gboolean
pcli_parse (GOptionContext *context, const char *command, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      pcli_error (command, _("%s (see “passband-cli %s --help”)"), error->message, command);
      return FALSE;
    }
  if (*argc > 1)
    {
      pcli_error (command, _("unexpected argument “%s” (see “passband-cli %s --help”)"), (*argv)[1],
                  command);
      return FALSE;
    }
  return TRUE;
}

gboolean
pcli_parse_shard (const char *command, const char *text, int *shard, int *n_shards)
{
  int i, n;
  char tail;

  if (text == NULL)
    return TRUE;
  if (sscanf (text, "%d/%d%c", &i, &n, &tail) != 2 || n < 1 || i < 0 || i >= n)
    {
      pcli_error (command, _("--shard: expected I/N with 0 <= I < N (in a SLURM job array "
                             "“--shard $SLURM_ARRAY_TASK_ID/N” with “--array=0-N-1”), found “%s”"),
                  text);
      return FALSE;
    }
  *shard = i;
  *n_shards = n;
  return TRUE;
}

static gboolean
progress_to_terminal_cb (double fraction, gpointer user_data)
{
  int *last = user_data;
  int percent = (int) (fraction * 100.0);
  if (percent != *last)
    {
      *last = percent;
      fputc ('\r', stderr);
      fprintf (stderr, _("loading… %3d%%"), percent);
      fflush (stderr);
    }
  return TRUE;
}

LcDataset *
pcli_load_dataset (const char *command, const char *path, const char *meta_path, GError **error)
{
  LcLoadOptions options = { 0 };
  int last = -1;
  gboolean show = isatty (STDERR_FILENO);
  LcDataset *ds;

  options.meta_path = meta_path;
  ds = lc_load (path, &options, show ? progress_to_terminal_cb : NULL, &last, error);
  if (show && last >= 0)
    fprintf (stderr, "\r%*s\r", 16, "");
  return ds;
}

/* The dataset for a model already loaded; prints the error on failure. */
static gboolean
load_data_for (const char *command, const char *path, const char *meta_path, LcDataset **ds)
{
  g_autoptr (GError) error = NULL;

  *ds = pcli_load_dataset (command, path, meta_path, &error);
  if (*ds == NULL)
    {
      pcli_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
pcli_load_spec_and_data (const char *command, const char *spec_path, const char *path,
                         const char *meta_path, NnModelDoc **spec, LcDataset **ds)
{
  g_autoptr (GError) error = NULL;

  *ds = NULL;
  *spec = nn_model_doc_load (spec_path, &error);
  if (*spec == NULL)
    {
      pcli_error (command, "%s", error->message);
      return FALSE;
    }
  if (!load_data_for (command, path, meta_path, ds))
    {
      g_clear_pointer (spec, nn_model_doc_free);
      return FALSE;
    }
  return TRUE;
}

gboolean
pcli_load_model_and_data (const char *command, const char *model_path, const char *path,
                          const char *meta_path, LcPredictor **predictor, LcDataset **ds)
{
  g_autoptr (GError) error = NULL;

  *ds = NULL;
  *predictor = lc_predictor_load (model_path, &error);
  if (*predictor == NULL)
    {
      pcli_error (command, "%s", error->message);
      return FALSE;
    }
  if (!load_data_for (command, path, meta_path, ds))
    {
      g_clear_pointer (predictor, lc_predictor_free);
      return FALSE;
    }
  return TRUE;
}

void
pcli_json_add_number (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
pcli_print_json (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  /* not json-glib's generator: it misprints doubles such as 1e-08 */
  g_autofree char *text = nn_json_to_string (root);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
pcli_overrides_add_entries (GOptionContext *context, PcliOverrides *overrides)
{
  LcTrainOverrides *o = &overrides->o;
  const GOptionEntry entries[] = {
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o->epochs, N_("Epochs"), "N" },
    { "batch-size", 0, 0, G_OPTION_ARG_INT, &o->batch_size, N_("Mini-batch size"), "B" },
    { "learning-rate", 0, 0, G_OPTION_ARG_DOUBLE, &o->learning_rate, N_("Learning rate"), "X" },
    { "val-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &o->val_fraction, N_("Validation fraction (0 = none)"), "F" },
    { "balance", 0, 0, G_OPTION_ARG_STRING, &overrides->balance, N_("none, weights, resample, sample or effective"), "MODE" },
    { "class-weight-power", 0, 0, G_OPTION_ARG_DOUBLE, &o->class_weight_power, N_("With --balance weights: the balanced weights to this power (1 = inverse frequency)"), "P" },
    { "effective-beta", 0, 0, G_OPTION_ARG_DOUBLE, &o->effective_beta, N_("With --balance effective: beta of the effective number of objects, in (0, 1)"), "B" },
    { "sampling-power", 0, 0, G_OPTION_ARG_DOUBLE, &o->sampling_power, N_("With --balance sample: a class of n objects is drawn in proportion to n to this power (1 = as in the data, 0 = classes equally)"), "Q" },
    { "loss", 0, 0, G_OPTION_ARG_STRING, &overrides->loss, N_("ce or focal"), "LOSS" },
    { "focal-gamma", 0, 0, G_OPTION_ARG_DOUBLE, &o->focal_gamma, N_("Focusing exponent of the focal loss"), "G" },
    { "label-smoothing", 0, 0, G_OPTION_ARG_DOUBLE, &o->label_smoothing, N_("With --loss ce: the target is 1 − E for the true class plus E shared among all classes (0 = off)"), "E" },
    { "logit-adjust", 0, 0, G_OPTION_ARG_DOUBLE, &o->logit_adjust, N_("Class priors in the loss: strength tau (0 = off, 1 = balanced softmax)"), "TAU" },
    { "reweight-from-epoch", 0, 0, G_OPTION_ARG_INT, &o->reweight_from_epoch, N_("Deferred re-weighting: class weights and --logit-adjust act from this epoch on (0 = from the start)"), "E" },
    { "prior-correction", 0, 0, G_OPTION_ARG_DOUBLE, &o->prior_correction, N_("At prediction, divide the probabilities by the learned class priors to this power (0 = off, 1 = balanced classes)"), "TAU" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads, N_("Threads (1 or 2)"), "N" },
    { "patience", 0, 0, G_OPTION_ARG_INT, &o->patience, N_("Early-stopping patience in epochs (0 = off)"), "N" },
    { "augment", 0, 0, G_OPTION_ARG_INT, &o->augment_copies, N_("Augmented copies per object (0 = none)"), "N" },
    { "ensemble", 0, 0, G_OPTION_ARG_INT, &o->ensemble_members, N_("Ensemble members (seeds)"), "N" },
    { NULL },
  };

  memset (overrides, 0, sizeof *overrides);
  lc_train_overrides_init (o);
  g_option_context_add_main_entries (context, entries, NULL);
}

static gboolean
parse_choice (const char *command, const char *option, const char *value,
              gboolean (*from_string) (const char *, int *), int *out)
{
  if (value == NULL)
    return TRUE;
  if (!from_string (value, out))
    {
      pcli_error (command, _("--%s: unknown value “%s”"), option, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
balance_from_string (const char *name, int *out)
{
  NnBalance b;
  if (!nn_balance_from_string (name, &b))
    return FALSE;
  *out = b;
  return TRUE;
}

static gboolean
loss_from_string (const char *name, int *out)
{
  NnLossKind k;
  if (!nn_loss_kind_from_string (name, &k))
    return FALSE;
  *out = k;
  return TRUE;
}

gboolean
pcli_overrides_finish (PcliOverrides *overrides, const char *command)
{
  overrides->o.threads = CLAMP (overrides->o.threads, 0, 2);
  return parse_choice (command, "balance", overrides->balance, balance_from_string, &overrides->o.balance)
         && parse_choice (command, "loss", overrides->loss, loss_from_string, &overrides->o.loss);
}

void
pcli_overrides_clear (PcliOverrides *overrides)
{
  g_clear_pointer (&overrides->balance, g_free);
  g_clear_pointer (&overrides->loss, g_free);
}
