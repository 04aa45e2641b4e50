/* test-fields.c: the one table of layer and training fields (nn-fields.h):
 * its rows agree with the enums they store, every field goes through the
 * model-file writer and reader unchanged, and the reader enforces every
 * field's range with a message naming the field and the range. */
#include <math.h>
#include <string.h>

#include "nn.h"
#include "nn-model-info.h"

/* A layer kind's model-file name. */
static const char *
kind_name (NnLayerKind kind)
{
  return nn_layer_ops_for_kind (kind)->name;
}

/* ---- the table itself ---- */

static void
test_choices_match_enums (void)
{
  const NnField *activation = nn_layer_field_lookup (NN_LAYER_DENSE, "activation");
  const NnField *padding = nn_layer_field_lookup (NN_LAYER_CONV1D, "padding");

  for (int a = NN_ACT_LINEAR; a <= NN_ACT_SOFTMAX; a++)
    g_assert_cmpstr (nn_field_choice_name (activation, a), ==, nn_activation_to_string (a));
  g_assert_cmpuint (nn_field_n_choices (activation), ==, NN_ACT_SOFTMAX + 1);
  g_assert_cmpstr (nn_field_choice_name (padding, NN_PADDING_SAME), ==, "same");
  for (int k = NN_OPTIM_SGD; k <= NN_OPTIM_ADAMW; k++)
    g_assert_cmpstr (nn_field_choice_name (nn_training_field_lookup ("optimizer"), k), ==,
                     nn_optim_kind_to_string (k));
  for (int k = NN_SCHEDULE_CONSTANT; k <= NN_SCHEDULE_PLATEAU; k++)
    g_assert_cmpstr (nn_field_choice_name (nn_training_field_lookup ("schedule"), k), ==,
                     nn_schedule_kind_to_string (k));
  for (int k = NN_LOSS_CROSS_ENTROPY; k <= NN_LOSS_FOCAL; k++)
    g_assert_cmpstr (nn_field_choice_name (nn_training_field_lookup ("loss"), k), ==, nn_loss_kind_to_string (k));
  for (int k = NN_BALANCE_NONE; k <= NN_BALANCE_EFFECTIVE; k++)
    g_assert_cmpstr (nn_field_choice_name (nn_training_field_lookup ("balance"), k), ==, nn_balance_to_string (k));
}

static void
check_row (const NnField *f)
{
  g_autofree char *plain = nn_field_plain_title (f);

  g_assert_nonnull (f->title);
  g_assert_nonnull (f->help);
  g_assert_null (strchr (plain, '_'));
  g_assert_cmpuint (strlen (plain), >, 0);
  g_assert_true (nn_field_in_range (f, f->def));
  g_assert_cmpfloat (f->min, <, f->max);
  if (f->type == NN_FIELD_CHOICE)
    g_assert_cmpfloat (f->max, ==, nn_field_n_choices (f) - 1);
  if (f->when != NULL)
    {
      const NnField *when = f->section == NN_FIELD_TRAINING ? nn_training_field_lookup (f->when)
                                                             : nn_layer_field_any (f->when);
      g_assert_nonnull (when);
      g_assert_cmpint (when->type, ==, NN_FIELD_CHOICE);
    }
}

static void
test_rows (void)
{
  guint n;
  const NnField *fields = nn_layer_fields (&n);
  NnTrainingSpec spec;

  for (guint i = 0; i < n; i++)
    check_row (&fields[i]);
  fields = nn_training_fields (&n);
  nn_training_spec_default (&spec);
  for (guint i = 0; i < n; i++)
    {
      check_row (&fields[i]);
      g_assert_true (nn_training_field_lookup (fields[i].name) == &fields[i]);
      /* the table's default is what a document without the field gets */
      g_assert_cmpfloat (nn_field_get (&fields[i], &spec), ==, (double) (float) fields[i].def);
    }
  for (int k = 0; k < NN_LAYER_N_KINDS; k++)
    {
      const NnLayerKindInfo *info = nn_layer_kind_info (k);
      g_autoptr (GPtrArray) kind_fields = nn_layer_kind_fields (k);
      NnLayerConfig cfg;

      g_assert_nonnull (info);
      g_assert_cmpint (info->kind, ==, k);
      g_assert_cmpstr (nn_layer_kind_title (k), !=, "?");
      nn_layer_config_default_for_kind (&cfg, k);
      for (guint i = 0; i < kind_fields->len; i++)
        {
          const NnField *f = g_ptr_array_index (kind_fields, i);

          /* one row per name and kind */
          g_assert_true (nn_layer_field_lookup (k, f->name) == f);
          g_assert_true (nn_model_file_layer_takes (k, f->name));
          g_assert_cmpfloat (nn_field_get (f, &cfg), ==, (double) (float) f->def);
        }
    }
  g_assert_null (nn_layer_kind_info (NN_LAYER_N_KINDS));
  /* the kinds read their own rows */
  g_assert_cmpfloat (nn_layer_field_lookup (NN_LAYER_CONV1D, "stride")->min, ==, 1);
  g_assert_cmpfloat (nn_layer_field_lookup (NN_LAYER_MAX_POOL1D, "stride")->min, ==, 0);
  g_assert_cmpfloat (nn_layer_field_lookup (NN_LAYER_SIMPLE_RNN, "activation")->def, ==, NN_ACT_TANH);
  g_assert_null (nn_layer_field_lookup (NN_LAYER_GRU, "kernel_size"));
  g_assert_false (nn_model_file_layer_takes (NN_LAYER_LSTM, "activation"));
}

static void
test_words (void)
{
  const NnField *units = nn_layer_field_lookup (NN_LAYER_GRU, "units");
  const NnField *rate = nn_layer_field_lookup (NN_LAYER_DROPOUT, "rate");
  const NnField *lr = nn_training_field_lookup ("learning_rate");
  g_autofree char *units_range = nn_field_range_text (units);
  g_autofree char *rate_range = nn_field_range_text (rate);
  g_autofree char *lr_range = nn_field_range_text (lr);
  g_autofree char *title = nn_field_plain_title (lr);
  NnLayerConfig cfg;
  g_autofree char *summary = NULL;
  g_autofree char *one = NULL;

  g_assert_cmpstr (units_range, ==, "a whole number from 1 to 65536");
  g_assert_cmpstr (rate_range, ==, "a number from 0 up to (not including) 1");
  g_assert_cmpstr (lr_range, ==, "a number greater than 0 and at most 10");
  g_assert_cmpstr (title, ==, "Learning rate");
  g_assert_false (nn_field_in_range (rate, 1.0));
  g_assert_false (nn_field_in_range (units, 2.5));
  g_assert_false (nn_field_in_range (lr, NAN));

  nn_layer_config_default_for_kind (&cfg, NN_LAYER_GRU);
  cfg.units = 64;
  summary = nn_field_summary (units, &cfg);
  g_assert_cmpstr (summary, ==, "64 units");
  cfg.units = 1;
  one = nn_field_summary (units, &cfg);
  g_assert_cmpstr (one, ==, "1 unit");
  g_assert_null (nn_field_summary (nn_layer_field_lookup (NN_LAYER_GRU, "return_sequences"), &cfg));
}

/* The slope of a leaky relu means nothing for a tanh; momentum only for SGD. */
static void
test_relevance (void)
{
  const NnField *slope = nn_layer_field_lookup (NN_LAYER_DENSE, "negative_slope");
  const NnField *momentum = nn_training_field_lookup ("momentum");
  NnLayerConfig cfg;
  NnTrainingSpec spec;

  nn_layer_config_default_for_kind (&cfg, NN_LAYER_DENSE);
  g_assert_false (nn_field_is_relevant (slope, &cfg));
  cfg.activation = NN_ACT_LEAKY_RELU;
  g_assert_true (nn_field_is_relevant (slope, &cfg));

  nn_training_spec_default (&spec);
  g_assert_false (nn_field_is_relevant (momentum, &spec));
  /* choosing SGD brings SGD's defaults */
  nn_field_set (nn_training_field_lookup ("optimizer"), &spec, NN_OPTIM_SGD);
  g_assert_true (nn_field_is_relevant (momentum, &spec));
  g_assert_cmpfloat (spec.train.optim.momentum, ==, 0.9f);
  g_assert_cmpfloat (spec.train.optim.lr, ==, 0.01f);
}

/* ---- through the writer and the reader ---- */

/* An in-range value other than the default (choices: value `choice`). */
static double
other_value (const NnField *f, int choice)
{
  double lo = f->min, hi = f->max, v;

  switch (f->type)
    {
    case NN_FIELD_BOOL:
      return f->def != 0.0 ? 0.0 : 1.0;
    case NN_FIELD_CHOICE:
      return choice;
    case NN_FIELD_INT:
    case NN_FIELD_SEED:
      v = floor (lo + (hi - lo) * 0.37);
      return v != f->def ? v : v + 1;
    case NN_FIELD_FLOAT:
    default:
      v = lo + (hi - lo) * 0.37;
      return v != f->def ? v : lo + (hi - lo) * 0.61;
    }
}

/* Makes f mean something in base: its `when` field gets a value that enables it. */
static void
make_relevant (const NnField *f, const NnField *when, void *base)
{
  if (when == NULL)
    return;
  for (int v = 0; v < 32; v++)
    if (f->when_values & (1u << v))
      {
        nn_field_set (when, base, v);
        return;
      }
}

static void
round_trip_layer_field (NnLayerKind kind, const NnField *f, int choice)
{
  g_autoptr (NnModelDoc) doc = nn_model_doc_new ();
  g_autoptr (NnModelDoc) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  NnLayerSpec *spec = nn_model_doc_add_layer (doc, kind, NULL, NULL);
  double want;

  nn_layer_config_default_for_kind (&spec->cfg, kind);
  make_relevant (f, f->when != NULL ? nn_layer_field_lookup (kind, f->when) : NULL, &spec->cfg);
  nn_field_set (f, &spec->cfg, other_value (f, choice));
  want = nn_field_get (f, &spec->cfg);
  nn_model_doc_add_layer (doc, NN_LAYER_DENSE, NULL, NULL)->units_is_classes = TRUE;
  text = nn_model_doc_to_data (doc, NULL);
  g_assert_nonnull (strstr (text, f->name));
  back = nn_model_doc_load_from_data (text, -1, "round.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (nn_field_get (f, &g_array_index (back->layers, NnLayerSpec, 0).cfg), ==, want);
}

static void
test_round_trip_layers (void)
{
  for (int k = 0; k < NN_LAYER_N_KINDS; k++)
    {
      g_autoptr (GPtrArray) fields = nn_layer_kind_fields (k);

      for (guint i = 0; i < fields->len; i++)
        {
          const NnField *f = g_ptr_array_index (fields, i);
          guint n = f->type == NN_FIELD_CHOICE ? nn_field_n_choices (f) : 1;

          for (guint c = 0; c < n; c++)
            round_trip_layer_field (k, f, (int) c);
        }
    }
}

static void
test_round_trip_training (void)
{
  guint n;
  const NnField *fields = nn_training_fields (&n);

  for (guint i = 0; i < n; i++)
    {
      const NnField *f = &fields[i];
      guint n_values = f->type == NN_FIELD_CHOICE ? nn_field_n_choices (f) : 1;

      for (guint c = 0; c < n_values; c++)
        {
          g_autoptr (NnModelDoc) doc = nn_model_doc_new ();
          g_autoptr (NnModelDoc) back = NULL;
          g_autoptr (GError) error = NULL;
          g_autofree char *text = NULL;
          double want;

          nn_model_doc_add_layer (doc, NN_LAYER_GRU, NULL, NULL);
          nn_model_doc_add_layer (doc, NN_LAYER_DENSE, NULL, NULL)->units_is_classes = TRUE;
          doc->has_training = TRUE;
          make_relevant (f, f->when != NULL ? nn_training_field_lookup (f->when) : NULL, &doc->training);
          nn_field_set (f, &doc->training, other_value (f, (int) c));
          want = nn_field_get (f, &doc->training);
          text = nn_model_doc_to_data (doc, NULL);
          back = nn_model_doc_load_from_data (text, -1, "round.json", &error);
          g_assert_no_error (error);
          g_assert_cmpfloat (nn_field_get (f, &back->training), ==, want);
        }
    }
}

/* ---- ranges ---- */

/* Values just outside the range, as JSON text (NULL when there is none). */
static char *
outside (const NnField *f, gboolean above)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double v;

  switch (f->type)
    {
    case NN_FIELD_BOOL:
      return above ? g_strdup ("\"yes\"") : g_strdup ("1");
    case NN_FIELD_CHOICE:
      return above ? g_strdup ("\"no-such-choice\"") : g_strdup ("0");
    case NN_FIELD_INT:
    case NN_FIELD_SEED:
      v = above ? f->max * 2 + 1 : f->min - 1;
      break;
    case NN_FIELD_FLOAT:
    default:
      if (above)
        v = (f->flags & NN_FIELD_MAX_OPEN) ? f->max : f->max + fabs (f->max) * 0.5 + 0.5;
      else
        v = (f->flags & NN_FIELD_MIN_OPEN) ? f->min : f->min - fabs (f->min) * 0.5 - 0.5;
      break;
    }
  return g_strdup (g_ascii_dtostr (buf, sizeof buf, v));
}

static void
assert_refused (const char *text, const NnField *f, const char *place)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (text, -1, "range.json", &error);
  g_autofree char *field = g_strdup_printf ("%s: field “%s”", place, f->name);

  if (doc != NULL)
    g_error ("%s was accepted", text);
  g_assert_error (error, NN_ERROR, NN_ERROR_FILE);
  if (strstr (error->message, field) == NULL)
    g_error ("“%s” does not name “%s”", error->message, field);
  if (f->type == NN_FIELD_INT || f->type == NN_FIELD_FLOAT || f->type == NN_FIELD_SEED)
    {
      g_autofree char *range = nn_field_range_text (f);
      if (strstr (error->message, range) == NULL)
        g_error ("“%s” does not say “%s”", error->message, range);
    }
}

/* The `when` member that makes f apply, as JSON ("" when none). */
static char *
when_member (const NnField *f, const NnField *when)
{
  if (when == NULL)
    return g_strdup ("");
  for (int v = 0; v < 32; v++)
    if (f->when_values & (1u << v))
      return g_strdup_printf ("\"%s\": \"%s\", ", when->name, nn_field_choice_name (when, v));
  return g_strdup ("");
}

static void
test_ranges_layers (void)
{
  for (int k = 0; k < NN_LAYER_N_KINDS; k++)
    {
      g_autoptr (GPtrArray) fields = nn_layer_kind_fields (k);

      for (guint i = 0; i < fields->len; i++)
        for (int above = 0; above < 2; above++)
          {
            const NnField *f = g_ptr_array_index (fields, i);
            g_autofree char *value = outside (f, above);
            g_autofree char *when = when_member (f, f->when != NULL ? nn_layer_field_lookup (k, f->when) : NULL);
            g_autofree char *place = g_strdup_printf ("layers[0] (%s)", kind_name (k));
            g_autofree char *text = g_strdup_printf ("{\"format\": \"passband-model\", \"version\": 1, \"layers\": "
                                                     "[{\"type\": \"%s\", %s\"%s\": %s}, "
                                                     "{\"type\": \"dense\", \"units\": \"classes\"}]}",
                                                     kind_name (k), when, f->name, value);
            assert_refused (text, f, place);
          }
    }
}

static void
test_ranges_training (void)
{
  guint n;
  const NnField *fields = nn_training_fields (&n);

  for (guint i = 0; i < n; i++)
    for (int above = 0; above < 2; above++)
      {
        const NnField *f = &fields[i];
        g_autofree char *value = outside (f, above);
        g_autofree char *when = when_member (f, f->when != NULL ? nn_training_field_lookup (f->when) : NULL);
        g_autofree char *text = g_strdup_printf ("{\"format\": \"passband-model\", \"version\": 1, \"layers\": "
                                                 "[{\"type\": \"gru\"}, {\"type\": \"dense\", \"units\": \"classes\"}], "
                                                 "\"training\": {%s\"%s\": %s}}",
                                                 when, f->name, value);
        assert_refused (text, f, "training");
      }
}

/* The builder's checks use the same ranges: a spec out of them is a problem
 * naming the layer and the field, not a file the reader would refuse later. */
static void
test_model_info_ranges (void)
{
  g_autoptr (NnModelDoc) doc = nn_model_doc_new ();
  NnModelInfo *info;
  gboolean found = FALSE;

  nn_model_doc_add_layer (doc, NN_LAYER_GRU, NULL, NULL);
  nn_model_doc_add_layer (doc, NN_LAYER_DENSE, NULL, NULL)->units_is_classes = TRUE;
  info = nn_model_info_new (doc, 6, 0, 4, 20);
  g_assert_true (info->valid);
  nn_model_info_free (info);

  g_array_index (doc->layers, NnLayerSpec, 0).cfg.units = 65537;
  info = nn_model_info_new (doc, 6, 0, 4, 20);
  g_assert_false (info->valid);
  for (guint p = 0; p < info->problems->len; p++)
    {
      const NnModelProblem *problem = &g_array_index (info->problems, NnModelProblem, p);
      if (problem->layer_index == 0 && strstr (problem->message, "“units” must be a whole number from 1 to 65536")
          != NULL)
        found = TRUE;
    }
  g_assert_true (found);
  nn_model_info_free (info);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fields/choices-match-enums", test_choices_match_enums);
  g_test_add_func ("/fields/rows", test_rows);
  g_test_add_func ("/fields/words", test_words);
  g_test_add_func ("/fields/relevance", test_relevance);
  g_test_add_func ("/fields/round-trip-layers", test_round_trip_layers);
  g_test_add_func ("/fields/round-trip-training", test_round_trip_training);
  g_test_add_func ("/fields/ranges-layers", test_ranges_layers);
  g_test_add_func ("/fields/ranges-training", test_ranges_training);
  g_test_add_func ("/fields/model-info-ranges", test_model_info_ranges);
  return g_test_run ();
}
