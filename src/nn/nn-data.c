/* nn-data.c: encoded datasets and batch views */
#include "nn-data.h"

#include <string.h>

NnData *
nn_data_new (int n, int steps, int features, int meta_features, int n_classes)
{
  NnData *d = g_new0 (NnData, 1);
  d->n = n;
  d->steps = steps;
  d->features = features;
  d->meta_features = meta_features;
  d->n_classes = n_classes;
  d->x = g_new0 (float, (gsize) n * steps * features);
  d->lengths = g_new0 (int, MAX (n, 1));
  if (meta_features > 0)
    d->meta = g_new0 (float, (gsize) n * meta_features);
  d->labels = g_new (int, MAX (n, 1));
  for (int i = 0; i < n; i++)
    d->labels[i] = -1;
  return d;
}

void
nn_data_free (NnData *data)
{
  if (data == NULL)
    return;
  g_free (data->x);
  g_free (data->lengths);
  g_free (data->meta);
  g_free (data->labels);
  g_free (data);
}

void
nn_data_gather (const NnData *data, const int *rows, int n_rows,
                float *x_buf, int *len_buf, float *meta_buf, int *label_buf,
                NnBatch *batch)
{
  gsize row_x = (gsize) data->steps * data->features;
  for (int i = 0; i < n_rows; i++)
    {
      int r = rows[i];
      memcpy (x_buf + i * row_x, data->x + r * row_x, row_x * sizeof (float));
      len_buf[i] = data->lengths[r];
      if (meta_buf != NULL && data->meta_features > 0)
        memcpy (meta_buf + (gsize) i * data->meta_features,
                data->meta + (gsize) r * data->meta_features,
                data->meta_features * sizeof (float));
      if (label_buf != NULL)
        label_buf[i] = data->labels != NULL ? data->labels[r] : -1;
    }
  batch->batch = n_rows;
  batch->steps = data->steps;
  batch->features = data->features;
  batch->meta_features = data->meta_features;
  batch->x = x_buf;
  batch->lengths = len_buf;
  batch->meta = data->meta_features > 0 ? meta_buf : NULL;
  batch->labels = label_buf;
}

NnData *
nn_data_subset (const NnData *data, const int *rows, int n_rows)
{
  NnData *d = nn_data_new (n_rows, data->steps, data->features, data->meta_features,
                           data->n_classes);
  NnBatch unused;
  nn_data_gather (data, rows, n_rows, d->x, d->lengths, d->meta, d->labels, &unused);
  return d;
}
