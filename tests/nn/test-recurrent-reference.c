/* test-recurrent-reference.c: LSTM, GRU and SimpleRNN (tanh) against PyTorch's
 * values in ../shared/reference/rnn_reference.json: outputs, losses and the
 * gradients of weights, biases and x for variable-length sequences whose padded
 * steps hold junk. */
#include <math.h>
#include <string.h>

#include "layer-harness.h"
#include "testutil.h"

#define TOL 1e-4

typedef struct
{
  const char *json_name;   /* layers.<json_name> */
  NnLayerKind kind;
} RefLayer;

static JsonNode *reference;

static int
ref_int (const char *field)
{
  return (int) json_node_get_int (tu_json_get (reference, field));
}

static float *
ref_floats (const char *layer, const char *field, gsize expect)
{
  g_autofree char *path = layer != NULL ? g_strdup_printf ("layers.%s.%s", layer, field)
                                         : g_strdup (field);
  JsonNode *node = tu_json_get (reference, path);
  gsize n = 0;
  float *v;

  if (node == NULL)
    g_error ("rnn_reference.json has no field %s", path);
  v = tu_json_floats (node, &n);
  if (expect > 0 && n != expect)
    g_error ("rnn_reference.json: %s has %" G_GSIZE_FORMAT " values, expected %" G_GSIZE_FORMAT,
             path, n, expect);
  return v;
}

static const NnTensorInfo *
find_tensor (const NnLayer *layer, const char *name)
{
  for (int i = 0; i < layer->n_tensors; i++)
    if (g_strcmp0 (layer->tensors[i].name, name) == 0)
      return &layer->tensors[i];
  g_error ("layer %s has no tensor %s", layer->ops->name, name);
  return NULL;
}

static const char *const tensor_names[] = { "weight_ih", "weight_hh", "bias_ih", "bias_hh" };

static void
check_layer (gconstpointer data)
{
  const RefLayer *ref = data;
  int B = ref_int ("B"), T = ref_int ("T"), I = ref_int ("I"), H = ref_int ("H");
  g_autofree int *lengths = tu_json_ints (tu_json_get (reference, "lengths"), NULL);
  g_autofree float *x = ref_floats (NULL, "x", (gsize) B * T * I);

  for (int seq = 0; seq <= 1; seq++)
    {
      const char *mode = seq ? "seq" : "last";
      NnLayerConfig cfg;
      NnShape in = { TRUE, T, I };
      g_autoptr (GError) error = NULL;
      g_autoptr (LhRun) run = NULL;
      g_autofree float *dy = NULL, *want_y = NULL, *want_dx = NULL;
      g_autofree char *what = NULL, *grad_field = NULL, *loss_field = NULL;
      const NnAct *y;
      const float *dx;
      NnLayer *layer;
      double loss = 0.0;
      gsize ny;

      nn_layer_config_default (&cfg);
      cfg.units = H;
      cfg.activation = NN_ACT_TANH;
      cfg.return_sequences = seq;
      run = lh_run_new (ref->kind, &cfg, &in, 0, B, &error);
      g_assert_no_error (error);
      layer = lh_run_layer (run);

      for (guint k = 0; k < G_N_ELEMENTS (tensor_names); k++)
        {
          const NnTensorInfo *t = find_tensor (layer, tensor_names[k]);
          g_autofree float *v = ref_floats (ref->json_name, tensor_names[k], t->size);
          memcpy (lh_run_params (run) + t->offset, v, t->size * sizeof (float));
        }

      y = lh_run_forward (run, x, lengths, NULL, TRUE, 1);
      ny = lh_run_y_size (run);
      g_assert_cmpuint (ny, ==, (gsize) B * (seq ? T : 1) * H);
      want_y = ref_floats (ref->json_name, seq ? "y_seq" : "h_last", ny);
      what = g_strdup_printf ("%s %s output", ref->json_name, mode);
      tu_assert_close (what, y->data, want_y, ny, TOL);
      if (seq)
        for (int b = 0; b < B; b++)
          g_assert_cmpint (y->lengths[b], ==, lengths[b]);

      dy = ref_floats (NULL, seq ? "loss.S_seq" : "loss.R_last", ny);
      for (gsize i = 0; i < ny; i++)
        loss += (double) dy[i] * y->data[i];
      loss_field = g_strdup_printf ("layers.%s.loss_%s", ref->json_name, mode);
      g_assert_cmpfloat_with_epsilon (loss, tu_json_double (tu_json_get (reference, loss_field)),
                                      TOL * MAX (1.0, fabs (loss)));

      dx = lh_run_backward (run, dy, TRUE);
      grad_field = g_strdup_printf ("grad_%s", mode);
      for (guint k = 0; k < G_N_ELEMENTS (tensor_names); k++)
        {
          const NnTensorInfo *t = find_tensor (layer, tensor_names[k]);
          g_autofree char *field = g_strdup_printf ("%s.%s", grad_field, tensor_names[k]);
          g_autofree float *want = ref_floats (ref->json_name, field, t->size);
          g_autofree char *name = g_strdup_printf ("%s %s d%s", ref->json_name, mode,
                                                   tensor_names[k]);
          tu_assert_close (name, lh_run_grads (run) + t->offset, want, t->size, TOL);
        }
      {
        g_autofree char *field = g_strdup_printf ("%s.x", grad_field);
        g_autofree char *name = g_strdup_printf ("%s %s dx", ref->json_name, mode);
        want_dx = ref_floats (ref->json_name, field, (gsize) B * T * I);
        tu_assert_close (name, dx, want_dx, (gsize) B * T * I, TOL);
      }
      /* padded steps: exactly zero, not merely small */
      for (int b = 0; b < B; b++)
        for (int t = lengths[b]; t < T; t++)
          for (int i = 0; i < I; i++)
            g_assert_cmpfloat (dx[((gsize) b * T + t) * I + i], ==, 0.0f);
    }
}

int
main (int argc, char **argv)
{
  static const RefLayer layers[] = {
    { "lstm", NN_LAYER_LSTM },
    { "gru", NN_LAYER_GRU },
    { "rnn_tanh", NN_LAYER_SIMPLE_RNN },
  };
  g_autofree char *path = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  path = tu_shared_path ("reference/rnn_reference.json");
  reference = tu_load_json (path);
  g_assert_cmpstr (json_node_get_string (tu_json_get (reference, "format")), ==,
                   "rnn_reference v1");

  for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
    {
      g_autofree char *name = g_strdup_printf ("/recurrent/reference/%s", layers[i].json_name);
      g_test_add_data_func (name, &layers[i], check_layer);
    }
  status = g_test_run ();
  json_node_unref (reference);
  return status;
}
