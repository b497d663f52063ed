/*
 * tinbao tests: fmctl, a client for fakemodem's control socket.
 *
 *	fmctl SOCKET COMMAND...
 *
 * Joins COMMAND... with single spaces, sends it as one line and prints the
 * answer lines up to and including the first one starting with "OK", "ERR"
 * or "END".  Exits 0 on OK/END, 1 on ERR and 2 when the socket cannot be
 * used.  Exists because socat and nc -U are not always installed.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FMCTL_LINE_MAX	65536

static int	fmctl_connect(const char *);
static int	fmctl_send(int, int, char **);
static int	fmctl_answer(int);
static int	write_all(int, const char *, size_t);

static int
fmctl_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd, n;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path)) {
		fprintf(stderr, "fmctl: socket path too long\n");
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		perror("fmctl: socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "fmctl: connect %s: %s\n", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
fmctl_send(int fd, int argc, char **argv)
{
	int	i;

	for (i = 0; i < argc; i++) {
		if ((i > 0 && write_all(fd, " ", 1) == -1) ||
		    write_all(fd, argv[i], strlen(argv[i])) == -1)
			return -1;
	}
	return write_all(fd, "\n", 1);
}

/* Prints lines until the terminating one; returns the exit status. */
static int
fmctl_answer(int fd)
{
	static char	line[FMCTL_LINE_MAX];
	size_t		len = 0;
	ssize_t		n;
	char		c;

	for (;;) {
		n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "fmctl: connection closed\n");
			return 2;
		}
		if (c != '\n') {
			if (len + 1 < sizeof(line))
				line[len++] = c;
			continue;
		}
		line[len] = '\0';
		printf("%s\n", line);
		if (strncmp(line, "ERR", 3) == 0)
			return 1;
		if (strncmp(line, "OK", 2) == 0 || strcmp(line, "END") == 0)
			return 0;
		len = 0;
	}
}

int
main(int argc, char *argv[])
{
	int	fd, rc;

	if (argc < 3) {
		fprintf(stderr, "usage: fmctl SOCKET COMMAND...\n");
		return 2;
	}
	if ((fd = fmctl_connect(argv[1])) == -1)
		return 2;
	if (fmctl_send(fd, argc - 2, argv + 2) == -1) {
		perror("fmctl: write");
		close(fd);
		return 2;
	}
	rc = fmctl_answer(fd);
	fflush(stdout);
	close(fd);
	return rc;
}
