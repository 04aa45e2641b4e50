/* pb-layer-card.c: one layer of the builder's stack (see pb-layer-card.h) */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pb-layer-card.h"

#include "nn-fields.h"

struct _PbLayerCard
{
  GtkBox parent_instance;

  int index;
  char *shape_text;
  char *params_text;
  char *problem_text;
};

G_DEFINE_FINAL_TYPE (PbLayerCard, pb_layer_card, GTK_TYPE_BOX)

const char *
pb_layer_kind_title (NnLayerKind kind)
{
  return nn_layer_kind_title (kind);
}

const char *
pb_layer_kind_description (NnLayerKind kind)
{
  return nn_layer_kind_description (kind);
}

char *
pb_format_count (double value)
{
  return g_strdup_printf ("%'.0f", value);
}

char *
pb_layer_problem_text (NnLayerKind kind, const char *message)
{
  const NnLayerOps *ops = nn_layer_ops_for_kind (kind);
  gsize n = ops != NULL ? strlen (ops->name) : 0;
  char *text;

  if (n > 0 && strncmp (message, ops->name, n) == 0 && strncmp (message + n, ": ", 2) == 0)
    message += n + 2;
  text = g_strdup (message);
  if (g_ascii_islower (text[0]))
    text[0] = g_ascii_toupper (text[0]);
  return text;
}

static const char *
title_at (const NnModelInfo *info, int index)
{
  return index >= 0 && index < info->n_layers ? pb_layer_kind_title (info->layers[index].kind) : "?";
}

char *
pb_layer_fix_text (const NnModelFix *fix, const NnModelInfo *info)
{
  int i = fix->layer_index;

  switch (fix->kind)
    {
    case NN_FIX_SET_RETURN_SEQUENCES:
      return fix->value ? g_strdup_printf (_("Turn on return sequences in layer %d (%s)"), i + 1, title_at (info, i))
                        : g_strdup_printf (_("Turn off return sequences in layer %d (%s)"), i + 1, title_at (info, i));
    case NN_FIX_SET_KERNEL_SIZE:
      return g_strdup_printf (ngettext ("Use a kernel of %d step", "Use a kernel of %d steps", fix->value), fix->value);
    case NN_FIX_SET_POOL_SIZE:
      return g_strdup_printf (ngettext ("Use a pool of %d step", "Use a pool of %d steps", fix->value), fix->value);
    case NN_FIX_SET_STRIDE:
      return g_strdup_printf (_("Set the stride to %d"), fix->value);
    case NN_FIX_SET_UNITS_TO_CLASSES:
      return g_strdup_printf (_("Give it one unit per class (%d)"), fix->value);
    case NN_FIX_REMOVE_LAYER:
      return g_strdup_printf (_("Remove layer %d (%s)"), i + 1, title_at (info, i));
    case NN_FIX_INSERT_LAYER:
      if (fix->insert_kind == NN_LAYER_DENSE && i == info->n_layers)
        return g_strdup_printf (_("Add a dense output layer of %d classes"), info->n_classes);
      if (i == info->n_layers)
        return g_strdup_printf (_("Add %s at the end"), pb_layer_kind_title (fix->insert_kind));
      if (i == 0 && info->n_layers == 0)
        return g_strdup_printf (_("Start with a %s layer"), pb_layer_kind_title (fix->insert_kind));
      return g_strdup_printf (_("Insert %s before layer %d"), pb_layer_kind_title (fix->insert_kind), i + 1);
    case NN_FIX_NONE:
    default:
      return g_strdup (fix->description != NULL ? fix->description : "");
    }
}

/* The fields the table shows on cards ("64 units", "return sequences"), in file order. */
char *
pb_layer_summary (const NnLayerSpec *spec)
{
  g_autoptr (GPtrArray) fields = nn_layer_kind_fields (spec->kind);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < fields->len; i++)
    {
      const NnField *field = g_ptr_array_index (fields, i);
      g_autofree char *part = NULL;

      if ((field->flags & NN_FIELD_CLASSES) && spec->units_is_classes)
        part = g_strdup (_("one unit per class"));
      else
        part = nn_field_summary (field, &spec->cfg);
      if (part != NULL)
        g_string_append_printf (s, "%s%s", s->len > 0 ? ", " : "", part);
    }
  return g_string_free (s, FALSE);
}

static GtkWidget *
add_label (GtkBox *box, const char *text, const char *css_class, gboolean expand)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, expand);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  return label;
}

static void
add_problem_row (PbLayerCard *self, const NnModelInfo *info, guint problem, GString *problems)
{
  const NnModelProblem *p = &g_array_index (info->problems, NnModelProblem, problem);
  const NnModelFix *fix = &info->fixes[problem];
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  NnLayerKind kind = p->layer_index >= 0 && p->layer_index < info->n_layers
                     ? info->layers[p->layer_index].kind : NN_LAYER_N_KINDS;
  g_autofree char *text = pb_layer_problem_text (kind, p->message);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (icon, "error");
  gtk_box_append (GTK_BOX (row), icon);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "error");
  gtk_box_append (GTK_BOX (row), label);
  if (fix->kind != NN_FIX_NONE)
    {
      g_autofree char *fix_text = pb_layer_fix_text (fix, info);
      GtkWidget *button = gtk_button_new_with_label (fix_text);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Apply this fix (it can be undone)"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "builder.apply-fix");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int32 ((int) problem));
      gtk_box_append (GTK_BOX (row), button);
    }
  gtk_box_append (GTK_BOX (self), row);
  g_string_append_printf (problems, "%s%s", problems->len > 0 ? " " : "", text);
}

GtkWidget *
pb_layer_card_new (const NnLayerSpec *spec, int index, const NnModelInfo *info)
{
  PbLayerCard *self = g_object_new (PB_TYPE_LAYER_CARD, "orientation", GTK_ORIENTATION_VERTICAL,
                                    "spacing", 4, NULL);
  const NnLayerInfo *li = index < info->n_layers ? &info->layers[index] : NULL;
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  g_autofree char *number = g_strdup_printf ("%d", index + 1);
  g_autofree char *summary = spec->kind == NN_LAYER_CONCAT_METADATA
                              ? g_strdup_printf (ngettext ("+ %d metadata feature", "+ %d metadata features",
                                                           info->meta_features), info->meta_features)
                              : pb_layer_summary (spec);
  g_autofree char *count = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GArray) problems = nn_model_info_layer_problems (info, index);
  g_autoptr(GString) problem_text = g_string_new (NULL);
  GtkWidget *label;

  self->index = index;
  gtk_widget_add_css_class (GTK_WIDGET (self), "layer-card");
  if (spec->kind == NN_LAYER_CONCAT_METADATA)
    gtk_widget_add_css_class (GTK_WIDGET (self), "join");

  add_label (GTK_BOX (top), number, "dim-label", FALSE);
  label = add_label (GTK_BOX (top), pb_layer_kind_title (spec->kind), "heading", FALSE);
  gtk_widget_set_tooltip_text (label, pb_layer_kind_description (spec->kind));
  add_label (GTK_BOX (top), spec->label != NULL ? spec->label : "", "dim-label", TRUE);
  self->shape_text = li != NULL && li->ok ? nn_shape_to_string (&li->out) : g_strdup ("—");
  label = add_label (GTK_BOX (top), self->shape_text, "numeric", FALSE);
  gtk_widget_set_tooltip_text (label, _("Output shape per object: steps × features, or features"));
  gtk_box_append (GTK_BOX (self), top);

  add_label (GTK_BOX (bottom), summary, "dim-label", TRUE);
  count = pb_format_count (li != NULL ? (double) li->n_params : 0.0);
  self->params_text = g_strdup_printf (_("%s parameters"), count);
  add_label (GTK_BOX (bottom), self->params_text, "dim-label", FALSE);
  gtk_box_append (GTK_BOX (self), bottom);

  for (guint p = 0; p < problems->len; p++)
    add_problem_row (self, info, g_array_index (problems, guint, p), problem_text);
  if (problems->len > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "invalid");
  self->problem_text = g_strdup (problem_text->str);

  description = g_strdup_printf (_("Layer %d: %s, %s; output %s; %s. %s"), index + 1,
                                 pb_layer_kind_title (spec->kind), summary, self->shape_text,
                                 self->params_text, self->problem_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
  return GTK_WIDGET (self);
}

int
pb_layer_card_get_index (PbLayerCard *self)
{
  return self->index;
}

const char *
pb_layer_card_get_shape_text (PbLayerCard *self)
{
  return self->shape_text;
}

const char *
pb_layer_card_get_params_text (PbLayerCard *self)
{
  return self->params_text;
}

const char *
pb_layer_card_get_problem_text (PbLayerCard *self)
{
  return self->problem_text;
}

static void
pb_layer_card_finalize (GObject *object)
{
  PbLayerCard *self = PB_LAYER_CARD (object);

  g_free (self->shape_text);
  g_free (self->params_text);
  g_free (self->problem_text);
  G_OBJECT_CLASS (pb_layer_card_parent_class)->finalize (object);
}

static void
pb_layer_card_class_init (PbLayerCardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pb_layer_card_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "layercard");
}

static void
pb_layer_card_init (PbLayerCard *self)
{
  gtk_widget_set_margin_start (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 8);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);
}
