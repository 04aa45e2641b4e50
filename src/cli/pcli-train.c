/* pcli-train.c: train, evaluate and predict (filled in with the pipeline) */
#include "pcli.h"

int
pcli_train (int argc, char **argv)
{
  pcli_error ("train", "not available in this build yet");
  return 1;
}

int
pcli_evaluate (int argc, char **argv)
{
  pcli_error ("evaluate", "not available in this build yet");
  return 1;
}

int
pcli_predict (int argc, char **argv)
{
  pcli_error ("predict", "not available in this build yet");
  return 1;
}
