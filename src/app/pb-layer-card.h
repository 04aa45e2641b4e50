/* pb-layer-card.h: one layer of the builder's stack: its kind, settings,
 * output shape for the current data, parameter count and problems, with a
 * button for the one-click fix of each problem that has one.  Also the
 * user-visible names of layer kinds, shared with the diagram. */
#pragma once

#include <gtk/gtk.h>

#include "nn-model-file.h"
#include "nn-model-info.h"

G_BEGIN_DECLS

/* "LSTM", "Dense", "Concatenate metadata", ... (translated). */
const char *pb_layer_kind_title       (NnLayerKind kind);
/* One line of what the kind does, for tooltips (translated). */
const char *pb_layer_kind_description (NnLayerKind kind);
/* The settings that matter, e.g. "64 units, tanh, return sequences" (newly allocated). */
char       *pb_layer_summary          (const NnLayerSpec *spec);
/* A problem message as a card shows it: without the "lstm: " some layers put
 * first (the card already says which layer), starting with a capital. */
char       *pb_layer_problem_text     (NnLayerKind kind, const char *message);
/* The button text of a one-click fix, in the user's language (newly allocated). */
char       *pb_layer_fix_text         (const NnModelFix *fix, const NnModelInfo *info);
/* "12,352" with the locale's digit grouping (newly allocated). */
char       *pb_format_count           (double value);

#define PB_TYPE_LAYER_CARD (pb_layer_card_get_type ())
G_DECLARE_FINAL_TYPE (PbLayerCard, pb_layer_card, PB, LAYER_CARD, GtkBox)

/* index: the layer's place in the stack; info: the analysis it belongs to
 * (only read during the call). */
GtkWidget  *pb_layer_card_new         (const NnLayerSpec *spec, int index, const NnModelInfo *info);
int         pb_layer_card_get_index   (PbLayerCard *self);
/* The text shown as the output shape ("36 × 64"), and the problem text ("" when none). */
const char *pb_layer_card_get_shape_text   (PbLayerCard *self);
const char *pb_layer_card_get_params_text  (PbLayerCard *self);
const char *pb_layer_card_get_problem_text (PbLayerCard *self);

G_END_DECLS
