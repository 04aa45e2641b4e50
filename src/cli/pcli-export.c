/* pcli-export.c: models and inputs for other runtimes.
 *
 *   passband-cli export --model MODEL.json --onnx MODEL.onnx [--temperature T]
 *   passband-cli encode --model MODEL.json --data PATH [--meta PATH] --out DIR
 *
 * export writes the trained network (every ensemble member, averaged inside
 * the graph) as ONNX (lc-onnx.h); encode writes exactly the tensors that graph
 * takes (lc-tensors.h), so a broker can check its own preprocessing. */
#include "config.h"

#include "pcli.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "lc-onnx.h"
#include "lc-tensors.h"

int
pcli_export (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *onnx_path = NULL;
  double temperature = 0.0;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, N_("Trained model"), "MODEL.json" },
    { "onnx", 0, 0, G_OPTION_ARG_FILENAME, &onnx_path, N_("ONNX file to write"), "MODEL.onnx" },
    { "temperature", 0, 0, G_OPTION_ARG_DOUBLE, &temperature,
      N_("Calibration temperature applied to the averaged probabilities (default: the model's own; 1: none)"), "T" },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("— write a trained model as ONNX for ONNX Runtime and alert brokers"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = NULL;
  LcOnnxOptions options;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "export", &argc, &argv))
    return 2;
  if (model_path == NULL || onnx_path == NULL)
    {
      pcli_error ("export", _("--model MODEL.json and --onnx MODEL.onnx are required"));
      return 2;
    }
  lc_onnx_options_default (&options);
  options.temperature = temperature;
  p = lc_predictor_load (model_path, &error);
  if (p == NULL || !lc_onnx_export (p, &options, onnx_path, &error))
    {
      pcli_error ("export", "%s", error->message);
      return 1;
    }
  return 0;
}

int
pcli_encode (int argc, char **argv)
{
  g_autofree char *model_path = NULL, *data = NULL, *meta = NULL, *out = NULL;
  int threads = 1, n_rows = 0;
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, N_("Trained model"), "MODEL.json" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, N_("Dataset to encode"), "PATH" },
    { "meta", 0, 0, G_OPTION_ARG_FILENAME, &meta, N_("Metadata CSV (PLAsTiCC)"), "PATH" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      N_("Folder for sequence.npy, lengths.npy, metadata.npy and object_ids.txt"), "DIR" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Threads (1 or 2)"), "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
    g_option_context_new (_("— write the input tensors of the exported ONNX model"));
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (LcDataset) ds = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!pcli_parse (context, "encode", &argc, &argv))
    return 2;
  if (model_path == NULL || data == NULL || out == NULL)
    {
      pcli_error ("encode", _("--model MODEL.json, --data PATH and --out DIR are required"));
      return 2;
    }
  if (!pcli_load_model_and_data ("encode", model_path, data, meta, &p, &ds))
    return 1;
  if (!lc_tensors_write (p, ds, out, CLAMP (threads, 1, 2), &n_rows, &error))
    {
      pcli_error ("encode", "%s", error->message);
      return 1;
    }
  return 0;
}
