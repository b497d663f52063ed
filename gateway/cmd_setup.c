/*
 * tinbao: `tinbao setup`, from the installed package to a working hotline.
 *
 * Five steps, each but the first done by the command an operator would
 * otherwise type, called as it is: (1) write the configuration, with the
 * modem found by `gammu identify` over the likely serial devices (or the
 * one given with --device); (2) `db init`; (3) `import schools` and
 * `import contacts`; (4) `user add ADMIN --role admin`; (5) `check-config`,
 * this program run again as the unit's ExecStartPre runs it.  It stops at
 * the first step that fails, saying which.
 *
 * Every step can be run again: an existing configuration is kept as it is
 * (delete it to have a new one written), db init and the imports are
 * idempotent, and an admin account that exists is kept.  So after fixing
 * whatever stopped it, the operator runs the same command again.
 *
 * Run as root (as after installing the Debian package) while the system
 * user `tinbao` exists, the configuration is written root:tinbao 0640, the
 * database and key file are handed to that user, and check-config runs as
 * that user: what the service will find at its first start is what was
 * checked.
 *
 * The modem search runs the gammu command-line tool ($TINBAO_GAMMU, else
 * `gammu` from $PATH) with a throw-away gammurc per candidate, each limited
 * to SETUP_IDENTIFY_SECS.  $TINBAO_SETUP_DEVICES replaces the list of glob
 * patterns searched (the tests point it at a fake modem's pty).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tinbao.h"

#define SETUP_USER		"tinbao"
#define SETUP_STATE_DIR		"/var/lib/tinbao"
#define SETUP_LISTEN		"127.0.0.1:8080"
#define SETUP_ADMIN		"admin"
#define SETUP_DEVICES		"/dev/serial/by-id/* /dev/ttyUSB* /dev/ttyACM*"
#define SETUP_IDENTIFY_SECS	30	/* AT init is ~4 s; a wrong port times out */
#define SETUP_STEPS		5

struct setup_opts {
	const char	*device;
	const char	*connection;
	const char	*model;
	const char	*district;
	const char	*listen;
	const char	*state_dir;
	const char	*schools;
	const char	*contacts;
	const char	*admin;
	const char	*password_file;
	int		 no_identify;
};

static int	setup_usage(void);
static void	setup_step(int, const char *);
static int	setup_value_ok(const char *, const char *, int);
static int	setup_identify(const char *, const char *, const char *, char *,
		    size_t);
static int	setup_find_modem(char *, size_t, char *, size_t);
static int	setup_write_config(const char *, const struct setup_opts *,
		    const char *, const struct passwd *);
static int	setup_config(const char *, struct setup_opts *,
		    const struct passwd *, struct config *);
static int	setup_state_dir(const struct config *, const struct passwd *);
static int	setup_call(int (*)(struct config *, int, char **),
		    struct config *, int, ...);
static int	setup_admin(struct config *, const struct setup_opts *);
static void	setup_chown(const char *, const struct passwd *);
static int	setup_check_as(const char *, const struct passwd *);

static int
setup_usage(void)
{
	fprintf(stderr, "usage: tinbao [-c FILE] setup --schools FILE "
	    "--contacts FILE [--device DEV]\n"
	    "           [--connection at] [--model MODEL] [--no-identify] "
	    "[--district NAME]\n"
	    "           [--listen HOST:PORT] [--state-dir DIR] "
	    "[--admin NAME] [--password-file FILE]\n");
	return (2);
}

/* Announces step n of SETUP_STEPS. */
static void
setup_step(int n, const char *what)
{
	printf("tinbao setup: %d/%d %s\n", n, SETUP_STEPS, what);
	fflush(stdout);
}

/*
 * A value written into the configuration must stay one value on one line:
 * no control characters, no double quote, and (unquoted, as the [gammu]
 * keys must be for libGammu) no blank, ';' or '#'.  Returns 0/1.
 */
static int
setup_value_ok(const char *opt, const char *v, int quoted)
{
	const char	*p;

	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' ||
		    (!quoted && strchr(" ;#", *p) != NULL))
			break;
	if (*v != '\0' && *p == '\0')
		return (1);
	fprintf(stderr, "tinbao setup: %s: empty, or a character a "
	    "configuration value cannot hold%s\n", opt,
	    quoted ? "" : " (blank, ';', '#', '\"')");
	return (0);
}

/*
 * Runs `gammu -c RC identify` on one device, with a gammurc of our own in
 * a temporary file.  On success, puts "Manufacturer Model" into what and
 * returns 0; returns -1 when gammu fails, times out or cannot be run.
 */
static int
setup_identify(const char *device, const char *connection, const char *model,
    char *what, size_t whatsz)
{
	const char	*gammu, *tmpdir;
	char		 rc[PATH_MAX], out[4096], *line, *save, *v;
	char		 manuf[128] = "", mod[128] = "";
	size_t		 len = 0;
	ssize_t		 n;
	pid_t		 pid;
	FILE		*f;
	int		 fd, p[2], status;

	if ((gammu = getenv("TINBAO_GAMMU")) == NULL || *gammu == '\0')
		gammu = "gammu";
	if ((tmpdir = getenv("TMPDIR")) == NULL || *tmpdir == '\0')
		tmpdir = "/tmp";
	if ((size_t)snprintf(rc, sizeof(rc), "%s/tinbao-gammurc.XXXXXX",
	    tmpdir) >= sizeof(rc) || (fd = mkstemp(rc)) == -1) {
		fprintf(stderr, "tinbao setup: temporary gammurc in %s: %s\n",
		    tmpdir, strerror(errno));
		return (-1);
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		(void)unlink(rc);
		return (-1);
	}
	fprintf(f, "[gammu]\ndevice = %s\nconnection = %s\n", device,
	    connection);
	if (model != NULL)
		fprintf(f, "model = %s\n", model);
	if (fclose(f) == EOF || pipe(p) == -1) {
		(void)unlink(rc);
		return (-1);
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		(void)unlink(rc);
		return (-1);
	}
	if (pid == 0) {
		/* The alarm outlives exec: a port that never answers dies. */
		alarm(SETUP_IDENTIFY_SECS);
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		execlp(gammu, gammu, "-c", rc, "identify", (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", gammu, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], out + len, sizeof(out) - 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		/* Keep the start, drain the rest. */
		if ((len += (size_t)n) == sizeof(out) - 1)
			len = sizeof(out) - 1 - 256;
	}
	out[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	(void)unlink(rc);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			(void)snprintf(what, whatsz, "no answer in %d s",
			    SETUP_IDENTIFY_SECS);
		else {
			out[strcspn(out, "\n")] = '\0';
			(void)strlcpy_checked(what, out[0] != '\0' ? out :
			    "gammu identify failed", whatsz);
		}
		return (-1);
	}
	/* "Manufacturer         : Huawei" and "Model   : E3372 (...)". */
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((v = strchr(line, ':')) == NULL)
			continue;
		for (v++; *v == ' '; v++)
			;
		if (strncmp(line, "Manufacturer", 12) == 0)
			(void)snprintf(manuf, sizeof(manuf), "%s", v);
		else if (strncmp(line, "Model", 5) == 0)
			(void)snprintf(mod, sizeof(mod), "%s", v);
	}
	(void)snprintf(what, whatsz, "%s %s", manuf, mod);
	return (0);
}

/*
 * Tries every likely serial device in turn, stable /dev/serial/by-id names
 * first, each real device once.  Puts the first that answers into dev and
 * its identity into what; returns 0, or -1 when none answered (said why).
 */
static int
setup_find_modem(char *dev, size_t devsz, char *what, size_t whatsz)
{
	const char	*env;
	char		*pats, *pat, *save, **seen = NULL, real[PATH_MAX];
	char		 why[256];
	glob_t		 g;
	size_t		 i, j, nseen = 0;
	int		 tried = 0, found = -1;

	if ((env = getenv("TINBAO_SETUP_DEVICES")) == NULL || *env == '\0')
		env = SETUP_DEVICES;
	pats = xstrdup(env);
	for (pat = strtok_r(pats, " ", &save); pat != NULL && found == -1;
	    pat = strtok_r(NULL, " ", &save)) {
		if (glob(pat, 0, NULL, &g) != 0)
			continue;
		for (i = 0; i < g.gl_pathc && found == -1; i++) {
			if (realpath(g.gl_pathv[i], real) == NULL)
				continue;
			for (j = 0; j < nseen; j++)
				if (strcmp(seen[j], real) == 0)
					break;
			if (j < nseen)
				continue;
			seen = xreallocarray(seen, nseen + 1, sizeof(*seen));
			seen[nseen++] = xstrdup(real);
			tried++;
			printf("  %s: ", g.gl_pathv[i]);
			if (setup_identify(g.gl_pathv[i], "at", NULL, why,
			    sizeof(why)) == 0) {
				printf("%s\n", why);
				if (strlcpy_checked(dev, g.gl_pathv[i],
				    devsz) < devsz) {
					(void)snprintf(what, whatsz, "%s", why);
					found = 0;
				}
			} else
				printf("no modem (%s)\n", why);
			fflush(stdout);
		}
		globfree(&g);
	}
	for (j = 0; j < nseen; j++)
		free(seen[j]);
	free(seen);
	free(pats);
	if (found == -1)
		fprintf(stderr, "tinbao setup: %s; plug the modem in and run "
		    "setup again, or name it with --device\n", tried == 0 ?
		    "no serial device found (" SETUP_DEVICES ")" :
		    "no device answered gammu identify");
	return (found);
}

/* Writes a new configuration file, readable by the service's group only. */
static int
setup_write_config(const char *path, const struct setup_opts *o,
    const char *device, const struct passwd *pw)
{
	char		*tmp, date[32];
	time_t		 now = time(NULL);
	FILE		*f;
	int		 fd;

	(void)strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime(&now));
	xasprintf(&tmp, "%s.tmp", path);
	(void)unlink(tmp);
	/* fchmod: the umask is 077. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0640)) == -1 ||
	    fchmod(fd, 0640) == -1 ||
	    (pw != NULL && fchown(fd, 0, pw->pw_gid) == -1) ||
	    (f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "tinbao setup: %s: %s\n", tmp, strerror(errno));
		if (fd != -1) {
			close(fd);
			(void)unlink(tmp);
		}
		free(tmp);
		return (-1);
	}
	fprintf(f, "; tinbao.conf, written by `tinbao setup` on %s.\n"
	    "; Every key, with its meaning and default: tinbao.conf.example\n"
	    "; (/usr/share/tinbao/ from the Debian package) and tinbao(8).\n"
	    "; Check it after an edit with `tinbao check-config`.\n\n", date);
	fprintf(f, "[gammu]\n; Found by gammu identify; keep comments on "
	    "their own lines here.\ndevice = %s\nconnection = %s\n", device,
	    o->connection);
	if (o->model != NULL)
		fprintf(f, "model = %s\n", o->model);
	fprintf(f, "\n[tinbao]\ndatabase = %s/tinbao.db\n"
	    "; Back the key file up apart from the database: without it no "
	    "reporter\n; can be answered.\nkeyfile = %s/secret.key\n",
	    o->state_dir, o->state_dir);
	if (o->district != NULL)
		fprintf(f, "district = \"%s\"\n", o->district);
	fprintf(f, "\n[http]\n; The dashboard, the JSON API, /healthz and "
	    "/metrics.\nlisten = %s\n\n[escalation]\nack_timeout = 10m\n",
	    o->listen);
	if (fflush(f) == EOF || fsync(fileno(f)) == -1 || fclose(f) == EOF ||
	    rename(tmp, path) == -1) {
		fprintf(stderr, "tinbao setup: %s: %s\n", path,
		    strerror(errno));
		(void)unlink(tmp);
		free(tmp);
		return (-1);
	}
	free(tmp);
	return (0);
}

/*
 * Step 1: keeps the configuration at path, or writes one with the modem
 * found, then loads it into conf.  Returns 0, or the exit status.
 */
static int
setup_config(const char *path, struct setup_opts *o, const struct passwd *pw,
    struct config *conf)
{
	char		 dev[PATH_MAX], what[256] = "", *dir, *slash;
	int		 wrote = 0;

	setup_step(1, "configuration");
	if (access(path, F_OK) == 0) {
		printf("  %s exists: kept as it is (delete it to have setup "
		    "write a new one)\n", path);
		if (o->device != NULL || o->district != NULL ||
		    o->listen != NULL || o->state_dir != NULL)
			printf("  (so --device, --district, --listen and "
			    "--state-dir are not used)\n");
	} else {
		if (o->listen == NULL)
			o->listen = SETUP_LISTEN;
		if (o->state_dir == NULL)
			o->state_dir = SETUP_STATE_DIR;
		if (o->connection == NULL)
			o->connection = "at";
		if ((o->device != NULL &&
		    !setup_value_ok("--device", o->device, 0)) ||
		    !setup_value_ok("--connection", o->connection, 0) ||
		    (o->model != NULL &&
		    !setup_value_ok("--model", o->model, 0)) ||
		    (o->district != NULL &&
		    !setup_value_ok("--district", o->district, 1)) ||
		    !setup_value_ok("--listen", o->listen, 0) ||
		    !setup_value_ok("--state-dir", o->state_dir, 0))
			return (2);
		if (o->device == NULL) {
			printf("  looking for the modem with gammu identify\n");
			if (setup_find_modem(dev, sizeof(dev), what,
			    sizeof(what)) == -1)
				return (1);
		} else {
			if (strlcpy_checked(dev, o->device, sizeof(dev)) >=
			    sizeof(dev))
				return (setup_usage());
			if (!o->no_identify) {
				printf("  %s: ", dev);
				fflush(stdout);
				if (setup_identify(dev, o->connection,
				    o->model, what, sizeof(what)) == -1) {
					printf("no modem\n");
					fprintf(stderr, "tinbao setup: %s: %s "
					    "(--no-identify writes it "
					    "anyway)\n", dev, what);
					return (1);
				}
				printf("%s\n", what);
			}
		}
		/* Its folder: /etc/tinbao comes with the package. */
		dir = xstrdup(path);
		if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0750) == 0) {
				(void)chmod(dir, 0750);
				if (pw != NULL && chown(dir, 0, pw->pw_gid) ==
				    -1)
					fprintf(stderr, "tinbao setup: chown "
					    "%s: %s\n", dir, strerror(errno));
			} else if (errno != EEXIST) {
				fprintf(stderr, "tinbao setup: %s: %s\n", dir,
				    strerror(errno));
				free(dir);
				return (1);
			}
		}
		free(dir);
		if (setup_write_config(path, o, dev, pw) == -1)
			return (1);
		wrote = 1;
		printf("  %s written (modem %s)\n", path, dev);
	}
	if (config_load(path, conf, stderr) == -1) {
		/* Ours and wrong (a bad --listen): not left for the next run. */
		if (wrote) {
			(void)unlink(path);
			fprintf(stderr, "tinbao setup: %s removed; run setup "
			    "again with the option corrected\n", path);
		}
		return (2);
	}
	return (0);
}

/* Creates the database's folder when missing, owned by the service user. */
static int
setup_state_dir(const struct config *conf, const struct passwd *pw)
{
	char	*dir, *slash;
	int	 ret = 0;

	dir = xstrdup(conf->database);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) == 0) {
			if (chmod(dir, 0750) == -1 || (pw != NULL &&
			    chown(dir, pw->pw_uid, pw->pw_gid) == -1))
				ret = -1;
		} else if (errno != EEXIST)
			ret = -1;
		if (ret == -1)
			fprintf(stderr, "tinbao setup: %s: %s\n", dir,
			    strerror(errno));
	}
	free(dir);
	return (ret);
}

/* Runs one of the other commands with the given arguments. */
static int
setup_call(int (*fn)(struct config *, int, char **), struct config *conf,
    int argc, ...)
{
	va_list	 ap;
	char	*argv[8];
	int	 i, r;

	if (argc >= (int)(sizeof(argv) / sizeof(argv[0])))
		fatalx("setup_call: %d arguments", argc);
	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		argv[i] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	argv[argc] = NULL;
	r = fn(conf, argc, argv);
	fflush(stdout);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return (r);
}

/* Step 4: the first admin account, unless it exists. */
static int
setup_admin(struct config *conf, const struct setup_opts *o)
{
	struct web_user	 u;
	struct store	*st;
	int		 r;

	setup_step(4, "the first dashboard account");
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	r = store_user_get(st, o->admin, &u);
	store_close(st);
	explicit_bzero(&u, sizeof(u));
	if (r == -1)
		return (1);
	if (r == 1) {
		printf("  user %s exists: kept (tinbao user add %s --role "
		    "admin --replace sets a new password)\n", o->admin,
		    o->admin);
		return (0);
	}
	if (o->password_file != NULL)
		return (setup_call(cmd_user, conf, 6, "add", o->admin,
		    "--role", "admin", "--password-file", o->password_file));
	fprintf(stderr, "A password for %s (10 characters or more).\n",
	    o->admin);
	return (setup_call(cmd_user, conf, 4, "add", o->admin, "--role",
	    "admin"));
}

/* Gives a file to the service user, if it exists. */
static void
setup_chown(const char *path, const struct passwd *pw)
{
	if (chown(path, pw->pw_uid, pw->pw_gid) == -1 && errno != ENOENT)
		fprintf(stderr, "tinbao setup: chown %s: %s\n", path,
		    strerror(errno));
}

/*
 * Step 5: `tinbao -c PATH check-config`, run as the unit's ExecStartPre
 * runs it: this very program, in a child, as the service user when there
 * is one, so that what it cannot read (the file, the database, the key)
 * shows now and not at the first start.
 */
static int
setup_check_as(const char *path, const struct passwd *pw)
{
	char	 abs[PATH_MAX];
	pid_t	 pid;
	int	 status;

	if (pw == NULL)
		setup_step(5, "check-config");
	else
		printf("tinbao setup: %d/%d check-config, as user %s\n",
		    SETUP_STEPS, SETUP_STEPS, pw->pw_name);
	fflush(stdout);
	fflush(stderr);
	/* The user's cwd may be closed to the service user. */
	if (realpath(path, abs) == NULL) {
		fprintf(stderr, "tinbao setup: %s: %s\n", path,
		    strerror(errno));
		return (1);
	}
	if ((pid = fork()) == -1) {
		fprintf(stderr, "tinbao setup: fork: %s\n", strerror(errno));
		return (1);
	}
	if (pid == 0) {
		if (pw != NULL && (setgroups(0, NULL) == -1 ||
		    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1)) {
			fprintf(stderr, "tinbao setup: becoming %s: %s\n",
			    pw->pw_name, strerror(errno));
			_exit(1);
		}
		execl("/proc/self/exe", "tinbao", "-c", abs, "check-config",
		    (char *)NULL);
		fprintf(stderr, "tinbao setup: /proc/self/exe: %s\n",
		    strerror(errno));
		_exit(1);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return (WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* Runs `tinbao setup`; conf holds only the configuration's path. */
int
cmd_setup(struct config *conf, int argc, char **argv)
{
	struct setup_opts	 o;
	struct config		 nc;
	struct passwd		*pwent, pw;
	char			*wal;
	int			 i, r;

	memset(&o, 0, sizeof(o));
	o.admin = SETUP_ADMIN;
	for (i = 0; i < argc; i++) {
		const char	**v = NULL;

		if (strcmp(argv[i], "--no-identify") == 0) {
			o.no_identify = 1;
			continue;
		}
		if (strcmp(argv[i], "--device") == 0)
			v = &o.device;
		else if (strcmp(argv[i], "--connection") == 0)
			v = &o.connection;
		else if (strcmp(argv[i], "--model") == 0)
			v = &o.model;
		else if (strcmp(argv[i], "--district") == 0)
			v = &o.district;
		else if (strcmp(argv[i], "--listen") == 0)
			v = &o.listen;
		else if (strcmp(argv[i], "--state-dir") == 0)
			v = &o.state_dir;
		else if (strcmp(argv[i], "--schools") == 0)
			v = &o.schools;
		else if (strcmp(argv[i], "--contacts") == 0)
			v = &o.contacts;
		else if (strcmp(argv[i], "--admin") == 0)
			v = &o.admin;
		else if (strcmp(argv[i], "--password-file") == 0)
			v = &o.password_file;
		if (v == NULL || i + 1 >= argc)
			return (setup_usage());
		*v = argv[++i];
	}
	if (o.schools == NULL || o.contacts == NULL)
		return (setup_usage());
	if ((o.connection != NULL || o.model != NULL) && o.device == NULL) {
		fprintf(stderr, "tinbao setup: --connection and --model go "
		    "with --device\n");
		return (2);
	}

	/* Nothing setup creates is for other users' eyes. */
	umask(077);
	memset(&pw, 0, sizeof(pw));
	if (geteuid() == 0 && (pwent = getpwnam(SETUP_USER)) != NULL) {
		pw = *pwent;
		pw.pw_name = xstrdup(pwent->pw_name);
	} else if (geteuid() == 0)
		fprintf(stderr, "tinbao setup: warning: no user %s, so the "
		    "files are root's; the systemd unit runs as %s (the "
		    "Debian package creates it)\n", SETUP_USER, SETUP_USER);
	memset(&nc, 0, sizeof(nc));
	if ((r = setup_config(conf->path, &o, pw.pw_name ? &pw : NULL,
	    &nc)) != 0)
		goto out;

	setup_step(2, "the database and the key file (db init)");
	if (setup_state_dir(&nc, pw.pw_name ? &pw : NULL) == -1) {
		r = 1;
		goto out;
	}
	if ((r = setup_call(cmd_db, &nc, 1, "init")) != 0)
		goto out;
	setup_step(3, "the directory (import schools, import contacts)");
	if ((r = setup_call(cmd_import, &nc, 2, "schools", o.schools)) != 0 ||
	    (r = setup_call(cmd_import, &nc, 2, "contacts", o.contacts)) != 0)
		goto out;
	if ((r = setup_admin(&nc, &o)) != 0)
		goto out;
	if (pw.pw_name != NULL) {
		setup_chown(nc.database, &pw);
		xasprintf(&wal, "%s-wal", nc.database);
		setup_chown(wal, &pw);
		free(wal);
		xasprintf(&wal, "%s-shm", nc.database);
		setup_chown(wal, &pw);
		free(wal);
		setup_chown(nc.keyfile, &pw);
	}
	if ((r = setup_check_as(conf->path, pw.pw_name ? &pw : NULL)) != 0)
		goto out;

	printf("tinbao setup: done.  Start the hotline (and at every boot) "
	    "with\n  systemctl enable --now tinbao\n"
	    "then text a report to the SIM's number.");
	if (nc.http_listen != NULL)
		printf("  The dashboard: http://%s/ (user %s).", nc.http_listen,
		    o.admin);
	printf("\nBack up %s apart from the database.\n", nc.keyfile);
out:
	if (r != 0)
		fprintf(stderr, "tinbao setup: stopped; fix the above and run "
		    "the same command again (what is done is kept)\n");
	config_free(&nc);
	free(pw.pw_name);
	return (r);
}
