/*
 * tinbao: `tinbao status`, the running gateway's state for the operator.
 *
 * Asks the gateway's own /healthz over [http] listen (modem link, signal,
 * network, operator, SIM credit, Kannel, outbox) and adds what the store
 * knows: cases by status, the outbox queue, the last USSD reply.  Exit 0
 * when healthy, 1 when not or when the gateway does not answer.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tinbao.h"

/*
 * Fetches http://listen/healthz into buf, with token (NULL: none) as a
 * Bearer token for the detail; returns the HTTP code or -1.
 */
static int
status_fetch(const char *listen, const char *token, char *buf, size_t bufsz)
{
	struct addrinfo	 hints, *res = NULL;
	struct timeval	 tv = { 5, 0 };
	char		*host, *port, req[512];
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd = -1, code = -1;

	host = xstrdup(listen);
	if ((port = strrchr(host, ':')) == NULL)
		goto out;
	*port++ = '\0';
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (strcmp(port, "0") == 0)
		goto out;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		goto out;
	if ((fd = socket(res->ai_family, res->ai_socktype, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, res->ai_addr, res->ai_addrlen) == -1)
		goto out;
	(void)snprintf(req, sizeof(req), "GET /healthz HTTP/1.0\r\nHost: %s\r\n"
	    "%s%s%s\r\n", host, token != NULL ? "Authorization: Bearer " : "",
	    token != NULL ? token : "", token != NULL ? "\r\n" : "");
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		goto out;
	while (off + 1 < bufsz && (n = read(fd, buf + off, bufsz - off - 1)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	if (sscanf(buf, "HTTP/%*s %d", &code) != 1)
		code = -1;
out:
	if (res != NULL)
		freeaddrinfo(res);
	if (fd != -1)
		close(fd);
	free(host);
	return (code);
}

static int
status_count_cb(const char *v1, const char *v2, int64_t n, void *arg)
{
	(void)arg;
	printf("  %-14s %-10s %lld\n", v1, v2, (long long)n);
	return (0);
}

/* Runs `tinbao status`. */
int
cmd_status(struct config *conf, int argc, char **argv)
{
	struct store	*st;
	char		 buf[4096], ussd[256] = "", *body, tok[256] = "";
	int		 code = -1, pending;

	(void)argv;
	if (argc != 0) {
		fprintf(stderr, "usage: tinbao status\n");
		return (2);
	}
	/* With a metrics token, the detail needs it (http.c). */
	if (conf->http_metrics_token_file != NULL &&
	    secretfile_read(conf->http_metrics_token_file,
	    "http: metrics_token_file", tok, sizeof(tok)) == -1)
		tok[0] = '\0';
	if (conf->http_listen == NULL)
		printf("gateway: no [http] listen configured, state unknown\n");
	else if ((code = status_fetch(conf->http_listen, tok[0] != '\0' ?
	    tok : NULL, buf, sizeof(buf))) == -1)
		printf("gateway: not answering on %s\n", conf->http_listen);
	else {
		body = strstr(buf, "\r\n\r\n");
		printf("gateway (%s, HTTP %d):\n%s", conf->http_listen, code,
		    body ? body + 4 : "");
	}
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == 0) {
		pending = store_outbox_pending(st);
		printf("outbox: %d waiting\n", pending);
		printf("outgoing SMS by kind and state:\n");
		(void)store_metric_groups(st, STORE_METRIC_OUTBOX,
		    status_count_cb, NULL);
		printf("cases by category and urgency:\n");
		(void)store_metric_groups(st, STORE_METRIC_CASES,
		    status_count_cb, NULL);
		if (store_meta_get(st, "ussd_last", ussd, sizeof(ussd)) == 1)
			printf("last credit reply: %s\n", ussd);
	}
	store_close(st);
	return (code == 200 ? 0 : 1);
}
