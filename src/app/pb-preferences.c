/* pb-preferences.c: the Preferences window */
#include "config.h"

#include "pb-preferences.h"

struct _PbPreferences
{
  GtkWindow parent_instance;

  GtkSpinButton *threads_spin;
  GtkSpinButton *sample_spin;
  GtkSpinButton *kept_runs_spin;
  GActionGroup *options;     /* the main window's actions */
};

G_DEFINE_FINAL_TYPE (PbPreferences, pb_preferences, GTK_TYPE_WINDOW)

/* The spin takes the key's range from the schema and the action's value. */
static void
show_int_option (GtkSpinButton *spin, GActionGroup *options, GSettings *settings, const char *key)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (options, key);
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsSchemaKey) schema_key = NULL;
  g_autoptr (GVariant) range = NULL;
  g_autoptr (GVariant) limits = NULL;
  const char *kind;
  int lo, hi;

  g_return_if_fail (state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_INT32));
  g_object_get (settings, "settings-schema", &schema, NULL);
  schema_key = g_settings_schema_get_key (schema, key);
  range = g_settings_schema_key_get_range (schema_key);
  g_variant_get (range, "(&sv)", &kind, &limits);
  if (g_str_equal (kind, "range"))
    {
      g_variant_get (limits, "(ii)", &lo, &hi);
      gtk_spin_button_set_range (spin, lo, hi);
    }
  gtk_spin_button_set_value (spin, g_variant_get_int32 (state));
}

static void
change_int_option (PbPreferences *self, GtkSpinButton *spin, const char *action)
{
  if (self->options != NULL)
    g_action_group_change_action_state (self->options, action,
                                        g_variant_new_int32 (gtk_spin_button_get_value_as_int (spin)));
}

static void
threads_changed_cb (PbPreferences *self, GtkSpinButton *spin)
{
  change_int_option (self, spin, "training-threads");
}

static void
sample_changed_cb (PbPreferences *self, GtkSpinButton *spin)
{
  change_int_option (self, spin, "sample-objects");
}

static void
kept_runs_changed_cb (PbPreferences *self, GtkSpinButton *spin)
{
  change_int_option (self, spin, "kept-runs");
}

static void
pb_preferences_dispose (GObject *object)
{
  PbPreferences *self = PB_PREFERENCES (object);

  g_clear_object (&self->options);
  gtk_widget_dispose_template (GTK_WIDGET (self), PB_TYPE_PREFERENCES);
  G_OBJECT_CLASS (pb_preferences_parent_class)->dispose (object);
}

static void
pb_preferences_class_init (PbPreferencesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pb_preferences_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passband/Passband/ui/pb-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, PbPreferences, threads_spin);
  gtk_widget_class_bind_template_child (widget_class, PbPreferences, sample_spin);
  gtk_widget_class_bind_template_child (widget_class, PbPreferences, kept_runs_spin);
  gtk_widget_class_bind_template_callback (widget_class, threads_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sample_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, kept_runs_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, gtk_window_close);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pb_preferences_init (PbPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PbPreferences *
pb_preferences_new (GtkWindow *parent, GSettings *settings)
{
  PbPreferences *self;

  g_return_val_if_fail (G_IS_ACTION_GROUP (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  self = g_object_new (PB_TYPE_PREFERENCES, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
  /* the theme buttons are bound to "main.plot-theme" in the template */
  gtk_widget_insert_action_group (GTK_WIDGET (self), "main", G_ACTION_GROUP (parent));
  /* shown before the spins report changes, so opening the window changes nothing */
  show_int_option (self->threads_spin, G_ACTION_GROUP (parent), settings, "training-threads");
  show_int_option (self->sample_spin, G_ACTION_GROUP (parent), settings, "sample-objects");
  show_int_option (self->kept_runs_spin, G_ACTION_GROUP (parent), settings, "kept-runs");
  self->options = g_object_ref (G_ACTION_GROUP (parent));
  return self;
}
