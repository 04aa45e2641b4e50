/* nn-object-history.c: per-object predictions across epochs. */
#include "config.h"

#include "nn-object-history.h"

#include <string.h>

NnObjectHistory *
nn_object_history_new (const int *labels, int n_objects, int n_classes, int max_epochs)
{
  NnObjectHistory *h;

  g_return_val_if_fail (n_objects >= 0 && n_classes > 0 && max_epochs >= 0, NULL);
  h = g_new0 (NnObjectHistory, 1);
  h->n_objects = n_objects;
  h->n_classes = n_classes;
  h->max_epochs = max_epochs;
  h->labels = g_new (int, MAX (n_objects, 1));
  for (int i = 0; i < n_objects; i++)
    h->labels[i] = labels != NULL ? labels[i] : -1;
  h->predicted = g_new0 (int, MAX ((size_t) max_epochs * n_objects, 1));
  h->probs = g_new0 (float, MAX ((size_t) max_epochs * n_objects * n_classes, 1));
  return h;
}

void
nn_object_history_free (NnObjectHistory *h)
{
  if (h == NULL)
    return;
  g_free (h->labels);
  g_free (h->predicted);
  g_free (h->probs);
  g_free (h);
}

NnObjectHistory *
nn_object_history_copy (const NnObjectHistory *h)
{
  return nn_object_history_copy_epochs (h, h->max_epochs);
}

NnObjectHistory *
nn_object_history_copy_epochs (const NnObjectHistory *h, int max_epochs)
{
  NnObjectHistory *c;

  g_return_val_if_fail (h != NULL && max_epochs >= 0, NULL);
  c = nn_object_history_new (h->labels, h->n_objects, h->n_classes, max_epochs);
  c->n_epochs = MIN (h->n_epochs, max_epochs);
  memcpy (c->predicted, h->predicted, (size_t) c->n_epochs * h->n_objects * sizeof (int));
  memcpy (c->probs, h->probs, (size_t) c->n_epochs * h->n_objects * h->n_classes * sizeof (float));
  return c;
}

float *
nn_object_history_next (NnObjectHistory *h)
{
  if (h->n_epochs >= h->max_epochs)
    return NULL;
  return h->probs + (size_t) h->n_epochs * h->n_objects * h->n_classes;
}

void
nn_object_history_commit (NnObjectHistory *h)
{
  const float *p = nn_object_history_next (h);
  int *pred;

  g_return_if_fail (p != NULL);
  pred = h->predicted + (size_t) h->n_epochs * h->n_objects;
  for (int i = 0; i < h->n_objects; i++)
    {
      const float *row = p + (size_t) i * h->n_classes;
      int best = 0;
      for (int k = 1; k < h->n_classes; k++)
        if (row[k] > row[best])
          best = k;
      pred[i] = best;
    }
  h->n_epochs++;
}

void
nn_object_history_record (NnObjectHistory *h, const float *probs)
{
  float *p = nn_object_history_next (h);
  g_return_if_fail (p != NULL);
  memcpy (p, probs, (size_t) h->n_objects * h->n_classes * sizeof (float));
  nn_object_history_commit (h);
}

int
nn_object_history_predicted (const NnObjectHistory *h, int epoch, int object)
{
  g_return_val_if_fail (epoch >= 0 && epoch < h->n_epochs, -1);
  g_return_val_if_fail (object >= 0 && object < h->n_objects, -1);
  return h->predicted[(size_t) epoch * h->n_objects + object];
}

static gboolean
right_at (const NnObjectHistory *h, int epoch, int object)
{
  return h->labels[object] >= 0
         && h->predicted[(size_t) epoch * h->n_objects + object] == h->labels[object];
}

int
nn_object_history_learned_epoch (const NnObjectHistory *h, int object)
{
  int e = h->n_epochs;

  while (e > 0 && right_at (h, e - 1, object))
    e--;
  return e < h->n_epochs ? e : -1;
}

GArray *
nn_object_history_learned_at (const NnObjectHistory *h, int epoch)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < h->n_objects; i++)
    if (nn_object_history_learned_epoch (h, i) == epoch)
      g_array_append_val (out, i);
  return out;
}

GArray *
nn_object_history_always_wrong (const NnObjectHistory *h)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < h->n_objects; i++)
    {
      gboolean ever = FALSE;
      if (h->labels[i] < 0 || h->n_epochs == 0)
        continue;
      for (int e = 0; e < h->n_epochs && !ever; e++)
        ever = right_at (h, e, i);
      if (!ever)
        g_array_append_val (out, i);
    }
  return out;
}

GArray *
nn_object_history_flipped_after (const NnObjectHistory *h, int from_epoch)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < h->n_objects; i++)
    for (int e = MAX (from_epoch, 1); e < h->n_epochs; e++)
      if (h->predicted[(size_t) e * h->n_objects + i]
          != h->predicted[(size_t) (e - 1) * h->n_objects + i])
        {
          g_array_append_val (out, i);
          break;
        }
  return out;
}

gboolean
nn_object_history_compare (const NnObjectHistory *a, const NnObjectHistory *b, GArray **fixed,
                           GArray **broken)
{
  *fixed = *broken = NULL;
  if (a->n_objects != b->n_objects || a->n_epochs == 0 || b->n_epochs == 0
      || memcmp (a->labels, b->labels, a->n_objects * sizeof (int)) != 0)
    return FALSE;
  *fixed = g_array_new (FALSE, FALSE, sizeof (int));
  *broken = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < a->n_objects; i++)
    {
      gboolean ra = right_at (a, a->n_epochs - 1, i), rb = right_at (b, b->n_epochs - 1, i);
      if (!ra && rb)
        g_array_append_val (*fixed, i);
      else if (ra && !rb && a->labels[i] >= 0)
        g_array_append_val (*broken, i);
    }
  return TRUE;
}
