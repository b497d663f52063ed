/*
 * intake_load: sends Kannel MOs to tinbao's /kannel/mo as smsbox does, over
 * many concurrent keep-alive connections, one request in flight on each.
 *
 *   intake_load -a 127.0.0.1:PORT -n COUNT -c CONNS [-p PREFIX] [-s FIRST]
 *       [-D K]
 *
 * Request i comes from its own sender (+8498 and 7 digits from FIRST + i,
 * FIRST 0 unless given) with
 * Kannel id PREFIX-i and one of a set of varied Vietnamese reports.  With
 * -D K, every K-th request repeats the one before it (same id, sender and
 * text), sent right after it, so that both are often in one batch: the
 * gateway must store it once.  Prints one line:
 *
 *   sent=N ok=N dup=D s503=0 other=0 secs=S rate=R p50_ms=X p99_ms=Y
 *
 * rate counts requests answered 200 per second, from the first send to the
 * last answer.  Exits 0 only when every request was answered 200.
 * Plain C and poll(2): no tinbao objects, no libraries.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUFSZ	8192

static const char *texts[] = {
	"Có bạn bị bắt nạt ở nhà xe trường",
	"Em bị mấy anh lớp 9 đánh sau giờ học",
	"Bạn em bị trấn lột tiền ăn sáng mỗi ngày",
	"Có người lạ đứng ở cổng trường hỏi chuyện các bạn nữ",
	"Trong lớp có bạn mang dao đến trường",
	"Em bị bạn bè tẩy chay và nói xấu trên mạng",
	"Có nhóm học sinh hút thuốc lá điện tử trong nhà vệ sinh",
	"Bạn cùng lớp bị ép uống rượu ở quán gần trường",
	"Em thấy có đánh nhau ở sân sau, nhiều bạn quay clip",
	"Thầy ơi có bạn bị đe dọa sẽ bị đánh nếu đi học",
	"Mấy bạn lớp 8 bắt em đưa điện thoại",
	"Có xe máy chạy rất nhanh trước cổng trường lúc tan học",
};

struct conn {
	int		 fd;
	int		 busy;		/* a request is in flight */
	int		 req;		/* its number */
	struct timespec	 t0;
	char		 buf[BUFSZ];
	size_t		 len;
};

static double
secs(const struct timespec *a, const struct timespec *b)
{
	return ((double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9);
}

static int
cmpd(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* Appends s percent-encoded. */
static size_t
enc(char *o, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 n = 0;
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.')
			o[n++] = (char)*p;
		else if (*p == ' ')
			o[n++] = '+';
		else {
			o[n++] = '%';
			o[n++] = hex[*p >> 4];
			o[n++] = hex[*p & 15];
		}
	}
	o[n] = '\0';
	return (n);
}

static int
dial(const struct sockaddr_in *sin)
{
	int	 fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Sends request number i on c; 0 or -1. */
static int
sendreq(struct conn *c, int i, int dupk, const char *prefix, const char *host,
    int first)
{
	char	 req[2048], text[1024], from[32], id[96];
	int	 base = i, n;
	size_t	 off;

	/* Every dupk-th request repeats the one before it. */
	if (dupk > 0 && i > 0 && i % dupk == 0)
		base = i - 1;
	(void)snprintf(from, sizeof(from), "%%2B8498%07d", first + base);
	(void)snprintf(id, sizeof(id), "%s-%d", prefix, base);
	(void)snprintf(text, sizeof(text), "%s (%d)",
	    texts[base % (int)(sizeof(texts) / sizeof(texts[0]))], base);
	n = snprintf(req, sizeof(req), "GET /kannel/mo?from=%s&to=9999&"
	    "coding=0&charset=UTF-8&smsc=bench&id=", from);
	off = (size_t)n;
	off += enc(req + off, id);
	off += (size_t)snprintf(req + off, sizeof(req) - off, "&ts=%d&text=",
	    1795868130 + base);
	off += enc(req + off, text);
	off += (size_t)snprintf(req + off, sizeof(req) - off,
	    " HTTP/1.1\r\nHost: %s\r\nConnection: keep-alive\r\n"
	    "User-Agent: intake_load\r\n\r\n", host);
	c->busy = 1;
	c->req = i;
	c->len = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	for (n = 0; (size_t)n < off; ) {
		ssize_t	 w = send(c->fd, req + n, off - (size_t)n, MSG_NOSIGNAL);

		if (w == -1) {
			if (errno == EINTR || errno == EAGAIN) {
				struct pollfd	 p = { c->fd, POLLOUT, 0 };

				(void)poll(&p, 1, 1000);
				continue;
			}
			return (-1);
		}
		n += (int)w;
	}
	return (0);
}

/* Returns the status once a whole response is buffered, 0 if not yet. */
static int
response(struct conn *c)
{
	char	*end, *cl;
	size_t	 hlen, blen = 0;
	int	 code;

	c->buf[c->len] = '\0';
	if ((end = strstr(c->buf, "\r\n\r\n")) == NULL)
		return (0);
	hlen = (size_t)(end - c->buf) + 4;
	if ((cl = strcasestr(c->buf, "\r\nContent-Length:")) != NULL &&
	    cl < end)
		blen = strtoul(cl + 17, NULL, 10);
	if (c->len < hlen + blen)
		return (0);
	if (sscanf(c->buf, "HTTP/1.%*d %d", &code) != 1)
		code = -1;
	memmove(c->buf, c->buf + hlen + blen, c->len - hlen - blen);
	c->len -= hlen + blen;
	return (code);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct conn		*cs;
	struct pollfd		*pf;
	struct timespec		 start, last, now;
	double			*lat;
	const char		*addr = NULL, *prefix = "load";
	char			 host[64], *colon;
	int			 n = 1000, nc = 16, dupk = 0, ch, i, next = 0;
	int			 first = 0;
	int			 done = 0, ok = 0, s503 = 0, other = 0, dups = 0;

	while ((ch = getopt(argc, argv, "a:n:c:p:s:D:")) != -1) {
		switch (ch) {
		case 'a': addr = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'c': nc = atoi(optarg); break;
		case 'p': prefix = optarg; break;
		case 'D': dupk = atoi(optarg); break;
		case 's': first = atoi(optarg); break;
		default:
			goto usage;
		}
	}
	if (addr == NULL || n < 1 || nc < 1 || strlen(addr) >= sizeof(host))
		goto usage;
	(void)strcpy(host, addr);
	if ((colon = strrchr(host, ':')) == NULL)
		goto usage;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(colon + 1));
	*colon = '\0';
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		goto usage;
	*colon = ':';
	if (nc > n)
		nc = n;
	cs = calloc((size_t)nc, sizeof(*cs));
	pf = calloc((size_t)nc, sizeof(*pf));
	lat = calloc((size_t)n, sizeof(*lat));
	if (cs == NULL || pf == NULL || lat == NULL)
		return (2);
	for (i = 0; i < nc; i++)
		if ((cs[i].fd = dial(&sin)) == -1) {
			perror("connect");
			return (2);
		}
	clock_gettime(CLOCK_MONOTONIC, &start);
	last = start;
	for (i = 0; i < nc && next < n; i++)
		if (sendreq(&cs[i], next++, dupk, prefix, host, first) == -1) {
			perror("send");
			return (2);
		}
	while (done < n) {
		for (i = 0; i < nc; i++) {
			pf[i].fd = cs[i].busy ? cs[i].fd : -1;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		if (poll(pf, (nfds_t)nc, 30000) <= 0) {
			fprintf(stderr, "intake_load: no answer in 30 s\n");
			return (2);
		}
		for (i = 0; i < nc; i++) {
			struct conn	*c = &cs[i];
			ssize_t		 r;
			int		 code;

			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = recv(c->fd, c->buf + c->len, BUFSZ - 1 - c->len, 0);
			if (r <= 0) {
				fprintf(stderr, "intake_load: connection "
				    "closed with request %d in flight\n",
				    c->req);
				return (2);
			}
			c->len += (size_t)r;
			if ((code = response(c)) == 0)
				continue;
			clock_gettime(CLOCK_MONOTONIC, &now);
			lat[done++] = secs(&c->t0, &now) * 1000.0;
			last = now;
			if (code == 200)
				ok++;
			else if (code == 503)
				s503++;
			else
				other++;
			if (dupk > 0 && c->req > 0 && c->req % dupk == 0)
				dups++;
			c->busy = 0;
			if (next < n && sendreq(c, next++, dupk, prefix,
			    host, first) == -1) {
				perror("send");
				return (2);
			}
		}
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmpd);
	printf("sent=%d ok=%d dup=%d s503=%d other=%d secs=%.3f rate=%.0f "
	    "p50_ms=%.2f p99_ms=%.2f\n", n, ok, dups, s503, other,
	    secs(&start, &last), ok / secs(&start, &last), lat[n / 2],
	    lat[(size_t)((double)n * 0.99)]);
	for (i = 0; i < nc; i++)
		close(cs[i].fd);
	free(cs);
	free(pf);
	free(lat);
	return (ok == n ? 0 : 1);
usage:
	fprintf(stderr, "usage: intake_load -a HOST:PORT [-n COUNT] "
	    "[-c CONNS] [-p PREFIX] [-s FIRST] [-D K]\n");
	return (2);
}
