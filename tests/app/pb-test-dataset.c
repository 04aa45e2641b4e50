/* pb-test-dataset.c: hand-made dataset for tests */
#include <math.h>

#include "pb-test-dataset.h"

LcDataset *
pb_test_dataset_new (int n_objects)
{
  static const char *const bands[] = { "u", "g", "r", "i", "z", "y", NULL };
  static const char *const class_names[] = { "SN Ia", "RR Lyrae", "AGN" };
  static const int class_ids[] = { 90, 92, 88 };
  LcDataset *ds = g_new0 (LcDataset, 1);
  gsize total = 0, k = 0;

  ds->ref_count = 1;
  ds->path = g_strdup ("test-dataset.csv");
  ds->source = LC_SOURCE_CSV;
  ds->value_kind = LC_VALUE_FLUX;
  ds->n_bands = 6;
  ds->band_names = g_strdupv ((char **) bands);
  ds->n_classes = 3;
  ds->classes = g_new0 (LcClass, 3);
  for (int c = 0; c < 3; c++)
    {
      ds->classes[c].id = class_ids[c];
      ds->classes[c].name = g_strdup (class_names[c]);
    }
  ds->n_meta = 2;
  ds->meta_names = g_new0 (char *, 3);
  ds->meta_names[0] = g_strdup ("hostgal_photoz");
  ds->meta_names[1] = g_strdup ("period");

  ds->n_objects = n_objects;
  ds->objects = g_new0 (LcObject, n_objects);
  for (int i = 0; i < n_objects; i++)
    total += 20 + 7 * (i % 10);
  ds->n_obs = total;
  ds->time = g_new (double, total);
  ds->value = g_new (float, total);
  ds->error = g_new (float, total);
  ds->band = g_new (guint8, total);
  ds->detected = g_new (guint8, total);
  ds->meta_storage = g_new (float, (gsize) n_objects * 2);

  for (int i = 0; i < n_objects; i++)
    {
      LcObject *o = &ds->objects[i];

      o->id = g_strdup_printf ("%d", 1000 + i);
      o->label = i % 3;
      o->first = k;
      o->n_obs = 20 + 7 * (i % 10);
      o->meta = ds->meta_storage + (gsize) i * 2;
      o->meta[0] = i % 2 == 0 ? 0.1f * (i % 7) : NAN;
      o->meta[1] = 1.5f + i;
      ds->classes[o->label].count++;
      for (int j = 0; j < o->n_obs; j++, k++)
        {
          double t = 59580.0 + 3.0 * j;
          ds->time[k] = t;
          ds->band[k] = j % 6;
          ds->value[k] = (float) (100.0 * exp (-pow ((t - 59580.0 - 30.0) / 20.0, 2)) + 5.0 + ds->band[k]);
          ds->error[k] = 2.0f + 0.1f * (j % 5);
          ds->detected[k] = j % 5 != 4;
        }
      if (i == 0)
        ds->value[o->first + 3] = -4.0f;
    }
  return ds;
}
