/*
 * tinbao: the systemd notification protocol, without libsystemd.
 *
 * With Type=notify, systemd hands the service a unix datagram socket in
 * $NOTIFY_SOCKET (a path, or a Linux abstract name written with a leading
 * '@') and waits for "READY=1" before it calls the start done.  With
 * WatchdogSec= it also expects "WATCHDOG=1" at least once per period and
 * restarts the service when it does not come: the main loop sends one on
 * every housekeeping tick, so a stalled loop (a statement that never
 * returns, a callback stuck in a loop) is restarted.  "STOPPING=1" says a
 * stop has begun, so systemd does not take the slow stop for a hang.
 *
 * Each message is one datagram sent without blocking; a lost one is not
 * retried (systemd logs nothing for it, and the next tick sends another).
 * Without $NOTIFY_SOCKET every call does nothing, so `tinbao serve` run by
 * hand or by the tests behaves as before.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tinbao.h"

struct sdnotify {
	int			 fd;
	struct sockaddr_un	 sun;
	socklen_t		 sunlen;
	int			 failed;	/* warned once already */
};

/*
 * Opens the notification socket named by $NOTIFY_SOCKET.  Returns NULL when
 * there is none (not under systemd) or when the name cannot be used (logged).
 */
struct sdnotify *
sdnotify_open(void)
{
	struct sdnotify	*sd;
	const char	*name = getenv("NOTIFY_SOCKET");
	size_t		 len;

	if (name == NULL || name[0] == '\0')
		return (NULL);
	len = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || len < 2 ||
	    len >= sizeof(sd->sun.sun_path)) {
		log_warnx("sdnotify: NOTIFY_SOCKET=%s is not a socket path or "
		    "an abstract name: no notifications", name);
		return (NULL);
	}
	sd = xcalloc(1, sizeof(*sd));
	sd->sun.sun_family = AF_UNIX;
	memcpy(sd->sun.sun_path, name, len);
	/* An abstract name starts with a NUL and is not NUL-terminated. */
	if (name[0] == '@')
		sd->sun.sun_path[0] = '\0';
	sd->sunlen = offsetof(struct sockaddr_un, sun_path) + len +
	    (name[0] == '/' ? 1 : 0);
	sd->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sd->fd == -1) {
		log_warn("sdnotify: socket");
		free(sd);
		return (NULL);
	}
	return (sd);
}

/*
 * Sends one notification ("READY=1", "WATCHDOG=1", ...).  Returns 0 when
 * the datagram went out, -1 otherwise (logged once, then only at debug).
 */
int
sdnotify_send(struct sdnotify *sd, const char *state)
{
	ssize_t	 n;
	size_t	 len, word;

	if (sd == NULL)
		return (0);
	len = strlen(state);
	word = strcspn(state, "\n");	/* log the first line only */
	n = sendto(sd->fd, state, len, MSG_NOSIGNAL,
	    (struct sockaddr *)&sd->sun, sd->sunlen);
	if (n == (ssize_t)len) {
		sd->failed = 0;
		return (0);
	}
	if (!sd->failed)
		log_warn("sdnotify: send \"%.*s\"", (int)word, state);
	else
		log_debug("sdnotify: send \"%.*s\": %s", (int)word, state,
		    strerror(errno));
	sd->failed = 1;
	return (-1);
}

/*
 * Returns how often systemd wants WATCHDOG=1, in microseconds, from
 * $WATCHDOG_USEC (when $WATCHDOG_PID, if set, is this process), or 0.
 */
unsigned long long
sdnotify_watchdog_usec(void)
{
	const char		*s, *pid;
	char			*end;
	unsigned long long	 usec;

	if ((s = getenv("WATCHDOG_USEC")) == NULL)
		return (0);
	if ((pid = getenv("WATCHDOG_PID")) != NULL &&
	    strtoll(pid, NULL, 10) != (long long)getpid())
		return (0);
	errno = 0;
	usec = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return (0);
	return (usec);
}

/* Closes the socket. */
void
sdnotify_close(struct sdnotify *sd)
{
	if (sd == NULL)
		return;
	close(sd->fd);
	free(sd);
}
