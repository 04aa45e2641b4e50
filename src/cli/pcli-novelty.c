/* pcli-novelty.c: passband-cli novelty-eval: how well each novelty score
 * finds a class the model never saw (leave one class out, AUROC). */
#include "config.h"

#include "pcli.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>

#include "lc-novelty.h"

static const char *
score_key (int kind)
{
  switch (kind)
    {
    case LC_NOVELTY_MAX_PROB:
      return "max_prob";
    case LC_NOVELTY_ENTROPY:
      return "entropy";
    case LC_NOVELTY_ENERGY_COLUMN:
      return "energy";
    case LC_NOVELTY_MAHALANOBIS_COLUMN:
      return "mahalanobis";
    case LC_NOVELTY_KNN_COLUMN:
      return "knn";
    case LC_NOVELTY_P99:
    default:
      return "p99";
    }
}

static void
print_fold (const LcNoveltyFold *f, gboolean json)
{
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "class");
      json_builder_set_member_name (b, "left_out");
      json_builder_add_int_value (b, f->class_id);
      json_builder_set_member_name (b, "novel_objects");
      json_builder_add_int_value (b, f->n_novel);
      json_builder_set_member_name (b, "known_objects");
      json_builder_add_int_value (b, f->n_known);
      pcli_json_add_number (b, "known_accuracy", f->known_accuracy);
      json_builder_set_member_name (b, "auroc");
      json_builder_begin_object (b);
      for (int s = 0; s < LC_NOVELTY_N_MEASURED; s++)
        pcli_json_add_number (b, score_key (s), f->auroc[s]);
      json_builder_end_object (b);
      pcli_json_add_number (b, "seconds", f->seconds);
      json_builder_end_object (b);
      pcli_print_json (b);
      return;
    }
  printf ("%5d  %6d  %6d  %8.4f", f->class_id, f->n_novel, f->n_known, f->known_accuracy);
  for (int s = 0; s < LC_NOVELTY_N_MEASURED; s++)
    printf ("  %8.4f", f->auroc[s]);
  printf (_("  (%.1f s)\n"), f->seconds);
  fflush (stdout);
}

/* Mean over the classes whose AUROC is defined. */
static double
mean_auroc (const LcNoveltyFold *folds, int n, int kind)
{
  double sum = 0.0;
  int used = 0;
  for (int i = 0; i < n; i++)
    if (!isnan (folds[i].auroc[kind]))
      {
        sum += folds[i].auroc[kind];
        used++;
      }
  return used > 0 ? sum / used : NAN;
}

static void
print_summary (const LcNoveltyFold *folds, int n, gboolean json)
{
  int best = 0;
  for (int s = 1; s < LC_NOVELTY_N_MEASURED; s++)
    if (mean_auroc (folds, n, s) > mean_auroc (folds, n, best))
      best = s;
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "result");
      json_builder_set_member_name (b, "classes");
      json_builder_add_int_value (b, n);
      json_builder_set_member_name (b, "mean_auroc");
      json_builder_begin_object (b);
      for (int s = 0; s < LC_NOVELTY_N_MEASURED; s++)
        pcli_json_add_number (b, score_key (s), mean_auroc (folds, n, s));
      json_builder_end_object (b);
      json_builder_set_member_name (b, "best");
      json_builder_add_string_value (b, score_key (best));
      json_builder_end_object (b);
      pcli_print_json (b);
      return;
    }
  printf ("%-29s", _("mean"));
  for (int s = 0; s < LC_NOVELTY_N_MEASURED; s++)
    printf ("  %8.4f", mean_auroc (folds, n, s));
  printf (_("\nbest score: %s\n"), score_key (best));
}

/* "6,15,90" -> dataset class indices; NULL (with the error printed) on an
 * unknown class. */
static GArray *
parse_classes (const LcDataset *ds, const char *list)
{
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (int));
  g_auto (GStrv) parts = NULL;

  if (list == NULL)
    {
      for (int c = 0; c < (int) ds->n_classes; c++)
        g_array_append_val (out, c);
      return g_steal_pointer (&out);
    }
  parts = g_strsplit (list, ",", -1);
  for (char **p = parts; *p != NULL; p++)
    {
      gint64 id;
      int idx;
      if (!g_ascii_string_to_signed (g_strstrip (*p), 10, G_MININT, G_MAXINT, &id, NULL)
          || (idx = lc_dataset_class_index (ds, (int) id)) < 0)
        {
          pcli_error ("novelty-eval", _("--classes: %s has no class “%s”"), ds->path, *p);
          return NULL;
        }
      g_array_append_val (out, idx);
    }
  return g_steal_pointer (&out);
}

int
pcli_novelty_eval (int argc, char **argv)
{
  g_autofree char *data = NULL, *meta = NULL, *spec_path = NULL, *class_list = NULL;
  gboolean json = FALSE;
  double test_fraction = 0.2;
  gint64 seed = -1;
  g_auto (PcliOverrides) overrides = { 0 };
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Labelled dataset"), "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, N_("Metadata CSV (PLAsTiCC)"), "PATH" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &spec_path, N_("Model spec or preset (JSON)"), "SPEC.json" },
    { "classes", 0, 0, G_OPTION_ARG_STRING, &class_list,
      N_("Leave out only these classes, e.g. 6,15 (default: each class in turn)"), "IDS" },
    { "test-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &test_fraction,
      N_("Share of the labelled objects held out for scoring (default 0.2)"), "F" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed for the split and the training"), "S" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON lines"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("— how well novelty scores find a class left out of training"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (NnModelDoc) spec = NULL;
  g_autoptr (GArray) classes = NULL;
  g_autofree LcNoveltyFold *folds = NULL;
  guint64 split_seed;

  g_option_context_add_main_entries (context, entries, NULL);
  pcli_overrides_add_entries (context, &overrides);
  if (!pcli_parse (context, "novelty-eval", &argc, &argv)
      || !pcli_overrides_finish (&overrides, "novelty-eval"))
    return 2;
  if (data == NULL || spec_path == NULL)
    {
      pcli_error ("novelty-eval", _("--data PATH and --model SPEC.json are required"));
      return 2;
    }
  if (!(test_fraction > 0.0 && test_fraction < 1.0))
    {
      pcli_error ("novelty-eval", _("--test-fraction: expected a number between 0 and 1, found %g"),
                  test_fraction);
      return 2;
    }
  overrides.o.seed = seed;
  if (!pcli_load_spec_and_data ("novelty-eval", spec_path, data, meta, &spec, &ds))
    return 1;
  classes = parse_classes (ds, class_list);
  if (classes == NULL)
    return 2;
  split_seed = seed >= 0 ? (guint64) seed : spec->training.train.seed;
  folds = g_new0 (LcNoveltyFold, MAX (classes->len, 1));
  if (!json)
    {
      printf (_("left out: each class in turn; AUROC of the novel class against held-out known objects\n"));
      printf ("%5s  %6s  %6s  %8s", _("class"), _("novel"), _("known"), _("accuracy"));
      for (int s = 0; s < LC_NOVELTY_N_MEASURED; s++)
        printf ("  %8s", score_key (s));
      printf ("\n");
    }
  for (guint i = 0; i < classes->len; i++)
    {
      int c = g_array_index (classes, int, i);
      if (!lc_novelty_leave_one_out (ds, spec, &overrides.o, c, test_fraction, split_seed,
                                     MAX (overrides.o.threads, 1), &folds[i], &error))
        {
          pcli_error ("novelty-eval", _("leaving out class %d: %s"), ds->classes[c].id, error->message);
          return 1;
        }
      print_fold (&folds[i], json);
    }
  print_summary (folds, (int) classes->len, json);
  return 0;
}
