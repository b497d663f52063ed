/*
 * tinbao: `tinbao token add|list|revoke`, the JSON API's bearer tokens.
 *
 * A token is "tb_" and 32 random bytes in base64url.  It is printed once,
 * on stdout, when it is made; the database keeps only its keyed hash
 * (api_token_hash), so a lost token is revoked and replaced, never shown
 * again.  A token's name is what the audit log records ("token:NAME"), so
 * a name is never reused, even after a revoke.  Each add and revoke is
 * itself audited (actor "cli").
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "tinbao.h"

static int	token_usage(void);
static int	token_add(struct config *, const char *, const char *);
static int	token_list(struct config *);
static int	token_revoke(struct config *, const char *);
static struct store *token_open(struct config *);
static void	token_time(int64_t, char *, size_t);
static int	token_list_cb(const struct api_token *, void *);

static int
token_usage(void)
{
	fprintf(stderr, "usage: tinbao token add NAME --role bureau|admin\n"
	    "       tinbao token list\n"
	    "       tinbao token revoke NAME\n");
	return (2);
}

static struct store *
token_open(struct config *conf)
{
	struct store	*st;

	if ((st = store_open(conf->database, 0)) == NULL)
		return (NULL);
	if (store_check_version(st) == -1) {
		store_close(st);
		return (NULL);
	}
	return (st);
}

/* Makes a token, stores its hash, prints it once. */
static int
token_add(struct config *conf, const char *name, const char *role)
{
	struct store	*st;
	struct secret	 sec;
	unsigned char	 raw[32], hash[32];
	char		 token[API_TOKEN_LEN + 1], detail[128];
	int		 r, ret = 1;

	if (!api_name_is_valid(name)) {
		fprintf(stderr, "tinbao token: name '%s': 1 to %d letters, "
		    "digits, '.', '-' or '_'\n", name, API_NAME_MAX);
		return (2);
	}
	if (strcmp(role, "bureau") != 0 && strcmp(role, "admin") != 0) {
		fprintf(stderr, "tinbao token: --role: bureau or admin\n");
		return (2);
	}
	if (secret_init() == -1 || secret_load(conf->keyfile, &sec) == -1)
		return (1);
	if ((st = token_open(conf)) == NULL) {
		explicit_bzero(&sec, sizeof(sec));
		return (1);
	}
	randombytes_buf(raw, sizeof(raw));
	(void)strlcpy_checked(token, API_TOKEN_PREFIX, sizeof(token));
	if (api_b64url(raw, sizeof(raw), token + strlen(API_TOKEN_PREFIX),
	    sizeof(token) - strlen(API_TOKEN_PREFIX)) == 0 ||
	    !api_token_is_wellformed(token))
		fatalx("token: encoding");
	api_token_hash(&sec, token, hash);
	(void)snprintf(detail, sizeof(detail), "name=%s role=%s", name, role);
	if (store_begin(st) == -1)
		goto out;
	if ((r = store_token_add(st, name, role, hash, time(NULL))) == 1 &&
	    store_audit(st, "cli", "token.add", 0, detail, "") == 0 &&
	    store_commit(st) == 0) {
		printf("%s\n", token);
		fprintf(stderr, "tinbao token: %s (%s) created; this is the "
		    "only time it is shown\n", name, role);
		ret = 0;
		goto out;
	}
	store_rollback(st);
	if (r == 0)
		fprintf(stderr, "tinbao token: a token called %s exists "
		    "(names are never reused, even revoked ones)\n", name);
out:
	store_close(st);
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(token, sizeof(token));
	explicit_bzero(&sec, sizeof(sec));
	return (ret);
}

static void
token_time(int64_t t, char *buf, size_t bufsz)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (t == 0) {
		(void)strlcpy_checked(buf, "never", bufsz);
		return;
	}
	localtime_r(&tt, &tm);
	if (strftime(buf, bufsz, "%Y-%m-%d %H:%M", &tm) == 0)
		(void)strlcpy_checked(buf, "?", bufsz);
}

static int
token_list_cb(const struct api_token *t, void *arg)
{
	char	 created[32], used[32];

	(void)arg;
	token_time(t->created_at, created, sizeof(created));
	token_time(t->used_at, used, sizeof(used));
	printf("%-20s %-7s %-16s %-16s %s\n", t->name, t->role, created, used,
	    t->revoked ? "revoked" : "active");
	return (0);
}

/* Lists the tokens: never a token, only what is known of each. */
static int
token_list(struct config *conf)
{
	struct store	*st;
	int		 n;

	if ((st = token_open(conf)) == NULL)
		return (1);
	printf("%-20s %-7s %-16s %-16s %s\n", "name", "role", "created",
	    "last used", "state");
	n = store_token_list(st, token_list_cb, NULL);
	store_close(st);
	return (n == -1 ? 1 : 0);
}

/* Revokes a token by name; the next request with it gets 401. */
static int
token_revoke(struct config *conf, const char *name)
{
	struct store	*st;
	char		 detail[96];
	int		 r, exists, ret = 1;

	if ((st = token_open(conf)) == NULL)
		return (1);
	(void)snprintf(detail, sizeof(detail), "name=%s", name);
	if (store_begin(st) == -1)
		goto out;
	if ((r = store_token_revoke(st, name, &exists)) == -1 ||
	    (r == 1 && store_audit(st, "cli", "token.revoke", 0, detail,
	    "") == -1) || store_commit(st) == -1) {
		store_rollback(st);
		goto out;
	}
	if (!exists)
		fprintf(stderr, "tinbao token: no token called %s\n", name);
	else {
		printf("%s %s\n", name, r == 1 ? "revoked" :
		    "was already revoked");
		ret = 0;
	}
out:
	store_close(st);
	return (ret);
}

/* Runs `tinbao token`. */
int
cmd_token(struct config *conf, int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[0], "add") == 0 &&
	    strcmp(argv[2], "--role") == 0)
		return (token_add(conf, argv[1], argv[3]));
	if (argc == 4 && strcmp(argv[0], "add") == 0 &&
	    strcmp(argv[1], "--role") == 0)
		return (token_add(conf, argv[3], argv[2]));
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return (token_list(conf));
	if (argc == 2 && strcmp(argv[0], "revoke") == 0)
		return (token_revoke(conf, argv[1]));
	return (token_usage());
}
