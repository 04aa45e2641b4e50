/* test-recurrent-gradcheck.c: finite-difference checks of simple_rnn, lstm and gru
 * with and without return_sequences and bidirectional, on variable lengths
 * (including 1 and 0) and inputs of several widths, as in a stack. */
#include "layer-harness.h"

#define STEP 1e-3
#define TOL 5e-3
#define BATCH 5

typedef struct
{
  const char *path;
  NnLayerKind kind;
  int in_features;
  int units;
  gboolean return_sequences;
  gboolean bidirectional;
  gboolean use_bias;
  NnActivation activation;   /* simple_rnn only */
  int lengths[BATCH];
} Case;

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  NnLayerConfig cfg;
  NnShape in = { TRUE, 6, c->in_features };

  nn_layer_config_default (&cfg);
  cfg.units = c->units;
  cfg.return_sequences = c->return_sequences;
  cfg.bidirectional = c->bidirectional;
  cfg.use_bias = c->use_bias;
  cfg.activation = c->activation;
  lh_gradcheck (c->kind, &cfg, &in, 0, BATCH, c->lengths, TRUE, STEP, TOL);
}

#define LENS_MIXED { 6, 3, 1, 5, 2 }
#define LENS_FULL { 6, 6, 6, 6, 6 }
#define LENS_EMPTY_ROW { 4, 0, 6, 1, 4 }

static const Case cases[] = {
  /* last state, one direction */
  { "/recurrent/gradcheck/lstm/last",
    NN_LAYER_LSTM, 3, 4, FALSE, FALSE, TRUE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/gru/last",
    NN_LAYER_GRU, 3, 4, FALSE, FALSE, TRUE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/rnn/last",
    NN_LAYER_SIMPLE_RNN, 3, 4, FALSE, FALSE, TRUE, NN_ACT_TANH, LENS_MIXED },
  /* sequences, one direction */
  { "/recurrent/gradcheck/lstm/seq",
    NN_LAYER_LSTM, 3, 4, TRUE, FALSE, TRUE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/gru/seq",
    NN_LAYER_GRU, 3, 4, TRUE, FALSE, TRUE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/rnn/seq",
    NN_LAYER_SIMPLE_RNN, 3, 4, TRUE, FALSE, TRUE, NN_ACT_TANH, LENS_MIXED },
  /* bidirectional, both output kinds; wider inputs as a second layer of a stack sees */
  { "/recurrent/gradcheck/lstm/bi-last",
    NN_LAYER_LSTM, 8, 5, FALSE, TRUE, TRUE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/gru/bi-last",
    NN_LAYER_GRU, 8, 5, FALSE, TRUE, TRUE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/rnn/bi-last",
    NN_LAYER_SIMPLE_RNN, 8, 5, FALSE, TRUE, TRUE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/lstm/bi-seq",
    NN_LAYER_LSTM, 10, 3, TRUE, TRUE, TRUE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/gru/bi-seq",
    NN_LAYER_GRU, 10, 3, TRUE, TRUE, TRUE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/rnn/bi-seq",
    NN_LAYER_SIMPLE_RNN, 10, 3, TRUE, TRUE, TRUE, NN_ACT_TANH, LENS_MIXED },
  /* all rows full length, single input feature */
  { "/recurrent/gradcheck/lstm/full",
    NN_LAYER_LSTM, 1, 6, TRUE, FALSE, TRUE, NN_ACT_TANH, LENS_FULL },
  { "/recurrent/gradcheck/gru/full",
    NN_LAYER_GRU, 1, 6, FALSE, TRUE, TRUE, NN_ACT_TANH, LENS_FULL },
  /* an empty row among others gives zeros and no gradient */
  { "/recurrent/gradcheck/lstm/empty-row",
    NN_LAYER_LSTM, 2, 3, TRUE, TRUE, TRUE, NN_ACT_TANH, LENS_EMPTY_ROW },
  { "/recurrent/gradcheck/gru/empty-row",
    NN_LAYER_GRU, 2, 3, FALSE, FALSE, TRUE, NN_ACT_TANH, LENS_EMPTY_ROW },
  /* without biases */
  { "/recurrent/gradcheck/lstm/no-bias",
    NN_LAYER_LSTM, 3, 4, TRUE, TRUE, FALSE, NN_ACT_TANH, LENS_MIXED },
  { "/recurrent/gradcheck/gru/no-bias",
    NN_LAYER_GRU, 3, 4, FALSE, TRUE, FALSE, NN_ACT_TANH, LENS_MIXED },
  /* simple_rnn with other activations */
  { "/recurrent/gradcheck/rnn/linear",
    NN_LAYER_SIMPLE_RNN, 3, 4, TRUE, FALSE, TRUE, NN_ACT_LINEAR, LENS_MIXED },
  { "/recurrent/gradcheck/rnn/sigmoid",
    NN_LAYER_SIMPLE_RNN, 3, 4, FALSE, TRUE, TRUE, NN_ACT_SIGMOID, LENS_MIXED },
};

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].path, &cases[i], run_case);
  return g_test_run ();
}
