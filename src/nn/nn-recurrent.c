/* nn-recurrent.c: the driver shared by simple_rnn, lstm and gru (see nn-recurrent.h). */

/* Let the element-wise loops vectorise at -O2 (see the cell files). */
#if defined (__GNUC__) && !defined (__clang__)
#pragma GCC optimize ("no-trapping-math", "vect-cost-model=dynamic")
#endif

#include "config.h"

#include "nn-recurrent.h"

#include <glib/gi18n-lib.h>

#include "nn-blas.h"

/* Tensor names in PyTorch spelling, per direction. */
static const char *const tensor_names[2][4] = {
  { "weight_ih", "weight_hh", "bias_ih", "bias_hh" },
  { "weight_ih_reverse", "weight_hh_reverse", "bias_ih_reverse", "bias_hh_reverse" },
};

static int
n_directions (const NnLayer *layer)
{
  return layer->cfg.bidirectional ? 2 : 1;
}

int
nn_recurrent_tensor_index (const NnLayer *layer, int dir, int which)
{
  int per_dir = layer->cfg.use_bias ? 4 : 2;
  if (which >= per_dir || dir >= n_directions (layer))
    return -1;
  return dir * per_dir + which;
}

gboolean
nn_recurrent_setup (NnLayer *layer, const NnRecurrentCell *cell, const NnShape *in,
                    GError **error)
{
  int H = layer->cfg.units;
  int GH = cell->gates * H;

  if (!in->seq)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("%s: a recurrent layer needs a sequence: the layer before it returns a vector; "
                     "turn on return sequences there or remove Flatten/global pooling"), cell->name);
      return FALSE;
    }
  if (in->steps < 1 || in->features < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("%s: the input sequence is empty (%d steps of %d features)"),
                   cell->name, in->steps, in->features);
      return FALSE;
    }
  if (H < 1)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("%s: units must be at least 1 (it is %d)"), cell->name, H);
      return FALSE;
    }
  if (cell->gates == 1 && layer->cfg.activation == NN_ACT_SOFTMAX)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID_LAYER,
                   _("%s: softmax cannot be the activation of a recurrent state; use tanh"),
                   cell->name);
      return FALSE;
    }

  for (int d = 0; d < n_directions (layer); d++)
    {
      int w_ih[2] = { GH, in->features };
      int w_hh[2] = { GH, H };
      int b[1] = { GH };
      nn_layer_add_tensor (layer, tensor_names[d][0], 2, w_ih);
      nn_layer_add_tensor (layer, tensor_names[d][1], 2, w_hh);
      if (layer->cfg.use_bias)
        {
          nn_layer_add_tensor (layer, tensor_names[d][2], 1, b);
          nn_layer_add_tensor (layer, tensor_names[d][3], 1, b);
        }
    }

  layer->out.seq = layer->cfg.return_sequences;
  layer->out.steps = layer->cfg.return_sequences ? in->steps : 0;
  layer->out.features = H * n_directions (layer);
  return TRUE;
}

void
nn_recurrent_init (const NnLayer *layer, const NnRecurrentCell *cell, float *params, NnRng *rng)
{
  int H = layer->cfg.units;

  for (int d = 0; d < n_directions (layer); d++)
    {
      const NnTensorInfo *w_ih = &layer->tensors[nn_recurrent_tensor_index (layer, d, 0)];
      const NnTensorInfo *w_hh = &layer->tensors[nn_recurrent_tensor_index (layer, d, 1)];

      nn_init_glorot_uniform (params + w_ih->offset, cell->gates * H, layer->in.features, rng);
      /* one orthogonal block per gate, as Keras' recurrent_initializer per gate */
      for (int g = 0; g < cell->gates; g++)
        nn_init_orthogonal (params + w_hh->offset + (size_t) g * H * H, H, H, rng);
      for (int k = 2; k < 4; k++)
        {
          int idx = nn_recurrent_tensor_index (layer, d, k);
          if (idx >= 0)
            memset (params + layer->tensors[idx].offset, 0,
                    layer->tensors[idx].size * sizeof (float));
        }
    }
}

double
nn_recurrent_flops (const NnLayer *layer, const NnRecurrentCell *cell)
{
  double GH = (double) cell->gates * layer->cfg.units;
  double per_step = GH * (layer->in.features + layer->cfg.units) + 4.0 * GH;
  return per_step * layer->in.steps * n_directions (layer);
}

/* ---- workspace ---- */

/* Slices of the workspace for one call; carve_workspace lays them out the same
 * way for workspace_size, forward and backward. */
typedef struct
{
  int *order;        /* [B] batch row of the r-th longest sequence */
  int *active;       /* [T + 1] n_t: sequences longer than t; active[T] = 0 */
  int *offset;       /* [T + 1] first packed row of step t; offset[T] = total rows */
  int *count;        /* [T + 2] scratch for the counting sort */
  float *zero_bias;  /* [G*H] zeros, for layers without bias */
  float *bias_sum;   /* [G*H] backward scratch */
  float *ones;       /* [rows] for bias sums by GEMV */
  float *hcur;       /* (B, H) h_t before it is scattered */
  float *gh;         /* (B, G*H) separate_gh cells */
  float *dh;         /* (B, H) */
  float *dc;         /* (B, H) carries_c cells */
  float *xp[2];      /* per direction (rows, F): packed inputs; backward: packed dX */
  float *gates[2];   /* (rows, G*H) */
  float *hprev[2];   /* (rows, H): row (t, r) holds h_{t-1} of sequence r (block 0 unused) */
  float *aux[2];     /* (rows, H) has_aux cells */
} Work;

static size_t
carve (char **cursor, size_t bytes)
{
  size_t size = nn_align64 (bytes);
  *cursor += size;
  return size;
}

#define CARVE(field, type, n) \
  do \
    { \
      (field) = (type *) cursor; \
      total += carve (&cursor, (size_t) (n) * sizeof (type)); \
    } \
  while (0)

static size_t
carve_workspace (const NnLayer *layer, const NnRecurrentCell *cell, void *base,
                 int batch, int steps, Work *w)
{
  int H = layer->cfg.units;
  int GH = cell->gates * H;
  int F = layer->in.features;
  size_t rows = (size_t) batch * steps;
  char *cursor = base;
  size_t total = 0;
  Work dummy;

  if (w == NULL)
    w = &dummy;
  memset (w, 0, sizeof *w);
  CARVE (w->order, int, batch);
  CARVE (w->active, int, steps + 1);
  CARVE (w->offset, int, steps + 1);
  CARVE (w->count, int, steps + 2);
  CARVE (w->zero_bias, float, GH);
  CARVE (w->bias_sum, float, GH);
  CARVE (w->ones, float, rows);
  CARVE (w->hcur, float, (size_t) batch * H);
  if (cell->separate_gh)
    CARVE (w->gh, float, (size_t) batch * GH);
  CARVE (w->dh, float, (size_t) batch * H);
  if (cell->carries_c)
    CARVE (w->dc, float, (size_t) batch * H);
  for (int d = 0; d < n_directions (layer); d++)
    {
      CARVE (w->xp[d], float, rows * F);
      CARVE (w->gates[d], float, rows * GH);
      CARVE (w->hprev[d], float, rows * H);
      if (cell->has_aux)
        CARVE (w->aux[d], float, rows * H);
    }
  return total;
}

size_t
nn_recurrent_workspace_size (const NnLayer *layer, const NnRecurrentCell *cell,
                             int max_batch, int max_steps)
{
  return carve_workspace (layer, cell, NULL, MAX (max_batch, 1), MAX (max_steps, 1), NULL);
}

static inline int
valid_length (const NnAct *x, int b)
{
  return CLAMP (x->lengths[b], 0, x->steps);
}

/* Counting sort of the batch by length, longest first and stable, and the
 * per-step active counts and packed offsets. */
static void
sort_by_length (const NnAct *x, Work *w)
{
  int B = x->batch, T = x->steps;
  int *start = w->count;

  memset (start, 0, (size_t) (T + 2) * sizeof (int));
  for (int b = 0; b < B; b++)
    start[T - valid_length (x, b)]++;  /* bucket k holds length T - k */
  for (int k = 0, pos = 0; k <= T; k++)
    {
      int c = start[k];
      start[k] = pos;
      pos += c;
    }
  for (int b = 0; b < B; b++)
    w->order[start[T - valid_length (x, b)]++] = b;

  /* active[t] = number of sequences with length > t; lengths are descending along order */
  for (int t = 0, r = B; t <= T; t++)
    {
      while (r > 0 && valid_length (x, w->order[r - 1]) <= t)
        r--;
      w->active[t] = t < T ? r : 0;
    }
  w->offset[0] = 0;
  for (int t = 0; t < T; t++)
    w->offset[t + 1] = w->offset[t] + w->active[t];
}

/* The input step direction `dir` reads at its step t: reverse runs the valid steps backwards. */
static inline int
source_step (int dir, int t, int length)
{
  return dir == 0 ? t : length - 1 - t;
}

/* base + the offset of tensor `which` of direction `dir`, or `fallback` if the layer has none */
static const float *
tensor_data (const NnLayer *layer, const float *base, int dir, int which, const float *fallback)
{
  int per_dir = layer->cfg.use_bias ? 4 : 2;
  if (which >= per_dir)
    return fallback;
  return base + layer->tensors[dir * per_dir + which].offset;
}

static void
tensor_slices (const NnLayer *layer, const float *base, int dir, const float *zero_bias,
               const float **w_ih, const float **w_hh, const float **b_ih, const float **b_hh)
{
  *w_ih = tensor_data (layer, base, dir, 0, NULL);
  *w_hh = tensor_data (layer, base, dir, 1, NULL);
  *b_ih = tensor_data (layer, base, dir, 2, zero_bias);
  *b_hh = tensor_data (layer, base, dir, 3, zero_bias);
}

static void
pack_inputs (const NnAct *x, const Work *w, int dir, float *xp)
{
  int F = x->features;
  for (int t = 0; t < x->steps && w->active[t] > 0; t++)
    for (int r = 0; r < w->active[t]; r++)
      {
        int b = w->order[r];
        int src = source_step (dir, t, valid_length (x, b));
        memcpy (xp + ((size_t) w->offset[t] + r) * F,
                x->data + ((size_t) b * x->steps + src) * F, (size_t) F * sizeof (float));
      }
}

/* Copies h_t (rows of hcur) to where the next step and the output need it. */
static void
scatter_state (const NnLayer *layer, const NnAct *x, const Work *w, int dir, int t,
               float *hprev, NnAct *y)
{
  int H = layer->cfg.units;
  int n = w->active[t];
  int n_next = t + 1 < x->steps ? w->active[t + 1] : 0;

  if (n_next > 0)
    memcpy (hprev + (size_t) w->offset[t + 1] * H, w->hcur, (size_t) n_next * H * sizeof (float));

  if (layer->cfg.return_sequences)
    {
      for (int r = 0; r < n; r++)
        {
          int b = w->order[r];
          int dst = source_step (dir, t, valid_length (x, b));
          memcpy (y->data + ((size_t) b * y->steps + dst) * y->features + (size_t) dir * H,
                  w->hcur + (size_t) r * H, (size_t) H * sizeof (float));
        }
    }
  else
    {
      /* rows whose sequence ends at this step: their last state is the output */
      for (int r = n_next; r < n; r++)
        memcpy (y->data + (size_t) w->order[r] * y->features + (size_t) dir * H,
                w->hcur + (size_t) r * H, (size_t) H * sizeof (float));
    }
}

static void
forward_direction (const NnLayer *layer, const NnRecurrentCell *cell, const NnPass *pass,
                   const NnAct *x, NnAct *y, Work *w, int dir)
{
  int H = layer->cfg.units;
  int GH = cell->gates * H;
  int F = x->features;
  int rows = w->offset[x->steps];
  const float *w_ih, *w_hh, *b_ih, *b_hh;
  NnRecurrentStep s = { .units = H, .cfg = &layer->cfg };

  if (rows == 0)
    return;
  tensor_slices (layer, pass->params, dir, w->zero_bias, &w_ih, &w_hh, &b_ih, &b_hh);
  s.b_ih = b_ih;
  s.b_hh = b_hh;

  pack_inputs (x, w, dir, w->xp[dir]);
  /* the input projection of every real step at once */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, rows, GH, F,
               1.0f, w->xp[dir], F, w_ih, F, 0.0f, w->gates[dir], GH);

  for (int t = 0; t < x->steps && w->active[t] > 0; t++)
    {
      int n = w->active[t];
      size_t off = w->offset[t];
      float *hp = w->hprev[dir] + off * H;

      s.n = n;
      s.gates = w->gates[dir] + off * GH;
      s.h_prev = t > 0 ? hp : NULL;
      s.gh = NULL;
      s.aux = cell->has_aux ? w->aux[dir] + off * H : NULL;
      s.aux_prev = cell->has_aux && t > 0 ? w->aux[dir] + (size_t) w->offset[t - 1] * H : NULL;
      s.h = w->hcur;
      if (t > 0 && cell->separate_gh)
        {
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, GH, H,
                       1.0f, hp, H, w_hh, H, 0.0f, w->gh, GH);
          s.gh = w->gh;
        }
      else if (t > 0)
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, GH, H,
                     1.0f, hp, H, w_hh, H, 1.0f, s.gates, GH);
      cell->forward_step (&s);
      scatter_state (layer, x, w, dir, t, w->hprev[dir], y);
    }
}

void
nn_recurrent_forward (const NnLayer *layer, const NnRecurrentCell *cell, NnPass *pass,
                      const NnAct *x, NnAct *y)
{
  Work w;
  int B = x->batch;

  carve_workspace (layer, cell, pass->work, B, x->steps, &w);
  memset (w.zero_bias, 0, (size_t) cell->gates * layer->cfg.units * sizeof (float));
  sort_by_length (x, &w);

  /* padded steps and empty sequences give zeros; real steps are overwritten below */
  if (layer->cfg.return_sequences)
    for (int b = 0; b < B; b++)
      {
        int len = valid_length (x, b);
        memset (y->data + ((size_t) b * y->steps + len) * y->features, 0,
                (size_t) (y->steps - len) * y->features * sizeof (float));
        if (y->lengths != NULL)
          y->lengths[b] = len;
      }
  else
    memset (y->data, 0, (size_t) B * y->features * sizeof (float));

  for (int d = 0; d < n_directions (layer); d++)
    forward_direction (layer, cell, pass, x, y, &w, d);
}

/* dh for the rows active at step t: carried from step t + 1 for rows that go on,
 * fresh for rows whose sequence ends here; plus the output gradient. */
static void
gather_output_grad (const NnLayer *layer, const NnAct *x, const Work *w, int dir, int t,
                    const float *dy, int dy_steps, int dy_features)
{
  int H = layer->cfg.units;
  int n = w->active[t];
  int n_next = t + 1 < x->steps ? w->active[t + 1] : 0;

  for (int r = n_next; r < n; r++)
    {
      float *dh = w->dh + (size_t) r * H;
      if (layer->cfg.return_sequences)
        memset (dh, 0, (size_t) H * sizeof (float));
      else
        memcpy (dh, dy + (size_t) w->order[r] * dy_features + (size_t) dir * H,
                (size_t) H * sizeof (float));
      if (w->dc != NULL)
        memset (w->dc + (size_t) r * H, 0, (size_t) H * sizeof (float));
    }

  if (layer->cfg.return_sequences)
    for (int r = 0; r < n; r++)
      {
        int b = w->order[r];
        int src = source_step (dir, t, valid_length (x, b));
        const float *g = dy + ((size_t) b * dy_steps + src) * dy_features + (size_t) dir * H;
        float *dh = w->dh + (size_t) r * H;
        for (int j = 0; j < H; j++)
          dh[j] += g[j];
      }
}

/* sum[j] += Σ_r m[r, j] for the first `cols` columns of a (rows, ld) matrix, as one GEMV */
static void
add_column_sums (float *sum, const float *m, size_t rows, int cols, int ld, const float *ones)
{
  cblas_sgemv (CblasRowMajor, CblasTrans, (int) rows, cols, 1.0f, m, ld, ones, 1, 1.0f, sum, 1);
}

/* After the step loop: parameter gradients from all steps at once, then dX. */
static void
parameter_gradients (const NnLayer *layer, const NnRecurrentCell *cell, const NnPass *pass,
                     const NnAct *x, Work *w, int dir, float *dx)
{
  int H = layer->cfg.units;
  int GH = cell->gates * H;
  int F = x->features;
  int rows = w->offset[x->steps];
  int rows_after_first = rows - w->active[0];
  /* GRU: the last block's input side is in aux, the hidden side in gates */
  int G_shared = cell->split_ih_last ? GH - H : GH;
  const float *dG = w->gates[dir];
  const float *w_ih, *w_hh, *b_ih, *b_hh;
  float *gw_ih, *gw_hh, *gb_ih, *gb_hh;
  float *xp = w->xp[dir];

  tensor_slices (layer, pass->params, dir, w->zero_bias, &w_ih, &w_hh, &b_ih, &b_hh);
  tensor_slices (layer, pass->grads, dir, w->zero_bias,
                 (const float **) &gw_ih, (const float **) &gw_hh,
                 (const float **) &gb_ih, (const float **) &gb_hh);

  /* dW_hh += Σ_t dG_tᵀ h_{t-1}; step 0 has h_{-1} = 0 and is skipped */
  if (rows_after_first > 0)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, GH, H, rows_after_first,
                 1.0f, dG + (size_t) w->active[0] * GH, GH,
                 w->hprev[dir] + (size_t) w->active[0] * H, H, 1.0f, gw_hh, H);
  /* dW_ih += Σ_t dG_tᵀ x_t */
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, G_shared, F, rows,
               1.0f, dG, GH, xp, F, 1.0f, gw_ih, F);
  if (cell->split_ih_last)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, H, F, rows,
                 1.0f, w->aux[dir], H, xp, F, 1.0f, gw_ih + (size_t) G_shared * F, F);

  if (layer->cfg.use_bias)
    {
      /* both biases get the hidden-side sums; summed once into scratch */
      for (int r = 0; r < rows; r++)
        w->ones[r] = 1.0f;
      memset (w->bias_sum, 0, (size_t) GH * sizeof (float));
      add_column_sums (w->bias_sum, dG, rows, GH, GH, w->ones);
      for (int j = 0; j < GH; j++)
        gb_hh[j] += w->bias_sum[j];
      for (int j = 0; j < G_shared; j++)
        gb_ih[j] += w->bias_sum[j];
      if (cell->split_ih_last)
        add_column_sums (gb_ih + G_shared, w->aux[dir], rows, H, H, w->ones);
    }

  if (dx == NULL)
    return;
  /* packed dX overwrites the packed inputs, which are no longer needed */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, F, G_shared,
               1.0f, dG, GH, w_ih, F, 0.0f, xp, F);
  if (cell->split_ih_last)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, F, H,
                 1.0f, w->aux[dir], H, w_ih + (size_t) G_shared * F, F, 1.0f, xp, F);
  for (int t = 0; t < x->steps && w->active[t] > 0; t++)
    for (int r = 0; r < w->active[t]; r++)
      {
        int b = w->order[r];
        int src = source_step (dir, t, valid_length (x, b));
        const float *g = xp + ((size_t) w->offset[t] + r) * F;
        float *d = dx + ((size_t) b * x->steps + src) * F;
        for (int j = 0; j < F; j++)
          d[j] += g[j];
      }
}

static void
backward_direction (const NnLayer *layer, const NnRecurrentCell *cell, const NnPass *pass,
                    const NnAct *x, const NnAct *y, const float *dy, float *dx, Work *w, int dir)
{
  int H = layer->cfg.units;
  int GH = cell->gates * H;
  const float *w_ih, *w_hh, *b_ih, *b_hh;
  NnRecurrentStep s = { .units = H, .cfg = &layer->cfg };

  if (w->offset[x->steps] == 0)
    return;
  tensor_slices (layer, pass->params, dir, w->zero_bias, &w_ih, &w_hh, &b_ih, &b_hh);
  s.b_ih = b_ih;
  s.b_hh = b_hh;

  for (int t = x->steps - 1; t >= 0; t--)
    {
      int n = w->active[t];
      size_t off = w->offset[t];

      if (n == 0)
        continue;
      gather_output_grad (layer, x, w, dir, t, dy, y->steps, y->features);
      s.n = n;
      s.gates = w->gates[dir] + off * GH;
      s.h_prev = t > 0 ? w->hprev[dir] + off * H : NULL;
      s.aux = cell->has_aux ? w->aux[dir] + off * H : NULL;
      s.aux_prev = cell->has_aux && t > 0 ? w->aux[dir] + (size_t) w->offset[t - 1] * H : NULL;
      s.dh = w->dh;
      s.dc = w->dc;
      cell->backward_step (&s);
      /* dh_{t-1} = dG_t · W_hh (+ the cell's direct term already in dh) */
      if (t > 0)
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, H, GH,
                     1.0f, s.gates, GH, w_hh, H, cell->direct_h ? 1.0f : 0.0f, w->dh, H);
    }
  parameter_gradients (layer, cell, pass, x, w, dir, dx);
}

void
nn_recurrent_backward (const NnLayer *layer, const NnRecurrentCell *cell, NnPass *pass,
                       const NnAct *x, const NnAct *y, float *dy, float *dx)
{
  Work w;

  /* same layout as the forward call; order/active/offset are still there */
  carve_workspace (layer, cell, pass->work, x->batch, x->steps, &w);
  if (dx != NULL)
    memset (dx, 0, (size_t) x->batch * x->steps * x->features * sizeof (float));
  for (int d = 0; d < n_directions (layer); d++)
    backward_direction (layer, cell, pass, x, y, dy, dx, &w, d);
}
