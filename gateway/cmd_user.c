/*
 * tinbao: `tinbao user add NAME --role bureau|admin [--password-file F]
 * [--replace]`, `user disable|enable NAME` and `user list`, the
 * dashboard's accounts.  A new password (--replace) and disabling end the
 * user's sessions at once; a running gateway sees it at the next request,
 * since sessions live in the database.
 *
 * The password comes from a file (its first line) or is asked for on the
 * terminal twice, without echo; from a pipe, the first line of stdin is
 * taken.  Only its Argon2id string (libsodium's crypto_pwhash_str, with
 * the "interactive" cost: 64 MB and a fraction of a second) reaches the
 * database.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "tinbao.h"

#define USER_PW_MIN	10
#define USER_PW_MAX	256

/* A password must be long enough to resist a guess, and short of absurd. */
int
user_password_ok(const char *pw)
{
	size_t	 n = strlen(pw);

	return (n >= USER_PW_MIN && n <= USER_PW_MAX &&
	    utf8_is_valid(pw, n));
}

/* Reads one line into buf, without its newline; -1 at end of file. */
static int
user_read_line(FILE *f, char *buf, size_t bufsz)
{
	size_t	 n;

	if (fgets(buf, (int)bufsz, f) == NULL)
		return (-1);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return (0);
}

/* Asks for the password on the terminal, twice, without echo. */
static int
user_prompt(char *pw, size_t pwsz)
{
	struct termios	 old, noecho;
	char		 again[USER_PW_MAX + 2];
	int		 r = -1;

	if (!isatty(STDIN_FILENO))
		return (user_read_line(stdin, pw, pwsz));
	if (tcgetattr(STDIN_FILENO, &old) == -1)
		return (-1);
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)ECHO;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho) == -1)
		return (-1);
	fprintf(stderr, "Password: ");
	if (user_read_line(stdin, pw, pwsz) == 0) {
		fprintf(stderr, "\nAgain: ");
		if (user_read_line(stdin, again, sizeof(again)) == 0) {
			r = strcmp(pw, again) == 0 ? 0 : -2;
			sodium_memzero(again, sizeof(again));
		}
	}
	fprintf(stderr, "\n");
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return (r);
}

static int
user_usage(void)
{
	fprintf(stderr, "usage: tinbao user add NAME --role bureau|admin "
	    "[--password-file FILE] [--replace]\n"
	    "       tinbao user disable|enable NAME\n"
	    "       tinbao user list\n");
	return (2);
}

/* Opens the store for a user command; NULL after a message. */
static struct store *
user_store(const struct config *conf)
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

static int
user_list_cb(const char *name, const char *role, int disabled,
    int64_t created, int sessions, void *arg)
{
	char		 when[32];
	time_t		 t = (time_t)created;
	struct tm	 tm;

	(void)arg;
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d", &tm) == 0)
		(void)strlcpy_checked(when, "-", sizeof(when));
	printf("%-20s %-7s %-9s %s sessions=%d\n", name, role, disabled ?
	    "disabled" : "active", when, sessions);
	return (0);
}

/* `tinbao user list`, `user disable NAME`, `user enable NAME`. */
static int
user_manage(struct config *conf, int argc, char **argv)
{
	struct store	*st;
	int		 r, disable;

	if (strcmp(argv[0], "list") == 0) {
		if (argc != 1)
			return (user_usage());
		if ((st = user_store(conf)) == NULL)
			return (1);
		r = store_user_list(st, (int64_t)time(NULL), user_list_cb,
		    NULL);
		store_close(st);
		return (r == -1 ? 1 : 0);
	}
	if (argc != 2)
		return (user_usage());
	disable = strcmp(argv[0], "disable") == 0;
	if ((st = user_store(conf)) == NULL)
		return (1);
	r = store_user_set_disabled(st, argv[1], disable);
	if (r == 1)
		(void)store_audit(st, "cli", disable ? "user.disable" :
		    "user.enable", 0, argv[1], "");
	store_close(st);
	if (r == 0) {
		fprintf(stderr, "tinbao user %s: no user %s\n", argv[0],
		    argv[1]);
		return (1);
	}
	if (r == -1)
		return (1);
	printf("user %s %s%s\n", argv[1], disable ? "disabled" : "enabled",
	    disable ? ", sessions ended" : "");
	return (0);
}

/* Runs `tinbao user add`. */
int
cmd_user(struct config *conf, int argc, char **argv)
{
	struct store	*st;
	const char	*name, *role = NULL, *pwfile = NULL;
	char		 pw[USER_PW_MAX + 2], hash[crypto_pwhash_STRBYTES];
	FILE		*f;
	int		 i, replace = 0, r;

	if (argc >= 1 && (strcmp(argv[0], "list") == 0 ||
	    strcmp(argv[0], "disable") == 0 || strcmp(argv[0], "enable") == 0))
		return (user_manage(conf, argc, argv));
	if (argc < 2 || strcmp(argv[0], "add") != 0)
		return (user_usage());
	name = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--password-file") == 0 &&
		    i + 1 < argc)
			pwfile = argv[++i];
		else if (strcmp(argv[i], "--replace") == 0)
			replace = 1;
		else
			return (user_usage());
	}
	if (role == NULL || (strcmp(role, "bureau") != 0 &&
	    strcmp(role, "admin") != 0)) {
		fprintf(stderr, "tinbao user add: --role must be bureau or "
		    "admin\n");
		return (2);
	}
	if (name[0] == '\0' || strlen(name) > 63 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
	    strlen(name)) {
		fprintf(stderr, "tinbao user add: NAME: 1 to 63 of a-z 0-9 . _ "
		    "-\n");
		return (2);
	}
	if (pwfile != NULL) {
		if ((f = fopen(pwfile, "r")) == NULL) {
			fprintf(stderr, "tinbao user add: %s: %s\n", pwfile,
			    strerror(errno));
			return (2);
		}
		r = user_read_line(f, pw, sizeof(pw));
		fclose(f);
	} else
		r = user_prompt(pw, sizeof(pw));
	if (r == -2) {
		fprintf(stderr, "tinbao user add: the passwords differ\n");
		return (2);
	}
	if (r == -1 || !user_password_ok(pw)) {
		sodium_memzero(pw, sizeof(pw));
		fprintf(stderr, "tinbao user add: the password must be %d to %d "
		    "characters\n", USER_PW_MIN, USER_PW_MAX);
		return (2);
	}
	if (secret_init() == -1)
		return (1);
	r = crypto_pwhash_str(hash, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sodium_memzero(pw, sizeof(pw));
	if (r != 0) {
		fprintf(stderr, "tinbao user add: out of memory hashing the "
		    "password\n");
		return (1);
	}
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1) {
		store_close(st);
		return (1);
	}
	r = store_user_put(st, name, role, hash, replace, (int64_t)time(NULL));
	/* A new password or role: whoever held the old one is logged out. */
	if (r >= 0 && replace && store_user_sessions_end(st, name) == -1)
		r = -1;
	if (r >= 0 && (r == 1 || replace))
		(void)store_audit(st, "cli", replace ? "user.put" : "user.add",
		    0, name, "");
	store_close(st);
	if (r == -1)
		return (1);
	if (r == 0 && !replace) {
		fprintf(stderr, "tinbao user add: %s exists (use --replace to "
		    "change its role or password)\n", name);
		return (1);
	}
	printf("user %s (%s) %s\n", name, role, replace ? "saved" : "created");
	return (0);
}
