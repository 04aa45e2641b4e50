/* nn-fields.h: the one table of layer kinds, layer fields and training fields.
 *
 * Every setting a model document may hold in a layer ("units", "kernel_size",
 * ...) or in its "training" section ("learning_rate", "optimizer", ...) has one
 * row here: its JSON name, its type (whole number, number, true/false or a
 * choice of names), its range, its default, a title and help text for forms
 * (translatable), and where it is stored (an offset into NnLayerConfig or
 * NnTrainingSpec).  Every layer kind has one row too: its title, description,
 * family and the fields it takes.  The model-file reader and writer, the
 * model-info checks, the builder's inspector, the layer cards, the diagram,
 * the Train settings form and the search-space editor all read these rows, so
 * a range is written down once.
 *
 * A field name may have more than one row when kinds read it differently: a
 * convolution's "units" are its filters, and a pooling layer's "stride" may be
 * 0 (the pool size) where a convolution's starts at 1.  Look a layer field up
 * with its kind (nn_layer_field_lookup).
 */
#pragma once

#include <glib.h>

#include "nn-layer.h"

G_BEGIN_DECLS

typedef enum
{
  NN_FIELD_INT = 0,   /* a whole number (stored as int) */
  NN_FIELD_SEED,      /* a whole number up to 2^53 (stored as guint64) */
  NN_FIELD_FLOAT,     /* a finite number (stored as float) */
  NN_FIELD_BOOL,      /* true or false (stored as gboolean) */
  NN_FIELD_CHOICE,    /* one of `choices`, stored as its index (an enum) */
} NnFieldType;

typedef enum
{
  NN_FIELD_LAYER = 0, /* offset into NnLayerConfig */
  NN_FIELD_TRAINING,  /* offset into NnTrainingSpec (nn-model-file.h) */
} NnFieldSection;

typedef enum
{
  NN_FIELD_MIN_OPEN = 1 << 0,      /* min itself is outside the range */
  NN_FIELD_MAX_OPEN = 1 << 1,      /* max itself is outside the range */
  NN_FIELD_CLASSES = 1 << 2,       /* "units": "classes" is accepted too (NnLayerSpec.units_is_classes) */
  NN_FIELD_LOG = 1 << 3,           /* spans decades: searched on a log scale by default */
  NN_FIELD_SKIP_ZERO = 1 << 4,     /* written only when not 0 (0 means off) */
  NN_FIELD_NOT_TUNED = 1 << 5,     /* never part of a search space (seed, threads, val_fraction) */
} NnFieldFlags;

typedef struct
{
  const char *name;                 /* JSON name */
  NnFieldSection section;
  size_t offset;                    /* of the value in NnLayerConfig or NnTrainingSpec */
  NnFieldType type;
  guint flags;                      /* NnFieldFlags */
  double min, max;                  /* the range (choices: 0 .. n - 1; bools: 0 .. 1) */
  double def;                       /* default (training fields: what nn_training_spec_default gives) */
  double step;                      /* how much one step of a form's spin button changes it */
  int digits;                       /* decimals a form shows */
  const char *const *choices;       /* CHOICE: JSON spellings, NULL-terminated; the index is the value */
  const char *const *choice_titles; /* CHOICE: N_() words for forms, or NULL for the spellings */
  const char *title;                /* N_(), with a mnemonic: "_Units" */
  const char *help;                 /* N_() */
  /* Layer cards: N_() "%d unit" / "%d units" for numbers, the words shown when
   * TRUE for flags ("return sequences"), or "%s" for a choice; NULL: not shown. */
  const char *summary;
  const char *summary_plural;
  /* Only meaningful when the field named `when` holds one of the values in
   * when_values (bit i: value i), e.g. "negative_slope" with a leaky relu.
   * NULL: always. */
  const char *when;
  guint when_values;
} NnField;

/* Families of layer kinds: how the builder groups and tints them. */
typedef enum
{
  NN_LAYER_FAMILY_CORE = 0,       /* dense, activation, flatten */
  NN_LAYER_FAMILY_RECURRENT,
  NN_LAYER_FAMILY_CONVOLUTION,
  NN_LAYER_FAMILY_POOLING,
  NN_LAYER_FAMILY_REGULARISATION, /* dropout, batch norm */
  NN_LAYER_FAMILY_JOIN,           /* concat_metadata */
} NnLayerFamily;

typedef struct
{
  NnLayerKind kind;
  const char *title;              /* N_() "LSTM" */
  const char *description;        /* N_() one sentence */
  NnLayerFamily family;
  gboolean keeps_shape;           /* gives what it is given (dropout, batch norm, activation) */
  guint64 fields;                 /* the layer-field rows it takes (bit i: nn_layer_fields ()[i]) */
} NnLayerKindInfo;

/* ---- the tables ---- */

/* All layer-field rows, in the order a model file writes them. */
const NnField *nn_layer_fields    (guint *n_fields);
/* All training-field rows, in the order a model file writes them. */
const NnField *nn_training_fields (guint *n_fields);
/* The row of a kind (NULL for an unknown kind). */
const NnLayerKindInfo *nn_layer_kind_info (NnLayerKind kind);

/* The fields a layer kind takes, in file order (a new array of const NnField *). */
GPtrArray     *nn_layer_kind_fields      (NnLayerKind kind);
/* The row kind reads for name, or NULL when the kind does not take it. */
const NnField *nn_layer_field_lookup     (NnLayerKind kind, const char *name);
/* Any row named name, or NULL when no kind takes such a field. */
const NnField *nn_layer_field_any        (const char *name);
const NnField *nn_training_field_lookup  (const char *name);

/* ---- values ---- */

/* The value at base (an NnLayerConfig or NnTrainingSpec) as a double: a
 * number, 0/1 for a flag, the index of a choice. */
double      nn_field_get          (const NnField *field, const void *base);
/* Stores value (rounded for whole numbers, choices and flags; not checked). */
void        nn_field_set          (const NnField *field, void *base, double value);
/* Whether value is in the field's range (and whole where it must be). */
gboolean    nn_field_in_range     (const NnField *field, double value);
/* The range in words: "a whole number from 1 to 65536", "a number greater
 * than 0 and at most 1", "one of: valid, same", "true or false". */
char       *nn_field_range_text   (const NnField *field);
/* Whether the field means anything given the others in base (`when`). */
gboolean    nn_field_is_relevant  (const NnField *field, const void *base);
/* Sets every field of the kind to its row's default (other fields: 
 * nn_layer_config_default). */
void        nn_fields_layer_defaults (NnLayerConfig *cfg, NnLayerKind kind);

/* The JSON spelling of a choice value, or NULL out of range. */
const char *nn_field_choice_name  (const NnField *field, int value);
gboolean    nn_field_choice_value (const NnField *field, const char *name, int *value);
/* The choices joined by ", " (for messages). */
char       *nn_field_choices_text (const NnField *field);
/* Translated words for a choice value (its title, or its spelling). */
const char *nn_field_choice_title (const NnField *field, int value);
guint       nn_field_n_choices    (const NnField *field);

/* Translated title with its mnemonic ("_Units"), and without ("Units"). */
const char *nn_field_title        (const NnField *field);
char       *nn_field_plain_title  (const NnField *field);
const char *nn_field_help         (const NnField *field);
/* The value for a layer card ("64 units", "return sequences"), or NULL when
 * the field is not shown there or (flags) is off. */
char       *nn_field_summary      (const NnField *field, const void *base);

/* Whether a field can be searched over (numbers and choices of a tunable field). */
gboolean    nn_field_is_tunable   (const NnField *field);

/* Translated title and description of a kind. */
const char *nn_layer_kind_title       (NnLayerKind kind);
const char *nn_layer_kind_description (NnLayerKind kind);

G_END_DECLS
