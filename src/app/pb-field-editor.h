/* pb-field-editor.h: form widgets made from one row of the core's field table
 * (nn-fields.h), and the "Tune this" mark that puts a field into the
 * session's search space.
 *
 * An editor is a spin button (numbers, with the field's range, step and
 * digits), a drop-down (choices, with their titles) or a check button
 * (flags, titled by the field).  The Model section's inspector and the Train
 * settings are built from them, so both show what the table says.
 *
 * A PbTuneMark belongs to one field at one path of the search space
 * ("layers[0].units", "training.learning_rate"): its toggle ("Tune") adds the
 * field to the session's space with a range around the current value, or
 * removes it; while marked, the mark shows the range (from, to, log scale,
 * whole numbers) or the choices to try, and edits write the session's space.
 * It follows the session's "space-changed", so a space loaded from a file
 * shows as marks.
 */
#pragma once

#include <gtk/gtk.h>

#include "nn-fields.h"
#include "pb-session.h"

G_BEGIN_DECLS

/* ---- editors ---- */

GtkWidget     *pb_field_editor_new       (const NnField *field, double value);
const NnField *pb_field_editor_get_field (GtkWidget *editor);
double         pb_field_editor_get_value (GtkWidget *editor);
void           pb_field_editor_set_value (GtkWidget *editor, double value);
typedef void (*PbFieldEditorChanged) (GtkWidget *editor, gpointer data);
/* Calls changed (editor, data) when the value changes. */
void           pb_field_editor_connect   (GtkWidget *editor, PbFieldEditorChanged changed, gpointer data);
/* Puts editor on row of a three-column grid: the field's title (a mnemonic
 * label; flags are their own title) and the editor; a mark's toggle in the
 * third column and the mark on the row below.  mark may be NULL.  Returns
 * the next free row. */
int            pb_field_editor_attach    (GtkGrid *grid, int row, GtkWidget *editor, GtkWidget *mark);

/* ---- "Tune this" ---- */

#define PB_TYPE_TUNE_MARK (pb_tune_mark_get_type ())
G_DECLARE_FINAL_TYPE (PbTuneMark, pb_tune_mark, PB, TUNE_MARK, GtkBox)

/* A mark of field at path, for a field now at value.  NULL for flags and for
 * fields never tuned (the seed, the threads), and without a session. */
GtkWidget     *pb_tune_mark_new        (PbSession *session, const NnField *field, const char *path,
                                        double value);
GtkWidget     *pb_tune_mark_get_toggle (PbTuneMark *self);
const char    *pb_tune_mark_get_path   (PbTuneMark *self);
/* The field's value now: marking later centres the range on it. */
void           pb_tune_mark_set_value  (PbTuneMark *self, double value);
/* What marking does: the parameter added for field at value (choices and
 * flags: every value; numbers: a quarter to four times the value, or ten
 * times around it on a log scale, inside the field's range). */
LcTuneParam   *pb_tune_mark_add_param  (LcSearchSpace *space, const NnField *field, const char *path,
                                        double value);

/* The session's parameter at path, or NULL. */
const LcTuneParam *pb_tune_marks_find  (PbSession *session, const char *path);
/* Marks (field at value, TRUE) or unmarks path. */
void           pb_tune_marks_set       (PbSession *session, const NnField *field, const char *path,
                                        double value, gboolean marked);
/* After layers moved: the marks of layer i go to new_index[i] (-1: dropped). */
void           pb_tune_marks_move_layers (PbSession *session, const int *new_index, int n_old);
/* Drops marks of layers doc no longer has and of fields their kind does not take. */
void           pb_tune_marks_prune     (PbSession *session, const NnModelDoc *doc);

G_END_DECLS
