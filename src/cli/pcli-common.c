/* pcli-common.c: option parsing, errors, loading and JSON output shared by the subcommands */
#include "pcli.h"

#include "nn-json.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

void
pcli_error (const char *command, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "passband-cli %s: %s\n", command, message);
}

gboolean
pcli_parse (GOptionContext *context, const char *command, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      pcli_error (command, "%s (see “passband-cli %s --help”)", error->message, command);
      return FALSE;
    }
  if (*argc > 1)
    {
      pcli_error (command, "unexpected argument “%s” (see “passband-cli %s --help”)", (*argv)[1],
                  command);
      return FALSE;
    }
  return TRUE;
}

static gboolean
progress_to_terminal_cb (double fraction, gpointer user_data)
{
  int *last = user_data;
  int percent = (int) (fraction * 100.0);
  if (percent != *last)
    {
      *last = percent;
      fprintf (stderr, "\rloading… %3d%%", percent);
      fflush (stderr);
    }
  return TRUE;
}

LcDataset *
pcli_load_dataset (const char *command, const char *path, const char *meta_path, GError **error)
{
  LcLoadOptions options = { 0 };
  int last = -1;
  gboolean show = isatty (STDERR_FILENO);
  LcDataset *ds;

  options.meta_path = meta_path;
  ds = lc_load (path, &options, show ? progress_to_terminal_cb : NULL, &last, error);
  if (show && last >= 0)
    fprintf (stderr, "\r%*s\r", 16, "");
  return ds;
}

void
pcli_json_add_number (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
pcli_print_json (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  /* not json-glib's generator: it misprints doubles such as 1e-08 */
  g_autofree char *text = nn_json_to_string (root);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}
