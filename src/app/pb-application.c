/* pb-application.c: application lifetime, app actions, About */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-application.h"
#include "pb-settings.h"
#include "pb-window.h"

struct _PbApplication
{
  GtkApplication parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (PbApplication, pb_application, GTK_TYPE_APPLICATION)

GSettings *
pb_application_get_settings (PbApplication *self)
{
  return self->settings;
}

static PbWindow *
ensure_window (PbApplication *self, gboolean *created)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  *created = window == NULL;
  if (window == NULL)
    window = GTK_WINDOW (pb_window_new (GTK_APPLICATION (self), self->settings));
  return PB_WINDOW (window);
}

static void
pb_application_activate (GApplication *app)
{
  gboolean created;
  PbWindow *window = ensure_window (PB_APPLICATION (app), &created);

  gtk_window_present (GTK_WINDOW (window));
  if (created)
    pb_window_open_initial (window);
}

static void
pb_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  gboolean created;
  PbWindow *window = ensure_window (PB_APPLICATION (app), &created);

  gtk_window_present (GTK_WINDOW (window));
  /* one dataset at a time: the last file named wins */
  if (n_files > 0)
    pb_window_open_file (window, files[n_files - 1]);
}

void
pb_application_show_about (PbApplication *self)
{
  const char *developers[] = { _("The Passband developers"), NULL };
  const char *data[] = {
    "PLAsTiCC team — CC BY 4.0, arXiv:1810.00001",
    "UEA &amp; UCR time series archive — Bagnall et al. 2018 (LSST dataset)",
    "SDSS Stripe 82 RR Lyrae — Sesar et al. 2010, ApJ 708, 717",
    "GOTO classifier sample — Burhanudin et al. 2021, MNRAS 505, 4345",
    NULL,
  };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkAboutDialog *about = GTK_ABOUT_DIALOG (gtk_about_dialog_new ());

  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (about), TRUE);
  gtk_about_dialog_set_program_name (about, "Passband");
  gtk_about_dialog_set_logo_icon_name (about, APP_ID);
  gtk_about_dialog_set_version (about, PACKAGE_VERSION);
  gtk_about_dialog_set_comments (about, _("Explore astronomical light curves and classify them with "
                                          "recurrent neural networks."));
  gtk_about_dialog_set_website (about, "https://github.com/passband/passband");
  gtk_about_dialog_set_license_type (about, GTK_LICENSE_GPL_3_0);
  gtk_about_dialog_set_authors (about, developers);
  gtk_about_dialog_add_credit_section (about, _("Data"), data);
  /* Translators: put your names here, one per line */
  gtk_about_dialog_set_translator_credits (about, _("translator-credits"));
  gtk_window_present (GTK_WINDOW (about));
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  pb_application_show_about (PB_APPLICATION (user_data));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* close (not destroy) so each window saves its size */
  for (GList *l = g_list_copy (windows), *next; l != NULL; l = next)
    {
      next = l->next;
      gtk_window_close (l->data);
      g_list_free_1 (l);
    }
}

static void
pb_application_startup (GApplication *app)
{
  PbApplication *self = PB_APPLICATION (app);
  static const GActionEntry actions[] = {
    { "about", about_action, NULL, NULL, NULL, { 0 } },
    { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  };
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (pb_application_parent_class)->startup (app);
  g_set_application_name (_("Passband"));
  gtk_window_set_default_icon_name (APP_ID);
  self->settings = pb_settings_new (APP_ID, PB_BUILD_SCHEMA_DIR, NULL);
  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
pb_application_dispose (GObject *object)
{
  g_clear_object (&PB_APPLICATION (object)->settings);
  G_OBJECT_CLASS (pb_application_parent_class)->dispose (object);
}

static void
pb_application_class_init (PbApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_application_dispose;
  G_APPLICATION_CLASS (klass)->startup = pb_application_startup;
  G_APPLICATION_CLASS (klass)->activate = pb_application_activate;
  G_APPLICATION_CLASS (klass)->open = pb_application_open;
}

static void
pb_application_init (PbApplication *self)
{
}

PbApplication *
pb_application_new (void)
{
  return g_object_new (PB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/passband/Passband",
                       NULL);
}
