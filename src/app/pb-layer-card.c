/* pb-layer-card.c: one layer of the builder's stack (see pb-layer-card.h) */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pb-layer-card.h"

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
  switch (kind)
    {
    case NN_LAYER_DENSE: return _("Dense");
    case NN_LAYER_ACTIVATION: return _("Activation");
    case NN_LAYER_SIMPLE_RNN: return _("SimpleRNN");
    case NN_LAYER_LSTM: return _("LSTM");
    case NN_LAYER_GRU: return _("GRU");
    case NN_LAYER_CONV1D: return _("Conv1D");
    case NN_LAYER_MAX_POOL1D: return _("Max pooling");
    case NN_LAYER_AVG_POOL1D: return _("Average pooling");
    case NN_LAYER_GLOBAL_MAX_POOL: return _("Global max pooling");
    case NN_LAYER_GLOBAL_AVG_POOL: return _("Global average pooling");
    case NN_LAYER_FLATTEN: return _("Flatten");
    case NN_LAYER_DROPOUT: return _("Dropout");
    case NN_LAYER_BATCH_NORM: return _("Batch normalization");
    case NN_LAYER_CONCAT_METADATA: return _("Concatenate metadata");
    case NN_LAYER_N_KINDS:
    default: return "?";
    }
}

const char *
pb_layer_kind_description (NnLayerKind kind)
{
  switch (kind)
    {
    case NN_LAYER_DENSE:
      return _("Every output is a weighted sum of every input: the classifier head.");
    case NN_LAYER_ACTIVATION:
      return _("Applies a function (relu, tanh, softmax…) to every value.");
    case NN_LAYER_SIMPLE_RNN:
      return _("The simplest recurrent layer: reads the light curve step by step; forgets quickly.");
    case NN_LAYER_LSTM:
      return _("Long short-term memory: a recurrent layer with gates that keep information over "
               "many steps.");
    case NN_LAYER_GRU:
      return _("Gated recurrent unit: like an LSTM with fewer parameters; often learns faster.");
    case NN_LAYER_CONV1D:
      return _("Slides filters along time to find short patterns such as rises and dips.");
    case NN_LAYER_MAX_POOL1D:
      return _("Keeps the largest value of each window of steps: a shorter sequence.");
    case NN_LAYER_AVG_POOL1D:
      return _("Averages each window of steps: a shorter, smoother sequence.");
    case NN_LAYER_GLOBAL_MAX_POOL:
      return _("The largest value of each feature over the whole sequence: one vector.");
    case NN_LAYER_GLOBAL_AVG_POOL:
      return _("The mean of each feature over the real steps of the sequence: one vector.");
    case NN_LAYER_FLATTEN:
      return _("Lays the whole sequence out as one long vector; ties the model to the sequence "
               "length.");
    case NN_LAYER_DROPOUT:
      return _("Sets a random fraction of values to zero while training, against overfitting.");
    case NN_LAYER_BATCH_NORM:
      return _("Rescales each feature to zero mean and unit variance over the batch; steadies "
               "training.");
    case NN_LAYER_CONCAT_METADATA:
      return _("Joins the per-object metadata (redshift, extinction, aggregate features) to the "
               "sequence summary: the head sees both.");
    case NN_LAYER_N_KINDS:
    default:
      return "";
    }
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

static gboolean
kind_is_recurrent (NnLayerKind kind)
{
  return kind == NN_LAYER_SIMPLE_RNN || kind == NN_LAYER_LSTM || kind == NN_LAYER_GRU;
}

char *
pb_layer_summary (const NnLayerSpec *spec)
{
  const NnLayerConfig *cfg = &spec->cfg;
  GString *s = g_string_new (NULL);
  NnLayerKind kind = spec->kind;

  if (nn_model_file_layer_takes (kind, "units"))
    {
      if (spec->units_is_classes)
        g_string_append (s, _("one unit per class"));
      else if (kind == NN_LAYER_CONV1D)
        g_string_append_printf (s, ngettext ("%d filter", "%d filters", cfg->units), cfg->units);
      else
        g_string_append_printf (s, ngettext ("%d unit", "%d units", cfg->units), cfg->units);
    }
  if (kind == NN_LAYER_CONV1D)
    g_string_append_printf (s, _(", kernel %d"), cfg->kernel_size);
  if (kind == NN_LAYER_MAX_POOL1D || kind == NN_LAYER_AVG_POOL1D)
    g_string_append_printf (s, _("pool %d"), cfg->pool_size);
  if (nn_model_file_layer_takes (kind, "activation") && !kind_is_recurrent (kind))
    g_string_append_printf (s, "%s%s", s->len > 0 ? ", " : "", nn_activation_to_string (cfg->activation));
  if (kind_is_recurrent (kind) && cfg->return_sequences)
    g_string_append (s, _(", return sequences"));
  if (kind_is_recurrent (kind) && cfg->bidirectional)
    g_string_append (s, _(", bidirectional"));
  if (kind == NN_LAYER_DROPOUT)
    g_string_append_printf (s, _("rate %.2g"), cfg->rate);
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
