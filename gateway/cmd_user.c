/*
 * tinbao: `tinbao user add NAME --role bureau|admin|commune [--commune
 * NAME] [--password-file F] [--replace]`, the dashboard's accounts.  A
 * commune account (SPEC section 2) is read-only and sees its commune's
 * cases only: --commune names it, as the school directory writes it.
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
	fprintf(stderr, "usage: tinbao user add NAME --role bureau|admin|"
	    "commune [--commune NAME] [--password-file FILE] [--replace]\n");
	return (2);
}

struct user_commune {
	const char	*name;
	int		 found;
};

static int
user_commune_cb(const struct school *sc, void *arg)
{
	struct user_commune	*uc = arg;

	if (strcmp(sc->commune, uc->name) == 0)
		uc->found = 1;
	return (0);
}

/* Returns 1 when a school of the directory is in the commune, 0, -1. */
static int
user_commune_known(struct store *st, const char *commune)
{
	struct user_commune	 uc = { .name = commune, .found = 0 };

	if (store_school_list(st, user_commune_cb, &uc) == -1)
		return (-1);
	return (uc.found);
}

/* Runs `tinbao user add`. */
int
cmd_user(struct config *conf, int argc, char **argv)
{
	struct store	*st;
	const char	*name, *role = NULL, *pwfile = NULL, *commune = NULL;
	char		 pw[USER_PW_MAX + 2], hash[crypto_pwhash_STRBYTES];
	FILE		*f;
	int		 i, replace = 0, r;

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
		else if (strcmp(argv[i], "--commune") == 0 && i + 1 < argc)
			commune = argv[++i];
		else
			return (user_usage());
	}
	if (role == NULL || (strcmp(role, "bureau") != 0 &&
	    strcmp(role, "admin") != 0 && strcmp(role, "commune") != 0)) {
		fprintf(stderr, "tinbao user add: --role must be bureau, admin "
		    "or commune\n");
		return (2);
	}
	if ((strcmp(role, "commune") == 0) != (commune != NULL &&
	    *commune != '\0')) {
		fprintf(stderr, "tinbao user add: --commune NAME goes with "
		    "--role commune, and only with it\n");
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
	if (commune != NULL && (r = user_commune_known(st, commune)) != 1) {
		if (r == 0)
			fprintf(stderr, "tinbao user add: --commune %s: no school "
			    "of the directory is in this commune\n", commune);
		store_close(st);
		return (r == 0 ? 2 : 1);
	}
	/* The account and its commune in one transaction. */
	if (store_begin(st) == -1) {
		store_close(st);
		return (1);
	}
	r = store_user_put(st, name, role, hash, replace, (int64_t)time(NULL));
	if (r >= 0 && store_user_set_commune(st, name, commune != NULL ?
	    commune : "") == -1)
		r = -1;
	if (r == -1)
		store_rollback(st);
	else if (store_commit(st) == -1)
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
