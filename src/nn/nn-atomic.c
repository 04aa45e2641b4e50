/* nn-atomic.c: temporary file beside the target, fsync, rename (see nn-atomic.h) */
#include "config.h"

#include "nn-atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct _NnAtomicFile
{
  char *target;     /* the file replaced: path, or the file its link points to */
  char *temp_path;
  int fd;
  FILE *stream;
};

static gboolean
io_fail (GError **error, int saved_errno, const char *what)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "%s: %s", what,
               g_strerror (saved_errno));
  return FALSE;
}

/* The file a write of path replaces: a symbolic link's target (followed to
 * the end), else path itself. */
static char *
write_target (const char *path)
{
  char *resolved = realpath (path, NULL);
  char *target;
  if (resolved != NULL)
    {
      target = g_strdup (resolved);
      free (resolved);
      return target;
    }
  return g_strdup (path);
}

static char *
temp_prefix (const char *target)
{
  g_autofree char *base = g_path_get_basename (target);
  return g_strdup_printf (".%s.part-%s-", base, g_get_host_name ());
}

/* Temporary files of target from runs on this host that are gone. */
static void
remove_stale_temps (const char *target)
{
  g_autofree char *dir_path = g_path_get_dirname (target);
  g_autofree char *prefix = temp_prefix (target);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      char *end = NULL;
      long pid;
      if (!g_str_has_prefix (name, prefix))
        continue;
      pid = strtol (name + strlen (prefix), &end, 10);
      if (end == NULL || *end != '-' || strlen (end) != 7 || pid <= 0)
        continue;
      if (kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
        {
          g_autofree char *stale = g_build_filename (dir_path, name, NULL);
          g_unlink (stale);
        }
    }
}

NnAtomicFile *
nn_atomic_file_new (const char *path, GError **error)
{
  g_autoptr (NnAtomicFile) f = g_new0 (NnAtomicFile, 1);
  g_autofree char *dir = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *name = NULL;
  struct stat st;
  mode_t mode;

  f->fd = -1;
  f->target = write_target (path);
  dir = g_path_get_dirname (f->target);
  prefix = temp_prefix (f->target);
  remove_stale_temps (f->target);
  name = g_strdup_printf ("%s%ld-XXXXXX", prefix, (long) getpid ());
  f->temp_path = g_build_filename (dir, name, NULL);
  f->fd = g_mkstemp_full (f->temp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (f->fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("cannot create a file in the folder “%s”"), dir);
      g_clear_pointer (&f->temp_path, g_free);
      io_fail (error, saved_errno, what);
      return NULL;
    }
  /* the mode the file has, or would get from open () */
  if (g_stat (f->target, &st) == 0)
    mode = st.st_mode & 07777;
  else
    {
      mode_t mask = umask (0);
      umask (mask);
      mode = 0666 & ~mask;
    }
  if (fchmod (f->fd, mode) != 0)
    {
      io_fail (error, errno, _("cannot set the file's permissions"));
      return NULL;
    }
  return g_steal_pointer (&f);
}

FILE *
nn_atomic_file_stream (NnAtomicFile *f)
{
  if (f->stream == NULL && f->fd >= 0)
    f->stream = fdopen (f->fd, "w");
  return f->stream;
}

const char *
nn_atomic_file_temp_path (const NnAtomicFile *f)
{
  return f->temp_path;
}

static void
close_file (NnAtomicFile *f)
{
  if (f->stream != NULL)
    fclose (f->stream);
  else if (f->fd >= 0)
    close (f->fd);
  f->stream = NULL;
  f->fd = -1;
}

gboolean
nn_atomic_file_finish (NnAtomicFile *f, GError **error)
{
  int failed = 0;
  FILE *stream;
  int fd;

  g_return_val_if_fail (f->temp_path != NULL, FALSE);
  if (f->fd < 0)
    return TRUE;   /* finished already */
  if (f->stream != NULL && (fflush (f->stream) != 0 || ferror (f->stream)))
    failed = errno != 0 ? errno : EIO;
  if (failed == 0 && fsync (f->fd) != 0)
    failed = errno;
  stream = g_steal_pointer (&f->stream);
  fd = f->fd;
  f->fd = -1;
  if ((stream != NULL ? fclose (stream) : close (fd)) != 0 && failed == 0)
    failed = errno;
  if (failed != 0)
    return io_fail (error, failed, _("cannot write"));
  return TRUE;
}

gboolean
nn_atomic_file_commit (NnAtomicFile *f, GError **error)
{
  if (!nn_atomic_file_finish (f, error))
    return FALSE;
  if (g_rename (f->temp_path, f->target) != 0)
    return io_fail (error, errno, _("cannot replace it"));
  g_clear_pointer (&f->temp_path, g_free);
  return TRUE;
}

void
nn_atomic_file_free (NnAtomicFile *f)
{
  if (f == NULL)
    return;
  close_file (f);
  if (f->temp_path != NULL)
    g_unlink (f->temp_path);
  g_free (f->temp_path);
  g_free (f->target);
  g_free (f);
}

gboolean
nn_atomic_write (const char *path, const char *data, gssize len, GError **error)
{
  g_autoptr (NnAtomicFile) f = nn_atomic_file_new (path, error);
  gsize left = len < 0 ? strlen (data) : (gsize) len;

  if (f == NULL)
    return FALSE;
  while (left > 0)
    {
      gssize n = write (f->fd, data, left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return io_fail (error, n < 0 ? errno : ENOSPC, _("cannot write"));
      data += n;
      left -= (gsize) n;
    }
  return nn_atomic_file_commit (f, error);
}

gboolean
nn_atomic_check_folder (const char *path, GError **error)
{
  g_autoptr (NnAtomicFile) f = nn_atomic_file_new (path, error);
  return f != NULL;
}
