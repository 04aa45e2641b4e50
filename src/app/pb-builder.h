/* pb-builder.h: the Model section: a visual network builder.
 *
 * A palette of layers, the network as a stack of layer cards (sequence
 * branch, metadata join, head) with each layer's output shape and parameter
 * count for the current dataset, a property editor for the selected layer,
 * validation at the layer it concerns with one-click fixes, undo/redo,
 * presets, open/save of model specs (the same JSON the CLI trains) and a
 * block diagram exportable to PNG/SVG/PDF.
 *
 * Everything about shapes, counts and validity comes from nn-model-info.h.
 * Every edit below is one undo step and emits "spec-changed".
 */
#pragma once

#include <gtk/gtk.h>

#include "lc-dataset.h"
#include "nn-model-file.h"
#include "nn-model-info.h"
#include "pb-session.h"

G_BEGIN_DECLS

/* The layer stack (its tabs, cards and summary) is never narrower than this,
 * so its tab row and a card's kind stay readable in a small window. */
#define PB_BUILDER_MIN_STACK_WIDTH 260

#define PB_TYPE_BUILDER (pb_builder_get_type ())
G_DECLARE_FINAL_TYPE (PbBuilder, pb_builder, PB, BUILDER, GtkBox)

GtkWidget         *pb_builder_new              (void);
/* A builder that edits session's spec for session's dataset. */
GtkWidget         *pb_builder_new_for_session  (PbSession *session);

/* The data the shapes are shown for: an encoder with the spec's preprocessing
 * (defaults for presets) is fitted on ds; NULL falls back to a 36 × 6
 * sequence with 14 classes and no metadata. */
void               pb_builder_set_dataset      (PbBuilder *self, LcDataset *ds);
/* The same with the shape given directly (tests, or a dataset already encoded). */
void               pb_builder_set_data_shape   (PbBuilder *self, int seq_features, int meta_features,
                                                int n_classes, int max_steps);

/* The spec being edited and its analysis (valid until the next edit). */
const NnModelDoc  *pb_builder_get_spec         (PbBuilder *self);
const NnModelInfo *pb_builder_get_info         (PbBuilder *self);
/* Whether the spec can be trained on the current data; why (may be NULL)
 * gets the reason in plain words when it cannot. */
gboolean           pb_builder_can_train        (PbBuilder *self, char **why);
/* The text of the status line above the layers ("Ready to train…" or why not). */
const char        *pb_builder_get_status_text  (PbBuilder *self);

/* Edits.  index -1 in add means after the selected layer (or at the end). */
void               pb_builder_add_layer        (PbBuilder *self, NnLayerKind kind, int index);
void               pb_builder_move_layer       (PbBuilder *self, int from, int to);
void               pb_builder_duplicate_layer  (PbBuilder *self, int index);
void               pb_builder_remove_layer     (PbBuilder *self, int index);
/* Replaces layer index's settings (kind, config, units_is_classes, label). */
void               pb_builder_set_layer        (PbBuilder *self, int index, const NnLayerSpec *spec);
/* Changes layer index to kind: the new kind's defaults, with the settings
 * both kinds take (nn_model_file_layer_takes) kept. */
void               pb_builder_set_layer_kind   (PbBuilder *self, int index, NnLayerKind kind);
/* Applies the one-click fix of problem (an index into the info's problems). */
gboolean           pb_builder_apply_fix        (PbBuilder *self, guint problem);
/* Replaces the whole spec with a copy of doc (one undo step). */
void               pb_builder_set_spec         (PbBuilder *self, const NnModelDoc *doc);

/* What a drop into the stack does: payload "new:<kind>" (from the palette,
 * e.g. "new:lstm") inserts that layer at index; "move:<from>" (a card) moves
 * layer from so that it lands before the layer now at index.  FALSE when the
 * payload means nothing. */
gboolean           pb_builder_drop             (PbBuilder *self, const char *payload, int index);

gboolean           pb_builder_undo             (PbBuilder *self);
gboolean           pb_builder_redo             (PbBuilder *self);
gboolean           pb_builder_can_undo         (PbBuilder *self);
gboolean           pb_builder_can_redo         (PbBuilder *self);

void               pb_builder_select           (PbBuilder *self, int index);
int                pb_builder_get_selected     (PbBuilder *self);

gboolean           pb_builder_load_preset      (PbBuilder *self, const char *file_name, GError **error);

/* Opens a spec or trained model as a spec (weights, history and classes are
 * dropped), or saves the spec atomically. */
gboolean           pb_builder_open_file        (PbBuilder *self, const char *path, GError **error);
gboolean           pb_builder_save_file        (PbBuilder *self, const char *path, GError **error);

/* The block diagram widget (a PbPlottable, for exports and tests). */
GtkWidget         *pb_builder_get_diagram      (PbBuilder *self);
/* The card of layer index in the stack, or NULL. */
GtkWidget         *pb_builder_get_card         (PbBuilder *self, int index);
/* The fields (model-file names) the inspector shows for the selected layer, in its order. */
GStrv              pb_builder_get_shown_fields (PbBuilder *self);
/* The inspector's editor of a field of the selected layer, and its "Tune" mark (PbTuneMark;
 * NULL without a session), or NULL when not shown. */
GtkWidget         *pb_builder_get_field_editor (PbBuilder *self, const char *field);
GtkWidget         *pb_builder_get_tune_mark    (PbBuilder *self, const char *field);

G_END_DECLS
