/*
 * mosink: a tiny HTTP sink that stands in for the application Kannel calls.
 *
 * Part of the Kannel test harness (tests/kannel/test-kannel.sh).  It listens
 * on a free port of 127.0.0.1, writes that port to PORTFILE (through a
 * rename, so a reader never sees a partial number), answers every request
 * with an empty "200 OK" (or "500" for the first N requests with -f N) and
 * appends each request line to LOGFILE, flushed at once.
 *
 * DESIGN: single-threaded and bounded on purpose.  One connection at a time,
 * a 5 s receive timeout, a 16 KiB header limit and at most -n requests (10000
 * by default).  Every response carries "Connection: close", so Kannel's
 * keep-alive pool never holds a socket we are not reading.  SIGTERM and
 * SIGINT set a flag; accept() is interrupted (no SA_RESTART) and the loop
 * ends.
 */

#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MOSINK_HDR_MAX	16384
#define MOSINK_BODY_MAX	(1024 * 1024)

static volatile sig_atomic_t mosink_quit;

static void	mosink_sig(int);
static long	mosink_num(const char *, long, long);
static int	mosink_serve(int, FILE *, int);
static void	usage(void);

/* Records that a termination signal arrived. */
static void
mosink_sig(int sig)
{
	(void)sig;
	mosink_quit = 1;
}

/* Parses a decimal option argument within [min, max] or exits. */
static long
mosink_num(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		errx(2, "bad number: %s", s);
	return v;
}

/*
 * Reads one request from fd, logs its request line and answers it: 500 when
 * fail is set, 200 otherwise.  Returns 0 when a request was answered, -1 when
 * the peer closed or sent garbage.
 */
static int
mosink_serve(int fd, FILE *log, int fail)
{
	static char	 buf[MOSINK_HDR_MAX + 1];
	static const char ok[] = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n";
	static const char ko[] = "HTTP/1.0 500 Internal Server Error\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	const char	*resp;
	char		*eoh, *eol, *cl, drain[4096];
	size_t		 len = 0, have;
	long		 body = 0;
	ssize_t		 r;

	for (;;) {
		if (len == MOSINK_HDR_MAX)
			return -1;
		r = read(fd, buf + len, MOSINK_HDR_MAX - len);
		if (r <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = '\0';
		if ((eoh = strstr(buf, "\r\n\r\n")) != NULL)
			break;
	}
	if ((eol = strstr(buf, "\r\n")) == NULL)
		return -1;
	*eol = '\0';
	fprintf(log, "%s\n", buf);
	fflush(log);

	/* Drain a body, if any, so the close is not a reset. */
	*eoh = '\0';
	for (cl = eol + 2; cl != NULL && *cl != '\0'; ) {
		if (strncasecmp(cl, "Content-Length:", 15) == 0) {
			body = strtol(cl + 15, NULL, 10);
			break;
		}
		if ((cl = strstr(cl, "\r\n")) != NULL)
			cl += 2;
	}
	if (body < 0 || body > MOSINK_BODY_MAX)
		body = 0;
	have = len - (size_t)(eoh + 4 - buf);
	body -= (long)have;
	while (body > 0) {
		r = read(fd, drain, sizeof(drain));
		if (r <= 0)
			break;
		body -= r;
	}

	resp = fail ? ko : ok;
	if (write(fd, resp, strlen(resp)) == -1)
		return -1;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: mosink [-f nfail] [-n max] portfile logfile\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct sigaction	 sa;
	struct timeval		 tv = { .tv_sec = 5, .tv_usec = 0 };
	socklen_t		 slen;
	FILE			*log, *pf;
	char			 tmp[4096];
	long			 nfail = 0, max = 10000, served = 0;
	int			 ch, s, c, one = 1;

	while ((ch = getopt(argc, argv, "f:n:")) != -1) {
		switch (ch) {
		case 'f':
			nfail = mosink_num(optarg, 0, 1000000);
			break;
		case 'n':
			max = mosink_num(optarg, 1, 1000000);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mosink_sig;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART: accept() must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((log = fopen(argv[1], "a")) == NULL)
		err(1, "%s", argv[1]);

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind");
	if (listen(s, 16) == -1)
		err(1, "listen");
	slen = sizeof(sin);
	if (getsockname(s, (struct sockaddr *)&sin, &slen) == -1)
		err(1, "getsockname");

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", argv[0]) >=
	    sizeof(tmp))
		errx(1, "portfile name too long");
	if ((pf = fopen(tmp, "w")) == NULL)
		err(1, "%s", tmp);
	fprintf(pf, "%u\n", ntohs(sin.sin_port));
	if (fclose(pf) == EOF || rename(tmp, argv[0]) == -1)
		err(1, "%s", argv[0]);

	while (!mosink_quit && served < max) {
		if ((c = accept(s, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err(1, "accept");
		}
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (mosink_serve(c, log, served < nfail) == 0)
			served++;
		close(c);
	}
	close(s);
	fclose(log);
	return 0;
}
