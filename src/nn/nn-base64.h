/* nn-base64.h: float32 values as base64 text, the way model files and run
 * files store numbers: the little-endian bytes of each value, standard
 * base64 with "=" padding. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* values [n] as base64 of their little-endian bytes. */
char    *nn_base64_from_floats (const float *values, gsize n);

/* Whether text [len] is standard base64 with "=" padding; GLib's decoder
 * skips bad characters silently, so readers check first.  problem says
 * where the text goes wrong (free it). */
gboolean nn_base64_check       (const char *text, gsize len, char **problem);

/* The number of bytes text [len] decodes to, from its length alone: a
 * reader compares it with what it expects before decoding anything. */
gsize    nn_base64_decoded_size (const char *text, gsize len);

/* Decodes text into exactly n values: FALSE with problem set when it is no
 * valid base64 or holds another number of values. */
gboolean nn_base64_to_floats   (const char *text, float *values, gsize n, char **problem);

G_END_DECLS
