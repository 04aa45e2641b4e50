/* fuzz-load.c: feeds arbitrary bytes to the CSV, .ts and .npy readers.
 *
 * LLVMFuzzerTestOneInput writes the input to a scratch file under each
 * extension and loads it with lc_load (see fuzz-util.h for the contract).
 * Built as a libFuzzer target with clang, and linked into the corpus test.
 */
#include "fuzz-load.h"

#include <glib/gstdio.h>

static void
load_as (const char *name, const guint8 *data, size_t size)
{
  g_autofree char *path = g_build_filename (fuzz_scratch_dir (), name, NULL);

  if (!g_file_set_contents (path, (const char *) data, (gssize) size, NULL))
    fuzz_fail ("cannot write %s", path);
  fuzz_load_path (path, NULL);
  g_unlink (path);
}

/* The input as the metadata CSV found beside a good PLAsTiCC file. */
static void
load_as_metadata (const guint8 *data, size_t size)
{
  g_autofree char *dir = g_build_filename (fuzz_scratch_dir (), "meta", NULL);
  g_autofree char *csv = g_build_filename (dir, "set.csv", NULL);

  g_mkdir_with_parents (dir, 0700);
  fuzz_write_file (dir, "set.csv", "object_id,mjd,passband,flux,flux_err,detected\n615,1.5,0,1,1,1\n713,2.5,1,2,1,0\n", -1);
  fuzz_write_file (dir, "set_metadata.csv", data, (gssize) size);
  fuzz_load_path (csv, NULL);
  fuzz_remove_file (dir, "set_metadata.csv");
  fuzz_remove_file (dir, "set.csv");
  g_rmdir (dir);
}

/* The input as one light curve of a CSV folder, and as its labels table. */
static void
load_as_folder (const guint8 *data, size_t size)
{
  g_autofree char *dir = g_build_filename (fuzz_scratch_dir (), "folder", NULL);
  const char *good = "time,mag,magerr,band\n51075.3,16.6,0.004,r\n51075.4,18.0,0.013,u\n";

  g_mkdir_with_parents (dir, 0700);
  fuzz_write_file (dir, "4099.csv", good, -1);
  fuzz_write_file (dir, "13350.csv", data, (gssize) size);
  fuzz_write_file (dir, "periods.csv", "Num,Type,Per\n4099,ab,0.64\n13350,c,0.3\n", -1);
  fuzz_load_path (dir, NULL);
  fuzz_write_file (dir, "13350.csv", good, -1);
  fuzz_write_file (dir, "periods.csv", data, (gssize) size);
  fuzz_load_path (dir, NULL);
  fuzz_remove_file (dir, "4099.csv");
  fuzz_remove_file (dir, "13350.csv");
  fuzz_remove_file (dir, "periods.csv");
  g_rmdir (dir);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  load_as ("input.csv", data, size);
  load_as ("input.ts", data, size);
  load_as ("input_time_features.npy", data, size);
  load_as_metadata (data, size);
  load_as_folder (data, size);
  return 0;
}
