/* pcli-predict.c: passband-cli predict --model MODEL.json --data PATH --out PREDICTIONS.csv
 *
 * Writes the Kaggle PLAsTiCC submission layout: object_id, one class_<id>
 * column per class the model knows, and class_99 (MISweeper's novelty
 * probability), each row renormalised to sum to 1 (DESIGN §7).
 */
#include "pcli.h"

#include <errno.h>
#include <stdio.h>

#include "lc-pipeline.h"
#include "lc-plasticc-metric.h"

static gboolean
write_predictions (const char *path, const LcDataset *ds, const LcPredictor *p, const float *probs,
                   GError **error)
{
  int k = p->n_classes;
  g_autofree float *with99 = g_new (float, (gsize) MAX (ds->n_objects, 1) * (k + 1));
  g_autoptr (GString) out = g_string_sized_new (64 + ds->n_objects * (k + 1) * 10);

  lc_novelty_append_p99 (probs, (int) ds->n_objects, k, with99);
  g_string_append (out, "object_id");
  for (int c = 0; c < k; c++)
    g_string_append_printf (out, ",class_%d", p->class_ids[c]);
  g_string_append (out, ",class_99\n");
  for (gsize i = 0; i < ds->n_objects; i++)
    {
      g_string_append (out, ds->objects[i].id);
      for (int c = 0; c <= k; c++)
        g_string_append_printf (out, ",%.6g", with99[i * (k + 1) + c]);
      g_string_append_c (out, '\n');
    }
  /* atomically: a crash never leaves half a submission */
  return g_file_set_contents_full (path, out->str, out->len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error);
}

int
pcli_predict (int argc, char **argv)
{
  g_autofree char *data = NULL, *meta = NULL, *model_path = NULL, *out = NULL;
  gboolean json = FALSE;
  int threads = 1;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Trained model", "MODEL.json" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, "Dataset to classify (labels not needed)", "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, "Metadata CSV (PLAsTiCC)", "PATH" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Predictions CSV to write", "PREDICTIONS.csv" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (1 or 2)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON line", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new ("— write class probabilities in the Kaggle layout with class_99");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (LcPredictor) p = NULL;
  g_autofree float *probs = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "predict", &argc, &argv))
    return 2;
  if (data == NULL || model_path == NULL || out == NULL)
    {
      pcli_error ("predict", "--model MODEL.json, --data PATH and --out PREDICTIONS.csv are required");
      return 2;
    }
  p = lc_predictor_load (model_path, &error);
  if (p != NULL)
    ds = pcli_load_dataset ("predict", data, meta, &error);
  if (ds != NULL)
    probs = lc_predictor_predict (p, ds, NULL, 0, CLAMP (threads, 1, 2), NULL, &error);
  if (probs == NULL || !write_predictions (out, ds, p, probs, &error))
    {
      pcli_error ("predict", "%s", error->message);
      return 1;
    }
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, "result");
      json_builder_set_member_name (b, "objects");
      json_builder_add_int_value (b, ds->n_objects);
      json_builder_set_member_name (b, "out");
      json_builder_add_string_value (b, out);
      json_builder_end_object (b);
      pcli_print_json (b);
    }
  else
    printf ("wrote predictions for %" G_GSIZE_FORMAT " objects to %s\n", ds->n_objects, out);
  return 0;
}
