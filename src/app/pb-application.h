/* pb-application.h: the GtkApplication io.github.passband.Passband */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PB_TYPE_APPLICATION (pb_application_get_type ())
G_DECLARE_FINAL_TYPE (PbApplication, pb_application, PB, APPLICATION, GtkApplication)

PbApplication *pb_application_new          (void);
GSettings     *pb_application_get_settings (PbApplication *self);
/* Shows the About dialog (credits the data sources). */
void           pb_application_show_about   (PbApplication *self);

G_END_DECLS
