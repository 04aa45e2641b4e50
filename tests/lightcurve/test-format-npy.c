/* test-format-npy.c: the GOTO .npy reader on the sample arrays and on crafted files */
#include "lc-format.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static char *tmp_dir;

/* Writes an .npy file: header dict text as given, padded like numpy does. */
static void
write_npy_raw (const char *name, int major, const char *dict, const void *data, gsize size)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  gsize prefix = major == 1 ? 10 : 12;
  GByteArray *bytes = g_byte_array_new ();
  GString *header = g_string_new (dict);
  guint8 magic[12] = { 0x93, 'N', 'U', 'M', 'P', 'Y', (guint8) major, 0 };
  g_autoptr (GError) error = NULL;

  while ((prefix + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  magic[8] = header->len & 0xff;
  magic[9] = (header->len >> 8) & 0xff;
  magic[10] = magic[11] = 0;
  g_byte_array_append (bytes, magic, (guint) prefix);
  g_byte_array_append (bytes, (const guint8 *) header->str, header->len);
  g_byte_array_append (bytes, data, (guint) size);
  g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  g_byte_array_unref (bytes);
  g_string_free (header, TRUE);
}

static void
write_npy (const char *name, int major, const char *descr, const char *shape, const void *data, gsize size)
{
  g_autofree char *dict = g_strdup_printf ("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
  write_npy_raw (name, major, dict, data, size);
}

static void
clear_tmp_dir (void)
{
  g_autoptr (GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      g_unlink (path);
    }
}

static void
test_sample (void)
{
  g_autofree char *dir = tu_shared_path ("data/rnn_classifier_sample");
  g_autoptr (GError) error = NULL;
  const struct { const char *split; gsize n; int count0, count1; double t, v, e; double c0, c1; int label; } want[] = {
    { "train", 560, 272, 288, 7, 9.34661115, 2.07812662, 5.72835877, 4.72581934, 1 },
    { "validation", 140, 68, 72, 7, 31.06414289, 1.16951776, -1.13407078, 4.84868609, 0 },
    { "test", 300, 160, 140, 7, 4.43791436, 2.93841396, 1.66504429, 2.44912251, 0 },
  };

  g_assert_cmpint (lc_format_detect (dir), ==, LC_FORMAT_NPY);
  for (guint s = 0; s < G_N_ELEMENTS (want); s++)
    {
      LcLoadOptions options = { .npy_split = want[s].split };
      g_autoptr (LcDataset) ds = lc_load (dir, &options, NULL, NULL, &error);
      const LcObject *o;

      g_assert_no_error (error);
      g_assert_cmpint (ds->source, ==, LC_SOURCE_NPY);
      g_assert_true (ds->on_grid);
      g_assert_cmpuint (ds->n_objects, ==, want[s].n);
      g_assert_cmpuint (ds->n_obs, ==, want[s].n * 40);
      g_assert_cmpint (ds->n_bands, ==, 1);
      g_assert_cmpint (ds->n_classes, ==, 2);
      g_assert_cmpint (ds->classes[0].id, ==, 0);
      g_assert_cmpint (ds->classes[0].count, ==, want[s].count0);
      g_assert_cmpint (ds->classes[1].count, ==, want[s].count1);
      g_assert_cmpint (ds->n_meta, ==, 2);
      g_assert_cmpstr (ds->meta_names[0], ==, "context0");
      g_assert_cmpstr (ds->meta_names[1], ==, "context1");
      o = &ds->objects[5];
      g_assert_cmpint (o->n_obs, ==, 40);
      g_assert_cmpint (o->label, ==, want[s].label);
      g_assert_cmpfloat (ds->time[o->first + 7], ==, want[s].t);
      g_assert_cmpfloat (ds->value[o->first + 7], ==, (float) want[s].v);
      g_assert_cmpfloat (ds->error[o->first + 7], ==, (float) want[s].e);
      g_assert_cmpfloat (o->meta[0], ==, (float) want[s].c0);
      g_assert_cmpfloat (o->meta[1], ==, (float) want[s].c1);
    }
}

/* A path to one of the arrays picks its split. */
static void
test_file_path (void)
{
  g_autofree char *path = tu_shared_path ("data/rnn_classifier_sample/validation_labels.npy");
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 140);
}

/* Versions 2.0 and 3.0, float32, big-endian, integer labels and -99 padding. */
static void
test_variants (void)
{
  /* 2 objects, 3 steps, 3 features; object 1 has one padded step at the end */
  const float times[] = {
    0, 1.5f, 0.1f,   1, 2.5f, 0.2f,   2, 3.5f, 0.3f,
    0, -1.0f, 0.5f,  1, -2.0f, 0.5f,  -99, -99, -99,
  };
  const gint64 labels[] = { 3, 1 };
  const guint8 context_be[] = { 0x3f, 0xf0, 0, 0, 0, 0, 0, 0,   0x40, 0, 0, 0, 0, 0, 0, 0 };  /* 1.0, 2.0 */
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;
  g_autofree char *prefix = g_build_filename (tmp_dir, "run", NULL);

  clear_tmp_dir ();
  write_npy ("run_time_features.npy", 2, "<f4", "(2, 3, 3)", times, sizeof times);
  write_npy ("run_labels.npy", 3, "<i8", "(2,)", labels, sizeof labels);
  write_npy ("run_contextual_features.npy", 1, ">f8", "(2, 1)", context_be, sizeof context_be);
  ds = lc_load_npy (prefix, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 2);
  g_assert_cmpint (ds->objects[0].n_obs, ==, 3);
  g_assert_cmpint (ds->objects[1].n_obs, ==, 2);
  g_assert_cmpuint (ds->n_skipped, ==, 0);
  g_assert_cmpfloat (ds->value[4], ==, -2.0f);
  g_assert_cmpint (ds->n_classes, ==, 2);
  g_assert_cmpint (ds->classes[0].id, ==, 1);
  g_assert_cmpint (ds->classes[1].id, ==, 3);
  g_assert_cmpint (ds->objects[0].label, ==, 1);
  g_assert_cmpfloat (ds->objects[0].meta[0], ==, 1.0f);
  g_assert_cmpfloat (ds->objects[1].meta[0], ==, 2.0f);

  /* unlabelled arrays (no labels file) load for prediction */
  {
    g_autofree char *labels_path = g_build_filename (tmp_dir, "run_labels.npy", NULL);
    g_autoptr (LcDataset) unlabelled = NULL;
    g_unlink (labels_path);
    unlabelled = lc_load_npy (prefix, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (unlabelled->objects[0].label, ==, -1);
    g_assert_cmpint (unlabelled->n_classes, ==, 0);
  }
}

typedef struct
{
  const char *file;      /* which array is broken: t, c or l */
  int major;
  const char *dict;      /* NULL: a well-formed dict from descr/shape */
  const char *descr;
  const char *shape;
  gsize bytes;           /* data bytes written */
  LcError code;
  const char *message;
} BadNpy;

static const BadNpy bad_npy[] = {
  { "t", 1, NULL, "|O8", "(1, 2, 3)", 48, LC_ERROR_FORMAT,
    "x_time_features.npy: header: 'descr' is '|O8': object arrays (pickles) are never loaded" },
  { "l", 1, NULL, "|O8", "(1,)", 8, LC_ERROR_FORMAT, "x_labels.npy: header: 'descr' is '|O8': object arrays (pickles)" },
  { "t", 1, NULL, "<f8", "(1, 1, 3)", 24, LC_ERROR_FORMAT,
    "x_time_features.npy: object 0, step 0: the value 1e+39 or the error 0.5 is out of range" },
  { "t", 1, NULL, "<f8", "(1, 2, 3)", 40, LC_ERROR_FORMAT,
    "x_time_features.npy: truncated: the shape needs 48 bytes of data, the file has 40" },
  { "t", 1, NULL, "<f8", "(1, 2, 3)", 56, LC_ERROR_FORMAT, "8 bytes after the array data" },
  { "t", 1, NULL, "<c16", "(1, 2, 3)", 48, LC_ERROR_FORMAT, "'descr': expected a number type (<f4, <f8, <i8, ...), found '<c16'" },
  { "t", 1, NULL, "<U1", "(1, 2, 3)", 24, LC_ERROR_FORMAT, "x_time_features.npy: expected numbers, found strings" },
  { "t", 1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1, 2, 3), }", NULL, NULL, 48,
    LC_ERROR_FORMAT, "structured arrays are not supported" },
  { "t", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3), ", NULL, NULL, 48, LC_ERROR_FORMAT,
    "header: expected 'key': value" },
  { "t", 1, "{'descr': '<f8', 'shape': (1, 2, 3), }", NULL, NULL, 48, LC_ERROR_FORMAT,
    "expected the keys 'descr', 'fortran_order' and 'shape'" },
  { "t", 1, "[1, 2]", NULL, NULL, 48, LC_ERROR_FORMAT, "header: expected a Python dict" },
  { "t", 4, NULL, "<f8", "(1, 2, 3)", 48, LC_ERROR_FORMAT, "format version 4.0 is not supported" },
  { "t", 1, NULL, "<f8", "(2, 3)", 48, LC_ERROR_FORMAT,
    "x_time_features.npy: expected shape (N, T, 3): time or step, value, error, found (2, 3)" },
  { "t", 1, NULL, "<f8", "(99999999999, 99999999999, 3)", 48, LC_ERROR_FORMAT, "shape" },
  { "c", 1, NULL, "<f8", "(3, 1)", 24, LC_ERROR_MISMATCH,
    "x_contextual_features.npy: 3 rows, but the time features have 1 objects" },
  { "l", 1, NULL, "<f8", "(1, 2)", 16, LC_ERROR_FORMAT,
    "x_labels.npy: row 0: expected a one-hot row, found no 1" },
  { "l", 1, NULL, "<f8", "(1,)", 8, LC_ERROR_FORMAT, "x_labels.npy: row 0: expected a class number 0..100000, found 0.5" },
};

static void
test_bad_npy (gconstpointer data)
{
  const BadNpy *bad = data;
  /* good arrays for one object of 2 steps */
  const double good_times[] = { 0, 1, 0.1, 1, 2, 0.1 };
  const double good_context[] = { 1 };
  const double good_labels[] = { 0, 1 };
  guint8 junk[64];
  g_autofree char *prefix = g_build_filename (tmp_dir, "x", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;

  clear_tmp_dir ();
  /* fill the broken array's data with 0.5 doubles so values are well defined */
  for (guint i = 0; i < sizeof junk / 8; i++)
    {
      double half = 0.5;
      memcpy (junk + i * 8, &half, 8);
    }
  write_npy ("x_time_features.npy", 1, "<f8", "(1, 2, 3)", good_times, sizeof good_times);
  write_npy ("x_contextual_features.npy", 1, "<f8", "(1, 1)", good_context, sizeof good_context);
  write_npy ("x_labels.npy", 1, "<f8", "(1, 2)", good_labels, sizeof good_labels);
  {
    const char *name = bad->file[0] == 't' ? "x_time_features.npy"
                       : bad->file[0] == 'c' ? "x_contextual_features.npy" : "x_labels.npy";
    g_autofree char *dict = bad->dict != NULL ? g_strdup (bad->dict)
      : g_strdup_printf ("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", bad->descr, bad->shape);
    if (strcmp (bad->file, "l") == 0 && bad->bytes == 16)
      memset (junk, 0, 16);   /* an all-zero one-hot row */
    if (strstr (bad->message, "out of range") != NULL)
      {
        /* step 0, time 0.5, value 1e39: a double, too large for a float */
        double big = 1e39;
        memcpy (junk + 8, &big, 8);
      }
    write_npy_raw (name, bad->major, dict, junk, bad->bytes);
  }
  ds = lc_load_npy (prefix, NULL, NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, (gint) bad->code);
  if (strstr (error->message, bad->message) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, bad->message);
  /* the whole path, not only the file's name */
  g_assert_true (g_str_has_prefix (error->message, tmp_dir));
}

/* Fortran order is read as numpy reads it: the same dataset as in C order. */
static void
test_fortran_order (void)
{
  enum { N = 2, T = 3, F = 3 };
  const double c_order[N * T * F] = {
    0, 1.5, 0.1,   1, 2.5, 0.2,   2, 3.5, 0.3,
    0, -1.0, 0.5,  1, -2.0, 0.5,  2, -3.0, 0.5,
  };
  const double one_hot_c[2 * 3] = { 0, 0, 1,   1, 0, 0 };
  double fortran[N * T * F], one_hot_f[2 * 3];
  g_autofree char *c_prefix = g_build_filename (tmp_dir, "c", NULL);
  g_autofree char *f_prefix = g_build_filename (tmp_dir, "f", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) c_ds = NULL, f_ds = NULL;

  clear_tmp_dir ();
  /* column-major: the first index varies fastest */
  for (int i = 0; i < N; i++)
    for (int t = 0; t < T; t++)
      for (int k = 0; k < F; k++)
        fortran[i + N * (t + T * k)] = c_order[(i * T + t) * F + k];
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 3; k++)
      one_hot_f[i + 2 * k] = one_hot_c[i * 3 + k];
  write_npy ("c_time_features.npy", 1, "<f8", "(2, 3, 3)", c_order, sizeof c_order);
  write_npy ("c_labels.npy", 1, "<f8", "(2, 3)", one_hot_c, sizeof one_hot_c);
  write_npy_raw ("f_time_features.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 3), }",
                 fortran, sizeof fortran);
  write_npy_raw ("f_labels.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                 one_hot_f, sizeof one_hot_f);
  c_ds = lc_load_npy (c_prefix, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  f_ds = lc_load_npy (f_prefix, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f_ds->n_obs, ==, c_ds->n_obs);
  for (gsize k = 0; k < c_ds->n_obs; k++)
    {
      g_assert_cmpfloat (f_ds->time[k], ==, c_ds->time[k]);
      g_assert_cmpfloat (f_ds->value[k], ==, c_ds->value[k]);
      g_assert_cmpfloat (f_ds->error[k], ==, c_ds->error[k]);
    }
  g_assert_cmpfloat (f_ds->value[1], ==, 2.5f);
  g_assert_cmpint (f_ds->objects[0].label, ==, 2);
  g_assert_cmpint (f_ds->objects[1].label, ==, 0);
}

/* float16 ('<f2'), with a subnormal and a NaN (a missing value) */
static void
test_float16 (void)
{
  /* time, value, error per step: 0, 1.0, 0.5 | 1, 2.5, 6e-8 | 2, NaN, 0.5 | 3, -65504, 0.5 */
  const guint16 halves[] = { 0x0000, 0x3c00, 0x3800,   0x3c00, 0x4100, 0x0001,
                             0x4000, 0x7e00, 0x3800,   0x4200, 0xfbff, 0x3800 };
  g_autofree char *prefix = g_build_filename (tmp_dir, "h", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;

  clear_tmp_dir ();
  write_npy ("h_time_features.npy", 1, "<f2", "(1, 4, 3)", halves, sizeof halves);
  ds = lc_load_npy (prefix, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_obs, ==, 3);
  g_assert_cmpuint (ds->n_skipped, ==, 1);
  g_assert_cmpfloat (ds->value[0], ==, 1.0f);
  g_assert_cmpfloat (ds->error[0], ==, 0.5f);
  g_assert_cmpfloat (ds->value[1], ==, 2.5f);
  g_assert_cmpfloat (ds->error[1], ==, (float) ldexp (1, -24));
  g_assert_cmpfloat (ds->time[2], ==, 3.0);
  g_assert_cmpfloat (ds->value[2], ==, -65504.0f);
}

/* The usual layout elsewhere: X.npy (N, T, F) with y.npy beside it. */
static void
test_x_y (void)
{
  /* 3 objects, 2 steps, 2 bands; one value missing */
  const float x[] = { 1, 10,  2, 20,     3, 30,  NAN, 40,     5, 50,  6, 60 };
  const gint32 y[] = { 2, 0, 2 };
  /* numpy '<U4' strings: UTF-32, padded with NULs */
  const gunichar names[] = { 'R', 'R', 'a', 'b',  'R', 'R', 'c', 0,  'R', 'R', 'a', 'b' };
  g_autofree char *x_path = g_build_filename (tmp_dir, "X.npy", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL, strings = NULL, one = NULL, split = NULL;

  clear_tmp_dir ();
  write_npy ("X.npy", 1, "<f4", "(3, 2, 2)", x, sizeof x);
  write_npy ("y.npy", 1, "<i4", "(3,)", y, sizeof y);
  g_assert_cmpint (lc_format_detect (tmp_dir), ==, LC_FORMAT_NPY);
  ds = lc_load (tmp_dir, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ds->on_grid);
  g_assert_cmpuint (ds->n_objects, ==, 3);
  g_assert_cmpint (ds->n_bands, ==, 2);
  g_assert_cmpuint (ds->n_obs, ==, 11);
  g_assert_cmpuint (ds->n_skipped, ==, 1);
  g_assert_cmpstr (ds->objects[0].id, ==, "0");
  g_assert_cmpint (ds->classes[ds->objects[0].label].id, ==, 2);
  g_assert_cmpint (ds->classes[ds->objects[1].label].id, ==, 0);
  /* object 0: step 0 bands 0 and 1, then step 1 */
  g_assert_cmpfloat (ds->value[1], ==, 10.0f);
  g_assert_cmpint (ds->band[1], ==, 1);
  g_assert_cmpfloat (ds->time[2], ==, 1.0);
  g_assert_cmpfloat (ds->value[2], ==, 2.0f);

  /* string labels name the classes; the path of X itself opens the pair */
  write_npy ("y.npy", 1, "<U4", "(3,)", names, sizeof names);
  strings = lc_load (x_path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strings->n_classes, ==, 2);
  g_assert_cmpstr (strings->classes[strings->objects[0].label].name, ==, "RRab");
  g_assert_cmpstr (strings->classes[strings->objects[1].label].name, ==, "RRc");
  g_assert_cmpint (strings->objects[2].label, ==, strings->objects[0].label);

  /* X_train.npy and X_test.npy: both splits, named in the ids */
  clear_tmp_dir ();
  write_npy ("X_train.npy", 1, "<f4", "(3, 2, 2)", x, sizeof x);
  write_npy ("y_train.npy", 1, "<i4", "(3,)", y, sizeof y);
  write_npy ("X_test.npy", 1, "<f4", "(1, 2, 2)", x, 4 * sizeof (float));
  split = lc_load (tmp_dir, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (split->n_objects, ==, 4);
  g_assert_cmpstr (split->objects[0].id, ==, "train/0");
  g_assert_cmpstr (split->objects[3].id, ==, "test/0");
  g_assert_cmpint (split->objects[3].label, ==, -1);
  {
    LcLoadOptions options = { .npy_split = "test" };
    one = lc_load (tmp_dir, &options, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (one->n_objects, ==, 1);
    g_assert_cmpstr (one->objects[0].id, ==, "0");
  }
}

/* A GOTO folder is read whole: every split, in the order train, validation, test. */
static void
test_sample_folder (void)
{
  g_autofree char *dir = tu_shared_path ("data/rnn_classifier_sample");
  g_autofree char *source = tu_shared_path ("data/rnn_classifier_sample/validation_time_features.npy");
  g_autofree char *copy = g_build_filename (tmp_dir, "goto_time_features.npy", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (dir, NULL, NULL, NULL, &error);
  g_autoptr (LcDataset) named = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_objects, ==, 560 + 140 + 300);
  g_assert_cmpstr (ds->objects[0].id, ==, "train/0");
  g_assert_cmpstr (ds->objects[560].id, ==, "validation/0");
  g_assert_cmpstr (ds->objects[700].id, ==, "test/0");
  g_assert_cmpint (ds->n_meta, ==, 2);
  g_assert_cmpint (ds->classes[0].count + ds->classes[1].count, ==, 1000);
  /* the validation split's object 5, as test_sample reads it alone */
  g_assert_cmpfloat (ds->value[ds->objects[565].first + 7], ==, (float) 31.06414289);

  /* a folder whose only set is not called train */
  clear_tmp_dir ();
  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy, contents, (gssize) length, NULL));
  g_assert_cmpint (lc_format_detect (tmp_dir), ==, LC_FORMAT_NPY);
  named = lc_load (tmp_dir, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (named->n_objects, ==, 140);
  g_assert_cmpstr (named->objects[0].id, ==, "0");
}

static void
test_not_npy (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "y_time_features.npy", NULL);
  g_autofree char *prefix = g_build_filename (tmp_dir, "y", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = NULL;

  clear_tmp_dir ();
  g_file_set_contents (path, "PK\x03\x04 not numpy", -1, NULL);
  ds = lc_load_npy (prefix, NULL, NULL, NULL, &error);
  g_assert_error (error, LC_ERROR, LC_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "y_time_features.npy: not a NumPy .npy file"));
  g_clear_error (&error);
  ds = lc_load_npy (tmp_dir, "nosuchsplit", NULL, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, LC_ERROR, LC_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "nosuchsplit_time_features.npy: no such file"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("passband-npy-XXXXXX", NULL);
  g_test_add_func ("/format/npy/sample", test_sample);
  g_test_add_func ("/format/npy/file-path", test_file_path);
  g_test_add_func ("/format/npy/variants", test_variants);
  g_test_add_func ("/format/npy/not-npy", test_not_npy);
  g_test_add_func ("/format/npy/fortran-order", test_fortran_order);
  g_test_add_func ("/format/npy/float16", test_float16);
  g_test_add_func ("/format/npy/x-y", test_x_y);
  g_test_add_func ("/format/npy/sample-folder", test_sample_folder);
  for (guint i = 0; i < G_N_ELEMENTS (bad_npy); i++)
    {
      g_autofree char *name = g_strdup_printf ("/format/npy/bad/%u", i);
      g_test_add_data_func (name, &bad_npy[i], test_bad_npy);
    }
  status = g_test_run ();
  clear_tmp_dir ();
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
