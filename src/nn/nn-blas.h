/* nn-blas.h: the one place that includes CBLAS and sets OpenBLAS threading. */
#pragma once

#include <cblas.h>
#include <glib.h>

G_BEGIN_DECLS

/* Threads OpenBLAS may use for one GEMM (1 when the batch is split across our own threads). */
void        nn_blas_set_threads (int threads);
int         nn_blas_get_threads (void);
/* The kernel family OpenBLAS picked at run time (e.g. "Haswell", "SkylakeX"); print it
 * beside every benchmark figure. */
const char *nn_blas_corename    (void);

G_END_DECLS
