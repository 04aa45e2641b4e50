/* pb-settings.h: the app's GSettings, found wherever the schema is (DESIGN §11).
 *
 * Order: the installed schemas (or $GSETTINGS_SCHEMA_DIR); the schema compiled
 * into the build tree, so `build/src/app/passband` runs uninstalled; the copy
 * compiled into the GResource with a memory backend.  Never aborts. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  PB_SETTINGS_INSTALLED,   /* the default schema source */
  PB_SETTINGS_BUILD_TREE,  /* the uninstalled build folder */
  PB_SETTINGS_MEMORY,      /* the embedded schema; nothing is saved */
} PbSettingsSource;

/* build_schema_dir may be NULL (skip that step). */
GSettings *pb_settings_new (const char *schema_id, const char *build_schema_dir, PbSettingsSource *source);

G_END_DECLS
