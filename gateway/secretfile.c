/*
 * tinbao: reading the small secret files the configuration names (the
 * sendsms password, Kannel's and the USSD aggregator's tokens, the
 * metrics token), and refusing what others could read or change.
 *
 * A secret file that every local user can read gives the secret to every
 * local user, and a database that every local user can write lets any of
 * them forge reports and accounts; as with the key file (crypto.c), the
 * gateway says so in one line and does not start.  Group access stays
 * allowed: the README's layout is root:tinbao 0640.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tinbao.h"

/*
 * Reads the first line of the secret file path into buf (without its
 * newline).  what names the key in the log.  Returns 0, or -1 (logged)
 * when it cannot be read, others can read or write it, or it is empty.
 */
int
secretfile_read(const char *path, const char *what, char *buf, size_t bufsz)
{
	struct stat	 st;
	FILE		*f;
	int		 fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s %s", what, path);
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		log_warn("%s %s", what, path);
		close(fd);
		return (-1);
	}
	if (st.st_mode & S_IRWXO) {
		log_warnx("%s %s is open to others (mode %04o); run chmod o-rwx",
		    what, path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return (-1);
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		log_warn("%s %s", what, path);
		close(fd);
		return (-1);
	}
	if (fgets(buf, (int)bufsz, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0') {
		log_warnx("%s %s is empty", what, path);
		return (-1);
	}
	return (0);
}

/*
 * Refuses a database file (and its WAL and journal, when they exist) that
 * others may write.  0, or -1 logged.
 */
int
secretfile_check_db(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	struct stat	 st;
	char		 p[4096];
	size_t		 i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		if (snprintf(p, sizeof(p), "%s%s", path, suffix[i]) >=
		    (int)sizeof(p))
			return (-1);
		if (stat(p, &st) == -1)
			continue;
		if (st.st_mode & S_IWOTH) {
			log_warnx("database=%s is writable by others (mode "
			    "%04o); run chmod o-w", p,
			    (unsigned)(st.st_mode & 07777));
			return (-1);
		}
	}
	return (0);
}
