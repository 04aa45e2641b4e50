/* nn-model-info.h: what a model spec means for a given data shape, for the
 * visual builder: every layer's input and output shape, parameters, work and
 * memory, every problem at the layer it concerns, and a one-click fix for the
 * problems that have an obvious one.
 *
 * All of it comes from the layers' own shape inference (nn_model_validate):
 * the builder never works out shapes or counts by itself.
 *
 *   g_autoptr (NnModelInfo) info = nn_model_info_new (doc, F, S, K, T);
 *   for (int i = 0; i < info->n_layers; i++)
 *     show (info->layers[i].out, info->layers[i].n_params);
 *   for (guint p = 0; p < info->problems->len; p++)
 *     if (info->fixes[p].kind != NN_FIX_NONE)
 *       offer (info->fixes[p].description);   // nn_model_fix_apply (&info->fixes[p], doc)
 */
#pragma once

#include <glib.h>

#include "nn-layer.h"
#include "nn-model-file.h"
#include "nn-model.h"

G_BEGIN_DECLS

typedef enum
{
  NN_FIX_NONE = 0,
  NN_FIX_SET_RETURN_SEQUENCES,  /* layer_index: return_sequences = value */
  NN_FIX_SET_KERNEL_SIZE,       /* layer_index: kernel_size = value, dilation 1 when needed */
  NN_FIX_SET_POOL_SIZE,         /* layer_index: pool_size = value, stride 0 (= pool size) */
  NN_FIX_SET_STRIDE,            /* layer_index: stride = value */
  NN_FIX_SET_UNITS_TO_CLASSES,  /* layer_index: units = "classes" */
  NN_FIX_REMOVE_LAYER,          /* remove layer_index */
  NN_FIX_INSERT_LAYER,          /* insert insert_kind (its defaults) at layer_index; a dense
                                 * layer inserted as output gets "classes" units and softmax */
} NnFixKind;

typedef struct
{
  NnFixKind kind;
  int layer_index;
  int value;
  NnLayerKind insert_kind;
  char *description;            /* plain words for a button, e.g. "Turn on return sequences
                                 * in layer 2 (lstm)"; NULL when kind is NN_FIX_NONE */
} NnModelFix;

typedef struct
{
  NnLayerKind kind;
  gboolean ok;                  /* the layer fits its input */
  NnShape in;                   /* when !ok: the shape it was given, out = in */
  NnShape out;
  size_t n_params;              /* trainable floats (0 when !ok) */
  double flops;                 /* multiply-adds per sample, forward (0 when !ok) */
  size_t bytes_per_sample;      /* training memory per sample: output, its gradient and the
                                 * layer's workspace */
  gboolean in_head;             /* after the concat_metadata layer */
} NnLayerInfo;

typedef struct
{
  int seq_features, meta_features, n_classes, max_steps;  /* the shape analysed */
  int n_layers;
  NnLayerInfo *layers;          /* [n_layers] */
  GArray *problems;             /* NnModelProblem, as nn_model_validate gives them */
  NnModelFix *fixes;            /* [problems->len]: the fix of each problem */
  gboolean valid;               /* no problems: the spec builds and trains on this shape */
  int concat_index;             /* the concat_metadata layer, or -1 */
  size_t n_params;              /* total trainable floats of the layers that fit */
  double flops;                 /* multiply-adds per sample, forward */
  size_t bytes_per_sample;      /* training memory per sample */
  size_t bytes_fixed;           /* parameters, gradients and two Adam moments */
} NnModelInfo;

/* Analyses doc's layers for data of F features per step, S metadata features,
 * K classes and T steps ("units": "classes" becomes K).  Never fails: what
 * does not fit is in problems. */
NnModelInfo *nn_model_info_new  (const NnModelDoc *doc, int seq_features, int meta_features,
                                 int n_classes, int max_steps);
void         nn_model_info_free (NnModelInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnModelInfo, nn_model_info_free)

/* The problems of one layer (-1: of the model as a whole), as indices into
 * info->problems; NULL-free array of guint, freed by the caller. */
GArray      *nn_model_info_layer_problems (const NnModelInfo *info, int layer_index);

/* Applies a fix to doc's layers; FALSE (doc unchanged) when it no longer fits
 * the document (e.g. the layer it names is gone). */
gboolean     nn_model_fix_apply (const NnModelFix *fix, NnModelDoc *doc);

/* "36 × 64" for a sequence, "64" for a vector (UTF-8, newly allocated). */
char        *nn_shape_to_string (const NnShape *shape);

G_END_DECLS
