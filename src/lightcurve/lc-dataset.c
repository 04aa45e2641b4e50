/* lc-dataset.c: dataset lifetime and the small lookups every part needs */
#include "lc-dataset.h"

G_DEFINE_QUARK (lc-error-quark, lc_error)

LcDataset *
lc_dataset_ref (LcDataset *ds)
{
  g_return_val_if_fail (ds != NULL, NULL);
  g_atomic_int_inc (&ds->ref_count);
  return ds;
}

void
lc_dataset_unref (LcDataset *ds)
{
  if (ds == NULL || !g_atomic_int_dec_and_test (&ds->ref_count))
    return;
  g_free (ds->path);
  g_free (ds->meta_path);
  g_strfreev (ds->band_names);
  for (int c = 0; c < ds->n_classes; c++)
    g_free (ds->classes[c].name);
  g_free (ds->classes);
  g_strfreev (ds->meta_names);
  for (gsize i = 0; i < ds->n_objects; i++)
    g_free (ds->objects[i].id);
  g_free (ds->objects);
  g_free (ds->time);
  g_free (ds->value);
  g_free (ds->error);
  g_free (ds->band);
  g_free (ds->detected);
  g_free (ds->meta_storage);
  g_free (ds->checksum);
  g_free (ds);
}

int
lc_dataset_class_index (const LcDataset *ds, int class_id)
{
  for (int c = 0; c < ds->n_classes; c++)
    if (ds->classes[c].id == class_id)
      return c;
  return -1;
}

const char *
lc_band_color (const LcDataset *ds, int band)
{
  /* LSST ugrizy in the colours the PLAsTiCC team used; other names map by letter */
  static const struct { const char *name; const char *color; } known[] = {
    { "u", "#6a3d9a" }, { "g", "#1f9e3a" }, { "r", "#d62728" },
    { "i", "#ff7f0e" }, { "z", "#8c564b" }, { "y", "#404040" },
    { "Y", "#404040" }, { "V", "#1f9e3a" }, { "B", "#1f77b4" }, { "R", "#d62728" },
  };
  static const char *const fallback[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  };
  if (ds != NULL && band >= 0 && band < ds->n_bands && ds->band_names != NULL)
    for (guint k = 0; k < G_N_ELEMENTS (known); k++)
      if (g_strcmp0 (ds->band_names[band], known[k].name) == 0)
        return known[k].color;
  return fallback[(band < 0 ? 0 : band) % G_N_ELEMENTS (fallback)];
}

const char *
lc_plasticc_class_name (int class_id)
{
  switch (class_id)
    {
    case 6: return "μ-lens single";
    case 15: return "TDE";
    case 16: return "EB";
    case 42: return "SN II";
    case 52: return "SN Iax";
    case 53: return "Mira";
    case 62: return "SN Ibc";
    case 64: return "Kilonova";
    case 65: return "M-dwarf";
    case 67: return "SN Ia-91bg";
    case 88: return "AGN";
    case 90: return "SN Ia";
    case 92: return "RR Lyrae";
    case 95: return "SLSN-I";
    case 99: return "Unknown";
    default: return NULL;
    }
}
