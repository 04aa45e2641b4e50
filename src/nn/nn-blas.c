/* nn-blas.c: OpenBLAS run-time settings */
#include "nn-blas.h"

/* OpenBLAS extensions; declared here because not every cblas.h has them. */
extern void openblas_set_num_threads (int num_threads);
extern int openblas_get_num_threads (void);
extern char *openblas_get_corename (void);

void
nn_blas_set_threads (int threads)
{
  openblas_set_num_threads (MAX (threads, 1));
}

int
nn_blas_get_threads (void)
{
  return openblas_get_num_threads ();
}

const char *
nn_blas_corename (void)
{
  return openblas_get_corename ();
}
