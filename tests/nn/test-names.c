/* test-names.c: the shared enum <-> name lookup, and every nn pair built on it
 * keeps its names and its answer for values it does not know. */
#include "nn.h"
#include "nn-names.h"

static void
test_lookup (void)
{
  /* values need not be indexes, nor in order */
  static const NnNameEntry table[] = { { 7, "seven" }, { -2, "minus two" }, { 3, "three" } };
  int value = 42;

  g_assert_cmpstr (nn_name_lookup_name (table, G_N_ELEMENTS (table), -2, "?"), ==, "minus two");
  g_assert_cmpstr (nn_name_lookup_name (table, G_N_ELEMENTS (table), 0, "?"), ==, "?");
  g_assert_null (nn_name_lookup_name (table, G_N_ELEMENTS (table), 4, NULL));

  g_assert_true (nn_name_lookup_value (table, G_N_ELEMENTS (table), "three", &value));
  g_assert_cmpint (value, ==, 3);
  /* a miss leaves *value alone; names match exactly */
  g_assert_false (nn_name_lookup_value (table, G_N_ELEMENTS (table), "Three", &value));
  g_assert_false (nn_name_lookup_value (table, G_N_ELEMENTS (table), "", &value));
  g_assert_false (nn_name_lookup_value (table, G_N_ELEMENTS (table), NULL, &value));
  g_assert_cmpint (value, ==, 3);
}

/* Every value in [0, n) reads back from its name; values outside give fallback. */
#define CHECK_PAIR(prefix, Type, n, fallback)                                  \
  G_STMT_START {                                                               \
    for (int v = 0; v < (n); v++)                                              \
      {                                                                        \
        Type back = (Type) -1;                                                 \
        g_assert_true (prefix##_from_string (prefix##_to_string ((Type) v), &back)); \
        g_assert_cmpint (back, ==, v);                                         \
      }                                                                        \
    g_assert_cmpstr (prefix##_to_string ((Type) (n)), ==, (fallback));        \
    g_assert_cmpstr (prefix##_to_string ((Type) -1), ==, (fallback));         \
    g_assert_false (prefix##_from_string (NULL, &(Type) { 0 }));               \
  } G_STMT_END

static void
test_pairs (void)
{
  CHECK_PAIR (nn_activation, NnActivation, NN_ACT_SOFTMAX + 1, "linear");
  CHECK_PAIR (nn_loss_kind, NnLossKind, NN_LOSS_FOCAL + 1, "ce");
  CHECK_PAIR (nn_balance, NnBalance, NN_BALANCE_EFFECTIVE + 1, "none");
  CHECK_PAIR (nn_optim_kind, NnOptimKind, NN_OPTIM_ADAMW + 1, "adam");
  CHECK_PAIR (nn_schedule_kind, NnScheduleKind, NN_SCHEDULE_PLATEAU + 1, "constant");
  g_assert_cmpstr (nn_activation_to_string (NN_ACT_LEAKY_RELU), ==, "leaky_relu");
  g_assert_cmpstr (nn_balance_to_string (NN_BALANCE_WEIGHTS), ==, "weights");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/names/lookup", test_lookup);
  g_test_add_func ("/names/pairs", test_pairs);
  return g_test_run ();
}
