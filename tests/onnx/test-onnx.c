/* test-onnx.c: what the ONNX file holds (read back with protobuf-c), the
 * temperature's nodes and its checks, refusals, and the .npy tensors of
 * passband-cli encode against what the pipeline feeds the network. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "lc-onnx.h"
#include "lc-tensors.h"
#include "lc.h"
#include "onnx.pb-c.h"
#include "testutil.h"

static char *tmp_dir;
static char *model_path;   /* small GRU trained for one epoch */

static Onnx__ModelProto *
export_model (const LcPredictor *p, double temperature)
{
  LcOnnxOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize size;
  const guint8 *data;
  Onnx__ModelProto *mp;

  lc_onnx_options_default (&options);
  options.temperature = temperature;
  bytes = lc_onnx_export_bytes (p, &options, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  mp = onnx__model_proto__unpack (NULL, size, data);
  g_assert_nonnull (mp);
  return mp;
}

static const Onnx__NodeProto *
find_node (const Onnx__ModelProto *mp, const char *op)
{
  for (gsize i = 0; i < mp->graph->n_node; i++)
    if (g_str_equal (mp->graph->node[i]->op_type, op))
      return mp->graph->node[i];
  return NULL;
}

static const char *
find_prop (const Onnx__ModelProto *mp, const char *key)
{
  for (gsize i = 0; i < mp->n_metadata_props; i++)
    if (g_str_equal (mp->metadata_props[i]->key, key))
      return mp->metadata_props[i]->value;
  return NULL;
}

static void
test_graph_contents (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = lc_predictor_load (model_path, &error);
  Onnx__ModelProto *mp;
  const Onnx__NodeProto *gru;
  const Onnx__ValueInfoProto *out;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *doc_pre = NULL;
  gboolean linear_before_reset = FALSE;

  g_assert_no_error (error);
  mp = export_model (p, 1.0);
  g_assert_cmpint (mp->ir_version, ==, LC_ONNX_IR_VERSION);
  g_assert_cmpint (mp->opset_import[0]->version, ==, LC_ONNX_OPSET);
  /* metadata is an input only when the network joins it */
  g_assert_cmpint (mp->graph->n_input, ==, lc_onnx_takes_metadata (p) ? 3 : 2);
  g_assert_cmpstr (mp->graph->input[0]->name, ==, "sequence");
  g_assert_cmpstr (mp->graph->input[1]->name, ==, "lengths");
  if (lc_onnx_takes_metadata (p))
    g_assert_cmpstr (mp->graph->input[2]->name, ==, "metadata");
  g_assert_cmpint (mp->graph->n_output, ==, 1);
  out = mp->graph->output[0];
  g_assert_cmpstr (out->name, ==, "probabilities");
  g_assert_cmpstr (out->type->tensor_type->shape->dim[0]->dim_param, ==, "batch");
  g_assert_cmpint (out->type->tensor_type->shape->dim[1]->dim_value, ==, p->n_classes);

  gru = find_node (mp, "GRU");
  g_assert_nonnull (gru);
  g_assert_cmpint (gru->n_input, ==, 5);
  g_assert_cmpstr (gru->input[4], !=, "");   /* sequence_lens */
  for (gsize i = 0; i < gru->n_attribute; i++)
    if (g_str_equal (gru->attribute[i]->name, "linear_before_reset"))
      linear_before_reset = gru->attribute[i]->i == 1;
  g_assert_true (linear_before_reset);
  g_assert_null (find_node (mp, "Log"));

  /* the classes in output order, and the encoder's JSON as the model file holds it */
  json_parser_load_from_data (parser, find_prop (mp, "passband.classes"), -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==,
                   p->n_classes);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     json_node_get_array (json_parser_get_root (parser)), 0), "id"), ==, p->class_ids[0]);
  doc_pre = json_to_string (p->doc->preprocessing, FALSE);
  g_assert_cmpstr (find_prop (mp, "passband.preprocessing"), ==, doc_pre);
  g_assert_cmpstr (find_prop (mp, "passband.bands"), ==, "[\"u\",\"g\",\"r\",\"i\",\"z\",\"y\"]");
  g_assert_nonnull (strstr (find_prop (mp, "passband.sequence_features"), "\"dt\""));
  g_assert_nonnull (find_prop (mp, "passband.version"));
  onnx__model_proto__free_unpacked (mp, NULL);
}

static void
test_temperature (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = lc_predictor_load (model_path, &error);
  Onnx__ModelProto *mp;
  LcOnnxOptions options;
  const double bad[] = { -1.0, NAN, INFINITY };
  char want[G_ASCII_DTOSTR_BUF_SIZE];

  g_assert_no_error (error);
  mp = export_model (p, 2.5);
  g_assert_nonnull (find_node (mp, "Log"));
  g_assert_nonnull (find_node (mp, "Div"));
  g_assert_cmpstr (find_prop (mp, "passband.temperature"), ==, "2.5");
  onnx__model_proto__free_unpacked (mp, NULL);

  /* by default the model file's own calibration goes into the graph */
  mp = export_model (p, 0.0);
  g_assert_cmpstr (find_prop (mp, "passband.temperature"), ==,
                   g_ascii_dtostr (want, sizeof want, p->doc->temperature));
  g_assert_true ((find_node (mp, "Div") != NULL) == (p->doc->temperature != 1.0));
  onnx__model_proto__free_unpacked (mp, NULL);

  /* the prior correction's offsets: added to log (p) / T, as the initializer of
   * the graph's one Add after the Div (the layers have no Add of their own here) */
  {
    g_autoptr (NnModelDoc) doc = nn_model_doc_copy (p->doc);
    g_autoptr (LcPredictor) corrected = NULL;
    const Onnx__NodeProto *add;
    gboolean found = FALSE;

    g_assert_null (find_node (mp = export_model (p, 1.0), "Add"));
    onnx__model_proto__free_unpacked (mp, NULL);
    doc->class_offsets = g_new (float, p->n_classes);
    for (int c = 0; c < p->n_classes; c++)
      doc->class_offsets[c] = 0.25f * c;
    corrected = lc_predictor_new (doc, &error);
    g_assert_no_error (error);
    mp = export_model (corrected, 1.0);
    add = find_node (mp, "Add");
    g_assert_nonnull (add);
    g_assert_nonnull (find_node (mp, "Log"));
    for (gsize i = 0; i < mp->graph->n_initializer; i++)
      if (g_str_equal (mp->graph->initializer[i]->name, add->input[1]))
        {
          const Onnx__TensorProto *t = mp->graph->initializer[i];
          g_assert_cmpuint (t->n_float_data, ==, (gsize) p->n_classes);
          g_assert_cmpfloat (t->float_data[2], ==, 0.5f);
          found = TRUE;
        }
    g_assert_true (found);
    onnx__model_proto__free_unpacked (mp, NULL);
  }

  lc_onnx_options_default (&options);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GBytes) bytes = NULL;
      g_clear_error (&error);
      options.temperature = bad[i];
      bytes = lc_onnx_export_bytes (p, &options, &error);
      g_assert_null (bytes);
      g_assert_nonnull (strstr (error->message, "temperature"));
    }
}

static void
test_untrained_refused (void)
{
  g_autofree char *spec = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", "small-gru.json",
                                            NULL);
  g_autofree char *out = g_build_filename (tmp_dir, "untrained.onnx", NULL);
  g_autoptr (TuCliResult) r = tu_run_cli ("export", "--model", spec, "--onnx", out, NULL);

  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "not a trained model"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* The .npy payload after its header, and the header's text. */
static const char *
npy_payload (const char *contents, gsize length, char **header, gsize *payload_size)
{
  guint16 header_len;

  g_assert_cmpuint (length, >=, 10);
  g_assert_cmpmem (contents, 6, "\x93NUMPY", 6);
  memcpy (&header_len, contents + 8, 2);
  header_len = GUINT16_FROM_LE (header_len);
  g_assert_cmpuint ((10u + header_len) % 64, ==, 0);
  *header = g_strndup (contents + 10, header_len);
  *payload_size = length - 10 - header_len;
  return contents + 10 + header_len;
}

static void
test_encode_tensors (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "inputs", NULL);
  g_autofree char *seq_path = g_build_filename (dir, "sequence.npy", NULL);
  g_autofree char *len_path = g_build_filename (dir, "lengths.npy", NULL);
  g_autofree char *ids_path = g_build_filename (dir, "object_ids.txt", NULL);
  g_autofree char *meta_path = g_build_filename (dir, "metadata.npy", NULL);
  g_autoptr (TuCliResult) r = tu_run_cli ("encode", "--model", model_path, "--data", "sim:30:5", "--out", dir,
                                          NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcPredictor) p = lc_predictor_load (model_path, &error);
  g_autoptr (LcDataset) ds = NULL;
  g_autoptr (NnData) data = NULL;
  g_autofree char *contents = NULL, *header = NULL, *expect = NULL, *ids = NULL;
  g_auto (GStrv) id_lines = NULL;
  gsize length, payload_size;
  const char *payload;

  g_assert_cmpint (r->status, ==, 0);
  g_assert_no_error (error);
  ds = lc_load ("sim:30:5", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  data = lc_predictor_encode (p, ds, NULL, (int) ds->n_objects, 1, &error);
  g_assert_no_error (error);

  g_file_get_contents (seq_path, &contents, &length, &error);
  g_assert_no_error (error);
  payload = npy_payload (contents, length, &header, &payload_size);
  expect = g_strdup_printf ("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d, %d), }",
                            data->n, data->steps, data->features);
  g_assert_true (g_str_has_prefix (header, expect));
  g_assert_cmpuint (payload_size, ==, (gsize) data->n * data->steps * data->features * 4);
  for (gsize i = 0; i < payload_size / 4; i++)
    {
      guint32 bits, want;
      memcpy (&bits, payload + 4 * i, 4);
      memcpy (&want, data->x + i, 4);
      g_assert_cmphex (GUINT32_FROM_LE (bits), ==, want);
    }
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&header, g_free);
  g_clear_pointer (&expect, g_free);

  g_file_get_contents (len_path, &contents, &length, &error);
  g_assert_no_error (error);
  payload = npy_payload (contents, length, &header, &payload_size);
  expect = g_strdup_printf ("{'descr': '<i8', 'fortran_order': False, 'shape': (%d,), }", data->n);
  g_assert_true (g_str_has_prefix (header, expect));
  for (int i = 0; i < data->n; i++)
    {
      gint64 v;
      memcpy (&v, payload + 8 * i, 8);
      g_assert_cmpint (GINT64_FROM_LE (v), ==, data->lengths[i]);
    }

  /* metadata.npy is written exactly when the graph takes metadata */
  g_assert_true (g_file_test (meta_path, G_FILE_TEST_EXISTS) == lc_onnx_takes_metadata (p));
  g_file_get_contents (ids_path, &ids, NULL, &error);
  g_assert_no_error (error);
  id_lines = g_strsplit (ids, "\n", -1);
  g_assert_cmpuint (g_strv_length (id_lines), ==, (guint) data->n + 1);
  g_assert_cmpstr (id_lines[0], ==, ds->objects[0].id);
}

int
main (int argc, char **argv)
{
  g_autofree char *spec = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("test-onnx-XXXXXX", NULL);
  spec = g_build_filename (g_getenv ("PASSBAND_SOURCE_DIR"), "models", "small-gru.json", NULL);
  model_path = g_build_filename (tmp_dir, "gru.json", NULL);
  {
    g_autoptr (TuCliResult) r = tu_run_cli ("train", "--data", "sim:60:1", "--model", spec,
                                            "--out", model_path, "--epochs", "1", NULL);
    g_assert_cmpint (r->status, ==, 0);
  }
  g_test_add_func ("/onnx/graph-contents", test_graph_contents);
  g_test_add_func ("/onnx/temperature", test_temperature);
  g_test_add_func ("/onnx/untrained-refused", test_untrained_refused);
  g_test_add_func ("/onnx/encode-tensors", test_encode_tensors);
  status = g_test_run ();
  tu_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (model_path);
  return status;
}
