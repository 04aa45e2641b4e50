/* pb-csv-mapping-dialog.c: pick the columns of a general CSV */
#include "config.h"

#include <glib/gi18n.h>

#include "pb-csv-mapping-dialog.h"
#include "pb-loader.h"

typedef enum
{
  FIELD_OBJECT,
  FIELD_TIME,
  FIELD_BAND,
  FIELD_VALUE,
  FIELD_ERROR,
  FIELD_DETECTED,
  FIELD_LABEL,
  N_FIELDS
} Field;

static const struct
{
  const char *title;
  gboolean required;
} fields[N_FIELDS] = {
  [FIELD_OBJECT] = { N_("_Object"), TRUE },
  [FIELD_TIME] = { N_("_Time"), TRUE },
  [FIELD_BAND] = { N_("_Band"), FALSE },
  [FIELD_VALUE] = { N_("_Value"), TRUE },
  [FIELD_ERROR] = { N_("_Error"), FALSE },
  [FIELD_DETECTED] = { N_("_Detected"), FALSE },
  [FIELD_LABEL] = { N_("_Label"), FALSE },
};

static char **
mapping_slot (LcCsvMapping *mapping, Field field)
{
  switch (field)
    {
    case FIELD_OBJECT: return &mapping->object_column;
    case FIELD_TIME: return &mapping->time_column;
    case FIELD_BAND: return &mapping->band_column;
    case FIELD_VALUE: return &mapping->value_column;
    case FIELD_ERROR: return &mapping->error_column;
    case FIELD_DETECTED: return &mapping->detected_column;
    case FIELD_LABEL:
    case N_FIELDS:
    default: return &mapping->label_column;
    }
}

static LcValueKind
guess_value_kind (const char *value_column)
{
  g_autofree char *lower = value_column != NULL ? g_ascii_strdown (value_column, -1) : NULL;

  return lower != NULL && strstr (lower, "mag") != NULL ? LC_VALUE_MAGNITUDE : LC_VALUE_FLUX;
}

/* Words that name each field in headers the loader does not know ("ObjName",
 * "Time_MJD", "FluxDensity", "FluxErr"), matched inside the names. */
static const char *const field_words[N_FIELDS][8] = {
  [FIELD_OBJECT] = { "object", "obj", "name", "star", "source", "id", NULL },
  [FIELD_TIME] = { "mjd", "time", "jd", "date", "epoch", NULL },
  [FIELD_BAND] = { "passband", "band", "filter", "filt", NULL },
  [FIELD_VALUE] = { "flux", "mag", "value", "bright", "count", NULL },
  [FIELD_ERROR] = { "err", "sigma", "unc", NULL },
  [FIELD_DETECTED] = { "detect", NULL },
  [FIELD_LABEL] = { "class", "label", "target", "type", NULL },
};

/* Errors before values ("magerr" holds "mag"), the rest in the table's order. */
static const Field guess_order[N_FIELDS] = { FIELD_ERROR, FIELD_DETECTED, FIELD_BAND, FIELD_TIME, FIELD_OBJECT,
                                             FIELD_LABEL, FIELD_VALUE };

static int
column_of (const char *const *header, const char *name)
{
  for (int i = 0; name != NULL && header[i] != NULL; i++)
    if (strcmp (header[i], name) == 0)
      return i;
  return -1;
}

/* columns[f]: the header column of field f, or -1.  The loader's guess
 * first; then words inside the names; a required field still without a
 * column gets the first one nothing else took. */
static void
guess_columns (const char *const *header, const LcCsvMapping *guess, int columns[N_FIELDS])
{
  int n = (int) g_strv_length ((char **) header);
  g_autofree gboolean *used = g_new0 (gboolean, MAX (n, 1));

  for (Field f = 0; f < N_FIELDS; f++)
    {
      columns[f] = guess != NULL ? column_of (header, *mapping_slot ((LcCsvMapping *) guess, f)) : -1;
      if (columns[f] >= 0)
        used[columns[f]] = TRUE;
    }
  for (int k = 0; k < N_FIELDS; k++)
    {
      Field f = guess_order[k];

      for (int w = 0; columns[f] < 0 && field_words[f][w] != NULL; w++)
        for (int i = 0; i < n && columns[f] < 0; i++)
          {
            g_autofree char *lower = g_ascii_strdown (header[i], -1);

            if (!used[i] && strstr (lower, field_words[f][w]) != NULL)
              {
                columns[f] = i;
                used[i] = TRUE;
              }
          }
    }
  for (Field f = 0; f < N_FIELDS; f++)
    for (int i = 0; fields[f].required && columns[f] < 0 && i < n; i++)
      if (!used[i])
        {
          columns[f] = i;
          used[i] = TRUE;
        }
}

/* The first lines of the file, to see what the columns hold. */
static char *
read_preview (const char *path, int max_lines)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autoptr (GDataInputStream) data = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  if (in == NULL)
    return NULL;
  data = g_data_input_stream_new (G_INPUT_STREAM (in));
  for (int i = 0; i < max_lines; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (data, NULL, NULL, NULL);

      if (line == NULL)
        break;
      /* a very long line says enough in its start */
      if (g_utf8_strlen (line, -1) > 120)
        {
          char *end = g_utf8_offset_to_pointer (line, 120);

          *end = '\0';
          g_string_append_printf (text, "%s…\n", line);
        }
      else
        g_string_append_printf (text, "%s\n", line);
    }
  if (text->len > 0)
    g_string_truncate (text, text->len - 1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ---- the dialog ------------------------------------------------------- */

struct _PbCsvMappingDialog
{
  GtkWindow parent_instance;

  GtkLabel *intro_label;
  GtkGrid *grid;
  GtkLabel *problem_label;

  GStrv header;
  char *preview;             /* the first lines shown, or NULL */
  GtkDropDown *dropdowns[N_FIELDS];
  GtkDropDown *kind_dropdown;
  PbCsvMappingFunc func;
  gpointer user_data;
  gboolean answered;
};

G_DEFINE_FINAL_TYPE (PbCsvMappingDialog, pb_csv_mapping_dialog, GTK_TYPE_WINDOW)

LcCsvMapping *
pb_csv_mapping_dialog_get_mapping (PbCsvMappingDialog *self)
{
  LcCsvMapping *mapping = g_new0 (LcCsvMapping, 1);

  for (Field f = 0; f < N_FIELDS; f++)
    {
      guint selected = gtk_drop_down_get_selected (self->dropdowns[f]);
      /* optional fields have "(none)" first */
      int column = fields[f].required ? (int) selected : (int) selected - 1;

      if (selected != GTK_INVALID_LIST_POSITION && column >= 0)
        *mapping_slot (mapping, f) = g_strdup (self->header[column]);
    }
  mapping->value_kind = gtk_drop_down_get_selected (self->kind_dropdown) == 1 ? LC_VALUE_MAGNITUDE
                                                                              : LC_VALUE_FLUX;
  return mapping;
}

static void
answer (PbCsvMappingDialog *self, const LcCsvMapping *mapping)
{
  if (self->answered)
    return;
  self->answered = TRUE;
  if (self->func != NULL)
    self->func (mapping, self->user_data);
  gtk_window_destroy (GTK_WINDOW (self));
}

void
pb_csv_mapping_dialog_accept (PbCsvMappingDialog *self)
{
  g_autoptr(LcCsvMapping) mapping = pb_csv_mapping_dialog_get_mapping (self);

  /* object, time and value must be three different columns */
  if (g_strcmp0 (mapping->object_column, mapping->time_column) == 0
      || g_strcmp0 (mapping->time_column, mapping->value_column) == 0
      || g_strcmp0 (mapping->object_column, mapping->value_column) == 0)
    {
      gtk_label_set_text (self->problem_label, _("Object, time and value must be different columns."));
      gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
      return;
    }
  answer (self, mapping);
}

static void
open_clicked_cb (PbCsvMappingDialog *self)
{
  pb_csv_mapping_dialog_accept (self);
}

static void
cancel_clicked_cb (PbCsvMappingDialog *self)
{
  answer (self, NULL);
}

static gboolean
close_request_cb (GtkWindow *window)
{
  answer (PB_CSV_MAPPING_DIALOG (window), NULL);
  return TRUE;
}

static void
value_column_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, PbCsvMappingDialog *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected != GTK_INVALID_LIST_POSITION)
    gtk_drop_down_set_selected (self->kind_dropdown, guess_value_kind (self->header[selected]));
}

static GtkWidget *
add_row (PbCsvMappingDialog *self, int row, const char *title, GtkWidget *widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (title);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_grid_attach (self->grid, label, 0, row, 1, 1);
  gtk_grid_attach (self->grid, widget, 1, row, 1, 1);
  return widget;
}

static void
build_rows (PbCsvMappingDialog *self)
{
  const char *const kinds[] = { _("Flux"), _("Magnitude"), NULL };
  /* the loader's own guess from the header names; an empty one when it has none */
  g_autoptr(LcCsvMapping) guess = lc_csv_mapping_guess ((const char *const *) self->header);
  int row = 0;

  int columns[N_FIELDS];

  guess_columns ((const char *const *) self->header, guess, columns);
  for (Field f = 0; f < N_FIELDS; f++, row++)
    {
      g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
      guint selected = 0;

      if (!fields[f].required)
        gtk_string_list_append (names, _("(none)"));
      for (int i = 0; self->header[i] != NULL; i++)
        {
          if (i == columns[f])
            selected = g_list_model_get_n_items (G_LIST_MODEL (names));
          gtk_string_list_append (names, self->header[i]);
        }
      self->dropdowns[f] = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL));
      gtk_drop_down_set_selected (self->dropdowns[f], selected);
      add_row (self, row, _(fields[f].title), GTK_WIDGET (self->dropdowns[f]));
    }
  self->kind_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (kinds));
  gtk_drop_down_set_selected (self->kind_dropdown,
                              guess != NULL ? (guess->value_kind == LC_VALUE_MAGNITUDE ? 1 : 0)
                                            : guess_value_kind (columns[FIELD_VALUE] >= 0
                                                                  ? self->header[columns[FIELD_VALUE]]
                                                                  : NULL) == LC_VALUE_MAGNITUDE);
  add_row (self, row, _("Values _are"), GTK_WIDGET (self->kind_dropdown));
  g_signal_connect (self->dropdowns[FIELD_VALUE], "notify::selected", G_CALLBACK (value_column_changed_cb), self);
}

static void
add_preview (PbCsvMappingDialog *self, const char *path)
{
  g_autofree char *lines = read_preview (path, 6);
  GtkWidget *title, *label, *scrolled;
  int row = N_FIELDS + 1;

  if (lines == NULL)
    return;
  title = gtk_label_new (_("First lines of the file"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_margin_top (title, 6);
  gtk_grid_attach (self->grid, title, 0, row++, 2, 1);
  label = gtk_label_new (lines);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), label);
  gtk_widget_set_size_request (scrolled, 360, -1);
  gtk_grid_attach (self->grid, scrolled, 0, row, 2, 1);
  self->preview = lines[0] != '\0' ? g_strdup (lines) : NULL;
}

const char *
pb_csv_mapping_dialog_get_preview (PbCsvMappingDialog *self)
{
  return self->preview;
}

static void
pb_csv_mapping_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PB_TYPE_CSV_MAPPING_DIALOG);
  G_OBJECT_CLASS (pb_csv_mapping_dialog_parent_class)->dispose (object);
}

static void
pb_csv_mapping_dialog_finalize (GObject *object)
{
  g_strfreev (PB_CSV_MAPPING_DIALOG (object)->header);
  g_free (PB_CSV_MAPPING_DIALOG (object)->preview);
  G_OBJECT_CLASS (pb_csv_mapping_dialog_parent_class)->finalize (object);
}

static void
pb_csv_mapping_dialog_class_init (PbCsvMappingDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = pb_csv_mapping_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = pb_csv_mapping_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = close_request_cb;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/passband/Passband/ui/pb-csv-mapping-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PbCsvMappingDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, PbCsvMappingDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, PbCsvMappingDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pb_csv_mapping_dialog_init (PbCsvMappingDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PbCsvMappingDialog *
pb_csv_mapping_dialog_new (GtkWindow *parent, const char *path, const char *const *header,
                           PbCsvMappingFunc func, gpointer user_data)
{
  PbCsvMappingDialog *self = g_object_new (PB_TYPE_CSV_MAPPING_DIALOG, "transient-for", parent, NULL);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *intro = g_strdup_printf (_("Which columns of “%s” hold each light-curve field? "
                                              "Rows of the same object are gathered by the object column."),
                                            name);

  self->header = g_strdupv ((char **) header);
  self->func = func;
  self->user_data = user_data;
  gtk_label_set_text (self->intro_label, intro);
  build_rows (self);
  add_preview (self, path);
  return self;
}
