/* passband-cli.c: the command-line tool: the same pipeline as the app, without a display
 * (DESIGN §9). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "pcli.h"

typedef struct
{
  const char *name;
  PcliCommandFunc func;
  const char *summary;
} PcliCommand;

static const PcliCommand commands[] = {
  { "info", pcli_info, N_("describe a dataset: objects, observations, bands, classes") },
  { "simulate", pcli_simulate, N_("write a simulated PLAsTiCC-format dataset") },
  { "train", pcli_train, N_("train a model spec on a dataset and save the trained model") },
  { "evaluate", pcli_evaluate, N_("score a trained model on a labelled dataset") },
  { "predict", pcli_predict, N_("write class probabilities (Kaggle layout with class_99)") },
  { "crossval", pcli_crossval, N_("stratified k-fold cross-validation of a model spec") },
  { "tune", pcli_tune, N_("hyperparameter search (grid, random, halving; shards)") },
  { "export", pcli_export, N_("write a trained model as ONNX (for ONNX Runtime and brokers)") },
  { "encode", pcli_encode, N_("write the ONNX model's input tensors for a dataset (.npy)") },
  { "novelty-eval", pcli_novelty_eval, N_("how well novelty scores find a class left out of training") },
  { "explain", pcli_explain, N_("which observations, bands and metadata decided an object's class") },
  { "runs", pcli_runs, N_("runs export: the table of training runs (CSV, LaTeX) and their curves") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, _("Usage: passband-cli COMMAND [OPTION…]\n\nCommands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, _("\nRun “passband-cli COMMAND --help” for a command's options.\n"
                  "PATH may be a .csv, a .ts, a folder of .npy files or of CSV files, or sim:N[:SEED].\n"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* numbers in files and JSON are always written with a '.' */
  setlocale (LC_NUMERIC, "C");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("passband-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].func (argc - 1, argv + 1);

  fprintf (stderr, _("passband-cli: unknown command “%s”\n\n"), argv[1]);
  print_usage (stderr);
  return 2;
}
