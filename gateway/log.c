/*
 * tinbao: logging.
 *
 * One line per event on stderr (systemd's journal takes it from there), in
 * key=value form after a short message.  Debug lines are formatted only when
 * debugging is on.  A reporter's number never reaches these functions: callers
 * pass the alias from crypto.c instead.  A control character in any field
 * (a login name with a newline, an SMS with an escape sequence) is written
 * as \xNN, so that no value can end a line and forge the next one or
 * drive the reader's terminal.  Safe to call from the modem thread:
 * each line is formatted into a local buffer and written with one write(2).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tinbao.h"

static int		 log_verbose;
static const char	*log_ident = "tinbao";
static int		 log_stamps = 1;

static void	log_vwrite(const char *, const char *, va_list, int)
		    __attribute__((format(printf, 2, 0)));

/* Sets the program name and verbosity; stamps are dropped under journald. */
void
log_init(int verbose, const char *ident)
{
	log_verbose = verbose;
	if (ident != NULL)
		log_ident = ident;
	if (getenv("JOURNAL_STREAM") != NULL)
		log_stamps = 0;
}

/* Changes the verbosity (0 info, 1 debug). */
void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

/*
 * Copies src into dst (room for dstsz bytes and a NUL) with every control
 * character (below 0x20, and DEL) as \xNN.  Returns the length written.
 */
size_t
log_escape(char *dst, size_t dstsz, const char *src)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	size_t			 n = 0;

	if (dstsz == 0)
		return (0);
	for (p = (const unsigned char *)src; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f) {
			if (n + 1 >= dstsz)
				break;
			dst[n++] = (char)*p;
			continue;
		}
		if (n + 4 >= dstsz)
			break;
		dst[n++] = '\\';
		dst[n++] = 'x';
		dst[n++] = hex[*p >> 4];
		dst[n++] = hex[*p & 0x0f];
	}
	dst[n] = '\0';
	return (n);
}

static void
log_vwrite(const char *level, const char *fmt, va_list ap, int err)
{
	char		 line[2048], msg[1536], stamp[32] = "";
	struct tm	 tm;
	time_t		 now;
	int		 n, m;

	if (log_stamps) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	}
	n = snprintf(line, sizeof(line), "%s%s: %s", stamp, log_ident, level);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	n += (int)log_escape(line + n, sizeof(line) - n, msg);
	if ((size_t)n >= sizeof(line) - 2)
		n = sizeof(line) - 3;
	if (err != 0) {
		m = snprintf(line + n, sizeof(line) - n, ": %s", strerror(err));
		if (m > 0)
			n += m;
		if ((size_t)n >= sizeof(line) - 2)
			n = sizeof(line) - 3;
	}
	line[n++] = '\n';
	line[n] = '\0';
	(void)!write(STDERR_FILENO, line, n);
}

/* Logs a warning with errno's text. */
void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite("warning: ", fmt, ap, saved);
	va_end(ap);
	errno = saved;
}

/* Logs a warning. */
void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("warning: ", fmt, ap, 0);
	va_end(ap);
}

/* Logs an informational line. */
void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("", fmt, ap, 0);
	va_end(ap);
}

/* Logs a debug line; formats nothing unless debugging is on. */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vwrite("debug: ", fmt, ap, 0);
	va_end(ap);
}

/* Logs a fatal error with errno's text and exits 1. */
void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite("fatal: ", fmt, ap, saved);
	va_end(ap);
	exit(1);
}

/* Logs a fatal error and exits 1. */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("fatal: ", fmt, ap, 0);
	va_end(ap);
	exit(1);
}
