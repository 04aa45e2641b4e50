/* lc-onnx.c: the ONNX graph of a trained model, written with protobuf-c and
 * the onnx.proto Debian's libonnx-dev ships (generated at build time).
 *
 * Passband's invariant carries over: every sequence tensor has the model's
 * max_steps steps (the input is cut or padded to it) and a lengths tensor;
 * steps at or past a row's length are zero (a mask multiplies them after any
 * operator that could make them non-zero).  Layers that change lengths
 * (Conv1D, pooling) compute the new lengths with Passband's rules. */
#include "config.h"

#include "lc-onnx.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "lc-encoder.h"
#include "nn-model-file.h"
#include "onnx.pb-c.h"
#include "nn-atomic.h"

/* Everything the protobuf structures point at lives in one arena, freed at once. */
typedef struct
{
  GPtrArray *arena;          /* g_free */
  GPtrArray *nodes;          /* Onnx__NodeProto * */
  GPtrArray *inits;          /* Onnx__TensorProto * */
  int counter;
} Graph;

/* The activation flowing from layer to layer. */
typedef struct
{
  const char *x;
  gboolean seq;
  int steps;                 /* static padded steps of a sequence */
  int features;
  const char *len;           /* int64 (B) lengths of a sequence */
  const char *mask;          /* float (B, steps, 1) for len, made when first needed */
  const char *len32;         /* int32 lengths for the recurrent operators, likewise */
} Flow;

static gpointer
arena_alloc (Graph *g, gsize size)
{
  gpointer p = g_malloc0 (MAX (size, 1));
  g_ptr_array_add (g->arena, p);
  return p;
}

static char *
arena_strdup (Graph *g, const char *s)
{
  char *copy = g_strdup (s);
  g_ptr_array_add (g->arena, copy);
  return copy;
}

static gpointer
arena_memdup (Graph *g, gconstpointer data, gsize size)
{
  gpointer p = arena_alloc (g, size);
  if (size > 0 && data != NULL)
    memcpy (p, data, size);
  return p;
}

static const char *
fresh_name (Graph *g, const char *stem)
{
  char *name = g_strdup_printf ("%s_%d", stem, g->counter++);
  g_ptr_array_add (g->arena, name);
  return name;
}

/* ---- nodes ---- */

static Onnx__NodeProto *
add_node (Graph *g, const char *op, const char *const *inputs, int n_in,
          const char *const *outputs, int n_out)
{
  Onnx__NodeProto *node = arena_alloc (g, sizeof *node);

  onnx__node_proto__init (node);
  node->op_type = arena_strdup (g, op);
  node->name = (char *) fresh_name (g, op);
  node->n_input = n_in;
  node->input = arena_alloc (g, sizeof (char *) * MAX (n_in, 1));
  for (int i = 0; i < n_in; i++)
    node->input[i] = arena_strdup (g, inputs[i] != NULL ? inputs[i] : "");
  node->n_output = n_out;
  node->output = arena_alloc (g, sizeof (char *) * n_out);
  for (int i = 0; i < n_out; i++)
    node->output[i] = arena_strdup (g, outputs[i] != NULL ? outputs[i] : "");
  g_ptr_array_add (g->nodes, node);
  return node;
}

static Onnx__AttributeProto *
add_attr (Graph *g, Onnx__NodeProto *node, const char *name, Onnx__AttributeProto__AttributeType type)
{
  Onnx__AttributeProto *attr = arena_alloc (g, sizeof *attr);
  Onnx__AttributeProto **list = arena_alloc (g, sizeof (gpointer) * (node->n_attribute + 1));

  onnx__attribute_proto__init (attr);
  attr->name = arena_strdup (g, name);
  attr->has_type = TRUE;
  attr->type = type;
  if (node->n_attribute > 0)
    memcpy (list, node->attribute, sizeof (gpointer) * node->n_attribute);
  list[node->n_attribute++] = attr;
  node->attribute = list;
  return attr;
}

static void
attr_int (Graph *g, Onnx__NodeProto *node, const char *name, gint64 value)
{
  Onnx__AttributeProto *a = add_attr (g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
  a->has_i = TRUE;
  a->i = value;
}

static void
attr_float (Graph *g, Onnx__NodeProto *node, const char *name, float value)
{
  Onnx__AttributeProto *a = add_attr (g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
  a->has_f = TRUE;
  a->f = value;
}

static void
attr_ints (Graph *g, Onnx__NodeProto *node, const char *name, const gint64 *values, int n)
{
  Onnx__AttributeProto *a = add_attr (g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
  a->n_ints = n;
  a->ints = arena_memdup (g, values, sizeof (gint64) * n);
}

static void
attr_string (Graph *g, Onnx__NodeProto *node, const char *name, const char *value)
{
  Onnx__AttributeProto *a = add_attr (g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
  a->has_s = TRUE;
  a->s.data = (guint8 *) arena_strdup (g, value);
  a->s.len = strlen (value);
}

static void
attr_strings (Graph *g, Onnx__NodeProto *node, const char *name, const char *value, int copies)
{
  Onnx__AttributeProto *a = add_attr (g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
  a->n_strings = copies;
  a->strings = arena_alloc (g, sizeof (ProtobufCBinaryData) * copies);
  for (int i = 0; i < copies; i++)
    {
      a->strings[i].data = (guint8 *) arena_strdup (g, value);
      a->strings[i].len = strlen (value);
    }
}

static void
attr_floats (Graph *g, Onnx__NodeProto *node, const char *name, float value, int copies)
{
  Onnx__AttributeProto *a = add_attr (g, node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
  a->n_floats = copies;
  a->floats = arena_alloc (g, sizeof (float) * copies);
  for (int i = 0; i < copies; i++)
    a->floats[i] = value;
}

/* One-output node on 1..3 inputs; returns the output's name. */
static const char *
op3 (Graph *g, const char *op, const char *a, const char *b, const char *c, Onnx__NodeProto **node_out)
{
  const char *inputs[3] = { a, b, c };
  const char *out = fresh_name (g, op);
  int n = c != NULL ? 3 : b != NULL ? 2 : 1;
  Onnx__NodeProto *node = add_node (g, op, inputs, n, &out, 1);

  if (node_out != NULL)
    *node_out = node;
  return out;
}

static const char *
op1 (Graph *g, const char *op, const char *a)
{
  return op3 (g, op, a, NULL, NULL, NULL);
}

static const char *
op2 (Graph *g, const char *op, const char *a, const char *b)
{
  return op3 (g, op, a, b, NULL, NULL);
}

/* ---- constants (float_data / int64_data: portable across byte orders) ---- */

static Onnx__TensorProto *
new_tensor (Graph *g, const char *name, int data_type, int ndim, const gint64 *dims)
{
  Onnx__TensorProto *t = arena_alloc (g, sizeof *t);

  onnx__tensor_proto__init (t);
  t->name = arena_strdup (g, name);
  t->has_data_type = TRUE;
  t->data_type = data_type;
  t->n_dims = ndim;
  t->dims = arena_memdup (g, dims, sizeof (gint64) * MAX (ndim, 1));
  g_ptr_array_add (g->inits, t);
  return t;
}

static gsize
dims_size (int ndim, const gint64 *dims)
{
  gsize n = 1;
  for (int i = 0; i < ndim; i++)
    n *= (gsize) dims[i];
  return n;
}

static const char *
const_floats (Graph *g, const char *stem, const float *data, int ndim, const gint64 *dims)
{
  const char *name = fresh_name (g, stem);
  Onnx__TensorProto *t = new_tensor (g, name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, ndim, dims);
  t->n_float_data = dims_size (ndim, dims);
  t->float_data = arena_memdup (g, data, sizeof (float) * t->n_float_data);
  return name;
}

static const char *
const_int64_tensor (Graph *g, const char *stem, const gint64 *data, int ndim, const gint64 *dims)
{
  const char *name = fresh_name (g, stem);
  Onnx__TensorProto *t = new_tensor (g, name, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, ndim, dims);
  t->n_int64_data = dims_size (ndim, dims);
  t->int64_data = arena_memdup (g, data, sizeof (gint64) * t->n_int64_data);
  return name;
}

static const char *
const_int64s (Graph *g, const gint64 *data, int n)
{
  gint64 dims[1] = { n };
  return const_int64_tensor (g, "const", data, 1, dims);
}

static const char *
const_int64_scalar (Graph *g, gint64 value)
{
  const char *name = fresh_name (g, "const");
  Onnx__TensorProto *t = new_tensor (g, name, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 0, NULL);
  t->n_int64_data = 1;
  t->int64_data = arena_memdup (g, &value, sizeof value);
  return name;
}

static const char *
const_float_scalar (Graph *g, float value)
{
  return const_floats (g, "const", &value, 0, NULL);
}

static const char *
transpose (Graph *g, const char *x, const gint64 *perm, int n)
{
  Onnx__NodeProto *node;
  const char *out = op3 (g, "Transpose", x, NULL, NULL, &node);
  attr_ints (g, node, "perm", perm, n);
  return out;
}

static const char *
reshape (Graph *g, const char *x, const gint64 *shape, int n)
{
  return op2 (g, "Reshape", x, const_int64s (g, shape, n));
}

static const char *
unsqueeze (Graph *g, const char *x, gint64 axis)
{
  return op2 (g, "Unsqueeze", x, const_int64s (g, &axis, 1));
}

static const char *
cast (Graph *g, const char *x, int to)
{
  Onnx__NodeProto *node;
  const char *out = op3 (g, "Cast", x, NULL, NULL, &node);
  attr_int (g, node, "to", to);
  return out;
}

/* ---- masks and lengths ---- */

static const char *
flow_mask (Graph *g, Flow *f)
{
  if (f->mask == NULL)
    {
      g_autofree gint64 *range = g_new (gint64, f->steps);
      gint64 dims[2] = { 1, f->steps };
      const char *steps, *valid;

      for (int t = 0; t < f->steps; t++)
        range[t] = t;
      steps = const_int64_tensor (g, "steps", range, 2, dims);
      valid = op2 (g, "Less", steps, unsqueeze (g, f->len, 1));        /* (B, T) */
      f->mask = unsqueeze (g, cast (g, valid, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT), 2);
    }
  return f->mask;
}

/* Zeroes the steps at or past each row's length. */
static void
flow_apply_mask (Graph *g, Flow *f)
{
  if (f->seq)
    f->x = op2 (g, "Mul", f->x, flow_mask (g, f));
}

static void
flow_set_lengths (Flow *f, const char *len, int steps)
{
  f->len = len;
  f->steps = steps;
  f->mask = NULL;
  f->len32 = NULL;
}

/* max (len + add, 0) / div: Passband's output-length rules of Conv1D and
 * pooling, written so that rows too short for one window get 0. */
static const char *
lengths_rule (Graph *g, const char *len, gint64 add, gint64 div)
{
  const char *v = op2 (g, "Add", len, const_int64_scalar (g, add));
  v = op2 (g, "Max", v, const_int64_scalar (g, 0));
  return op2 (g, "Div", v, const_int64_scalar (g, div));
}

/* ---- layers ---- */

static const NnTensorInfo *
layer_tensor (const NnLayer *layer, const char *name)
{
  for (int i = 0; i < layer->n_tensors; i++)
    if (strcmp (layer->tensors[i].name, name) == 0)
      return &layer->tensors[i];
  for (int i = 0; i < layer->n_state_tensors; i++)
    if (strcmp (layer->state_tensors[i].name, name) == 0)
      return &layer->state_tensors[i];
  return NULL;
}

static const char *
activation (Graph *g, const char *x, NnActivation act, const NnLayerConfig *cfg)
{
  Onnx__NodeProto *node;
  const char *out;

  switch (act)
    {
    case NN_ACT_LINEAR:
      return x;
    case NN_ACT_RELU:
      return op1 (g, "Relu", x);
    case NN_ACT_LEAKY_RELU:
      out = op3 (g, "LeakyRelu", x, NULL, NULL, &node);
      attr_float (g, node, "alpha", cfg->negative_slope);
      return out;
    case NN_ACT_ELU:
      out = op3 (g, "Elu", x, NULL, NULL, &node);
      attr_float (g, node, "alpha", cfg->elu_alpha);
      return out;
    case NN_ACT_TANH:
      return op1 (g, "Tanh", x);
    case NN_ACT_SIGMOID:
      return op1 (g, "Sigmoid", x);
    case NN_ACT_SOFTMAX:
      out = op3 (g, "Softmax", x, NULL, NULL, &node);
      attr_int (g, node, "axis", -1);
      return out;
    }
  g_return_val_if_reached (x);
}

static void
export_dense (Graph *g, const NnLayer *layer, const float *params, Flow *f)
{
  int in = layer->in.features, units = layer->cfg.units;
  const NnTensorInfo *w = layer_tensor (layer, "weight"), *b = layer_tensor (layer, "bias");
  const char *bias = NULL;

  if (b != NULL)
    {
      gint64 bdims[1] = { units };
      bias = const_floats (g, "dense_bias", params + b->offset, 1, bdims);
    }
  if (!f->seq)
    {
      gint64 wdims[2] = { units, in };
      Onnx__NodeProto *node;
      f->x = op3 (g, "Gemm", f->x, const_floats (g, "dense_weight", params + w->offset, 2, wdims), bias,
                  &node);
      attr_int (g, node, "transB", 1);
    }
  else
    {
      /* MatMul takes the weight as (in, units) */
      g_autofree float *wt = g_new (float, (gsize) in * units);
      gint64 wdims[2] = { in, units };
      for (int o = 0; o < units; o++)
        for (int i = 0; i < in; i++)
          wt[(gsize) i * units + o] = params[w->offset + (gsize) o * in + i];
      f->x = op2 (g, "MatMul", f->x, const_floats (g, "dense_weight", wt, 2, wdims));
      if (bias != NULL)
        f->x = op2 (g, "Add", f->x, bias);
    }
  f->x = activation (g, f->x, layer->cfg.activation, &layer->cfg);
  f->features = units;
  flow_apply_mask (g, f);
}

/* The ONNX names of a recurrent layer's gate blocks in Passband's (PyTorch's) order. */
static const int lstm_gate_order[4] = { 0, 3, 1, 2 };   /* ONNX i, o, f, c from PyTorch i, f, g, o */
static const int gru_gate_order[3] = { 1, 0, 2 };       /* ONNX z, r, h from PyTorch r, z, n */
static const int rnn_gate_order[1] = { 0 };

/* Copies rows of PyTorch gate blocks (G blocks of H rows of `cols`) in ONNX order. */
static void
reorder_gates (float *dst, const float *src, const int *order, int gates, int H, int cols)
{
  gsize block = (gsize) H * cols;
  for (int k = 0; k < gates; k++)
    memcpy (dst + k * block, src + order[k] * block, block * sizeof (float));
}

static const char *
rnn_activation_name (NnActivation act)
{
  switch (act)
    {
    case NN_ACT_TANH:
      return "Tanh";
    case NN_ACT_RELU:
      return "Relu";
    case NN_ACT_SIGMOID:
      return "Sigmoid";
    case NN_ACT_LEAKY_RELU:
      return "LeakyRelu";
    case NN_ACT_ELU:
      return "Elu";
    case NN_ACT_LINEAR:
      return "Affine";
    case NN_ACT_SOFTMAX:
      break;
    }
  return NULL;
}

static gboolean
export_recurrent (Graph *g, const NnLayer *layer, const float *params, Flow *f, GError **error)
{
  static const char *const names[2][4] = {
    { "weight_ih", "weight_hh", "bias_ih", "bias_hh" },
    { "weight_ih_reverse", "weight_hh_reverse", "bias_ih_reverse", "bias_hh_reverse" },
  };
  int H = layer->cfg.units, I = layer->in.features, D = layer->cfg.bidirectional ? 2 : 1;
  const char *op;
  const int *order;
  int G;
  gsize wsize, rsize;
  g_autofree float *W = NULL, *R = NULL, *Bv = NULL;
  gint64 wdims[3], rdims[3], bdims[2];
  const char *inputs[6], *outputs[2], *x_tm;
  Onnx__NodeProto *node;

  switch (layer->ops->kind)
    {
    case NN_LAYER_LSTM:
      op = "LSTM", order = lstm_gate_order, G = 4;
      break;
    case NN_LAYER_GRU:
      op = "GRU", order = gru_gate_order, G = 3;
      break;
    default:
      op = "RNN", order = rnn_gate_order, G = 1;
      if (rnn_activation_name (layer->cfg.activation) == NULL)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                       _("a SimpleRNN with activation %s has no ONNX equivalent"),
                       nn_activation_to_string (layer->cfg.activation));
          return FALSE;
        }
      break;
    }

  wsize = (gsize) G * H * I;
  rsize = (gsize) G * H * H;
  W = g_new (float, D * wsize);
  R = g_new (float, D * rsize);
  Bv = g_new0 (float, (gsize) D * 2 * G * H);
  for (int d = 0; d < D; d++)
    {
      const NnTensorInfo *wi = layer_tensor (layer, names[d][0]), *wh = layer_tensor (layer, names[d][1]);
      const NnTensorInfo *bi = layer_tensor (layer, names[d][2]), *bh = layer_tensor (layer, names[d][3]);
      reorder_gates (W + d * wsize, params + wi->offset, order, G, H, I);
      reorder_gates (R + d * rsize, params + wh->offset, order, G, H, H);
      if (bi != NULL && bh != NULL)
        {
          reorder_gates (Bv + (gsize) d * 2 * G * H, params + bi->offset, order, G, H, 1);
          reorder_gates (Bv + (gsize) d * 2 * G * H + G * H, params + bh->offset, order, G, H, 1);
        }
    }
  wdims[0] = D, wdims[1] = (gint64) G * H, wdims[2] = I;
  rdims[0] = D, rdims[1] = (gint64) G * H, rdims[2] = H;
  bdims[0] = D, bdims[1] = (gint64) 2 * G * H;

  if (f->len32 == NULL)
    f->len32 = cast (g, f->len, ONNX__TENSOR_PROTO__DATA_TYPE__INT32);
  /* ONNX Runtime's CPU kernels take time-major input only (layout 0) */
  x_tm = transpose (g, f->x, (const gint64[]) { 1, 0, 2 }, 3);
  inputs[0] = x_tm;
  inputs[1] = const_floats (g, "recurrent_W", W, 3, wdims);
  inputs[2] = const_floats (g, "recurrent_R", R, 3, rdims);
  inputs[3] = layer->cfg.use_bias ? const_floats (g, "recurrent_B", Bv, 2, bdims) : "";
  inputs[4] = f->len32;
  outputs[0] = layer->cfg.return_sequences ? fresh_name (g, "Y") : "";
  outputs[1] = layer->cfg.return_sequences ? "" : fresh_name (g, "Y_h");
  node = add_node (g, op, inputs, 5, outputs, 2);
  attr_int (g, node, "hidden_size", H);
  attr_string (g, node, "direction", D == 2 ? "bidirectional" : "forward");
  if (layer->ops->kind == NN_LAYER_GRU)
    attr_int (g, node, "linear_before_reset", 1);
  if (layer->ops->kind == NN_LAYER_SIMPLE_RNN)
    {
      attr_strings (g, node, "activations", rnn_activation_name (layer->cfg.activation), D);
      if (layer->cfg.activation == NN_ACT_LEAKY_RELU)
        attr_floats (g, node, "activation_alpha", layer->cfg.negative_slope, D);
      else if (layer->cfg.activation == NN_ACT_ELU)
        attr_floats (g, node, "activation_alpha", layer->cfg.elu_alpha, D);
      else if (layer->cfg.activation == NN_ACT_LINEAR)
        {
          attr_floats (g, node, "activation_alpha", 1.0f, D);
          attr_floats (g, node, "activation_beta", 0.0f, D);
        }
    }

  f->features = D * H;
  if (layer->cfg.return_sequences)
    {
      /* Y (T, D, B, H) -> (B, T, D * H): directions side by side as in Passband */
      const char *y = transpose (g, outputs[0], (const gint64[]) { 2, 0, 1, 3 }, 4);
      f->x = reshape (g, y, (const gint64[]) { 0, 0, -1 }, 3);
      flow_apply_mask (g, f);
    }
  else
    {
      /* Y_h (D, B, H): each direction's state after the row's last real step */
      const char *y = transpose (g, outputs[1], (const gint64[]) { 1, 0, 2 }, 3);
      f->x = reshape (g, y, (const gint64[]) { 0, -1 }, 2);
      f->seq = FALSE;
    }
  return TRUE;
}

static void
export_conv1d (Graph *g, const NnLayer *layer, const float *params, Flow *f)
{
  const NnLayerConfig *cfg = &layer->cfg;
  const NnTensorInfo *w = layer_tensor (layer, "weight"), *b = layer_tensor (layer, "bias");
  int rf = cfg->dilation * (cfg->kernel_size - 1) + 1;
  int pad_total = cfg->padding == NN_PADDING_SAME ? rf - 1 : 0;
  gint64 wdims[3] = { cfg->units, layer->in.features, cfg->kernel_size };
  gint64 pads[2] = { pad_total / 2, pad_total - pad_total / 2 };
  gint64 kernel = cfg->kernel_size, stride = cfg->stride, dilation = cfg->dilation;
  const char *inputs[3], *out, *x_ct;
  Onnx__NodeProto *node;

  x_ct = transpose (g, f->x, (const gint64[]) { 0, 2, 1 }, 3);
  inputs[0] = x_ct;
  inputs[1] = const_floats (g, "conv_weight", params + w->offset, 3, wdims);
  if (b != NULL)
    {
      gint64 bdims[1] = { cfg->units };
      inputs[2] = const_floats (g, "conv_bias", params + b->offset, 1, bdims);
    }
  out = fresh_name (g, "Conv");
  node = add_node (g, "Conv", inputs, b != NULL ? 3 : 2, &out, 1);
  attr_ints (g, node, "kernel_shape", &kernel, 1);
  attr_ints (g, node, "strides", &stride, 1);
  attr_ints (g, node, "dilations", &dilation, 1);
  attr_ints (g, node, "pads", pads, 2);
  f->x = transpose (g, out, (const gint64[]) { 0, 2, 1 }, 3);
  f->x = activation (g, f->x, cfg->activation, cfg);
  f->features = cfg->units;
  /* floor ((len + pad_total - rf) / stride) + 1, or 0 when no window fits */
  flow_set_lengths (f, lengths_rule (g, f->len, pad_total - rf + cfg->stride, cfg->stride),
                    layer->out.steps);
  flow_apply_mask (g, f);
}

/* Pooling with "same" padding: each row's windows depend on its own length
 * (the padding is spread over the row's real steps), so the windows are
 * gathered with per-row indices instead of a pooling operator. */
static void
export_pool_same (Graph *g, const NnLayer *layer, Flow *f, gboolean is_max)
{
  int p = layer->cfg.pool_size, s = layer->cfg.stride > 0 ? layer->cfg.stride : p;
  int t_out = layer->out.steps, c = f->features;
  g_autofree gint64 *offsets = g_new (gint64, (gsize) t_out * p);
  gint64 odims[3] = { 1, (gint64) t_out * p, 1 };
  const char *len2, *out_len, *total, *any, *start_shift, *idx, *valid, *clipped, *gathered, *values;
  const char *name;
  Onnx__NodeProto *node;

  for (int t = 0; t < t_out; t++)
    for (int j = 0; j < p; j++)
      offsets[(gsize) t * p + j] = (gint64) t * s + j;
  name = const_int64_tensor (g, "pool_offsets", offsets, 3, odims);
  /* out_len = ceil (len / s); total = max ((out_len - 1) s + p - len, 0); shift total / 2 */
  out_len = lengths_rule (g, f->len, s - 1, s);
  total = op2 (g, "Mul", op2 (g, "Sub", out_len, const_int64_scalar (g, 1)), const_int64_scalar (g, s));
  total = op2 (g, "Sub", op2 (g, "Add", total, const_int64_scalar (g, p)), f->len);
  total = op2 (g, "Max", total, const_int64_scalar (g, 0));
  start_shift = op2 (g, "Div", total, const_int64_scalar (g, 2));
  /* idx (B, T_out * p, 1): the input step each window slot reads */
  idx = op2 (g, "Sub", name, reshape (g, start_shift, (const gint64[]) { -1, 1, 1 }, 3));
  len2 = reshape (g, f->len, (const gint64[]) { -1, 1, 1 }, 3);
  valid = op2 (g, "And", op2 (g, "GreaterOrEqual", idx, const_int64_scalar (g, 0)),
               op2 (g, "Less", idx, len2));
  clipped = op2 (g, "Min", op2 (g, "Max", idx, const_int64_scalar (g, 0)),
                 const_int64_scalar (g, layer->in.steps - 1));
  clipped = op2 (g, "Expand", clipped, const_int64s (g, (const gint64[]) { 1, 1, c }, 3));
  gathered = op3 (g, "GatherElements", f->x, clipped, NULL, &node);
  attr_int (g, node, "axis", 1);
  gathered = reshape (g, gathered, (const gint64[]) { 0, t_out, p, c }, 4);
  valid = reshape (g, valid, (const gint64[]) { 0, t_out, p, 1 }, 4);
  if (is_max)
    {
      values = op3 (g, "Where", valid, gathered, const_float_scalar (g, -INFINITY), NULL);
      values = op3 (g, "ReduceMax", values, NULL, NULL, &node);
      attr_ints (g, node, "axes", (const gint64[]) { 2 }, 1);
      attr_int (g, node, "keepdims", 0);
      /* a slot past the row's output length saw no real step: 0, not -inf */
      any = op3 (g, "ReduceMax", cast (g, valid, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT), NULL, NULL, &node);
      attr_ints (g, node, "axes", (const gint64[]) { 2 }, 1);
      attr_int (g, node, "keepdims", 0);
      values = op3 (g, "Where", op2 (g, "Greater", any, const_float_scalar (g, 0.5f)), values,
                    const_float_scalar (g, 0.0f), NULL);
    }
  else
    {
      const char *validf = cast (g, valid, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
      const char *count, *sum;
      sum = op3 (g, "ReduceSum", op2 (g, "Mul", gathered, validf),
                 const_int64s (g, (const gint64[]) { 2 }, 1),
                 NULL, &node);
      attr_int (g, node, "keepdims", 0);
      count = op3 (g, "ReduceSum", validf, const_int64s (g, (const gint64[]) { 2 }, 1), NULL, &node);
      attr_int (g, node, "keepdims", 0);
      count = op2 (g, "Max", count, const_float_scalar (g, 1.0f));
      values = op2 (g, "Div", sum, count);
    }
  f->x = values;
  flow_set_lengths (f, out_len, t_out);
  flow_apply_mask (g, f);
}

static void
export_pool (Graph *g, const NnLayer *layer, Flow *f)
{
  gboolean is_max = layer->ops->kind == NN_LAYER_MAX_POOL1D;
  int p = layer->cfg.pool_size, s = layer->cfg.stride > 0 ? layer->cfg.stride : p;
  gint64 kernel = p, stride = s;
  const char *x_ct;
  Onnx__NodeProto *node;

  if (layer->cfg.padding == NN_PADDING_SAME)
    {
      export_pool_same (g, layer, f, is_max);
      return;
    }
  /* valid windows of a row's real outputs hold only real steps */
  x_ct = transpose (g, f->x, (const gint64[]) { 0, 2, 1 }, 3);
  x_ct = op3 (g, is_max ? "MaxPool" : "AveragePool", x_ct, NULL, NULL, &node);
  attr_ints (g, node, "kernel_shape", &kernel, 1);
  attr_ints (g, node, "strides", &stride, 1);
  f->x = transpose (g, x_ct, (const gint64[]) { 0, 2, 1 }, 3);
  flow_set_lengths (f, lengths_rule (g, f->len, s - p, s), layer->out.steps);
  flow_apply_mask (g, f);
}

static void
export_global_pool (Graph *g, const NnLayer *layer, Flow *f)
{
  Onnx__NodeProto *node;
  const char *lenf = cast (g, unsqueeze (g, f->len, 1), ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);

  if (layer->ops->kind == NN_LAYER_GLOBAL_AVG_POOL)
    {
      const char *sum = op3 (g, "ReduceSum", f->x, const_int64s (g, (const gint64[]) { 1 }, 1), NULL, &node);
      attr_int (g, node, "keepdims", 0);
      f->x = op2 (g, "Div", sum, op2 (g, "Max", lenf, const_float_scalar (g, 1.0f)));
    }
  else
    {
      const char *valid = op2 (g, "Greater", flow_mask (g, f), const_float_scalar (g, 0.5f));
      const char *v = op3 (g, "Where", valid, f->x, const_float_scalar (g, -INFINITY), NULL);
      v = op3 (g, "ReduceMax", v, NULL, NULL, &node);
      attr_ints (g, node, "axes", (const gint64[]) { 1 }, 1);
      attr_int (g, node, "keepdims", 0);
      /* a row with no real steps gives 0 */
      f->x = op3 (g, "Where", op2 (g, "Greater", lenf, const_float_scalar (g, 0.5f)), v,
                  const_float_scalar (g, 0.0f), NULL);
    }
  f->seq = FALSE;
}

static void
export_batch_norm (Graph *g, const NnLayer *layer, const float *params, const float *state, Flow *f)
{
  int c = f->features;
  const NnTensorInfo *gamma = layer_tensor (layer, "weight"), *beta = layer_tensor (layer, "bias");
  const NnTensorInfo *mean = layer_tensor (layer, "running_mean"), *var = layer_tensor (layer, "running_var");
  g_autofree float *inv_std = g_new (float, c);
  gint64 dims[1] = { c };

  /* the same float steps as Passband's inference: (x - mean) * inv_std * gamma + beta */
  for (int j = 0; j < c; j++)
    inv_std[j] = (float) (1.0 / sqrt ((double) state[var->offset + j] + layer->cfg.epsilon));
  f->x = op2 (g, "Sub", f->x, const_floats (g, "bn_mean", state + mean->offset, 1, dims));
  f->x = op2 (g, "Mul", f->x, const_floats (g, "bn_inv_std", inv_std, 1, dims));
  f->x = op2 (g, "Mul", f->x, const_floats (g, "bn_gamma", params + gamma->offset, 1, dims));
  f->x = op2 (g, "Add", f->x, const_floats (g, "bn_beta", params + beta->offset, 1, dims));
  flow_apply_mask (g, f);
}

static gboolean
export_layer (Graph *g, const NnModel *model, const NnLayer *layer, Flow *f, GError **error)
{
  const float *params = model->params + layer->param_offset;
  const float *state = model->state != NULL ? model->state + layer->state_offset : NULL;

  switch (layer->ops->kind)
    {
    case NN_LAYER_DENSE:
      export_dense (g, layer, params, f);
      return TRUE;
    case NN_LAYER_ACTIVATION:
      f->x = activation (g, f->x, layer->cfg.activation, &layer->cfg);
      flow_apply_mask (g, f);
      return TRUE;
    case NN_LAYER_SIMPLE_RNN:
    case NN_LAYER_LSTM:
    case NN_LAYER_GRU:
      return export_recurrent (g, layer, params, f, error);
    case NN_LAYER_CONV1D:
      export_conv1d (g, layer, params, f);
      return TRUE;
    case NN_LAYER_MAX_POOL1D:
    case NN_LAYER_AVG_POOL1D:
      export_pool (g, layer, f);
      return TRUE;
    case NN_LAYER_GLOBAL_MAX_POOL:
    case NN_LAYER_GLOBAL_AVG_POOL:
      export_global_pool (g, layer, f);
      return TRUE;
    case NN_LAYER_FLATTEN:
      if (f->seq)
        {
          f->x = reshape (g, f->x, (const gint64[]) { 0, -1 }, 2);
          f->features = layer->out.features;
          f->seq = FALSE;
        }
      return TRUE;
    case NN_LAYER_DROPOUT:
      return TRUE;  /* identity at inference */
    case NN_LAYER_BATCH_NORM:
      export_batch_norm (g, layer, params, state, f);
      return TRUE;
    case NN_LAYER_CONCAT_METADATA:
      {
        Onnx__NodeProto *node;
        f->x = op3 (g, "Concat", f->x, "metadata", NULL, &node);
        attr_int (g, node, "axis", 1);
        f->features = layer->out.features;
        return TRUE;
      }
    case NN_LAYER_N_KINDS:
      break;
    }
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER, _("a layer of an unknown kind"));
  return FALSE;
}

/* One member's class probabilities (B, K) from the shared inputs. */
static const char *
export_member (Graph *g, const NnModel *model, const Flow *input, GError **error)
{
  Flow f = *input;
  Onnx__NodeProto *node;
  const char *probs;

  for (int i = 0; i < model->n_run_layers; i++)
    {
      const NnLayer *layer = nn_model_get_layer (model, i);
      if (i == model->n_run_layers - 1 && model->head_run != NULL)
        layer = model->head_run;
      if (!export_layer (g, model, layer, &f, error))
        {
          g_prefix_error (error, _("layer %d (%s): "), i + 1, layer->ops->name);
          return NULL;
        }
    }
  probs = op3 (g, "Softmax", f.x, NULL, NULL, &node);
  attr_int (g, node, "axis", -1);
  return probs;
}

/* The sequence cut or zero-padded to max_steps, and lengths no longer than that. */
static void
export_inputs (Graph *g, const NnModel *model, Flow *f)
{
  int T = model->max_steps;
  const char *x, *steps_now, *pads;
  Onnx__NodeProto *node;

  {
    const char *inputs[4] = { "sequence", const_int64s (g, (const gint64[]) { 0 }, 1),
                              const_int64s (g, (const gint64[]) { T }, 1),
                              const_int64s (g, (const gint64[]) { 1 }, 1) };
    x = fresh_name (g, "Slice");
    add_node (g, "Slice", inputs, 4, &x, 1);
  }
  steps_now = op3 (g, "Slice", op1 (g, "Shape", x), const_int64s (g, (const gint64[]) { 1 }, 1),
                   const_int64s (g, (const gint64[]) { 2 }, 1), NULL);
  pads = op2 (g, "Sub", const_int64s (g, (const gint64[]) { T }, 1), steps_now);
  {
    const char *parts[3] = { const_int64s (g, (const gint64[]) { 0, 0, 0, 0 }, 4), pads,
                             const_int64s (g, (const gint64[]) { 0 }, 1) };
    const char *out = fresh_name (g, "pads");
    node = add_node (g, "Concat", parts, 3, &out, 1);
    attr_int (g, node, "axis", 0);
    pads = out;
  }
  f->x = op2 (g, "Pad", x, pads);
  f->seq = TRUE;
  f->features = model->seq_features;
  flow_set_lengths (f, op2 (g, "Min", "lengths", const_int64_scalar (g, T)), T);
  /* what a consumer leaves in padded steps (NaN included) never reaches the network */
  f->x = op3 (g, "Where", op2 (g, "Greater", flow_mask (g, f), const_float_scalar (g, 0.5f)), f->x,
              const_float_scalar (g, 0.0f), NULL);
}

/* ---- graph inputs, outputs and metadata ---- */

static Onnx__ValueInfoProto *
value_info (Graph *g, const char *name, int elem_type, int ndim, const gint64 *dims)
{
  Onnx__ValueInfoProto *vi = arena_alloc (g, sizeof *vi);
  Onnx__TypeProto *type = arena_alloc (g, sizeof *type);
  Onnx__TypeProto__Tensor *tensor = arena_alloc (g, sizeof *tensor);
  Onnx__TensorShapeProto *shape = arena_alloc (g, sizeof *shape);

  onnx__value_info_proto__init (vi);
  onnx__type_proto__init (type);
  onnx__type_proto__tensor__init (tensor);
  onnx__tensor_shape_proto__init (shape);
  vi->name = arena_strdup (g, name);
  vi->type = type;
  type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type->tensor_type = tensor;
  tensor->has_elem_type = TRUE;
  tensor->elem_type = elem_type;
  tensor->shape = shape;
  shape->n_dim = ndim;
  shape->dim = arena_alloc (g, sizeof (gpointer) * ndim);
  for (int i = 0; i < ndim; i++)
    {
      Onnx__TensorShapeProto__Dimension *dim = arena_alloc (g, sizeof *dim);
      onnx__tensor_shape_proto__dimension__init (dim);
      /* -1: the batch; -2: the steps */
      if (dims[i] >= 0)
        {
          dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
          dim->dim_value = dims[i];
        }
      else
        {
          dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
          dim->dim_param = arena_strdup (g, dims[i] == -1 ? "batch" : "steps");
        }
      shape->dim[i] = dim;
    }
  return vi;
}

static char *
json_array_of_strings (const char *const *strings, int n)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_string_value (b, strings[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static char *
classes_json (const LcPredictor *p)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  const GArray *classes = p->doc->classes;

  json_builder_begin_array (b);
  for (int c = 0; c < p->n_classes; c++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, c);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, p->class_ids[c]);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, c < (int) classes->len
                                        ? g_array_index (classes, NnClassSpec, c).name : "");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
add_prop (Graph *g, GPtrArray *props, const char *key, char *value_owned)
{
  Onnx__StringStringEntryProto *e = arena_alloc (g, sizeof *e);
  onnx__string_string_entry_proto__init (e);
  e->key = arena_strdup (g, key);
  e->value = arena_strdup (g, value_owned);
  g_free (value_owned);
  g_ptr_array_add (props, e);
}

static void
add_metadata_props (Graph *g, const LcPredictor *p, const LcOnnxOptions *options, gboolean with_meta,
                    GPtrArray *props)
{
  const LcEncoder *enc = p->encoder;
  int F = lc_encoder_step_features (enc), S = lc_encoder_meta_features (enc);
  int n_bands = lc_encoder_n_bands (enc);
  g_autofree const char **names = g_new0 (const char *, MAX (MAX (F, S), MAX (n_bands, 1)) + 1);

  add_prop (g, props, "passband.version", g_strdup (PACKAGE_VERSION));
  add_prop (g, props, "passband.model_name", g_strdup (p->doc->name));
  add_prop (g, props, "passband.classes", classes_json (p));
  for (int b = 0; b < n_bands; b++)
    names[b] = lc_encoder_band_name (enc, b);
  add_prop (g, props, "passband.bands", json_array_of_strings (names, n_bands));
  for (int k = 0; k < F; k++)
    names[k] = lc_encoder_step_feature_name (enc, k);
  add_prop (g, props, "passband.sequence_features", json_array_of_strings (names, F));
  for (int k = 0; k < S; k++)
    names[k] = lc_encoder_meta_feature_name (enc, k);
  add_prop (g, props, "passband.metadata_features", json_array_of_strings (names, with_meta ? S : 0));
  add_prop (g, props, "passband.preprocessing", json_to_string (p->doc->preprocessing, FALSE));
  add_prop (g, props, "passband.max_steps", g_strdup_printf ("%d", p->model->max_steps));
  add_prop (g, props, "passband.ensemble_members", g_strdup_printf ("%d", p->n_models));
  {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    add_prop (g, props, "passband.temperature",
              g_strdup (g_ascii_dtostr (buf, sizeof buf, options->temperature)));
  }
  add_prop (g, props, "passband.inputs",
            g_strdup (with_meta ? "sequence (batch, steps, F) float32; lengths (batch) int64; "
                                  "metadata (batch, S) float32"
                                : "sequence (batch, steps, F) float32; lengths (batch) int64"));
  add_prop (g, props, "passband.outputs", g_strdup ("probabilities (batch, classes) float32, "
                                                    "in the order of passband.classes"));
}

gboolean
lc_onnx_takes_metadata (const LcPredictor *p)
{
  return p->model->concat_index >= 0 && p->model->meta_features > 0;
}

void
lc_onnx_options_default (LcOnnxOptions *options)
{
  options->temperature = 0.0;
}

static Graph *
graph_new (void)
{
  Graph *g = g_new0 (Graph, 1);
  g->arena = g_ptr_array_new_with_free_func (g_free);
  g->nodes = g_ptr_array_new ();
  g->inits = g_ptr_array_new ();
  return g;
}

static void
graph_free (Graph *g)
{
  g_ptr_array_unref (g->nodes);
  g_ptr_array_unref (g->inits);
  g_ptr_array_unref (g->arena);
  g_free (g);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Graph, graph_free)

GBytes *
lc_onnx_export_bytes (const LcPredictor *p, const LcOnnxOptions *options, GError **error)
{
  g_autoptr (Graph) g = graph_new ();
  g_autoptr (GPtrArray) member_probs = g_ptr_array_new ();
  g_autoptr (GPtrArray) props = g_ptr_array_new ();
  LcOnnxOptions defaults;
  const NnModel *model = p->model;
  gboolean with_meta = lc_onnx_takes_metadata (p);
  Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
  Onnx__GraphProto graph = ONNX__GRAPH_PROTO__INIT;
  Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT;
  Onnx__OperatorSetIdProto *opsets[1] = { &opset };
  Onnx__ValueInfoProto *inputs[3], *outputs[1];
  Flow input = { 0 };
  const char *probs;
  gsize size;
  guint8 *buffer;

  if (options == NULL)
    lc_onnx_options_default (&defaults);
  else
    defaults = *options;
  if (defaults.temperature == 0.0)
    defaults.temperature = p->doc->temperature;
  options = &defaults;
  if (!(options->temperature > 0.0) || !isfinite (options->temperature))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_MODEL,
                   _("the temperature must be a positive number (it is %g)"), options->temperature);
      return NULL;
    }

  export_inputs (g, model, &input);
  for (int m = 0; m < p->n_models; m++)
    {
      const char *pm = export_member (g, p->models[m], &input, error);
      if (pm == NULL)
        return NULL;
      g_ptr_array_add (member_probs, (gpointer) pm);
    }
  if (p->n_models == 1)
    probs = g_ptr_array_index (member_probs, 0);
  else
    {
      probs = fresh_name (g, "Mean");
      add_node (g, "Mean", (const char *const *) member_probs->pdata, member_probs->len, &probs, 1);
    }
  if (options->temperature != 1.0 || p->doc->class_offsets != NULL)
    {
      Onnx__NodeProto *node;
      const char *scaled = op2 (g, "Div", op1 (g, "Log", probs),
                                const_float_scalar (g, (float) options->temperature));
      /* the prior correction: one offset per class before the softmax */
      if (p->doc->class_offsets != NULL)
        scaled = op2 (g, "Add", scaled,
                      const_floats (g, "class_offsets", p->doc->class_offsets, 1,
                                    (const gint64[]) { p->n_classes }));
      probs = op3 (g, "Softmax", scaled, NULL, NULL, &node);
      attr_int (g, node, "axis", -1);
    }
  probs = op1 (g, "Identity", probs);
  {
    /* the graph's output is named plainly */
    Onnx__NodeProto *last = g_ptr_array_index (g->nodes, g->nodes->len - 1);
    last->output[0] = arena_strdup (g, "probabilities");
  }

  inputs[0] = value_info (g, "sequence", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 3,
                          (const gint64[]) { -1, -2, model->seq_features });
  inputs[1] = value_info (g, "lengths", ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1, (const gint64[]) { -1 });
  if (with_meta)
    inputs[2] = value_info (g, "metadata", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2,
                            (const gint64[]) { -1, model->meta_features });
  outputs[0] = value_info (g, "probabilities", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2,
                           (const gint64[]) { -1, p->n_classes });

  graph.name = "passband";
  graph.n_node = g->nodes->len;
  graph.node = (Onnx__NodeProto **) g->nodes->pdata;
  graph.n_initializer = g->inits->len;
  graph.initializer = (Onnx__TensorProto **) g->inits->pdata;
  graph.n_input = with_meta ? 3 : 2;
  graph.input = inputs;
  graph.n_output = 1;
  graph.output = outputs;

  opset.domain = "";
  opset.has_version = TRUE;
  opset.version = LC_ONNX_OPSET;
  add_metadata_props (g, p, options, with_meta, props);

  mp.has_ir_version = TRUE;
  mp.ir_version = LC_ONNX_IR_VERSION;
  mp.n_opset_import = 1;
  mp.opset_import = opsets;
  mp.producer_name = "passband";
  mp.producer_version = PACKAGE_VERSION;
  mp.doc_string = p->doc->description;
  mp.graph = &graph;
  mp.n_metadata_props = props->len;
  mp.metadata_props = (Onnx__StringStringEntryProto **) props->pdata;

  size = onnx__model_proto__get_packed_size (&mp);
  buffer = g_malloc (MAX (size, 1));
  onnx__model_proto__pack (&mp, buffer);
  return g_bytes_new_take (buffer, size);
}

gboolean
lc_onnx_export (const LcPredictor *p, const LcOnnxOptions *options, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = lc_onnx_export_bytes (p, options, error);
  gsize size;
  const char *data;

  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  if (nn_atomic_write (path, data, (gssize) size, error))
    return TRUE;
  g_prefix_error (error, "%s: ", path);
  return FALSE;
}
