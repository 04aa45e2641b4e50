/* test-atomic.c: nn_atomic_write, the one way Passband writes a file:
 * through symbolic links, keeping the file's mode, cleaning up after killed
 * runs, and refusing a folder that cannot be written before any work. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "nn.h"

static char *
make_dir (void)
{
  char *dir = g_dir_make_tmp ("passband-atomic-XXXXXX", NULL);
  g_assert_nonnull (dir);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static guint
count_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
assert_contents (const char *path, const char *want)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, want);
}

/* Writing through a link replaces the file it points to; the link stays. */
static void
test_symlink_followed (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *target = g_build_filename (dir, "real.json", NULL);
  g_autofree char *link = g_build_filename (dir, "link.json", NULL);
  g_autoptr (GError) error = NULL;
  struct stat st;

  g_assert_true (g_file_set_contents (target, "old", -1, NULL));
  g_assert_cmpint (symlink ("real.json", link), ==, 0);
  g_assert_true (nn_atomic_write (link, "new", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  assert_contents (target, "new");
  assert_contents (link, "new");
  g_assert_cmpuint (count_entries (dir), ==, 2);
  remove_dir (dir);
}

/* A 0600 file stays 0600; a new file gets 0666 less the umask. */
static void
test_mode_kept (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "secret.json", NULL);
  g_autofree char *fresh = g_build_filename (dir, "fresh.json", NULL);
  g_autoptr (GError) error = NULL;
  mode_t old_mask = umask (022);
  struct stat st;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (nn_atomic_write (path, "new", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_true (nn_atomic_write (fresh, "x", -1, &error));
  g_assert_cmpint (g_stat (fresh, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
  umask (old_mask);
  remove_dir (dir);
}

/* A killed run's temporary file is removed by the next write of the same
 * file; one of a run still going (this process) is left alone. */
static void
test_stale_temporary_removed (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);
  g_autofree char *stale = NULL;
  g_autofree char *live = NULL;
  g_autofree char *other = NULL;
  g_autoptr (GError) error = NULL;
  pid_t child = fork ();

  if (child == 0)
    _exit (0);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  stale = g_strdup_printf ("%s/.m.json.part-%s-%ld-Ab12Cd", dir, g_get_host_name (), (long) child);
  live = g_strdup_printf ("%s/.m.json.part-%s-%ld-Ef34Gh", dir, g_get_host_name (), (long) getpid ());
  other = g_strdup_printf ("%s/.m.json.part-another-host-%ld-Ij56Kl", dir, (long) child);
  g_assert_true (g_file_set_contents (stale, "half", -1, NULL));
  g_assert_true (g_file_set_contents (live, "half", -1, NULL));
  g_assert_true (g_file_set_contents (other, "half", -1, NULL));
  g_assert_true (nn_atomic_write (path, "whole", -1, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  assert_contents (path, "whole");
  g_assert_cmpuint (count_entries (dir), ==, 3);
  remove_dir (dir);
}

/* A missing folder is found before any work, and nothing is created. */
static void
test_check_folder (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *ok = g_build_filename (dir, "m.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "m.json", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (nn_atomic_check_folder (ok, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 0);
  g_assert_false (nn_atomic_check_folder (missing, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/atomic/symlink-followed", test_symlink_followed);
  g_test_add_func ("/atomic/mode-kept", test_mode_kept);
  g_test_add_func ("/atomic/stale-temporary-removed", test_stale_temporary_removed);
  g_test_add_func ("/atomic/check-folder", test_check_folder);
  return g_test_run ();
}
