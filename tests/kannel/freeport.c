/*
 * freeport: print N free TCP ports on 127.0.0.1, one per line.
 *
 * Part of the Kannel test harness (tests/kannel/kannel.sh).  All N sockets
 * are bound to port 0 and held open together before any is closed, so the
 * ports printed are distinct.  The ports are free only at that instant; the
 * caller binds them a moment later, which is a small race that a test host
 * with few other listeners tolerates.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FREEPORT_MAX	32

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	socklen_t		 len;
	int			 fds[FREEPORT_MAX];
	unsigned int		 ports[FREEPORT_MAX];
	long			 n = 1;
	int			 i;
	char			*end;

	if (argc > 2)
		errx(2, "usage: freeport [count]");
	if (argc == 2) {
		n = strtol(argv[1], &end, 10);
		if (*argv[1] == '\0' || *end != '\0' || n < 1 ||
		    n > FREEPORT_MAX)
			errx(2, "count must be 1..%d", FREEPORT_MAX);
	}
	for (i = 0; i < n; i++) {
		if ((fds[i] = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			err(1, "socket");
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = 0;
		if (bind(fds[i], (struct sockaddr *)&sin, sizeof(sin)) == -1)
			err(1, "bind");
		len = sizeof(sin);
		if (getsockname(fds[i], (struct sockaddr *)&sin, &len) == -1)
			err(1, "getsockname");
		ports[i] = ntohs(sin.sin_port);
	}
	for (i = 0; i < n; i++) {
		printf("%u\n", ports[i]);
		close(fds[i]);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
