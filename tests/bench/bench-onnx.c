/* bench-onnx.c: inference throughput of Passband against ONNX Runtime on the
 * same exported model, in the same run.
 *
 * Usage: bench-onnx [PRESET] [--objects N] [--repeats R]
 *
 * Trains models/PRESET.json (default lsst-bigru) for one epoch on simulated
 * data, exports it as ONNX, encodes N simulated objects (default 2000) once,
 * and times the network on them: Passband's lc_predictor_predict_data and
 * ONNX Runtime (tests/onnx/onnx-throughput.js under Node.js, batches of 256
 * objects), each with 1 and 2 threads, best of R passes (default 5) after a
 * warm-up.  Encoding is not timed: both get the same tensors.  Prints one JSON
 * line per thread count:
 *   {"bench":"onnx-throughput","preset":...,"threads":1,"objects":...,
 *    "passband_per_s":...,"onnxruntime_per_s":...,"ratio":...,"corename":...}
 * ratio is Passband's objects per second over ONNX Runtime's (goal: >= 1).
 * ONNX Runtime comes from .ci/install-deps or $PASSBAND_ONNXRUNTIME_DIR. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "lc-onnx.h"
#include "lc-tensors.h"
#include "lc.h"
#include "nn-blas.h"
#include "testutil.h"

static double
passband_best_seconds (const LcPredictor *p, const NnData *data, int threads, int repeats)
{
  double best = G_MAXDOUBLE;
  g_autoptr (GError) error = NULL;

  for (int r = 0; r <= repeats; r++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autofree float *probs = lc_predictor_predict_data (p, data, threads, &error);
      double seconds = (g_get_monotonic_time () - start) / 1e6;
      g_assert_no_error (error);
      if (r > 0)  /* the first run warms up */
        best = MIN (best, seconds);
    }
  return best;
}

static double
onnxruntime_per_s (const char *onnx_path, const char *tensor_dir, int threads, int repeats)
{
  const char *src = g_getenv ("PASSBAND_SOURCE_DIR");
  const char *ort_env = g_getenv ("PASSBAND_ONNXRUNTIME_DIR");
  g_autofree char *ort_dir = ort_env != NULL ? g_strdup (ort_env)
                                             : g_build_filename (src, ".ci", "onnxruntime", NULL);
  g_autofree char *script = g_build_filename (src, "tests", "onnx", "onnx-throughput.js", NULL);
  g_autofree char *threads_s = g_strdup_printf ("%d", threads);
  g_autofree char *repeats_s = g_strdup_printf ("%d", repeats);
  const char *argv[] = { "node", script, ort_dir, onnx_path, tensor_dir, threads_s, repeats_s, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      fprintf (stderr, "bench-onnx: ONNX Runtime did not run (%s): %s\n", error->message,
               err != NULL ? err : "");
      exit (1);
    }
  if (!json_parser_load_from_data (parser, out, -1, &error))
    {
      fprintf (stderr, "bench-onnx: unexpected output from onnx-throughput.js: %s\n", out);
      exit (1);
    }
  return json_object_get_double_member (json_node_get_object (json_parser_get_root (parser)),
                                        "objects_per_s");
}

int
main (int argc, char **argv)
{
  const char *preset = "lsst-bigru";
  int objects = 2000, repeats = 5;
  g_autofree char *tmp = g_dir_make_tmp ("bench-onnx-XXXXXX", NULL);
  g_autofree char *spec = NULL, *model = g_build_filename (tmp, "model.json", NULL);
  g_autofree char *onnx = g_build_filename (tmp, "model.onnx", NULL);
  g_autofree char *tensors = g_build_filename (tmp, "inputs", NULL);
  g_autofree char *data_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (NnData) data = NULL;
  LcOnnxOptions options;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--objects") && i + 1 < argc)
        objects = atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--repeats") && i + 1 < argc)
        repeats = atoi (argv[++i]);
      else
        preset = argv[i];
    }
  spec = g_strdup_printf ("%s/models/%s.json", g_getenv ("PASSBAND_SOURCE_DIR"), preset);
  data_path = g_strdup_printf ("sim:%d:9", objects);

  {
    g_autoptr (TuCliResult) r = tu_run_cli ("train", "--data", "sim:300:1", "--model", spec, "--out", model,
                                            "--epochs", "1", NULL);
    if (r->status != 0)
      {
        fprintf (stderr, "bench-onnx: training %s failed: %s\n", preset, r->err);
        return 1;
      }
  }
  p = lc_predictor_load (model, &error);
  g_assert_no_error (error);
  lc_onnx_options_default (&options);
  lc_onnx_export (p, &options, onnx, &error);
  g_assert_no_error (error);
  ds = lc_load (data_path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  data = lc_predictor_encode (p, ds, NULL, (int) ds->n_objects, 2, &error);
  g_assert_no_error (error);
  lc_tensors_write (p, ds, tensors, 2, NULL, &error);
  g_assert_no_error (error);

  for (int threads = 1; threads <= 2; threads++)
    {
      double pb = data->n / passband_best_seconds (p, data, threads, repeats);
      double ort = onnxruntime_per_s (onnx, tensors, threads, repeats);
      printf ("{\"bench\":\"onnx-throughput\",\"preset\":\"%s\",\"threads\":%d,\"objects\":%d,"
              "\"steps\":%d,\"passband_per_s\":%.0f,\"onnxruntime_per_s\":%.0f,\"ratio\":%.2f,"
              "\"corename\":\"%s\"}\n",
              preset, threads, data->n, data->steps, pb, ort, pb / ort, nn_blas_corename ());
      fflush (stdout);
    }
  tu_remove_tree (tmp);
  return 0;
}
