/* pb-field-editor.c: form widgets from the field table, and "Tune this"
 * marks (see pb-field-editor.h) */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pb-field-editor.h"
#include "pb-layout.h"

/* ---- editors ------------------------------------------------------------- */

#define FIELD_KEY "pb-field"

/* The spin range of a field: an open end is one displayed digit inside. */
static void
spin_range (const NnField *field, double *lower, double *upper)
{
  double unit = pow (10, -field->digits);

  *lower = field->min + ((field->flags & NN_FIELD_MIN_OPEN) ? unit : 0);
  *upper = field->max - ((field->flags & NN_FIELD_MAX_OPEN) ? unit : 0);
}

/* Numbers as people write them: 0.003 and 1e-05, not 0.003000 and 0.000010. */
static gboolean
spin_output_cb (GtkSpinButton *spin, gpointer data)
{
  g_autofree char *text = g_strdup_printf ("%.6g", gtk_spin_button_get_value (spin));

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static GtkWidget *
field_spin_new (const NnField *field, double value)
{
  double lower, upper;
  GtkWidget *spin;

  spin_range (field, &lower, &upper);
  spin = gtk_spin_button_new_with_range (lower, upper, field->step);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), (guint) field->digits);
  if (field->type == NN_FIELD_FLOAT)
    g_signal_connect (spin, "output", G_CALLBACK (spin_output_cb), NULL);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  pb_spin_wheel_scrolls_form (spin);
  return spin;
}

GtkWidget *
pb_field_editor_new (const NnField *field, double value)
{
  GtkWidget *editor;

  switch (field->type)
    {
    case NN_FIELD_BOOL:
      editor = gtk_check_button_new_with_mnemonic (nn_field_title (field));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (editor), value != 0.0);
      break;
    case NN_FIELD_CHOICE:
      {
        g_autoptr (GtkStringList) titles = gtk_string_list_new (NULL);
        for (guint i = 0; i < nn_field_n_choices (field); i++)
          gtk_string_list_append (titles, nn_field_choice_title (field, (int) i));
        editor = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (titles)), NULL);
        gtk_drop_down_set_selected (GTK_DROP_DOWN (editor), (guint) value);
        break;
      }
    case NN_FIELD_INT:
    case NN_FIELD_SEED:
    case NN_FIELD_FLOAT:
    default:
      editor = field_spin_new (field, value);
      break;
    }
  g_object_set_data (G_OBJECT (editor), FIELD_KEY, (gpointer) field);
  /* its model-file name, for finding it in a form */
  g_object_set_data (G_OBJECT (editor), "field", (gpointer) field->name);
  gtk_widget_set_tooltip_text (editor, nn_field_help (field));
  gtk_accessible_update_property (GTK_ACCESSIBLE (editor), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  nn_field_help (field), -1);
  return editor;
}

const NnField *
pb_field_editor_get_field (GtkWidget *editor)
{
  return g_object_get_data (G_OBJECT (editor), FIELD_KEY);
}

double
pb_field_editor_get_value (GtkWidget *editor)
{
  if (GTK_IS_CHECK_BUTTON (editor))
    return gtk_check_button_get_active (GTK_CHECK_BUTTON (editor)) ? 1.0 : 0.0;
  if (GTK_IS_DROP_DOWN (editor))
    return gtk_drop_down_get_selected (GTK_DROP_DOWN (editor));
  return gtk_spin_button_get_value (GTK_SPIN_BUTTON (editor));
}

void
pb_field_editor_set_value (GtkWidget *editor, double value)
{
  if (GTK_IS_CHECK_BUTTON (editor))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (editor), value != 0.0);
  else if (GTK_IS_DROP_DOWN (editor))
    gtk_drop_down_set_selected (GTK_DROP_DOWN (editor), (guint) value);
  else
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), value);
}

typedef struct
{
  PbFieldEditorChanged changed;
  gpointer data;
} Changed;

static void
changed_free (gpointer data, GClosure *closure)
{
  g_free (data);
}

static void
spin_changed_cb (GtkSpinButton *spin, Changed *c)
{
  c->changed (GTK_WIDGET (spin), c->data);
}

static void
check_toggled_cb (GtkCheckButton *check, Changed *c)
{
  c->changed (GTK_WIDGET (check), c->data);
}

static void
drop_down_changed_cb (GtkDropDown *drop_down, GParamSpec *pspec, Changed *c)
{
  c->changed (GTK_WIDGET (drop_down), c->data);
}

void
pb_field_editor_connect (GtkWidget *editor, PbFieldEditorChanged changed, gpointer data)
{
  Changed *c = g_new (Changed, 1);

  c->changed = changed;
  c->data = data;
  if (GTK_IS_CHECK_BUTTON (editor))
    g_signal_connect_data (editor, "toggled", G_CALLBACK (check_toggled_cb), c, changed_free, 0);
  else if (GTK_IS_DROP_DOWN (editor))
    g_signal_connect_data (editor, "notify::selected", G_CALLBACK (drop_down_changed_cb), c, changed_free, 0);
  else
    g_signal_connect_data (editor, "value-changed", G_CALLBACK (spin_changed_cb), c, changed_free, 0);
}

int
pb_field_editor_attach (GtkGrid *grid, int row, GtkWidget *editor, GtkWidget *mark)
{
  const NnField *field = pb_field_editor_get_field (editor);

  if (GTK_IS_CHECK_BUTTON (editor))
    gtk_grid_attach (grid, editor, 0, row, 2, 1);
  else
    {
      GtkWidget *label = gtk_label_new_with_mnemonic (nn_field_title (field));

      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), editor);
      gtk_widget_set_tooltip_text (label, nn_field_help (field));
      gtk_widget_set_hexpand (editor, TRUE);
      gtk_grid_attach (grid, label, 0, row, 1, 1);
      gtk_grid_attach (grid, editor, 1, row, 1, 1);
    }
  if (mark == NULL)
    return row + 1;
  gtk_grid_attach (grid, pb_tune_mark_get_toggle (PB_TUNE_MARK (mark)), 2, row, 1, 1);
  gtk_grid_attach (grid, mark, 0, row + 1, 3, 1);
  return row + 2;
}

/* ---- the session's space --------------------------------------------------- */

static int
find_index (const LcSearchSpace *space, const char *path)
{
  for (guint i = 0; space != NULL && i < space->params->len; i++)
    if (strcmp (((const LcTuneParam *) g_ptr_array_index (space->params, i))->path, path) == 0)
      return (int) i;
  return -1;
}

const LcTuneParam *
pb_tune_marks_find (PbSession *session, const char *path)
{
  const LcSearchSpace *space = pb_session_get_space (session);
  int i = find_index (space, path);

  return i >= 0 ? g_ptr_array_index (space->params, i) : NULL;
}

/* A copy of the session's space to edit (a new, empty one when it has none). */
static LcSearchSpace *
space_to_edit (PbSession *session)
{
  const LcSearchSpace *space = pb_session_get_space (session);

  return space != NULL ? lc_search_space_copy (space) : lc_search_space_new ();
}

static JsonNode *
choice_values (const NnField *field)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  if (field->type == NN_FIELD_BOOL)
    {
      json_builder_add_boolean_value (b, FALSE);
      json_builder_add_boolean_value (b, TRUE);
    }
  else
    for (guint i = 0; i < nn_field_n_choices (field); i++)
      json_builder_add_string_value (b, field->choices[i]);
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

LcTuneParam *
pb_tune_mark_add_param (LcSearchSpace *space, const NnField *field, const char *path, double value)
{
  gboolean log = (field->flags & NN_FIELD_LOG) != 0;
  double lower, upper, lo, hi;
  LcTuneParam *p;

  if (field->type == NN_FIELD_CHOICE || field->type == NN_FIELD_BOOL)
    {
      g_autoptr (JsonNode) values = choice_values (field);
      return lc_search_space_add (space, path, values, 0, 0, FALSE);
    }
  spin_range (field, &lower, &upper);
  if (value > 0 && log)
    {
      /* a decade each way for rates, a factor of four for sizes */
      double factor = field->type == NN_FIELD_FLOAT ? 10 : 4;
      lo = value / factor;
      hi = value * factor;
    }
  else if (value > 0)
    {
      lo = value / 4;
      hi = value * 4;
    }
  else
    {
      lo = lower;
      hi = MIN (upper, lower + 10 * field->step);
    }
  lo = CLAMP (lo, lower, upper);
  hi = CLAMP (hi, lower, upper);
  if (field->type != NN_FIELD_FLOAT)
    {
      lo = ceil (lo);
      hi = floor (hi);
    }
  if (hi <= lo)
    {
      lo = lower;
      hi = upper;
    }
  p = lc_search_space_add (space, path, NULL, lo, hi, log && lo > 0);
  p->integer = field->type != NN_FIELD_FLOAT;
  return p;
}

void
pb_tune_marks_set (PbSession *session, const NnField *field, const char *path, double value,
                   gboolean marked)
{
  g_autoptr (LcSearchSpace) space = space_to_edit (session);
  int i = find_index (space, path);

  if (marked == (i >= 0))
    return;
  if (marked)
    pb_tune_mark_add_param (space, field, path, value);
  else
    g_ptr_array_remove_index (space->params, (guint) i);
  pb_session_set_space (session, space);
}

/* "layers[3].units" → 3 and "units"; FALSE for other paths and "layers[*]". */
static gboolean
parse_layer_path (const char *path, int *index, const char **field)
{
  int n = 0;
  const char *dot;

  if (sscanf (path, "layers[%d]%n", index, &n) != 1 || n == 0 || path[n] != '.')
    return FALSE;
  dot = path + n;
  *field = dot + 1;
  return TRUE;
}

void
pb_tune_marks_move_layers (PbSession *session, const int *new_index, int n_old)
{
  g_autoptr (LcSearchSpace) space = NULL;
  gboolean changed = FALSE;

  if (session == NULL || pb_session_get_space (session) == NULL)
    return;
  space = space_to_edit (session);
  for (guint i = space->params->len; i-- > 0;)
    {
      LcTuneParam *p = g_ptr_array_index (space->params, i);
      const char *field;
      int index;

      if (!parse_layer_path (p->path, &index, &field) || index < 0 || index >= n_old
          || new_index[index] == index)
        continue;
      changed = TRUE;
      if (new_index[index] < 0)
        g_ptr_array_remove_index (space->params, i);
      else
        {
          char *path = g_strdup_printf ("layers[%d].%s", new_index[index], field);
          g_free (p->path);
          p->path = path;
        }
    }
  if (changed)
    pb_session_set_space (session, space);
}

void
pb_tune_marks_prune (PbSession *session, const NnModelDoc *doc)
{
  g_autoptr (LcSearchSpace) space = NULL;
  gboolean changed = FALSE;

  if (session == NULL || pb_session_get_space (session) == NULL)
    return;
  space = space_to_edit (session);
  for (guint i = space->params->len; i-- > 0;)
    {
      LcTuneParam *p = g_ptr_array_index (space->params, i);
      const char *field;
      int index;
      const NnLayerSpec *spec;

      if (!parse_layer_path (p->path, &index, &field))
        continue;
      spec = index >= 0 && (guint) index < doc->layers->len ? &g_array_index (doc->layers, NnLayerSpec, index)
                                                            : NULL;
      /* "repeat" and "type" are the search's own, not the table's; an output
       * layer's units follow the classes */
      if (spec != NULL && nn_layer_field_any (field) == NULL)
        continue;
      if (spec != NULL && nn_layer_field_lookup (spec->kind, field) != NULL
          && !((nn_layer_field_lookup (spec->kind, field)->flags & NN_FIELD_CLASSES) && spec->units_is_classes))
        continue;
      g_ptr_array_remove_index (space->params, i);
      changed = TRUE;
    }
  if (changed)
    pb_session_set_space (session, space);
}

/* ---- the mark widget ------------------------------------------------------ */

struct _PbTuneMark
{
  GtkBox parent_instance;

  PbSession *session;
  const NnField *field;
  char *path;
  double value;
  gboolean syncing;            /* showing the space: not the user's edits */

  GtkWidget *toggle;
  GtkWidget *from, *to, *log, *integer;   /* numbers */
  GPtrArray *choice_checks;               /* choices and flags: one check per value */
};

G_DEFINE_FINAL_TYPE (PbTuneMark, pb_tune_mark, GTK_TYPE_BOX)

/* Whether a value of the space is choice i. */
static gboolean
value_matches (const NnField *field, JsonNode *node, guint i)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         && g_strcmp0 (json_node_get_string (node), field->choices[i]) == 0;
}

static gboolean
param_has_choice (const NnField *field, const LcTuneParam *p, guint i)
{
  JsonArray *values = p->values != NULL && JSON_NODE_HOLDS_ARRAY (p->values) ? json_node_get_array (p->values)
                                                                             : NULL;

  for (guint j = 0; values != NULL && j < json_array_get_length (values); j++)
    if (value_matches (field, json_array_get_element (values, j), i))
      return TRUE;
  return FALSE;
}

/* Shows the session's parameter of this path. */
static void
sync_from_space (PbTuneMark *self)
{
  const LcTuneParam *p = pb_tune_marks_find (self->session, self->path);

  self->syncing = TRUE;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->toggle), p != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), p != NULL);
  if (p != NULL && self->from != NULL && p->values == NULL)
    {
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->from), p->min);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->to), p->max);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (self->log), p->log);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (self->integer), p->integer);
    }
  for (guint i = 0; p != NULL && self->choice_checks != NULL && i < self->choice_checks->len; i++)
    gtk_check_button_set_active (g_ptr_array_index (self->choice_checks, i), param_has_choice (self->field, p, i));
  self->syncing = FALSE;
}

static void
toggled_cb (GtkToggleButton *toggle, PbTuneMark *self)
{
  if (self->syncing)
    return;
  pb_tune_marks_set (self->session, self->field, self->path, self->value, gtk_toggle_button_get_active (toggle));
}

/* The user's range or choices, written into the session's space. */
static void
range_edited_cb (PbTuneMark *self)
{
  g_autoptr (LcSearchSpace) space = NULL;
  LcTuneParam *p;
  int i;

  if (self->syncing)
    return;
  space = space_to_edit (self->session);
  i = find_index (space, self->path);
  if (i < 0)
    return;
  p = g_ptr_array_index (space->params, i);
  if (self->from != NULL)
    {
      double from = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->from));
      double to = gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->to));

      p->min = MIN (from, to);
      p->max = MAX (from, to);
      /* a log scale needs positive ends */
      p->log = gtk_check_button_get_active (GTK_CHECK_BUTTON (self->log)) && p->min > 0;
      p->integer = gtk_check_button_get_active (GTK_CHECK_BUTTON (self->integer));
    }
  else
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      guint n = 0;

      json_builder_begin_array (b);
      for (guint c = 0; c < self->choice_checks->len; c++)
        if (gtk_check_button_get_active (g_ptr_array_index (self->choice_checks, c)))
          {
            json_builder_add_string_value (b, self->field->choices[c]);
            n++;
          }
      json_builder_end_array (b);
      /* a search needs at least one value: the last one stays checked */
      if (n == 0)
        {
          sync_from_space (self);
          return;
        }
      json_node_unref (p->values);
      p->values = json_builder_get_root (b);
    }
  pb_session_set_space (self->session, space);
}

static GtkWidget *
small_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
build_range (PbTuneMark *self)
{
  GtkGrid *ends = GTK_GRID (gtk_grid_new ());
  GtkWidget *options = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *from_label = small_label (_("Try from"));
  GtkWidget *to_label = small_label (_("to"));

  self->from = field_spin_new (self->field, self->field->min);
  self->to = field_spin_new (self->field, self->field->max);
  /* one end a line: the inspector is narrow in a small window */
  gtk_editable_set_width_chars (GTK_EDITABLE (self->from), 6);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->to), 6);
  gtk_widget_set_hexpand (self->from, TRUE);
  gtk_widget_set_hexpand (self->to, TRUE);
  gtk_label_set_xalign (GTK_LABEL (from_label), 0.0);
  gtk_label_set_xalign (GTK_LABEL (to_label), 0.0);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->from), GTK_ACCESSIBLE_RELATION_LABELLED_BY, from_label,
                                  NULL, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->to), GTK_ACCESSIBLE_RELATION_LABELLED_BY, to_label, NULL,
                                  -1);
  gtk_grid_set_row_spacing (ends, 4);
  gtk_grid_set_column_spacing (ends, 6);
  gtk_grid_attach (ends, from_label, 0, 0, 1, 1);
  gtk_grid_attach (ends, self->from, 1, 0, 1, 1);
  gtk_grid_attach (ends, to_label, 0, 1, 1, 1);
  gtk_grid_attach (ends, self->to, 1, 1, 1, 1);
  self->log = gtk_check_button_new_with_label (_("Log scale"));
  gtk_widget_set_tooltip_text (self->log, _("Sample evenly in the logarithm: as many tries from 0.0001 to "
                                            "0.001 as from 0.001 to 0.01"));
  self->integer = gtk_check_button_new_with_label (_("Whole numbers"));
  gtk_widget_set_tooltip_text (self->integer, _("Round every value tried to a whole number"));
  /* a whole-number field cannot take fractions */
  gtk_widget_set_sensitive (self->integer, self->field->type == NN_FIELD_FLOAT);
  gtk_box_append (GTK_BOX (options), self->log);
  gtk_box_append (GTK_BOX (options), self->integer);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (ends));
  gtk_box_append (GTK_BOX (self), options);
  g_signal_connect_swapped (self->from, "value-changed", G_CALLBACK (range_edited_cb), self);
  g_signal_connect_swapped (self->to, "value-changed", G_CALLBACK (range_edited_cb), self);
  g_signal_connect_swapped (self->log, "toggled", G_CALLBACK (range_edited_cb), self);
  g_signal_connect_swapped (self->integer, "toggled", G_CALLBACK (range_edited_cb), self);
}

static void
build_choices (PbTuneMark *self)
{
  GtkWidget *flow = gtk_flow_box_new ();
  guint n = nn_field_n_choices (self->field);

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 4);
  self->choice_checks = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (nn_field_choice_title (self->field, (int) i));

      g_ptr_array_add (self->choice_checks, check);
      gtk_flow_box_append (GTK_FLOW_BOX (flow), check);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (range_edited_cb), self);
    }
  gtk_box_append (GTK_BOX (self), small_label (_("Try each of")));
  gtk_box_append (GTK_BOX (self), flow);
}

GtkWidget *
pb_tune_mark_new (PbSession *session, const NnField *field, const char *path, double value)
{
  PbTuneMark *self;
  g_autofree char *plain = NULL;
  g_autofree char *name = NULL;

  /* numbers and choices: a flag such as return_sequences changes what the network is */
  if (session == NULL || !nn_field_is_tunable (field) || field->type == NN_FIELD_BOOL)
    return NULL;
  self = g_object_new (PB_TYPE_TUNE_MARK, "orientation", GTK_ORIENTATION_VERTICAL, "spacing", 4, NULL);
  self->session = g_object_ref (session);
  self->field = field;
  self->path = g_strdup (path);
  self->value = value;
  plain = nn_field_plain_title (field);
  name = g_strdup_printf (_("Tune %s"), plain);
  self->toggle = g_object_ref_sink (gtk_toggle_button_new_with_label (_("Tune")));
  gtk_widget_set_valign (self->toggle, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->toggle, _("Tune this: search over several values in the Tune section"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_signal_connect_object (self->toggle, "toggled", G_CALLBACK (toggled_cb), self, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 4);
  if (field->type == NN_FIELD_CHOICE)
    build_choices (self);
  else
    build_range (self);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gtk_widget_set_margin_start (child, 8);
      gtk_widget_set_margin_end (child, 8);
    }
  g_signal_connect_object (session, "space-changed", G_CALLBACK (sync_from_space), self, G_CONNECT_SWAPPED);
  sync_from_space (self);
  return GTK_WIDGET (self);
}

GtkWidget *
pb_tune_mark_get_toggle (PbTuneMark *self)
{
  return self->toggle;
}

const char *
pb_tune_mark_get_path (PbTuneMark *self)
{
  return self->path;
}

void
pb_tune_mark_set_value (PbTuneMark *self, double value)
{
  self->value = value;
}

static void
pb_tune_mark_dispose (GObject *object)
{
  PbTuneMark *self = PB_TUNE_MARK (object);

  g_clear_object (&self->toggle);
  g_clear_object (&self->session);
  g_clear_pointer (&self->choice_checks, g_ptr_array_unref);
  G_OBJECT_CLASS (pb_tune_mark_parent_class)->dispose (object);
}

static void
pb_tune_mark_finalize (GObject *object)
{
  g_free (PB_TUNE_MARK (object)->path);
  G_OBJECT_CLASS (pb_tune_mark_parent_class)->finalize (object);
}

static void
pb_tune_mark_class_init (PbTuneMarkClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pb_tune_mark_dispose;
  G_OBJECT_CLASS (klass)->finalize = pb_tune_mark_finalize;
}

static void
pb_tune_mark_init (PbTuneMark *self)
{
}
