/* test-settings.c: the app finds its settings schema installed, in the build
 * tree, or in its resources (with a memory backend), and never aborts. */
#include "config.h"

#include "pb-settings.h"

static void
test_embedded (void)
{
  PbSettingsSource source = PB_SETTINGS_INSTALLED;
  g_autoptr(GSettings) settings = pb_settings_new (APP_ID, NULL, &source);

  /* no schema installed here and no build folder given: the copy in the resources */
  g_assert_nonnull (settings);
  g_assert_cmpint (source, ==, PB_SETTINGS_MEMORY);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1200);
  g_assert_true (g_settings_get_boolean (settings, "error-bars"));
  g_assert_true (g_settings_set_string (settings, "value-axis", "magnitude"));
  g_assert_cmpint (g_settings_get_enum (settings, "value-axis"), ==, 1);
}

static void
test_build_tree (void)
{
  PbSettingsSource source = PB_SETTINGS_INSTALLED;
  g_autoptr(GSettings) settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, &source);
  g_autofree char *axis = NULL;

  g_assert_nonnull (settings);
  g_assert_cmpint (source, ==, PB_SETTINGS_BUILD_TREE);
  axis = g_settings_get_string (settings, "time-axis");
  g_assert_cmpstr (axis, ==, "mjd");
}

static void
test_missing_build_dir (void)
{
  PbSettingsSource source = PB_SETTINGS_INSTALLED;
  g_autoptr(GSettings) settings = pb_settings_new (APP_ID, "/nonexistent/passband/schemas", &source);

  g_assert_nonnull (settings);
  g_assert_cmpint (source, ==, PB_SETTINGS_MEMORY);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* only the schemas this test names: not the installed ones, nor a stray schema dir */
  g_unsetenv ("GSETTINGS_SCHEMA_DIR");
  g_test_add_func ("/app/settings/embedded", test_embedded);
  g_test_add_func ("/app/settings/build-tree", test_build_tree);
  g_test_add_func ("/app/settings/missing-build-dir", test_missing_build_dir);
  return g_test_run ();
}
