/* test-model-file-presets.c: every preset in models/ loads, builds on the LSST
 * shape (36 steps x 6 features, 14 classes; 31 metadata features for the
 * presets that join metadata), has the parameter count worked out by hand
 * below, runs, and survives a write/read round trip unchanged.
 *
 * Counting rules (PyTorch's, which Passband follows):
 *   dense   I -> O          O*I + O
 *   conv1d  I -> O, kernel K O*I*K + O; valid output steps T - K + 1
 *   simple_rnn  H, input I  H*I + H*H + 2H      (two biases, b_ih and b_hh;
 *   gru         H, input I  3H*I + 3H*H + 2*3H   Keras' SimpleRNN/LSTM have
 *   lstm        H, input I  4H*I + 4H*H + 2*4H   one bias, so fewer)
 *   batch_norm  F           2F trainable (gamma, beta); running stats are state
 */
#include <string.h>

#include "nn.h"
#include "testutil.h"

enum { LSST_STEPS = 36, LSST_FEATURES = 6, LSST_CLASSES = 14, LSST_META = 31 };

typedef struct
{
  const char *file;
  int meta_features;
  gssize params;
} Preset;

static const Preset presets[] = {
  /* misweeper-lstm: lstm 100 (I 6):   4*100*6 + 4*100*100 + 2*400     =  2400 + 40000 + 800 = 43200
   *                 lstm 100 (I 100): 4*100*100 + 4*100*100 + 800     = 80800
   *                 batch_norm 100: 200;   concat: 100 + 31 = 131
   *                 dense 131->512: 67072 + 512 = 67584;  batch_norm 512: 1024
   *                 dense 512->256: 131072 + 256 = 131328; batch_norm 256: 512
   *                 dense 256->128: 32768 + 128 = 32896;   batch_norm 128: 256
   *                 dense 128->64:  8192 + 64 = 8256;      batch_norm 64: 128
   *                 dense 64->14:   896 + 14 = 910
   *   43200 + 80800 + 200 + 67584 + 1024 + 131328 + 512 + 32896 + 256 + 8256 + 128 + 910
   *   = 367094 */
  { "misweeper-lstm.json", LSST_META, 367094 },
  /* keras-hybrid: simple_rnn 64 (I 6):  64*6 + 64*64 + 2*64 = 384 + 4096 + 128 = 4608
   *               simple_rnn 64 (I 64): 4096 + 4096 + 128 = 8320, twice: 16640
   *               conv1d 64, k3 (I 64): 64*64*3 + 64 = 12352; steps 36 - 2 = 34
   *               global_avg_pool -> 64; concat with the 60 LSST features: 124
   *               dense 124->64: 7936 + 64 = 8000;  dense 64->14: 896 + 14 = 910
   *   4608 + 16640 + 12352 + 8000 + 910 = 42510 */
  { "keras-hybrid.json", 60, 42510 },
  /* goto-gru: gru 25 (I 6):  3*25*6 + 3*25*25 + 2*75 = 450 + 1875 + 150 = 2475
   *           gru 25 (I 25): 1875 + 1875 + 150 = 3900
   *           concat: 25 + 31 = 56; dense 56->25: 1400 + 25 = 1425
   *           dense 25->14: 350 + 14 = 364
   *   2475 + 3900 + 1425 + 364 = 8164 */
  { "goto-gru.json", LSST_META, 8164 },
  /* The small presets join the 60 metadata features of the LSST preset
   * (24 aggregate + 6 bands x 6 per-band) after the recurrent layer:
   * concat: 32 + 60 = 92;  dense 92->32: 2944 + 32 = 2976;  dense 32->14: 448 + 14 = 462.
   * small-gru: gru 32 (I 6): 3*32*6 + 3*32*32 + 2*96 = 576 + 3072 + 192 = 3840
   *            3840 + 2976 + 462 = 7278 */
  { "small-gru.json", 60, 7278 },
  /* small-lstm: lstm 32 (I 6): 4*32*6 + 4*32*32 + 2*128 = 768 + 4096 + 256 = 5120
   *             + 2976 + 462 = 8558 */
  { "small-lstm.json", 60, 8558 },
  /* small-simplernn: simple_rnn 32 (I 6): 32*6 + 32*32 + 2*32 = 192 + 1024 + 64 = 1280
   *                  + 2976 + 462 = 4718 */
  { "small-simplernn.json", 60, 4718 },
  /* small-conv1d: conv1d 32, k5, same (I 6): 32*6*5 + 32 = 992; steps 36; max_pool 2 -> 18
   *               conv1d 32, k3, same (I 32): 32*32*3 + 32 = 3104; global_avg_pool -> 32
   *               992 + 3104 + 2976 + 462 = 7534 */
  { "small-conv1d.json", 60, 7534 },
  /* lsst-bigru: 60 metadata features (24 aggregate + 6 bands x 6 per-band)
   *   bigru 64 (I 6):   2 * (3*64*6 + 3*64*64 + 2*192) = 2 * 13824 = 27648
   *   bigru 64 (I 128): 2 * (3*64*128 + 3*64*64 + 2*192) = 2 * 37248 = 74496
   *   concat: 128 + 60 = 188;  dense 188->64: 12032 + 64 = 12096;  dense 64->14: 910
   *   27648 + 74496 + 12096 + 910 = 115150 */
  { "lsst-bigru.json", 60, 115150 },
  /* rrlyrae-bigru: the same network with 9 period features more, 69 in all
   *   27648 + 74496;  concat: 128 + 69 = 197;  dense 197->64: 12608 + 64 = 12672;  dense 64->14: 910
   *   27648 + 74496 + 12672 + 910 = 115726 */
  { "rrlyrae-bigru.json", 69, 115726 },
};

static char *
preset_path (const char *file)
{
  const char *src = g_getenv ("PASSBAND_SOURCE_DIR");
  return g_build_filename (src != NULL ? src : ".", "models", file, NULL);
}

static NnData *
lsst_like_data (int n, int meta_features)
{
  NnData *data = nn_data_new (n, LSST_STEPS, LSST_FEATURES, meta_features, LSST_CLASSES);
  NnRng rng;
  nn_rng_init (&rng, 7);
  for (int i = 0; i < n; i++)
    {
      /* full-length rows: Flatten-based presets are built for exactly 36 steps */
      data->lengths[i] = LSST_STEPS;
      data->labels[i] = i % LSST_CLASSES;
    }
  for (size_t i = 0; i < (size_t) n * LSST_STEPS * LSST_FEATURES; i++)
    data->x[i] = (float) nn_rng_normal (&rng);
  for (size_t i = 0; i < (size_t) n * meta_features; i++)
    data->meta[i] = (float) nn_rng_normal (&rng);
  return data;
}

static void
test_preset (gconstpointer user_data)
{
  const Preset *p = user_data;
  g_autofree char *path = preset_path (p->file);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load (path, &error);
  g_autoptr (NnModel) model = NULL;
  g_autoptr (NnData) data = NULL;
  g_autoptr (NnModelDoc) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  g_autofree float *probs = NULL;
  enum { N = 4 };

  g_assert_no_error (error);
  /* a preset is a spec a student can read: named, described, no weights */
  g_assert_cmpuint (strlen (doc->name), >, 3);
  g_assert_cmpuint (strlen (doc->description), >, 80);
  g_assert_true (doc->has_training);
  g_assert_cmpint (doc->weights->len, ==, 0);
  g_assert_cmpint (doc->history->len, ==, 0);
  g_assert_cmpint (doc->classes->len, ==, 0);
  g_assert_true (g_array_index (doc->layers, NnLayerSpec, doc->layers->len - 1).units_is_classes);

  g_assert_cmpint (nn_model_doc_count_params (doc, LSST_FEATURES, p->meta_features, LSST_CLASSES,
                                              LSST_STEPS, &error), ==, p->params);
  g_assert_no_error (error);
  model = nn_model_doc_build (doc, LSST_FEATURES, p->meta_features, LSST_CLASSES, LSST_STEPS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nn_model_n_params (model), ==, (gsize) p->params);
  g_assert_cmpint (model->meta_features, ==, p->meta_features);

  /* it runs, and gives probabilities */
  data = lsst_like_data (N, p->meta_features);
  probs = g_new (float, N * LSST_CLASSES);
  g_assert_true (nn_model_predict (model, data, probs, 1, &error));
  g_assert_no_error (error);
  for (int i = 0; i < N; i++)
    {
      double sum = 0;
      for (int c = 0; c < LSST_CLASSES; c++)
        sum += probs[i * LSST_CLASSES + c];
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-4);
    }

  /* written and read again, it says the same */
  text = nn_model_doc_to_data (doc, NULL);
  again = nn_model_doc_load_from_data (text, -1, p->file, &error);
  g_assert_no_error (error);
  text_again = nn_model_doc_to_data (again, NULL);
  g_assert_cmpstr (text, ==, text_again);
}

/* A new preset must come with its hand count here. */
static void
test_every_preset_is_listed (void)
{
  g_autofree char *dir_path = preset_path ("");
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  int seen = 0;
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean listed = FALSE;
      if (!g_str_has_suffix (name, ".json"))
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
        listed |= strcmp (presets[i].file, name) == 0;
      if (!listed)
        g_error ("models/%s has no entry in test-model-file-presets.c", name);
      seen++;
    }
  g_assert_cmpint (seen, ==, G_N_ELEMENTS (presets));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      g_autofree char *name = g_strdup_printf ("/presets/%s", presets[i].file);
      g_test_add_data_func (name, &presets[i], test_preset);
    }
  g_test_add_func ("/presets/every-preset-is-listed", test_every_preset_is_listed);
  return g_test_run ();
}
