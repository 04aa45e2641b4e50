/* test-i18n.c: the core's messages reach gettext: a catalogue built here for a
 * made-up language "xx" translates a loader message (and the piece put into
 * it) and a model-file message.  Fails if they stop being marked with _() or
 * the libraries use another domain than GETTEXT_PACKAGE.  Exits 77 (skipped)
 * without msgfmt or the C.UTF-8 locale (glibc ignores LANGUAGE only in "C"). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "lc.h"
#include "testutil.h"

static const char catalogue[] =
  "msgid \"\"\n"
  "msgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n"
  "\n"
  "#, c-format\n"
  "msgid \"%s:%zu: field “%s”: expected %s, found “%s”\"\n"
  "msgstr \"[xx] %s:%zu: field “%s”: expected %s, found “%s”\"\n"
  "\n"
  "msgid \"a finite number\"\n"
  "msgstr \"[xx] a finite number\"\n"
  "\n"
  "#, c-format\n"
  "msgid \"not a Passband model file (field “format” is “%s”, expected “%s”)\"\n"
  "msgstr \"[xx] not a Passband model file (field “format” is “%s”, expected “%s”)\"\n";

static const char bad_csv[] =
  "object_id,mjd,passband,flux,flux_err,detected\n"
  "1,abc,0,1.5,0.1,1\n";

static const char bad_model[] = "{\"format\": \"something-else\", \"version\": 1}";

static char *
load_error (const char *csv_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LcDataset) ds = lc_load (csv_path, NULL, NULL, NULL, &error);

  g_assert_null (ds);
  g_assert_nonnull (error);
  return g_strdup (error->message);
}

static char *
model_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnModelDoc) doc = nn_model_doc_load_from_data (bad_model, -1, "m.json", &error);

  g_assert_null (doc);
  g_assert_nonnull (error);
  return g_strdup (error->message);
}

/* English first (no catalogue is bound yet), then the same errors in "xx". */
static void
test_core_messages_translated (gconstpointer data)
{
  const char *dir = data;
  g_autofree char *csv = tu_write_file (dir, "bad.csv", bad_csv);
  g_autofree char *english = load_error (csv);
  g_autofree char *english_model = model_error ();
  g_autofree char *xx = NULL, *xx_model = NULL;
  g_autoptr (GString) want = NULL;
  g_autofree char *want_model = NULL;

  g_assert_nonnull (strstr (english, ": field “mjd”: expected a finite number, found “abc”"));
  g_assert_true (g_str_has_prefix (english_model, "m.json: not a Passband model file"));

  g_assert_nonnull (bindtextdomain (GETTEXT_PACKAGE, dir));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_setenv ("LANGUAGE", "xx", TRUE);
  xx = load_error (csv);
  xx_model = model_error ();

  /* the format and the piece "a finite number" are translated separately */
  want = g_string_new ("[xx] ");
  g_string_append (want, english);
  g_string_replace (want, "expected a finite number", "expected [xx] a finite number", 1);
  g_assert_cmpstr (xx, ==, want->str);
  want_model = g_strconcat ("m.json: [xx] ", english_model + strlen ("m.json: "), NULL);
  g_assert_cmpstr (xx_model, ==, want_model);
}

int
main (int argc, char **argv)
{
  g_autofree char *msgfmt = g_find_program_in_path ("msgfmt");
  g_autofree char *dir = NULL;
  g_autofree char *po = NULL;
  g_autofree char *mo_dir = NULL;
  g_autofree char *mo = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  int result;

  g_test_init (&argc, &argv, NULL);
  /* LANGUAGE counts only when LC_MESSAGES is not "C" */
  if (msgfmt == NULL
      || (setlocale (LC_ALL, "C.UTF-8") == NULL && setlocale (LC_ALL, "C.utf8") == NULL))
    {
      g_printerr ("skipped: needs msgfmt and the C.UTF-8 locale\n");
      return 77;
    }
  g_unsetenv ("LANGUAGE");

  dir = g_dir_make_tmp ("passband-i18n-XXXXXX", &error);
  g_assert_no_error (error);
  po = tu_write_file (dir, "xx.po", catalogue);
  mo_dir = g_build_filename (dir, "xx", "LC_MESSAGES", NULL);
  g_assert_cmpint (g_mkdir_with_parents (mo_dir, 0700), ==, 0);
  mo = g_build_filename (mo_dir, GETTEXT_PACKAGE ".mo", NULL);
  {
    const char *args[] = { msgfmt, "--check", "-o", mo, po, NULL };
    g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  g_test_add_data_func ("/i18n/core-messages-translated", dir, test_core_messages_translated);
  result = g_test_run ();
  tu_remove_tree (dir);
  return result;
}
