/* pb-settings.c: GSettings with fallbacks so the app runs installed or not */
#include "config.h"

#include <glib/gstdio.h>

#define G_SETTINGS_ENABLE_BACKEND 1
#include <gio/gsettingsbackend.h>

#include "pb-settings.h"

static GSettingsSchema *
lookup_in_directory (const char *dir, const char *schema_id)
{
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  source = g_settings_schema_source_new_from_directory (dir, g_settings_schema_source_get_default (),
                                                        FALSE, &error);
  if (source == NULL)
    {
      g_debug ("%s: cannot read schemas: %s", dir, error->message);
      return NULL;
    }
  return g_settings_schema_source_lookup (source, schema_id, FALSE);
}

/* Writes the schema compiled into our resources to a private folder and reads it back:
 * GSettings can only load schemas from a directory. */
static GSettingsSchema *
lookup_embedded (const char *schema_id)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  GSettingsSchema *schema = NULL;

  bytes = g_resources_lookup_data ("/io/github/passband/Passband/gschemas.compiled",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    {
      g_debug ("no embedded schema: %s", error->message);
      return NULL;
    }
  dir = g_dir_make_tmp ("passband-schema-XXXXXX", &error);
  if (dir == NULL)
    {
      g_warning ("Cannot create a folder for the settings schema: %s", error->message);
      return NULL;
    }
  file = g_build_filename (dir, "gschemas.compiled", NULL);
  if (g_file_set_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    schema = lookup_in_directory (dir, schema_id);
  else
    g_warning ("%s: %s", file, error->message);
  /* the schema source has read the file; the folder is not needed any more */
  g_unlink (file);
  g_rmdir (dir);
  return schema;
}

GSettings *
pb_settings_new (const char *schema_id, const char *build_schema_dir, PbSettingsSource *source_out)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) memory = NULL;

  if (installed != NULL && (schema = g_settings_schema_source_lookup (installed, schema_id, TRUE)) != NULL)
    {
      if (source_out != NULL)
        *source_out = PB_SETTINGS_INSTALLED;
      return g_settings_new_full (schema, NULL, NULL);
    }
  if ((schema = lookup_in_directory (build_schema_dir, schema_id)) != NULL)
    {
      if (source_out != NULL)
        *source_out = PB_SETTINGS_BUILD_TREE;
      return g_settings_new_full (schema, NULL, NULL);
    }
  if ((schema = lookup_embedded (schema_id)) != NULL)
    {
      g_message ("Settings schema %s is not installed: settings will not be saved", schema_id);
      memory = g_memory_settings_backend_new ();
      if (source_out != NULL)
        *source_out = PB_SETTINGS_MEMORY;
      return g_settings_new_full (schema, memory, NULL);
    }
  g_critical ("Settings schema %s is missing from the resources", schema_id);
  return NULL;
}
