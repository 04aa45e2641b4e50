/* nn-fields.c: the one table of layer kinds, layer fields and training fields
 * (see nn-fields.h).  A new layer kind is one row of kind_rows below (and its
 * layer file); a new setting is one row of layer_rows or training_rows. */
#include "config.h"

#include "nn-fields.h"

#include "nn-model-file.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* 2^53: above it a JSON number is no longer an exact integer for most readers */
#define MAX_SEED 9007199254740992.0

static const char *const activation_choices[] = {
  "linear", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softmax", NULL
};
static const char *const padding_choices[] = { "valid", "same", NULL };
static const char *const optimizer_choices[] = { "sgd", "rmsprop", "adam", "adamw", NULL };
static const char *const optimizer_titles[] = {
  N_("SGD with momentum"), N_("RMSprop"), N_("Adam"), N_("AdamW"), NULL
};
static const char *const loss_choices[] = { "ce", "focal", NULL };
static const char *const loss_titles[] = { N_("Cross entropy"), N_("Focal loss"), NULL };
static const char *const balance_choices[] = {
  "none", "weights", "resample", "sample", "effective", NULL
};
static const char *const balance_titles[] = {
  N_("None"), N_("Class weights"), N_("Resample"), N_("Class-balanced sampling"),
  N_("Effective-number weights"), NULL
};
static const char *const schedule_choices[] = { "constant", "step", "cosine", "plateau", NULL };
static const char *const schedule_titles[] = {
  N_("Constant"), N_("Step decay"), N_("Cosine"), N_("Reduce on plateau"), NULL
};

#define LAYER(member) NN_FIELD_LAYER, offsetof (NnLayerConfig, member)
#define TRAIN(member) NN_FIELD_TRAINING, offsetof (NnTrainingSpec, member)
#define ONLY(value) (1u << (value))

/* Layer fields, in the order a file writes them.  The bit of a row is its
 * index: kind_rows name the rows they take with F(). */
enum
{
  LF_UNITS,
  LF_FILTERS,
  LF_ACTIVATION,
  LF_RNN_ACTIVATION,
  LF_RETURN_SEQUENCES,
  LF_BIDIRECTIONAL,
  LF_KERNEL_SIZE,
  LF_POOL_SIZE,
  LF_STRIDE,
  LF_POOL_STRIDE,
  LF_DILATION,
  LF_PADDING,
  LF_RATE,
  LF_MOMENTUM,
  LF_EPSILON,
  LF_NEGATIVE_SLOPE,
  LF_ELU_ALPHA,
  LF_USE_BIAS,
  LF_N
};

static const NnField layer_rows[LF_N] = {
  [LF_UNITS] = { "units", LAYER (units), NN_FIELD_INT, NN_FIELD_CLASSES | NN_FIELD_LOG, 1, 65536, 32, 1, 0,
                 .title = N_("_Units"),
                 .help = N_("Outputs of the layer per direction. More units learn more patterns but need more "
                            "data and time."),
                 .summary = N_("%d unit"), .summary_plural = N_("%d units") },
  [LF_FILTERS] = { "units", LAYER (units), NN_FIELD_INT, NN_FIELD_LOG, 1, 65536, 32, 1, 0,
                   .title = N_("_Filters"),
                   .help = N_("How many patterns the layer looks for: one output feature per filter."),
                   .summary = N_("%d filter"), .summary_plural = N_("%d filters") },
  [LF_ACTIVATION] = { "activation", LAYER (activation), NN_FIELD_CHOICE, 0, 0, 6, NN_ACT_LINEAR, 1, 0,
                      .choices = activation_choices, .title = N_("_Activation"),
                      .help = N_("The function applied to each output: relu for hidden layers, softmax for the "
                                 "output layer"),
                      .summary = "%s" },
  [LF_RNN_ACTIVATION] = { "activation", LAYER (activation), NN_FIELD_CHOICE, 0, 0, 6, NN_ACT_TANH, 1, 0,
                          .choices = activation_choices, .title = N_("_Activation"),
                          .help = N_("The function applied to the state at each step; tanh keeps it bounded") },
  [LF_RETURN_SEQUENCES] = { "return_sequences", LAYER (return_sequences), NN_FIELD_BOOL, 0, 0, 1, FALSE, 1, 0,
                            .title = N_("_Return sequences"),
                            .help = N_("Give the state at every step (needed before another recurrent or "
                                       "Conv1D layer) instead of only the last one"),
                            .summary = N_("return sequences") },
  [LF_BIDIRECTIONAL] = { "bidirectional", LAYER (bidirectional), NN_FIELD_BOOL, 0, 0, 1, FALSE, 1, 0,
                         .title = N_("_Bidirectional"),
                         .help = N_("Also read the light curve backwards; doubles the outputs and parameters"),
                         .summary = N_("bidirectional") },
  [LF_KERNEL_SIZE] = { "kernel_size", LAYER (kernel_size), NN_FIELD_INT, 0, 1, 4096, 3, 1, 0,
                       .title = N_("_Kernel size"),
                       .help = N_("How many steps each filter looks at. It must fit the sequence (with "
                                  "padding “valid”)."),
                       .summary = N_("kernel %d"), .summary_plural = N_("kernel %d") },
  [LF_POOL_SIZE] = { "pool_size", LAYER (pool_size), NN_FIELD_INT, 0, 1, 4096, 2, 1, 0,
                     .title = N_("_Pool size"), .help = N_("How many steps are summarised into one."),
                     .summary = N_("pool %d"), .summary_plural = N_("pool %d") },
  [LF_STRIDE] = { "stride", LAYER (stride), NN_FIELD_INT, 0, 1, 4096, 1, 1, 0,
                  .title = N_("_Stride"),
                  .help = N_("How many steps the window moves each time; 2 halves the sequence.") },
  [LF_POOL_STRIDE] = { "stride", LAYER (stride), NN_FIELD_INT, 0, 0, 4096, 0, 1, 0,
                       .title = N_("_Stride"),
                       .help = N_("How many steps the window moves each time; 0 means the pool size.") },
  [LF_DILATION] = { "dilation", LAYER (dilation), NN_FIELD_INT, 0, 1, 4096, 1, 1, 0,
                    .title = N_("_Dilation"),
                    .help = N_("Spacing between the steps a filter looks at: a wider view without more "
                               "weights.") },
  [LF_PADDING] = { "padding", LAYER (padding), NN_FIELD_CHOICE, 0, 0, 1, NN_PADDING_VALID, 1, 0,
                   .choices = padding_choices, .title = N_("_Padding"),
                   .help = N_("valid: only where the window fits, the sequence gets shorter; same: pad the "
                              "ends so the length stays") },
  [LF_RATE] = { "rate", LAYER (rate), NN_FIELD_FLOAT, NN_FIELD_MAX_OPEN, 0, 1, 0.5, 0.05, 2,
                .title = N_("_Rate"),
                .help = N_("Fraction of values set to zero while training (0.2–0.5 is usual). Higher fights "
                           "overfitting more."),
                .summary = N_("rate %.2g"), .summary_plural = N_("rate %.2g") },
  [LF_MOMENTUM] = { "momentum", LAYER (momentum), NN_FIELD_FLOAT, 0, 0, 1, 0.1, 0.01, 2,
                    .title = N_("_Momentum"),
                    .help = N_("Weight of each new batch in the running statistics used at prediction time "
                               "(PyTorch convention, 0.1).") },
  [LF_EPSILON] = { "epsilon", LAYER (epsilon), NN_FIELD_FLOAT, NN_FIELD_MIN_OPEN | NN_FIELD_LOG, 0, 1, 1e-5,
                   1e-5, 6, .title = N_("_Epsilon"),
                   .help = N_("Added to the variance to avoid dividing by zero.") },
  [LF_NEGATIVE_SLOPE] = { "negative_slope", LAYER (negative_slope), NN_FIELD_FLOAT, 0, 0, 1, 0.01, 0.01, 3,
                          .title = N_("Negative _slope"), .help = N_("Slope of leaky relu below zero."),
                          .when = "activation", .when_values = ONLY (NN_ACT_LEAKY_RELU) },
  [LF_ELU_ALPHA] = { "elu_alpha", LAYER (elu_alpha), NN_FIELD_FLOAT, 0, 0, 10, 1.0, 0.1, 2,
                     .title = N_("ELU _alpha"), .help = N_("Value elu approaches for large negative inputs."),
                     .when = "activation", .when_values = ONLY (NN_ACT_ELU) },
  [LF_USE_BIAS] = { "use_bias", LAYER (use_bias), NN_FIELD_BOOL, 0, 0, 1, TRUE, 1, 0,
                    .title = N_("Use _bias"), .help = N_("Add a learned constant to each output") },
};

#define F(row) ((guint64) 1 << (row))
#define ACT_FIELDS (F (LF_ACTIVATION) | F (LF_NEGATIVE_SLOPE) | F (LF_ELU_ALPHA))
#define RNN_FIELDS (F (LF_UNITS) | F (LF_RETURN_SEQUENCES) | F (LF_BIDIRECTIONAL) | F (LF_USE_BIAS))
#define POOL_FIELDS (F (LF_POOL_SIZE) | F (LF_POOL_STRIDE) | F (LF_PADDING))

/* One row per kind, in NnLayerKind order. */
static const NnLayerKindInfo kind_rows[NN_LAYER_N_KINDS] = {
  { NN_LAYER_DENSE, N_("Dense"), N_("Every output is a weighted sum of every input: the classifier head."),
    NN_LAYER_FAMILY_CORE, FALSE, F (LF_UNITS) | ACT_FIELDS | F (LF_USE_BIAS) },
  { NN_LAYER_ACTIVATION, N_("Activation"), N_("Applies a function (relu, tanh, softmax…) to every value."),
    NN_LAYER_FAMILY_CORE, TRUE, ACT_FIELDS },
  { NN_LAYER_SIMPLE_RNN, N_("SimpleRNN"),
    N_("The simplest recurrent layer: reads the light curve step by step; forgets quickly."),
    NN_LAYER_FAMILY_RECURRENT, FALSE,
    RNN_FIELDS | F (LF_RNN_ACTIVATION) | F (LF_NEGATIVE_SLOPE) | F (LF_ELU_ALPHA) },
  { NN_LAYER_LSTM, N_("LSTM"),
    N_("Long short-term memory: a recurrent layer with gates that keep information over many steps."),
    NN_LAYER_FAMILY_RECURRENT, FALSE, RNN_FIELDS },
  { NN_LAYER_GRU, N_("GRU"),
    N_("Gated recurrent unit: like an LSTM with fewer parameters; often learns faster."),
    NN_LAYER_FAMILY_RECURRENT, FALSE, RNN_FIELDS },
  { NN_LAYER_CONV1D, N_("Conv1D"), N_("Slides filters along time to find short patterns such as rises and dips."),
    NN_LAYER_FAMILY_CONVOLUTION, FALSE,
    F (LF_FILTERS) | ACT_FIELDS | F (LF_KERNEL_SIZE) | F (LF_STRIDE) | F (LF_DILATION) | F (LF_PADDING)
      | F (LF_USE_BIAS) },
  { NN_LAYER_MAX_POOL1D, N_("Max pooling"),
    N_("Keeps the largest value of each window of steps: a shorter sequence."), NN_LAYER_FAMILY_POOLING, FALSE,
    POOL_FIELDS },
  { NN_LAYER_AVG_POOL1D, N_("Average pooling"), N_("Averages each window of steps: a shorter, smoother sequence."),
    NN_LAYER_FAMILY_POOLING, FALSE, POOL_FIELDS },
  { NN_LAYER_GLOBAL_MAX_POOL, N_("Global max pooling"),
    N_("The largest value of each feature over the whole sequence: one vector."), NN_LAYER_FAMILY_POOLING, FALSE,
    0 },
  { NN_LAYER_GLOBAL_AVG_POOL, N_("Global average pooling"),
    N_("The mean of each feature over the real steps of the sequence: one vector."), NN_LAYER_FAMILY_POOLING,
    FALSE, 0 },
  { NN_LAYER_FLATTEN, N_("Flatten"),
    N_("Lays the whole sequence out as one long vector; ties the model to the sequence length."),
    NN_LAYER_FAMILY_CORE, FALSE, 0 },
  { NN_LAYER_DROPOUT, N_("Dropout"),
    N_("Sets a random fraction of values to zero while training, against overfitting."),
    NN_LAYER_FAMILY_REGULARISATION, TRUE, F (LF_RATE) },
  { NN_LAYER_BATCH_NORM, N_("Batch normalization"),
    N_("Rescales each feature to zero mean and unit variance over the batch; steadies training."),
    NN_LAYER_FAMILY_REGULARISATION, TRUE, F (LF_MOMENTUM) | F (LF_EPSILON) },
  { NN_LAYER_CONCAT_METADATA, N_("Concatenate metadata"),
    N_("Joins the per-object metadata (redshift, extinction, aggregate features) to the sequence summary: "
       "the head sees both."),
    NN_LAYER_FAMILY_JOIN, FALSE, 0 },
};

static void
reset_optimizer (void *base)
{
  NnTrainingSpec *spec = base;
  /* each optimiser has its own defaults; the fields after it refine them */
  nn_optim_config_default (&spec->train.optim, spec->train.optim.kind);
}

#define OPT(kind) ONLY (NN_OPTIM_##kind)
#define SCHED(kind) ONLY (NN_SCHEDULE_##kind)

static const NnField training_rows[] = {
  { "optimizer", TRAIN (train.optim.kind), NN_FIELD_CHOICE, 0, 0, 3, NN_OPTIM_ADAM, 1, 0,
    .choices = optimizer_choices, .choice_titles = optimizer_titles, .title = N_("_Optimiser"),
    .help = N_("How the weights are updated") },
  { "learning_rate", TRAIN (train.optim.lr), NN_FIELD_FLOAT, NN_FIELD_MIN_OPEN | NN_FIELD_LOG, 0, 10, 1e-3,
    1e-4, 6, .title = N_("_Learning rate"), .help = N_("Step size of the optimiser at the start") },
  { "momentum", TRAIN (train.optim.momentum), NN_FIELD_FLOAT, 0, 0, 1, 0, 0.05, 2, .title = N_("_Momentum"),
    .help = N_("SGD: how much of the previous step each step keeps"), .when = "optimizer",
    .when_values = OPT (SGD) },
  { "beta1", TRAIN (train.optim.beta1), NN_FIELD_FLOAT, NN_FIELD_MAX_OPEN, 0, 1, 0.9, 0.01, 3,
    .title = N_("Beta _1"), .help = N_("Adam: decay of the running mean of the gradients"), .when = "optimizer",
    .when_values = OPT (ADAM) | OPT (ADAMW) },
  { "beta2", TRAIN (train.optim.beta2), NN_FIELD_FLOAT, NN_FIELD_MAX_OPEN, 0, 1, 0.999, 0.001, 4,
    .title = N_("Beta _2"), .help = N_("Adam: decay of the running mean of the squared gradients"),
    .when = "optimizer", .when_values = OPT (ADAM) | OPT (ADAMW) },
  { "rmsprop_alpha", TRAIN (train.optim.alpha), NN_FIELD_FLOAT, NN_FIELD_MAX_OPEN, 0, 1, 0.99, 0.01, 3,
    .title = N_("RMSprop _alpha"), .help = N_("RMSprop: decay of the running mean of the squared gradients"),
    .when = "optimizer", .when_values = OPT (RMSPROP) },
  { "eps", TRAIN (train.optim.eps), NN_FIELD_FLOAT, NN_FIELD_MIN_OPEN | NN_FIELD_LOG, 0, 1, 1e-8, 1e-8, 8,
    .title = N_("Optimiser e_psilon"), .help = N_("Added to the denominator of each step, for stability"),
    .when = "optimizer", .when_values = OPT (RMSPROP) | OPT (ADAM) | OPT (ADAMW) },
  { "weight_decay", TRAIN (train.optim.weight_decay), NN_FIELD_FLOAT, 0, 0, 1, 0, 0.001, 4,
    .title = N_("_Weight decay"), .help = N_("AdamW: how much each step shrinks the weights"),
    .when = "optimizer", .when_values = OPT (ADAMW) },
  { "l2", TRAIN (train.optim.l2), NN_FIELD_FLOAT, 0, 0, 1, 0, 0.0001, 5, .title = N_("L_2 penalty"),
    .help = N_("Pulls the weights towards zero, against overfitting; 0 = off") },
  { "clip_norm", TRAIN (train.clip_norm), NN_FIELD_FLOAT, 0, 0, 1000, 0, 0.5, 2,
    .title = N_("_Gradient clipping"), .help = N_("The largest gradient norm a step may use; 0 = off") },
  { "batch_size", TRAIN (train.batch_size), NN_FIELD_INT, NN_FIELD_LOG, 1, 65536, 32, 8, 0,
    .title = N_("_Batch size"), .help = N_("Objects per gradient step") },
  { "epochs", TRAIN (train.epochs), NN_FIELD_INT, 0, 0, 100000, 20, 1, 0, .title = N_("_Epochs"),
    .help = N_("Passes over the training objects") },
  { "seed", TRAIN (train.seed), NN_FIELD_SEED, NN_FIELD_NOT_TUNED, 0, MAX_SEED, 0, 1, 0, .title = N_("S_eed"),
    .help = N_("The same seed gives the same split, weights and numbers") },
  { "threads", TRAIN (train.threads), NN_FIELD_INT, NN_FIELD_NOT_TUNED, 1, 2, 1, 1, 0, .title = N_("_Threads"),
    .help = N_("Worker threads for training") },
  { "patience", TRAIN (train.patience), NN_FIELD_INT, 0, 0, 100000, 0, 1, 0,
    .title = N_("Early-stopping _patience"),
    .help = N_("Stop after this many epochs without a better validation loss; 0 = off") },
  { "restore_best", TRAIN (train.restore_best), NN_FIELD_BOOL, 0, 0, 1, TRUE, 1, 0,
    .title = N_("Keep the _best epoch"),
    .help = N_("At the end, go back to the weights of the epoch with the best validation loss") },
  { "loss", TRAIN (train.loss.kind), NN_FIELD_CHOICE, 0, 0, 1, NN_LOSS_CROSS_ENTROPY, 1, 0,
    .choices = loss_choices, .choice_titles = loss_titles, .title = N_("L_oss"),
    .help = N_("Focal loss puts weight on the objects the model finds hard") },
  { "focal_gamma", TRAIN (train.loss.gamma), NN_FIELD_FLOAT, 0, 0, 10, 2, 0.5, 2, .title = N_("Focal _gamma"),
    .help = N_("How strongly focal loss discounts the objects already right; 0 is cross entropy"),
    .when = "loss", .when_values = ONLY (NN_LOSS_FOCAL) },
  { "label_smoothing", TRAIN (train.loss.label_smoothing), NN_FIELD_FLOAT, NN_FIELD_SKIP_ZERO | NN_FIELD_MAX_OPEN,
    0, 1, 0, 0.05, 2, .title = N_("Label _smoothing"),
    .help = N_("The loss aims at 1 − ε for the true class and shares ε among all classes, so the network is "
               "less sure of itself; 0 = off"),
    .when = "loss", .when_values = ONLY (NN_LOSS_CROSS_ENTROPY) },
  { "logit_adjust", TRAIN (train.loss.logit_adjust), NN_FIELD_FLOAT, NN_FIELD_SKIP_ZERO, 0, 10, 0, 0.25, 2,
    .title = N_("Class p_riors in the loss"),
    .help = N_("Logit adjustment: the loss counts each class by how rare it is, so rare classes get "
               "predicted; 0 = off, 1 = balanced softmax. Costs some accuracy") },
  { "balance", TRAIN (balance), NN_FIELD_CHOICE, 0, 0, NN_BALANCE_EFFECTIVE, NN_BALANCE_NONE, 1, 0, .choices = balance_choices,
    .choice_titles = balance_titles, .title = N_("Class _balancing"),
    .help = N_("Make rare classes count as much as common ones (training split only)") },
  { "class_weight_power", TRAIN (class_weight_power), NN_FIELD_FLOAT, 0, 0, 4, 0.5, 0.25, 2,
    .title = N_("Class weight _power"),
    .help = N_("Class weights are the balanced weights to this power: 0 = none, 1 = fully balanced"),
    .when = "balance", .when_values = ONLY (NN_BALANCE_WEIGHTS) },
  { "effective_beta", TRAIN (effective_beta), NN_FIELD_FLOAT, NN_FIELD_MIN_OPEN | NN_FIELD_MAX_OPEN, 0, 1,
    0.999, 0.001, 4, .title = N_("Effective-number _beta"),
    .help = N_("Class weights by the effective number of objects, (1 − β) / (1 − β^n): near 0 all equal, "
               "near 1 fully balanced"),
    .when = "balance", .when_values = ONLY (NN_BALANCE_EFFECTIVE) },
  { "sampling_power", TRAIN (train.sampling_power), NN_FIELD_FLOAT, 0, 0, 1, 0.5, 0.25, 2,
    .title = N_("Sampling _power"),
    .help = N_("Each epoch draws objects so that a class of n objects comes up in proportion to n to "
               "this power: 1 = as in the data, 0 = every class equally often"),
    .when = "balance", .when_values = ONLY (NN_BALANCE_SAMPLE) },
  { "reweight_from_epoch", TRAIN (train.reweight_from_epoch), NN_FIELD_INT, NN_FIELD_SKIP_ZERO, 0, 100000, 0, 1,
    0, .title = N_("Re-weight from e_poch"),
    .help = N_("Deferred re-weighting: class weights and class priors in the loss act from this epoch on, "
               "after the network has learnt from the data as they are; early stopping counts from "
               "there. 0 = from the start") },
  { "prior_correction", TRAIN (prior_correction), NN_FIELD_FLOAT, NN_FIELD_SKIP_ZERO, 0, 4, 0, 0.25, 2,
    .title = N_("Prior _correction"),
    .help = N_("At prediction, divide the probabilities by the class priors the network learned, to this "
               "power, so rare classes get predicted; 0 = off") },
  /* not tuned: trials validated on different splits cannot be compared */
  { "val_fraction", TRAIN (val_fraction), NN_FIELD_FLOAT, NN_FIELD_MAX_OPEN | NN_FIELD_NOT_TUNED, 0, 1, 0.2, 0.05, 2,
    .title = N_("_Validation fraction"),
    .help = N_("Share of objects held out (stratified) to validate on; 0 for none") },
  { "schedule", TRAIN (train.schedule.kind), NN_FIELD_CHOICE, 0, 0, 3, NN_SCHEDULE_CONSTANT, 1, 0,
    .choices = schedule_choices, .choice_titles = schedule_titles, .title = N_("_Schedule"),
    .help = N_("How the learning rate changes over the epochs") },
  { "step_size", TRAIN (train.schedule.step_size), NN_FIELD_INT, 0, 1, 100000, 10, 1, 0,
    .title = N_("Epochs per _decay"), .help = N_("Step decay: epochs between two decays"), .when = "schedule",
    .when_values = SCHED (STEP) },
  { "step_gamma", TRAIN (train.schedule.gamma), NN_FIELD_FLOAT, NN_FIELD_MIN_OPEN, 0, 1, 0.1, 0.05, 2,
    .title = N_("Decay _factor"), .help = N_("Step decay: the rate is multiplied by this at each decay"),
    .when = "schedule", .when_values = SCHED (STEP) },
  { "cosine_epochs", TRAIN (train.schedule.epochs), NN_FIELD_INT, 0, 0, 100000, 0, 1, 0,
    .title = N_("Cosine _length"), .help = N_("Cosine: epochs from the start rate to the lowest; 0 = the run's"),
    .when = "schedule", .when_values = SCHED (COSINE) },
  { "plateau_factor", TRAIN (train.schedule.factor), NN_FIELD_FLOAT, NN_FIELD_MIN_OPEN, 0, 1, 0.1, 0.05, 2,
    .title = N_("Plateau _factor"), .help = N_("Reduce on plateau: the rate is multiplied by this"),
    .when = "schedule", .when_values = SCHED (PLATEAU) },
  { "plateau_patience", TRAIN (train.schedule.patience), NN_FIELD_INT, 0, 0, 100000, 10, 1, 0,
    .title = N_("Plateau pa_tience"),
    .help = N_("Reduce on plateau: epochs without a better validation loss before reducing"),
    .when = "schedule", .when_values = SCHED (PLATEAU) },
  { "plateau_threshold", TRAIN (train.schedule.threshold), NN_FIELD_FLOAT, 0, 0, 1, 1e-4, 1e-4, 5,
    .title = N_("Plateau _threshold"), .help = N_("Reduce on plateau: the relative improvement that counts"),
    .when = "schedule", .when_values = SCHED (PLATEAU) },
  { "lr_min", TRAIN (train.schedule.lr_min), NN_FIELD_FLOAT, 0, 0, 10, 0, 1e-5, 6,
    .title = N_("Lowest _rate"), .help = N_("Cosine and reduce on plateau: the rate never goes below this"),
    .when = "schedule", .when_values = SCHED (COSINE) | SCHED (PLATEAU) },
};

static void
reset_schedule (void *base)
{
  NnTrainingSpec *spec = base;
  NnScheduleKind kind = spec->train.schedule.kind;
  nn_schedule_config_default (&spec->train.schedule);
  spec->train.schedule.kind = kind;
}

/* ---- lookups ---- */

const NnField *
nn_layer_fields (guint *n_fields)
{
  if (n_fields != NULL)
    *n_fields = G_N_ELEMENTS (layer_rows);
  return layer_rows;
}

const NnField *
nn_training_fields (guint *n_fields)
{
  if (n_fields != NULL)
    *n_fields = G_N_ELEMENTS (training_rows);
  return training_rows;
}

const NnLayerKindInfo *
nn_layer_kind_info (NnLayerKind kind)
{
  if ((int) kind < 0 || kind >= NN_LAYER_N_KINDS)
    return NULL;
  g_assert (kind_rows[kind].kind == kind);
  return &kind_rows[kind];
}

GPtrArray *
nn_layer_kind_fields (NnLayerKind kind)
{
  const NnLayerKindInfo *info = nn_layer_kind_info (kind);
  GPtrArray *fields = g_ptr_array_new ();

  for (guint i = 0; info != NULL && i < G_N_ELEMENTS (layer_rows); i++)
    if (info->fields & F (i))
      g_ptr_array_add (fields, (gpointer) &layer_rows[i]);
  return fields;
}

const NnField *
nn_layer_field_lookup (NnLayerKind kind, const char *name)
{
  const NnLayerKindInfo *info = nn_layer_kind_info (kind);

  for (guint i = 0; info != NULL && name != NULL && i < G_N_ELEMENTS (layer_rows); i++)
    if ((info->fields & F (i)) && strcmp (layer_rows[i].name, name) == 0)
      return &layer_rows[i];
  return NULL;
}

const NnField *
nn_layer_field_any (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (layer_rows); i++)
    if (strcmp (layer_rows[i].name, name) == 0)
      return &layer_rows[i];
  return NULL;
}

const NnField *
nn_training_field_lookup (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (training_rows); i++)
    if (strcmp (training_rows[i].name, name) == 0)
      return &training_rows[i];
  return NULL;
}

/* ---- values ---- */

static void *
field_ptr (const NnField *field, const void *base)
{
  return (char *) base + field->offset;
}

double
nn_field_get (const NnField *field, const void *base)
{
  void *p = field_ptr (field, base);

  switch (field->type)
    {
    case NN_FIELD_SEED:
      return (double) *(guint64 *) p;
    case NN_FIELD_FLOAT:
      return *(float *) p;
    case NN_FIELD_BOOL:
      return *(gboolean *) p ? 1.0 : 0.0;
    case NN_FIELD_INT:
    case NN_FIELD_CHOICE:
    default:
      /* enums are stored as int */
      return *(int *) p;
    }
}

void
nn_field_set (const NnField *field, void *base, double value)
{
  void *p = field_ptr (field, base);
  gboolean changed = nn_field_get (field, base) != value;

  switch (field->type)
    {
    case NN_FIELD_SEED:
      *(guint64 *) p = (guint64) CLAMP (round (value), 0, MAX_SEED);
      break;
    case NN_FIELD_FLOAT:
      *(float *) p = (float) value;
      break;
    case NN_FIELD_BOOL:
      *(gboolean *) p = value != 0.0;
      break;
    case NN_FIELD_INT:
    case NN_FIELD_CHOICE:
    default:
      *(int *) p = (int) CLAMP (round (value), G_MININT, G_MAXINT);
      break;
    }
  /* a new optimiser or schedule brings its own defaults for the fields that follow it */
  if (changed && field->section == NN_FIELD_TRAINING)
    {
      if (strcmp (field->name, "optimizer") == 0)
        reset_optimizer (base);
      else if (strcmp (field->name, "schedule") == 0)
        reset_schedule (base);
    }
}

gboolean
nn_field_in_range (const NnField *field, double value)
{
  if (!isfinite (value))
    return FALSE;
  if (field->type != NN_FIELD_FLOAT && value != floor (value))
    return FALSE;
  if ((field->flags & NN_FIELD_MIN_OPEN) ? value <= field->min : value < field->min)
    return FALSE;
  if ((field->flags & NN_FIELD_MAX_OPEN) ? value >= field->max : value > field->max)
    return FALSE;
  return TRUE;
}

char *
nn_field_range_text (const NnField *field)
{
  gboolean min_open = (field->flags & NN_FIELD_MIN_OPEN) != 0;
  gboolean max_open = (field->flags & NN_FIELD_MAX_OPEN) != 0;

  switch (field->type)
    {
    case NN_FIELD_BOOL:
      return g_strdup (_("true or false"));
    case NN_FIELD_CHOICE:
      {
        g_autofree char *choices = nn_field_choices_text (field);
        return g_strdup_printf (_("one of: %s"), choices);
      }
    case NN_FIELD_INT:
    case NN_FIELD_SEED:
      return g_strdup_printf (_("a whole number from %.0f to %.0f"), field->min, field->max);
    case NN_FIELD_FLOAT:
    default:
      if (min_open && max_open)
        return g_strdup_printf (_("a number greater than %g and less than %g"), field->min, field->max);
      if (min_open)
        return g_strdup_printf (_("a number greater than %g and at most %g"), field->min, field->max);
      if (max_open)
        return g_strdup_printf (_("a number from %g up to (not including) %g"), field->min, field->max);
      return g_strdup_printf (_("a number from %g to %g"), field->min, field->max);
    }
}

static const NnField *
sibling (const NnField *field, const char *name)
{
  return field->section == NN_FIELD_TRAINING ? nn_training_field_lookup (name) : nn_layer_field_any (name);
}

gboolean
nn_field_is_relevant (const NnField *field, const void *base)
{
  const NnField *when;
  int value;

  if (field->when == NULL)
    return TRUE;
  when = sibling (field, field->when);
  g_return_val_if_fail (when != NULL, TRUE);
  value = (int) nn_field_get (when, base);
  return value >= 0 && value < 32 && (field->when_values & (1u << value)) != 0;
}

void
nn_fields_layer_defaults (NnLayerConfig *cfg, NnLayerKind kind)
{
  const NnLayerKindInfo *info = nn_layer_kind_info (kind);

  nn_layer_config_default (cfg);
  for (guint i = 0; info != NULL && i < G_N_ELEMENTS (layer_rows); i++)
    if (info->fields & F (i))
      nn_field_set (&layer_rows[i], cfg, layer_rows[i].def);
}

/* ---- choices ---- */

guint
nn_field_n_choices (const NnField *field)
{
  return field->choices != NULL ? g_strv_length ((char **) field->choices) : 0;
}

const char *
nn_field_choice_name (const NnField *field, int value)
{
  if (value < 0 || (guint) value >= nn_field_n_choices (field))
    return NULL;
  return field->choices[value];
}

gboolean
nn_field_choice_value (const NnField *field, const char *name, int *value)
{
  for (guint i = 0; name != NULL && i < nn_field_n_choices (field); i++)
    if (strcmp (field->choices[i], name) == 0)
      {
        *value = (int) i;
        return TRUE;
      }
  return FALSE;
}

char *
nn_field_choices_text (const NnField *field)
{
  return field->choices != NULL ? g_strjoinv (", ", (char **) field->choices) : g_strdup ("");
}

const char *
nn_field_choice_title (const NnField *field, int value)
{
  const char *name = nn_field_choice_name (field, value);

  if (name == NULL)
    return "?";
  return field->choice_titles != NULL ? g_dgettext (GETTEXT_PACKAGE, field->choice_titles[value]) : name;
}

/* ---- words ---- */

const char *
nn_field_title (const NnField *field)
{
  return g_dgettext (GETTEXT_PACKAGE, field->title);
}

char *
nn_field_plain_title (const NnField *field)
{
  const char *title = nn_field_title (field);
  GString *s = g_string_new (NULL);

  /* "__" is a literal underscore, "_x" marks the mnemonic */
  for (const char *c = title; *c != '\0'; c++)
    {
      if (*c == '_')
        {
          if (c[1] != '_')
            continue;
          c++;
        }
      g_string_append_c (s, *c);
    }
  return g_string_free (s, FALSE);
}

const char *
nn_field_help (const NnField *field)
{
  return g_dgettext (GETTEXT_PACKAGE, field->help);
}

char *
nn_field_summary (const NnField *field, const void *base)
{
  double value = nn_field_get (field, base);

  if (field->summary == NULL || !nn_field_is_relevant (field, base))
    return NULL;
  switch (field->type)
    {
    case NN_FIELD_BOOL:
      return value != 0.0 ? g_strdup (g_dgettext (GETTEXT_PACKAGE, field->summary)) : NULL;
    case NN_FIELD_CHOICE:
      return g_strdup (nn_field_choice_name (field, (int) value));
    case NN_FIELD_FLOAT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, field->summary, field->summary_plural, 2), value);
    case NN_FIELD_INT:
    case NN_FIELD_SEED:
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, field->summary, field->summary_plural,
                                           (gulong) value),
                              (int) value);
    }
}

gboolean
nn_field_is_tunable (const NnField *field)
{
  return !(field->flags & NN_FIELD_NOT_TUNED);
}

const char *
nn_layer_kind_title (NnLayerKind kind)
{
  const NnLayerKindInfo *info = nn_layer_kind_info (kind);
  return info != NULL ? g_dgettext (GETTEXT_PACKAGE, info->title) : "?";
}

const char *
nn_layer_kind_description (NnLayerKind kind)
{
  const NnLayerKindInfo *info = nn_layer_kind_info (kind);
  return info != NULL ? g_dgettext (GETTEXT_PACKAGE, info->description) : "";
}
