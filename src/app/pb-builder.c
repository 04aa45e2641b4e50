/* pb-builder.c: the Model section, a visual network builder (see pb-builder.h) */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lc-encoder.h"
#include "pb-builder.h"
#include "pb-export.h"
#include "pb-field-editor.h"
#include "pb-layout.h"
#include "pb-layer-card.h"
#include "pb-network-diagram.h"
#include "pb-session.h"

#define MAX_UNDO 200

/* Shapes shown before any dataset is open: the LSST light curves (DESIGN §12). */
enum { DEFAULT_STEPS = 36, DEFAULT_FEATURES = 6, DEFAULT_CLASSES = 14 };

struct _PbBuilder
{
  GtkBox parent_instance;

  NnModelDoc *doc;
  NnModelInfo *info;
  GPtrArray *undo;             /* NnModelDoc *, oldest first */
  GPtrArray *redo;
  char *coalesce_key;          /* "layer:field" of the last property edit, merged into one step */
  int selected;

  /* the data the shapes are for */
  LcDataset *dataset;
  gboolean have_data;
  int seq_features, meta_features, n_classes, max_steps;
  char *data_text;

  gboolean updating;           /* rebuilding widgets: ignore their signals */
  guint properties_idle;       /* a pending rebuild of the property editor */
  char *status_text;
  char *last_error;
  GtkFileChooserNative *chooser;
  PbSession *session;          /* the spec is shared through it, or NULL */
  gboolean pushing;            /* handing the spec to the session: not an outside change */

  GtkWidget *list;
  GtkWidget *output_label;
  GtkWidget *status_label;
  GtkWidget *summary_label;
  GtkWidget *data_label;
  GtkWidget *properties;       /* box rebuilt for the selected layer */
  GHashTable *editors;         /* field name → its editor in the inspector */
  GHashTable *marks;           /* field name → its "Tune" mark (PbTuneMark) */
  GtkWidget *diagram;
  GtkWidget *view_stack;
  GtkWidget *preset_popover;
};

G_DEFINE_FINAL_TYPE (PbBuilder, pb_builder, GTK_TYPE_BOX)

enum { SPEC_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void refresh (PbBuilder *self, gboolean rebuild_properties);

static int
n_layers (PbBuilder *self)
{
  return (int) self->doc->layers->len;
}

static void build_properties (PbBuilder *self);
static void update_actions (PbBuilder *self);

/* ---- analysis ---------------------------------------------------------- */

static void
analyse (PbBuilder *self)
{
  g_clear_pointer (&self->info, nn_model_info_free);
  self->info = nn_model_info_new (self->doc, self->seq_features, self->meta_features, self->n_classes,
                                  self->max_steps);
}

const NnModelDoc *
pb_builder_get_spec (PbBuilder *self)
{
  return self->doc;
}

const NnModelInfo *
pb_builder_get_info (PbBuilder *self)
{
  return self->info;
}

static char *
problem_text (PbBuilder *self, const NnModelProblem *p)
{
  const NnLayerSpec *spec;
  g_autofree char *words = NULL;

  if (p->layer_index < 0 || p->layer_index >= (int) self->doc->layers->len)
    return pb_layer_problem_text (NN_LAYER_N_KINDS, p->message);
  spec = &g_array_index (self->doc->layers, NnLayerSpec, p->layer_index);
  words = pb_layer_problem_text (spec->kind, p->message);
  return g_strdup_printf (_("Layer %d (%s): %s"), p->layer_index + 1, pb_layer_kind_title (spec->kind), words);
}

gboolean
pb_builder_can_train (PbBuilder *self, char **why)
{
  g_autoptr(GString) s = NULL;

  if (self->info->valid && self->have_data)
    return TRUE;
  if (why == NULL)
    return FALSE;
  if (!self->have_data)
    {
      *why = g_strdup (_("Open a dataset first: the network is checked against its shape."));
      return FALSE;
    }
  s = g_string_new (NULL);
  for (guint p = 0; p < self->info->problems->len; p++)
    {
      g_autofree char *text = problem_text (self, &g_array_index (self->info->problems, NnModelProblem, p));
      g_string_append_printf (s, "%s%s", p > 0 ? "\n" : "", text);
    }
  *why = g_strdup (s->str);
  return FALSE;
}

const char *
pb_builder_get_status_text (PbBuilder *self)
{
  return self->status_text;
}

/* ---- undo and redo ------------------------------------------------------ */

/* Call before changing self->doc: the old document becomes an undo step.
 * Property edits of the same field of the same layer in a row are one step,
 * so dragging a spin button does not fill the history. */
static void
begin_edit (PbBuilder *self, const char *coalesce_key)
{
  if (coalesce_key == NULL || g_strcmp0 (coalesce_key, self->coalesce_key) != 0)
    {
      g_ptr_array_add (self->undo, nn_model_doc_copy (self->doc));
      if (self->undo->len > MAX_UNDO)
        g_ptr_array_remove_index (self->undo, 0);
    }
  g_free (self->coalesce_key);
  self->coalesce_key = g_strdup (coalesce_key);
  g_ptr_array_set_size (self->redo, 0);
  /* a changed network no longer matches trained weights */
  if (self->doc->weights->len > 0 || self->doc->history->len > 0)
    nn_model_doc_clear_weights (self->doc);
}

/* Train and Tune read the spec from the session, with the reason it cannot train. */
static void
push_to_session (PbBuilder *self)
{
  g_autofree char *why = NULL;

  if (self->session == NULL)
    return;
  pb_builder_can_train (self, &why);
  self->pushing = TRUE;
  pb_session_set_spec (self->session, self->doc, why);
  self->pushing = FALSE;
  /* a mark on a field the network no longer has would tune nothing */
  pb_tune_marks_prune (self->session, self->doc);
}

/* Before layers move: the "Tune" marks of layer i follow it to new_index[i]
 * (-1: it is gone).  insert_at (or -1) gets a new layer, remove_at (or -1)
 * loses one; a move is both. */
static void
move_marks (PbBuilder *self, int remove_at, int insert_at)
{
  int n = n_layers (self);
  g_autofree int *new_index = NULL;

  if (self->session == NULL || pb_session_get_space (self->session) == NULL || n == 0)
    return;
  new_index = g_new (int, n);
  for (int i = 0; i < n; i++)
    {
      int at = i;

      if (remove_at >= 0 && i > remove_at)
        at--;
      if (insert_at >= 0 && at >= insert_at)
        at++;
      new_index[i] = at;
    }
  if (remove_at >= 0)
    new_index[remove_at] = insert_at;
  pb_tune_marks_move_layers (self->session, new_index, n);
}

static void
end_edit (PbBuilder *self, gboolean rebuild_properties)
{
  refresh (self, rebuild_properties);
  g_signal_emit (self, signals[SPEC_CHANGED], 0);
  push_to_session (self);
}

static gboolean
swap_history (PbBuilder *self, GPtrArray *from, GPtrArray *to)
{
  if (from->len == 0)
    return FALSE;
  g_ptr_array_add (to, self->doc);
  self->doc = g_ptr_array_steal_index (from, from->len - 1);
  g_clear_pointer (&self->coalesce_key, g_free);
  self->selected = MIN (self->selected, (int) self->doc->layers->len - 1);
  end_edit (self, TRUE);
  return TRUE;
}

gboolean
pb_builder_undo (PbBuilder *self)
{
  return swap_history (self, self->undo, self->redo);
}

gboolean
pb_builder_redo (PbBuilder *self)
{
  return swap_history (self, self->redo, self->undo);
}

gboolean
pb_builder_can_undo (PbBuilder *self)
{
  return self->undo->len > 0;
}

gboolean
pb_builder_can_redo (PbBuilder *self)
{
  return self->redo->len > 0;
}

/* ---- edits --------------------------------------------------------------- */

static NnLayerSpec
new_layer_spec (PbBuilder *self, NnLayerKind kind, int index)
{
  NnLayerSpec spec = { 0 };

  spec.kind = kind;
  nn_layer_config_default_for_kind (&spec.cfg, kind);
  /* a dense layer added at the end is most likely the output */
  if (kind == NN_LAYER_DENSE && index == n_layers (self))
    {
      spec.units_is_classes = TRUE;
      spec.cfg.units = self->n_classes;
      spec.cfg.activation = NN_ACT_SOFTMAX;
    }
  return spec;
}

void
pb_builder_add_layer (PbBuilder *self, NnLayerKind kind, int index)
{
  NnLayerSpec spec;

  g_return_if_fail (kind >= 0 && kind < NN_LAYER_N_KINDS);
  if (index < 0 || index > n_layers (self))
    index = self->selected >= 0 ? self->selected + 1 : n_layers (self);
  begin_edit (self, NULL);
  move_marks (self, -1, index);
  spec = new_layer_spec (self, kind, index);
  g_array_insert_val (self->doc->layers, (guint) index, spec);
  self->selected = index;
  end_edit (self, TRUE);
}

void
pb_builder_move_layer (PbBuilder *self, int from, int to)
{
  NnLayerSpec spec;

  if (from < 0 || from >= n_layers (self))
    return;
  to = CLAMP (to, 0, n_layers (self) - 1);
  if (to == from)
    return;
  begin_edit (self, NULL);
  move_marks (self, from, to);
  /* the label moves with the struct: take it out before the array's clear function sees it */
  spec = g_array_index (self->doc->layers, NnLayerSpec, from);
  g_array_index (self->doc->layers, NnLayerSpec, from).label = NULL;
  g_array_remove_index (self->doc->layers, (guint) from);
  g_array_insert_val (self->doc->layers, (guint) to, spec);
  self->selected = to;
  end_edit (self, TRUE);
}

void
pb_builder_duplicate_layer (PbBuilder *self, int index)
{
  NnLayerSpec copy;

  if (index < 0 || index >= n_layers (self))
    return;
  begin_edit (self, NULL);
  move_marks (self, -1, index + 1);
  copy = g_array_index (self->doc->layers, NnLayerSpec, index);
  copy.label = g_strdup (copy.label);
  g_array_insert_val (self->doc->layers, (guint) index + 1, copy);
  self->selected = index + 1;
  end_edit (self, TRUE);
}

void
pb_builder_remove_layer (PbBuilder *self, int index)
{
  if (index < 0 || index >= n_layers (self))
    return;
  begin_edit (self, NULL);
  move_marks (self, index, -1);
  g_array_remove_index (self->doc->layers, (guint) index);
  self->selected = MIN (index, n_layers (self) - 1);
  end_edit (self, TRUE);
}

/* A property edit: rebuild_properties FALSE keeps the editor (and its focus). */
static void
set_layer (PbBuilder *self, int index, const NnLayerSpec *spec, const char *field,
           gboolean rebuild_properties)
{
  NnLayerSpec *dst;
  g_autofree char *key = NULL;

  if (index < 0 || index >= n_layers (self))
    return;
  key = field != NULL ? g_strdup_printf ("%d:%s", index, field) : NULL;
  begin_edit (self, key);
  dst = &g_array_index (self->doc->layers, NnLayerSpec, index);
  if (dst->label != spec->label)
    {
      char *label = spec->label != NULL && *spec->label != '\0' ? g_strdup (spec->label) : NULL;
      g_free (dst->label);
      dst->label = label;
    }
  dst->kind = spec->kind;
  dst->cfg = spec->cfg;
  dst->units_is_classes = spec->units_is_classes;
  end_edit (self, rebuild_properties);
}

void
pb_builder_set_layer (PbBuilder *self, int index, const NnLayerSpec *spec)
{
  set_layer (self, index, spec, NULL, TRUE);
}

gboolean
pb_builder_apply_fix (PbBuilder *self, guint problem)
{
  g_autoptr(NnModelDoc) before = NULL;
  NnModelFix fix;

  if (problem >= self->info->problems->len || self->info->fixes[problem].kind == NN_FIX_NONE)
    return FALSE;
  fix = self->info->fixes[problem];
  before = nn_model_doc_copy (self->doc);
  if (!nn_model_fix_apply (&fix, self->doc))
    return FALSE;
  /* the fix is applied: record the document as it was */
  g_ptr_array_add (self->undo, g_steal_pointer (&before));
  g_clear_pointer (&self->coalesce_key, g_free);
  g_ptr_array_set_size (self->redo, 0);
  /* show the layer the fix changed (after a removal, the one that took its place) */
  self->selected = MIN (fix.layer_index, n_layers (self) - 1);
  end_edit (self, TRUE);
  return TRUE;
}

static void update_dataset_shape (PbBuilder *self);

void
pb_builder_set_spec (PbBuilder *self, const NnModelDoc *doc)
{
  gboolean new_preprocessing = doc->preprocessing != NULL || self->doc->preprocessing != NULL;

  begin_edit (self, NULL);
  nn_model_doc_free (self->doc);
  self->doc = nn_model_doc_copy (doc);
  self->selected = n_layers (self) > 0 ? 0 : -1;
  end_edit (self, TRUE);
  /* the spec's encoder settings decide the shapes */
  if (new_preprocessing && self->dataset != NULL)
    update_dataset_shape (self);
}

void
pb_builder_select (PbBuilder *self, int index)
{
  if (index < -1 || index >= n_layers (self))
    return;
  self->selected = index;
  refresh (self, TRUE);
}

int
pb_builder_get_selected (PbBuilder *self)
{
  return self->selected;
}

/* ---- data shape ---------------------------------------------------------- */

static void
set_shape (PbBuilder *self, gboolean have_data, int seq_features, int meta_features, int n_classes,
           int max_steps, const char *text)
{
  self->have_data = have_data;
  self->seq_features = seq_features;
  self->meta_features = meta_features;
  self->n_classes = n_classes;
  self->max_steps = max_steps;
  g_free (self->data_text);
  self->data_text = g_strdup (text);
  /* the shapes, counts and validity may all change */
  end_edit (self, TRUE);
}

void
pb_builder_set_data_shape (PbBuilder *self, int seq_features, int meta_features, int n_classes,
                           int max_steps)
{
  g_autofree char *text = g_strdup_printf (_("Data: %d steps × %d features, %d metadata features, %d classes"),
                                           max_steps, seq_features, meta_features, n_classes);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  set_shape (self, TRUE, seq_features, meta_features, n_classes, max_steps, text);
}

static void
set_default_shape (PbBuilder *self)
{
  g_autofree char *text = g_strdup_printf (_("No dataset open: shapes are shown for %d steps × %d "
                                             "features and %d classes"),
                                           DEFAULT_STEPS, DEFAULT_FEATURES, DEFAULT_CLASSES);
  set_shape (self, FALSE, DEFAULT_FEATURES, 0, DEFAULT_CLASSES, DEFAULT_STEPS, text);
}

/* What the encoder makes of ds with the spec's preprocessing: the shape the
 * trainer will build the network for.  No values or features are computed
 * (lc_encoder_shape), so it is immediate on the main thread even for large
 * datasets and costly features such as the period search. */
static gboolean
encode_shape (LcDataset *ds, JsonNode *preprocessing, int *seq_features, int *meta_features,
              int *n_classes, int *max_steps, GError **error)
{
  g_autoptr(LcEncoder) encoder = NULL;

  encoder = preprocessing != NULL ? lc_encoder_from_json (preprocessing, error) : lc_encoder_new (NULL);
  if (encoder == NULL || !lc_encoder_shape (encoder, ds, NULL, 0, max_steps, error))
    return FALSE;
  *seq_features = lc_encoder_step_features (encoder);
  *meta_features = lc_encoder_meta_features (encoder);
  *n_classes = lc_encoder_n_classes (encoder);
  return TRUE;
}

static void
update_dataset_shape (PbBuilder *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int f, s, k, t;

  if (self->dataset == NULL)
    {
      set_default_shape (self);
      return;
    }
  if (!encode_shape (self->dataset, self->doc->preprocessing, &f, &s, &k, &t, &error))
    {
      text = g_strdup_printf (_("The dataset cannot be encoded for this network: %s"), error->message);
      set_shape (self, FALSE, DEFAULT_FEATURES, 0, DEFAULT_CLASSES, DEFAULT_STEPS, text);
      return;
    }
  text = g_strdup_printf (ngettext ("Data: %zu object → %d steps × %d features, %d metadata features, %d classes",
                                    "Data: %zu objects → %d steps × %d features, %d metadata features, %d classes",
                                    self->dataset->n_objects),
                          (size_t) self->dataset->n_objects, t, f, s, k);
  set_shape (self, TRUE, f, s, k, t, text);
}

void
pb_builder_set_dataset (PbBuilder *self, LcDataset *ds)
{
  if (ds != NULL)
    lc_dataset_ref (ds);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  self->dataset = ds;
  update_dataset_shape (self);
}

/* ---- presets and files ----------------------------------------------------- */

gboolean
pb_builder_load_preset (PbBuilder *self, const char *file_name, GError **error)
{
  g_autoptr(NnModelDoc) doc = pb_session_load_preset_doc (file_name, error);

  if (doc == NULL)
    return FALSE;
  pb_builder_set_spec (self, doc);
  return TRUE;
}

gboolean
pb_builder_open_file (PbBuilder *self, const char *path, GError **error)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_load (path, error);

  if (doc == NULL)
    return FALSE;
  /* a trained model opens as the spec it was trained from */
  nn_model_doc_clear_weights (doc);
  nn_model_doc_set_classes (doc, 0, NULL, NULL);
  doc->seq_features = doc->meta_features = doc->max_steps = 0;
  pb_builder_set_spec (self, doc);
  return TRUE;
}

gboolean
pb_builder_save_file (PbBuilder *self, const char *path, GError **error)
{
  return nn_model_doc_save (self->doc, path, error);
}

GtkWidget *
pb_builder_get_diagram (PbBuilder *self)
{
  return self->diagram;
}

GtkWidget *
pb_builder_get_card (PbBuilder *self, int index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), index);

  return row != NULL ? gtk_list_box_row_get_child (row) : NULL;
}

/* ---- the property editor ------------------------------------------------- */

static NnLayerSpec *
selected_spec (PbBuilder *self)
{
  if (self->selected < 0 || self->selected >= n_layers (self))
    return NULL;
  return &g_array_index (self->doc->layers, NnLayerSpec, self->selected);
}

void
pb_builder_set_layer_kind (PbBuilder *self, int index, NnLayerKind kind)
{
  const NnLayerSpec *old;
  NnLayerSpec spec;
  g_autoptr (GPtrArray) fields = NULL;

  if (index < 0 || index >= n_layers (self) || kind < 0 || kind >= NN_LAYER_N_KINDS)
    return;
  old = &g_array_index (self->doc->layers, NnLayerSpec, index);
  if (old->kind == kind)
    return;
  /* the new kind's defaults, with every setting both kinds take kept */
  spec = *old;
  spec.kind = kind;
  nn_layer_config_default_for_kind (&spec.cfg, kind);
  fields = nn_layer_kind_fields (kind);
  for (guint i = 0; i < fields->len; i++)
    {
      const NnField *field = g_ptr_array_index (fields, i);
      const NnField *before = nn_layer_field_lookup (old->kind, field->name);
      double value = before != NULL ? nn_field_get (before, &old->cfg) : field->def;

      /* a pooling stride of 0 (the pool size) is no convolution stride */
      if (before != NULL && nn_field_in_range (field, value))
        nn_field_set (field, &spec.cfg, value);
    }
  spec.units_is_classes = kind == NN_LAYER_DENSE && old->units_is_classes;
  set_layer (self, index, &spec, NULL, TRUE);
}

static void
kind_changed_cb (GtkDropDown *drop_down, GParamSpec *pspec, PbBuilder *self)
{
  GArray *kinds = g_object_get_data (G_OBJECT (drop_down), "kinds");
  guint i = gtk_drop_down_get_selected (drop_down);

  if (self->updating || kinds == NULL || i >= kinds->len)
    return;
  pb_builder_set_layer_kind (self, self->selected, g_array_index (kinds, NnLayerKind, i));
}

/* Every kind but the metadata join (its place is the network's, not a layer's choice). */
static GtkWidget *
kind_editor (PbBuilder *self, NnLayerKind current)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  GArray *kinds = g_array_new (FALSE, FALSE, sizeof (NnLayerKind));
  GtkWidget *drop_down;
  guint selected = GTK_INVALID_LIST_POSITION;

  for (int k = 0; k < NN_LAYER_N_KINDS; k++)
    {
      NnLayerKind kind = (NnLayerKind) k;

      if (kind == NN_LAYER_CONCAT_METADATA && current != NN_LAYER_CONCAT_METADATA)
        continue;
      if (kind == current)
        selected = kinds->len;
      g_array_append_val (kinds, kind);
      gtk_string_list_append (names, pb_layer_kind_title (kind));
    }
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  g_object_set_data_full (G_OBJECT (drop_down), "kinds", kinds, (GDestroyNotify) g_array_unref);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down), selected);
  gtk_widget_set_sensitive (drop_down, current != NN_LAYER_CONCAT_METADATA);
  g_signal_connect (drop_down, "notify::selected", G_CALLBACK (kind_changed_cb), self);
  return drop_down;
}

static gboolean
rebuild_properties_idle (gpointer data)
{
  PbBuilder *self = data;

  self->properties_idle = 0;
  build_properties (self);
  return G_SOURCE_REMOVE;
}

/* Later, not now: the editor widget whose signal we are in must outlive it. */
static void
schedule_properties_rebuild (PbBuilder *self)
{
  if (self->properties_idle == 0)
    /* before the next frame is laid out */
    self->properties_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_properties_idle, self, NULL);
}

/* Every editor widget carries the field it edits (nn-fields.h). */
static void
field_changed_cb (GtkWidget *editor, gpointer data)
{
  PbBuilder *self = data;
  const NnField *field = pb_field_editor_get_field (editor);
  NnLayerSpec *current = selected_spec (self);
  NnLayerSpec spec;

  if (self->updating || current == NULL)
    return;
  spec = *current;
  nn_field_set (field, &spec.cfg, pb_field_editor_get_value (editor));
  /* the editor only needs rebuilding when a choice shows or hides other settings */
  set_layer (self, self->selected, &spec, field->name, FALSE);
  if (field->type == NN_FIELD_CHOICE)
    schedule_properties_rebuild (self);
}

static void
classes_toggled_cb (GtkCheckButton *check, PbBuilder *self)
{
  NnLayerSpec *current = selected_spec (self);
  NnLayerSpec spec;

  if (self->updating || current == NULL)
    return;
  spec = *current;
  spec.units_is_classes = gtk_check_button_get_active (check);
  if (spec.units_is_classes)
    spec.cfg.units = self->n_classes;
  set_layer (self, self->selected, &spec, "units_is_classes", FALSE);
  schedule_properties_rebuild (self);
}

static void
label_changed_cb (GtkEditable *entry, PbBuilder *self)
{
  NnLayerSpec *current = selected_spec (self);
  NnLayerSpec spec;

  if (self->updating || current == NULL)
    return;
  spec = *current;
  spec.label = (char *) gtk_editable_get_text (entry);
  set_layer (self, self->selected, &spec, "label", FALSE);
}

static void
attach_row (GtkGrid *grid, int row, const char *title, const char *tooltip, GtkWidget *editor)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), editor);
  gtk_widget_set_tooltip_text (label, tooltip);
  gtk_widget_set_tooltip_text (editor, tooltip);
  gtk_widget_set_hexpand (editor, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (editor), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, editor, 1, row, 2, 1);
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
}

static void
network_text_changed_cb (GtkEditable *entry, PbBuilder *self)
{
  gboolean is_name = g_object_get_data (G_OBJECT (entry), "field") != NULL;
  char **target;

  if (self->updating)
    return;
  begin_edit (self, is_name ? "network:name" : "network:description");
  target = is_name ? &self->doc->name : &self->doc->description;
  g_free (*target);
  *target = g_strdup (gtk_editable_get_text (entry));
  end_edit (self, FALSE);
}

static GtkWidget *
network_entry (PbBuilder *self, const char *text, gboolean is_name)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  if (is_name)
    g_object_set_data (G_OBJECT (entry), "field", (gpointer) "name");
  g_signal_connect (entry, "changed", G_CALLBACK (network_text_changed_cb), self);
  return entry;
}

/* With no layer selected the editor shows the network's own name and description. */
static void
build_network_properties (PbBuilder *self)
{
  GtkWidget *title = gtk_label_new (_("Network"));
  GtkWidget *hint = gtk_label_new (_("Select a layer to edit its settings (Escape shows these again), or add "
                                     "one from the palette."));
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());

  self->updating = TRUE;
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_widget_add_css_class (title, "title-4");
  gtk_box_append (GTK_BOX (self->properties), title);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_xalign (GTK_LABEL (hint), 0.0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (GTK_BOX (self->properties), hint);
  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  attach_row (grid, 0, _("_Name"), _("The network's name, saved in the file and shown on the diagram"),
              network_entry (self, self->doc->name, TRUE));
  attach_row (grid, 1, _("_Description"), _("What the network is for, saved in the file"),
              network_entry (self, self->doc->description, FALSE));
  gtk_box_append (GTK_BOX (self->properties), GTK_WIDGET (grid));
  self->updating = FALSE;
}

/* Whether the inspector shows a field of spec: what the kind takes and means
 * something now (a leaky relu's slope), but not the units of an output layer
 * that follows the classes. */
static gboolean
shows_field (const NnLayerSpec *spec, const NnField *field)
{
  if ((field->flags & NN_FIELD_CLASSES) && spec->units_is_classes)
    return FALSE;
  return nn_field_is_relevant (field, &spec->cfg);
}

/* One editor per field of the table the kind takes, each with its "Tune" mark. */
static int
attach_fields (PbBuilder *self, GtkGrid *grid, int row, const NnLayerSpec *spec)
{
  g_autoptr (GPtrArray) fields = nn_layer_kind_fields (spec->kind);

  for (guint i = 0; i < fields->len; i++)
    {
      const NnField *field = g_ptr_array_index (fields, i);
      double value = nn_field_get (field, &spec->cfg);
      g_autofree char *path = g_strdup_printf ("layers[%d].%s", self->selected, field->name);
      GtkWidget *editor, *mark;

      if (!shows_field (spec, field))
        continue;
      editor = pb_field_editor_new (field, value);
      pb_field_editor_connect (editor, field_changed_cb, self);
      mark = pb_tune_mark_new (self->session, field, path, value);
      row = pb_field_editor_attach (grid, row, editor, mark);
      g_hash_table_insert (self->editors, (gpointer) field->name, editor);
      if (mark != NULL)
        g_hash_table_insert (self->marks, (gpointer) field->name, mark);
    }
  return row;
}

static void
build_properties (PbBuilder *self)
{
  NnLayerSpec *spec = selected_spec (self);
  GtkGrid *grid;
  GtkWidget *title, *about, *entry;
  int row = 0;

  g_clear_handle_id (&self->properties_idle, g_source_remove);
  g_hash_table_remove_all (self->editors);
  g_hash_table_remove_all (self->marks);
  clear_box (self->properties);
  if (spec == NULL)
    {
      build_network_properties (self);
      return;
    }
  self->updating = TRUE;
  title = gtk_label_new (pb_layer_kind_title (spec->kind));
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_widget_add_css_class (title, "title-4");
  gtk_box_append (GTK_BOX (self->properties), title);
  about = gtk_label_new (pb_layer_kind_description (spec->kind));
  gtk_label_set_wrap (GTK_LABEL (about), TRUE);
  gtk_label_set_xalign (GTK_LABEL (about), 0.0);
  gtk_widget_add_css_class (about, "dim-label");
  gtk_box_append (GTK_BOX (self->properties), about);

  grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_set_column_spacing (grid, 12);
  gtk_box_append (GTK_BOX (self->properties), GTK_WIDGET (grid));

  attach_row (grid, row++, _("_Type"), _("Change the kind of layer; the settings both kinds have are kept"),
              kind_editor (self, spec->kind));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), spec->label != NULL ? spec->label : "");
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("optional"));
  g_signal_connect (entry, "changed", G_CALLBACK (label_changed_cb), self);
  attach_row (grid, row++, _("_Name"), _("A name for the layer, shown on its card and kept in the file"), entry);

  if (spec->kind == NN_LAYER_DENSE)
    {
      GtkWidget *check = gtk_check_button_new_with_mnemonic (_("One unit per _class (output layer)"));
      const char *tooltip = _("The output layer needs one unit per class of the data; this follows the dataset");

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), spec->units_is_classes);
      gtk_widget_set_tooltip_text (check, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
      g_object_set_data (G_OBJECT (check), "field", (gpointer) "units_is_classes");
      g_signal_connect (check, "toggled", G_CALLBACK (classes_toggled_cb), self);
      gtk_grid_attach (grid, check, 0, row++, 3, 1);
    }
  attach_fields (self, grid, row, spec);
  self->updating = FALSE;
}

GStrv
pb_builder_get_shown_fields (PbBuilder *self)
{
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  NnLayerSpec *spec = selected_spec (self);
  g_autoptr (GPtrArray) fields = spec != NULL ? nn_layer_kind_fields (spec->kind) : g_ptr_array_new ();

  /* in the inspector's order */
  for (guint i = 0; i < fields->len; i++)
    {
      const NnField *field = g_ptr_array_index (fields, i);
      if (g_hash_table_lookup (self->editors, field->name) != NULL)
        g_strv_builder_add (names, field->name);
    }
  return g_strv_builder_end (names);
}

GtkWidget *
pb_builder_get_field_editor (PbBuilder *self, const char *field)
{
  return g_hash_table_lookup (self->editors, field);
}

GtkWidget *
pb_builder_get_tune_mark (PbBuilder *self, const char *field)
{
  return g_hash_table_lookup (self->marks, field);
}

/* ---- the stack of cards ---------------------------------------------------- */

static void
header_func (GtkListBoxRow *row, GtkListBoxRow *before, gpointer user_data)
{
  PbBuilder *self = user_data;
  int i = gtk_list_box_row_get_index (row);
  g_autofree char *text = NULL;
  GtkWidget *label;

  if (i == 0)
    {
      NnShape input = { TRUE, self->max_steps, self->seq_features };
      g_autofree char *shape = nn_shape_to_string (&input);
      text = g_strdup_printf (_("Sequence branch — input: light curve, %s (steps × features)"), shape);
    }
  else if (self->info->concat_index >= 0 && i == self->info->concat_index + 1)
    text = g_strdup (_("Head — after the metadata join"));
  if (text == NULL)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  /* wrapped, so the cards are no wider than their column */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_list_box_row_set_header (row, label);
}

/* The dragged card or palette entry itself, not the payload's text. */
static void
drag_begin_cb (GtkDragSource *source, GdkDrag *drag, GtkWidget *widget)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);

  gtk_drag_source_set_icon (source, paintable, gtk_widget_get_width (widget) / 2,
                            gtk_widget_get_height (widget) / 2);
}

static GdkContentProvider *
card_drag_prepare_cb (GtkDragSource *source, double x, double y, GtkListBoxRow *row)
{
  g_autofree char *text = g_strdup_printf ("move:%d", gtk_list_box_row_get_index (row));

  return gdk_content_provider_new_typed (G_TYPE_STRING, text);
}

gboolean
pb_builder_drop (PbBuilder *self, const char *text, int index)
{
  if (g_str_has_prefix (text, "new:"))
    {
      const NnLayerOps *ops = nn_layer_ops_lookup (text + 4);

      if (ops == NULL)
        return FALSE;
      pb_builder_add_layer (self, ops->kind, index);
      return TRUE;
    }
  if (g_str_has_prefix (text, "move:"))
    {
      char *end = NULL;
      gint64 from = g_ascii_strtoll (text + 5, &end, 10);

      if (end == text + 5 || *end != '\0' || from < 0 || from >= n_layers (self))
        return FALSE;
      pb_builder_move_layer (self, (int) from, index > from ? index - 1 : index);
      return TRUE;
    }
  return FALSE;
}

static gboolean
card_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, GtkListBoxRow *row)
{
  PbBuilder *self = PB_BUILDER (gtk_widget_get_ancestor (GTK_WIDGET (row), PB_TYPE_BUILDER));
  int index = gtk_list_box_row_get_index (row);

  /* the lower half of a card means after it */
  if (y > gtk_widget_get_height (GTK_WIDGET (row)) / 2.0)
    index++;
  return pb_builder_drop (self, g_value_get_string (value), index);
}

static gboolean
list_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, PbBuilder *self)
{
  return pb_builder_drop (self, g_value_get_string (value), n_layers (self));
}

static GtkWidget *
card_row (PbBuilder *self, int index)
{
  const NnLayerSpec *spec = &g_array_index (self->doc->layers, NnLayerSpec, index);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY | GDK_ACTION_MOVE);

  g_autofree char *name = g_strdup_printf (_("Layer %d: %s"), index + 1, pb_layer_kind_title (spec->kind));

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), pb_layer_card_new (spec, index, self->info));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (card_drag_prepare_cb), row);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
  g_signal_connect (target, "drop", G_CALLBACK (card_drop_cb), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
  return row;
}

static void
rebuild_cards (PbBuilder *self)
{
  GtkListBox *list = GTK_LIST_BOX (self->list);
  GtkWidget *child;
  GtkListBoxRow *row;

  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (list, child);
  for (int i = 0; i < n_layers (self); i++)
    gtk_list_box_append (list, card_row (self, i));
  row = self->selected >= 0 ? gtk_list_box_get_row_at_index (list, self->selected) : NULL;
  if (row != NULL)
    gtk_list_box_select_row (list, row);
}

static void
row_selected_cb (GtkListBox *list, GtkListBoxRow *row, PbBuilder *self)
{
  if (self->updating)
    return;
  self->selected = row != NULL ? gtk_list_box_row_get_index (row) : -1;
  build_properties (self);
  update_actions (self);
  pb_network_diagram_set_model (PB_NETWORK_DIAGRAM (self->diagram), self->doc, self->info, self->selected);
}

/* ---- status and totals ----------------------------------------------------- */

static void
update_status (PbBuilder *self)
{
  g_autofree char *why = NULL;
  g_autofree char *count = pb_format_count ((double) self->info->n_params);
  g_autofree char *fixed = g_format_size (self->info->bytes_fixed);
  g_autofree char *per_sample = g_format_size (self->info->bytes_per_sample);
  g_autofree char *summary = NULL;
  g_autofree char *output = NULL;
  gboolean ok = pb_builder_can_train (self, &why);

  g_free (self->status_text);
  if (ok)
    self->status_text = g_strdup_printf (_("Ready to train: %s parameters."), count);
  else
    self->status_text = g_strdup_printf (_("Cannot train yet. %s"), why);
  gtk_label_set_text (GTK_LABEL (self->status_label), self->status_text);
  if (ok)
    {
      gtk_widget_remove_css_class (self->status_label, "error");
      gtk_widget_add_css_class (self->status_label, "success");
    }
  else
    {
      gtk_widget_remove_css_class (self->status_label, "success");
      gtk_widget_add_css_class (self->status_label, "error");
    }

  summary = g_strdup_printf (_("Total: %s parameters · %.3g million multiply-adds per object · memory: %s "
                               "for weights and optimiser + %s per object in a batch"),
                             count, self->info->flops / 1e6, fixed, per_sample);
  gtk_label_set_text (GTK_LABEL (self->summary_label), summary);
  gtk_label_set_text (GTK_LABEL (self->data_label), self->data_text);
  output = g_strdup_printf (ngettext ("Output: probabilities of %d class", "Output: probabilities of %d classes",
                                      self->n_classes), self->n_classes);
  gtk_label_set_text (GTK_LABEL (self->output_label), output);
}

static void
update_actions (PbBuilder *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gboolean has_selection = self->selected >= 0 && self->selected < n_layers (self);

  gtk_widget_action_set_enabled (w, "builder.undo", pb_builder_can_undo (self));
  gtk_widget_action_set_enabled (w, "builder.redo", pb_builder_can_redo (self));
  gtk_widget_action_set_enabled (w, "builder.duplicate", has_selection);
  gtk_widget_action_set_enabled (w, "builder.delete", has_selection);
  gtk_widget_action_set_enabled (w, "builder.move", has_selection);
}

/* Whether the keyboard is on the stack of cards (rebuilding them would drop it). */
static gboolean
cards_have_focus (PbBuilder *self)
{
  GtkRoot *root = gtk_widget_get_root (self->list);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == self->list || gtk_widget_is_ancestor (focus, self->list));
}

static void
refresh (PbBuilder *self, gboolean rebuild_properties)
{
  gboolean had_focus;
  GtkListBoxRow *row;

  analyse (self);
  if (self->list == NULL)
    return;
  had_focus = cards_have_focus (self);
  self->updating = TRUE;
  rebuild_cards (self);
  self->updating = FALSE;
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), MAX (self->selected, 0));
  if (had_focus && row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
  gtk_list_box_invalidate_headers (GTK_LIST_BOX (self->list));
  if (rebuild_properties)
    build_properties (self);
  pb_network_diagram_set_model (PB_NETWORK_DIAGRAM (self->diagram), self->doc, self->info, self->selected);
  update_status (self);
  update_actions (self);
}

/* ---- actions ---------------------------------------------------------------- */

static void
show_error (PbBuilder *self, const char *primary, const char *secondary)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  g_free (self->last_error);
  self->last_error = g_strdup (secondary);
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_ERROR,
                                   GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const NnLayerOps *ops = nn_layer_ops_lookup (g_variant_get_string (parameter, NULL));

  if (ops != NULL)
    pb_builder_add_layer (PB_BUILDER (widget), ops->kind, -1);
}

static void
undo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_builder_undo (PB_BUILDER (widget));
}

static void
redo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_builder_redo (PB_BUILDER (widget));
}

static void
duplicate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_builder_duplicate_layer (PB_BUILDER (widget), PB_BUILDER (widget)->selected);
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_builder_remove_layer (PB_BUILDER (widget), PB_BUILDER (widget)->selected);
}

static void
move_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBuilder *self = PB_BUILDER (widget);

  pb_builder_move_layer (self, self->selected, self->selected + g_variant_get_int32 (parameter));
}

static void
select_none_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBuilder *self = PB_BUILDER (widget);

  gtk_list_box_unselect_all (GTK_LIST_BOX (self->list));
  pb_builder_select (self, -1);
}

static void
apply_fix_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pb_builder_apply_fix (PB_BUILDER (widget), (guint) g_variant_get_int32 (parameter));
}

static void
new_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autoptr(NnModelDoc) doc = nn_model_doc_new ();

  g_free (doc->name);
  doc->name = g_strdup (_("New network"));
  pb_builder_set_spec (PB_BUILDER (widget), doc);
}

static void
preset_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBuilder *self = PB_BUILDER (widget);
  g_autoptr(GError) error = NULL;

  if (self->preset_popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->preset_popover));
  if (!pb_builder_load_preset (self, g_variant_get_string (parameter, NULL), &error))
    show_error (self, _("The preset could not be opened"), error->message);
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, PbBuilder *self)
{
  gboolean saving = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) == GTK_FILE_CHOOSER_ACTION_SAVE;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  if (path == NULL)
    return;
  if (saving && !pb_builder_save_file (self, path, &error))
    show_error (self, _("The network could not be saved"), error->message);
  else if (!saving && !pb_builder_open_file (self, path, &error))
    show_error (self, _("The network could not be opened"), error->message);
}

static void
run_chooser (PbBuilder *self, GtkFileChooserAction action)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean saving = action == GTK_FILE_CHOOSER_ACTION_SAVE;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (saving ? _("Save Network") : _("Open Network"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, action,
                                               saving ? _("_Save") : _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Passband models (*.json)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (saving)
    {
      g_autofree char *stem = g_ascii_strdown (*self->doc->name != '\0' ? self->doc->name : "network", -1);
      g_autofree char *name = NULL;

      g_strcanon (stem, "abcdefghijklmnopqrstuvwxyz0123456789-_", '-');
      name = g_strconcat (stem, ".json", NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  run_chooser (PB_BUILDER (widget), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  run_chooser (PB_BUILDER (widget), GTK_FILE_CHOOSER_ACTION_SAVE);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBuilder *self = PB_BUILDER (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  PbExportDialog *dialog;

  dialog = pb_export_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, PB_PLOTTABLE (self->diagram),
                                 800, 120 + 90 * (n_layers (self) + 2));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_diagram_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PbBuilder *self = PB_BUILDER (widget);
  const char *now = gtk_stack_get_visible_child_name (GTK_STACK (self->view_stack));

  gtk_stack_set_visible_child_name (GTK_STACK (self->view_stack),
                                    g_strcmp0 (now, "diagram") == 0 ? "layers" : "diagram");
}

/* ---- building the widgets ----------------------------------------------------- */

static GdkContentProvider *
palette_drag_prepare_cb (GtkDragSource *source, double x, double y, gpointer kind_name)
{
  g_autofree char *text = g_strconcat ("new:", (const char *) kind_name, NULL);

  return gdk_content_provider_new_typed (G_TYPE_STRING, text);
}

static void
add_palette_item (GtkBox *box, NnLayerKind kind)
{
  const char *name = nn_layer_ops_for_kind (kind)->name;
  GtkWidget *button = gtk_button_new_with_label (pb_layer_kind_title (kind));
  GtkDragSource *source = gtk_drag_source_new ();
  g_autofree char *tooltip = g_strdup_printf (_("%s\nClick to add after the selected layer, or drag into "
                                                "the stack."), pb_layer_kind_description (kind));

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
  gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), 0.0);
  /* long titles take two lines, between words only, so the palette stays narrow */
  gtk_label_set_wrap (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), PANGO_WRAP_WORD);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "builder.add");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (name));
  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (palette_drag_prepare_cb), (gpointer) name);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), button);
  gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (source));
  gtk_box_append (box, button);
}

/* The kinds of the families in mask (bit i: NnLayerFamily i), in the kind table's order. */
static void
add_palette_group (GtkBox *box, const char *title, guint families)
{
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 8);
  gtk_box_append (box, label);
  for (int k = 0; k < NN_LAYER_N_KINDS; k++)
    if (families & (1u << nn_layer_kind_info (k)->family))
      add_palette_item (box, k);
}

#define FAMILY(f) (1u << NN_LAYER_FAMILY_##f)

/* narrow enough that palette, layer stack and inspector fit PB_MIN_WIDTH */
#define PALETTE_WIDTH 104

static GtkWidget *
build_palette (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_widget_set_margin_start (box, 3);
  gtk_widget_set_margin_end (box, 3);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_add_css_class (box, "layer-palette");
  add_palette_group (GTK_BOX (box), _("Recurrent"), FAMILY (RECURRENT));
  add_palette_group (GTK_BOX (box), _("Convolution"), FAMILY (CONVOLUTION));
  add_palette_group (GTK_BOX (box), _("Pooling"), FAMILY (POOLING));
  add_palette_group (GTK_BOX (box), _("Core"), FAMILY (CORE) | FAMILY (JOIN));
  add_palette_group (GTK_BOX (box), _("Regularisation"), FAMILY (REGULARISATION));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  gtk_widget_set_size_request (scrolled, PALETTE_WIDTH, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Layer palette"), -1);
  return scrolled;
}

static GtkWidget *
build_preset_button (PbBuilder *self)
{
  g_auto(GStrv) presets = pb_session_list_presets ();
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *scrolled;

  self->preset_popover = gtk_popover_new ();
  for (int i = 0; presets[i] != NULL; i++)
    {
      g_autoptr(NnModelDoc) doc = pb_session_load_preset_doc (presets[i], NULL);
      GtkWidget *item, *content, *name, *description;

      if (doc == NULL)
        continue;
      item = gtk_button_new ();
      content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      name = gtk_label_new (doc->name);
      description = gtk_label_new (doc->description);
      gtk_widget_add_css_class (item, "flat");
      gtk_label_set_xalign (GTK_LABEL (name), 0.0);
      gtk_widget_add_css_class (name, "heading");
      gtk_label_set_xalign (GTK_LABEL (description), 0.0);
      gtk_label_set_wrap (GTK_LABEL (description), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (description), 60);
      gtk_label_set_lines (GTK_LABEL (description), 3);
      gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (description, "dim-label");
      gtk_box_append (GTK_BOX (content), name);
      gtk_box_append (GTK_BOX (content), description);
      gtk_button_set_child (GTK_BUTTON (item), content);
      gtk_widget_set_tooltip_text (item, doc->description);
      gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, doc->name,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, doc->description, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (item), "builder.preset");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (item), g_variant_new_string (presets[i]));
      gtk_box_append (GTK_BOX (box), item);
    }
  /* the list is taller than a 600 px screen: it scrolls instead of being cut */
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  gtk_popover_set_child (GTK_POPOVER (self->preset_popover), scrolled);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), self->preset_popover);
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), _("_Presets"));
  gtk_menu_button_set_use_underline (GTK_MENU_BUTTON (button), TRUE);
  gtk_widget_set_tooltip_text (button, _("Start from a network described in the literature"));
  return button;
}

static GtkWidget *
tool_button (const char *icon, const char *action, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static GtkWidget *
build_toolbar (PbBuilder *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *move_up, *move_down;

  gtk_widget_add_css_class (bar, "toolbar");
  gtk_box_append (GTK_BOX (bar), build_preset_button (self));
  gtk_box_append (GTK_BOX (bar), tool_button ("document-new-symbolic", "builder.new", _("New empty network")));
  gtk_box_append (GTK_BOX (bar), tool_button ("document-open-symbolic", "builder.open",
                                              _("Open a network file (Ctrl+Shift+M)")));
  gtk_box_append (GTK_BOX (bar), tool_button ("document-save-symbolic", "builder.save",
                                              _("Save the network as JSON for the CLI (Ctrl+S)")));
  gtk_box_append (GTK_BOX (bar), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (bar), tool_button ("edit-undo-symbolic", "builder.undo", _("Undo (Ctrl+Z)")));
  gtk_box_append (GTK_BOX (bar), tool_button ("edit-redo-symbolic", "builder.redo", _("Redo (Ctrl+Shift+Z)")));
  gtk_box_append (GTK_BOX (bar), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (bar), tool_button ("edit-copy-symbolic", "builder.duplicate",
                                              _("Duplicate the selected layer (Ctrl+D)")));
  gtk_box_append (GTK_BOX (bar), tool_button ("edit-delete-symbolic", "builder.delete",
                                              _("Delete the selected layer (Delete)")));
  move_up = tool_button ("go-up-symbolic", "builder.move", _("Move the selected layer up (Alt+Up)"));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (move_up), g_variant_new_int32 (-1));
  gtk_box_append (GTK_BOX (bar), move_up);
  move_down = tool_button ("go-down-symbolic", "builder.move", _("Move the selected layer down (Alt+Down)"));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (move_down), g_variant_new_int32 (1));
  gtk_box_append (GTK_BOX (bar), move_down);
  gtk_box_append (GTK_BOX (bar), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (bar), tool_button ("view-reveal-symbolic", "builder.show-diagram",
                                              _("Switch between the layer cards and the block diagram (Ctrl+G)")));
  gtk_box_append (GTK_BOX (bar), tool_button ("document-send-symbolic", "builder.export-diagram",
                                              _("Export the block diagram to PNG, SVG or PDF (Ctrl+Shift+E)")));
  return bar;
}

static GtkWidget *
wrapped_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
build_center (PbBuilder *self)
{
  GtkWidget *center = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *switcher = gtk_stack_switcher_new ();
  GtkWidget *cards = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *diagram_scrolled = gtk_scrolled_window_new ();
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY | GDK_ACTION_MOVE);

  gtk_widget_set_hexpand (center, TRUE);
  gtk_widget_set_size_request (center, PB_BUILDER_MIN_STACK_WIDTH, -1);
  gtk_widget_set_margin_start (center, 8);
  gtk_widget_set_margin_end (center, 8);
  gtk_widget_set_margin_top (center, 8);
  gtk_widget_set_margin_bottom (center, 8);
  self->data_label = wrapped_label ("dim-label");
  self->status_label = wrapped_label (NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Network status"), -1);
  gtk_box_append (GTK_BOX (center), self->data_label);
  gtk_box_append (GTK_BOX (center), self->status_label);

  self->view_stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->view_stack, TRUE);
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), GTK_STACK (self->view_stack));
  gtk_widget_set_halign (switcher, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (center), pb_scroll_sideways (switcher));

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_SINGLE);
  gtk_list_box_set_header_func (GTK_LIST_BOX (self->list), header_func, self, NULL);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_widget_add_css_class (self->list, "layer-stack");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Layers of the network, first to last"), -1);
  g_signal_connect (self->list, "row-selected", G_CALLBACK (row_selected_cb), self);
  g_signal_connect (target, "drop", G_CALLBACK (list_drop_cb), self);
  gtk_widget_add_controller (cards, GTK_EVENT_CONTROLLER (target));
  gtk_box_append (GTK_BOX (cards), self->list);
  self->output_label = wrapped_label ("dim-label");
  gtk_widget_set_margin_start (self->output_label, 8);
  gtk_widget_set_margin_top (self->output_label, 6);
  gtk_box_append (GTK_BOX (cards), self->output_label);
  /* long input descriptions scroll rather than widen the window */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), cards);
  gtk_stack_add_titled (GTK_STACK (self->view_stack), scrolled, "layers", _("Layers"));

  self->diagram = pb_network_diagram_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (diagram_scrolled), self->diagram);
  gtk_stack_add_titled (GTK_STACK (self->view_stack), diagram_scrolled, "diagram", _("Diagram"));
  gtk_box_append (GTK_BOX (center), self->view_stack);

  self->summary_label = wrapped_label (NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Totals"), -1);
  gtk_box_append (GTK_BOX (center), self->summary_label);
  return center;
}

static GtkWidget *
build_properties_pane (PbBuilder *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->properties = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (self->properties, 12);
  gtk_widget_set_margin_end (self->properties, 12);
  gtk_widget_set_margin_top (self->properties, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->properties), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Settings of the selected layer"), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->properties);
  gtk_widget_set_size_request (scrolled, 250, -1);
  return scrolled;
}

/* ---- lifetime ---------------------------------------------------------------- */

static void
session_dataset_changed_cb (PbBuilder *self)
{
  pb_builder_set_dataset (self, pb_session_get_dataset (self->session));
}

/* A preset picked elsewhere, or a tuned spec promoted: one undo step here. */
static void
session_spec_changed_cb (PbBuilder *self)
{
  if (!self->pushing)
    pb_builder_set_spec (self, pb_session_get_spec (self->session));
}

GtkWidget *
pb_builder_new_for_session (PbSession *session)
{
  PbBuilder *self = PB_BUILDER (pb_builder_new ());

  g_return_val_if_fail (PB_IS_SESSION (session), GTK_WIDGET (self));
  self->session = g_object_ref (session);
  nn_model_doc_free (self->doc);
  self->doc = nn_model_doc_copy (pb_session_get_spec (session));
  self->selected = n_layers (self) > 0 ? 0 : -1;
  g_signal_connect_object (session, "dataset-changed", G_CALLBACK (session_dataset_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "spec-changed", G_CALLBACK (session_spec_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* sets the shapes and hands the analysed spec to the session */
  pb_builder_set_dataset (self, pb_session_get_dataset (session));
  return GTK_WIDGET (self);
}

static void
pb_builder_dispose (GObject *object)
{
  PbBuilder *self = PB_BUILDER (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_handle_id (&self->properties_idle, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (pb_builder_parent_class)->dispose (object);
}

static void
pb_builder_finalize (GObject *object)
{
  PbBuilder *self = PB_BUILDER (object);

  nn_model_doc_free (self->doc);
  nn_model_info_free (self->info);
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  g_hash_table_unref (self->editors);
  g_hash_table_unref (self->marks);
  g_clear_pointer (&self->dataset, lc_dataset_unref);
  g_free (self->coalesce_key);
  g_free (self->data_text);
  g_free (self->status_text);
  g_free (self->last_error);
  G_OBJECT_CLASS (pb_builder_parent_class)->finalize (object);
}

static void
pb_builder_class_init (PbBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pb_builder_dispose;
  object_class->finalize = pb_builder_finalize;

  /* the spec or its analysis changed (an edit, undo, redo, open, or new data) */
  signals[SPEC_CHANGED] = g_signal_new ("spec-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "builder.add", "s", add_action);
  gtk_widget_class_install_action (widget_class, "builder.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "builder.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "builder.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "builder.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "builder.move", "i", move_action);
  gtk_widget_class_install_action (widget_class, "builder.apply-fix", "i", apply_fix_action);
  gtk_widget_class_install_action (widget_class, "builder.select-none", NULL, select_none_action);
  gtk_widget_class_install_action (widget_class, "builder.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "builder.preset", "s", preset_action);
  gtk_widget_class_install_action (widget_class, "builder.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "builder.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "builder.export-diagram", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "builder.show-diagram", NULL, show_diagram_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "builder.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "builder.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "builder.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "builder.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "builder.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "builder.move", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "builder.move", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "builder.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "builder.select-none", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "builder.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "builder.show-diagram", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "builder.export-diagram", NULL);
  gtk_widget_class_set_css_name (widget_class, "builder");
}

static void
pb_builder_init (PbBuilder *self)
{
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autoptr(GError) error = NULL;

  self->editors = g_hash_table_new (g_str_hash, g_str_equal);
  self->marks = g_hash_table_new (g_str_hash, g_str_equal);
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_model_doc_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_model_doc_free);
  self->selected = -1;
  /* a student's first network: the small GRU preset */
  self->doc = pb_session_load_preset_doc ("small-gru.json", &error);
  if (self->doc == NULL)
    {
      g_warning ("The default preset is missing: %s", error->message);
      self->doc = nn_model_doc_new ();
    }

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_append (GTK_BOX (self), pb_scroll_sideways (build_toolbar (self)));
  gtk_box_append (GTK_BOX (body), build_palette ());
  gtk_box_append (GTK_BOX (body), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  /* in a small window the layer stack gives way, never the inspector */
  {
    GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);

    gtk_paned_set_start_child (GTK_PANED (paned), build_center (self));
    gtk_paned_set_end_child (GTK_PANED (paned), build_properties_pane (self));
    gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
    gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
    gtk_paned_set_resize_end_child (GTK_PANED (paned), FALSE);
    gtk_widget_set_hexpand (paned, TRUE);
    gtk_box_append (GTK_BOX (body), paned);
  }
  gtk_widget_set_vexpand (body, TRUE);
  gtk_box_append (GTK_BOX (self), body);
  set_default_shape (self);
}

GtkWidget *
pb_builder_new (void)
{
  return g_object_new (PB_TYPE_BUILDER, NULL);
}
