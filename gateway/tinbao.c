/*
 * tinbao: main program and command table.
 *
 * One executable with subcommands, like git.  `-c FILE` may come before or
 * after the subcommand's name (default $TINBAO_CONF, else
 * /etc/tinbao/tinbao.conf) and `-v` turns on debug logging.  Exit status is
 * 0 on success, 1 on a runtime error and 2 on a usage or configuration
 * error, with one line on stderr naming what is at fault.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

#define CMD_F_CONFIG	0x01	/* needs the configuration file */
#define CMD_F_NOCONFIG	0x02	/* reads it only when -c is given */
#define CMD_F_CONFPATH	0x04	/* gets only its path (setup writes it) */

struct cmd_entry {
	const char	*name;
	const char	*usage;
	int		 flags;
	int		(*exec)(struct config *, int, char **);
};

static int	cmd_serve(struct config *, int, char **);
static int	cmd_check_config(struct config *, int, char **);
static int	cmd_version(struct config *, int, char **);
static void	usage(void) __attribute__((noreturn));

static const struct cmd_entry cmd_table[] = {
	{ .name = "serve", .usage = "serve", .flags = CMD_F_CONFIG,
	  .exec = cmd_serve },
	{ .name = "check-config", .usage = "check-config",
	  .flags = CMD_F_CONFIG, .exec = cmd_check_config },
	{ .name = "db", .usage = "db init|migrate", .flags = CMD_F_CONFIG,
	  .exec = cmd_db },
	{ .name = "reports", .usage = "reports [--status S] [--since DATE] "
	  "[--json]", .flags = CMD_F_CONFIG, .exec = cmd_reports },
	{ .name = "show", .usage = "show CASE [--json]",
	  .flags = CMD_F_CONFIG, .exec = cmd_show },
	{ .name = "triage", .usage = "triage [CASE [--category C] "
	  "[--urgent yes|no]]", .flags = CMD_F_CONFIG, .exec = cmd_triage },
	{ .name = "send", .usage = "send NUMBER TEXT", .flags = CMD_F_CONFIG,
	  .exec = cmd_send },
	{ .name = "inject", .usage = "inject [--from N] [--parts N] "
	  "[--only LIST] [--flash] [--binary] TEXT", .flags = CMD_F_CONFIG,
	  .exec = cmd_inject },
	{ .name = "import", .usage = "import schools|contacts FILE.csv",
	  .flags = CMD_F_CONFIG, .exec = cmd_import },
	{ .name = "status", .usage = "status", .flags = CMD_F_CONFIG,
	  .exec = cmd_status },
	{ .name = "backup", .usage = "backup FILE", .flags = CMD_F_CONFIG,
	  .exec = cmd_backup },
	{ .name = "report", .usage = "report --from DATE --to DATE | "
	  "--period 2026-01|2026-HK1|2025-2026 [--format html|csv|xlsx] "
	  "[-o FILE]", .flags = CMD_F_CONFIG, .exec = cmd_report },
	{ .name = "broadcast", .usage = "broadcast --group G|--role R "
	  "[--commune C] --text T|--template NAME [--at TIME] [--dry-run] | "
	  "--list | --templates", .flags = CMD_F_CONFIG,
	  .exec = cmd_broadcast },
	{ .name = "plan", .usage = "plan list [--year Y] | plan set SCHOOL "
	  "[--year Y] [--received DATE|no] [--form T] [--models LIST] "
	  "[--other T]", .flags = CMD_F_CONFIG, .exec = cmd_plan },
	{ .name = "stats", .usage = "stats --from DATE --to DATE "
	  "[--by school,category,month] [--format table|csv|json] "
	  "[--suppress N]", .flags = CMD_F_CONFIG, .exec = cmd_stats },
	{ .name = "incident", .usage = "incident split CASE",
	  .flags = CMD_F_CONFIG, .exec = cmd_incident },
	{ .name = "purge", .usage = "purge [--older-than 180d]",
	  .flags = CMD_F_CONFIG, .exec = cmd_purge },
	{ .name = "user", .usage = "user add NAME --role bureau|admin "
	  "[--password-file FILE] [--replace] | disable NAME | enable NAME | "
	  "list", .flags = CMD_F_CONFIG,
	  .exec = cmd_user },
	{ .name = "token", .usage = "token add NAME --role bureau|admin | "
	  "list | revoke NAME", .flags = CMD_F_CONFIG, .exec = cmd_token },
	{ .name = "classify", .usage = "classify [TEXT ...]",
	  .flags = CMD_F_NOCONFIG, .exec = cmd_classify },
	{ .name = "version", .usage = "version", .flags = CMD_F_NOCONFIG,
	  .exec = cmd_version },
	{ .name = "setup", .usage = "setup --schools FILE --contacts FILE "
	  "[--device DEV] [...]", .flags = CMD_F_CONFPATH, .exec = cmd_setup },
};

static void
usage(void)
{
	size_t	 i;

	fprintf(stderr, "usage: tinbao [-v] [-c FILE] COMMAND [ARGS]\n");
	for (i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++)
		fprintf(stderr, "       tinbao %s\n", cmd_table[i].usage);
	exit(2);
}

static int
cmd_version(struct config *conf, int argc, char **argv)
{
	(void)conf;
	(void)argc;
	(void)argv;
	printf("tinbao %s (schema %d)\n", TINBAO_VERSION,
	    store_schema_version());
	return (0);
}

static int
cmd_serve(struct config *conf, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		usage();
	return (server_run(conf));
}

/* Checks the configuration (already parsed) and opens the database. */
static int
cmd_check_config(struct config *conf, int argc, char **argv)
{
	struct store	*st;
	struct secret	 sec;
	int		 ret = 0;

	(void)argv;
	if (argc != 0)
		usage();
	if ((st = store_open(conf->database, 0)) == NULL)
		ret = 1;
	else {
		if (store_check_version(st) == -1)
			ret = 1;
		store_close(st);
	}
	if (secret_load(conf->keyfile, &sec) == -1)
		ret = 1;
	if (ret == 0)
		printf("ok\n");
	return (ret);
}

int
main(int argc, char **argv)
{
	const struct cmd_entry	*cmd = NULL;
	struct config		 conf;
	const char		*confpath = NULL;
	char			**args;
	int			 nargs = 0, i, verbose = 0, ret;
	size_t			 j;

	setlocale(LC_CTYPE, "C.UTF-8");
	log_init(0, "tinbao");
	args = xcalloc(argc + 1, sizeof(*args));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0) {
			if (++i >= argc)
				usage();
			confpath = argv[i];
		} else if (strcmp(argv[i], "-v") == 0 && cmd == NULL)
			verbose = 1;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			usage();
		else if (cmd == NULL) {
			for (j = 0; j < sizeof(cmd_table) /
			    sizeof(cmd_table[0]); j++)
				if (strcmp(argv[i], cmd_table[j].name) == 0)
					cmd = &cmd_table[j];
			if (cmd == NULL) {
				fprintf(stderr, "tinbao: unknown command: "
				    "%s\n", argv[i]);
				usage();
			}
		} else
			args[nargs++] = argv[i];
	}
	if (cmd == NULL)
		usage();
	log_setverbose(verbose);

	memset(&conf, 0, sizeof(conf));
	if ((cmd->flags & CMD_F_CONFIG) ||
	    ((cmd->flags & CMD_F_NOCONFIG) && confpath != NULL)) {
		if (confpath == NULL)
			confpath = config_default_path();
		if (config_load(confpath, &conf, stderr) == -1) {
			free(args);
			return (2);
		}
		if (!verbose)
			log_setverbose(conf.log_verbose);
	} else if (cmd->flags & CMD_F_CONFPATH)
		conf.path = xstrdup(confpath != NULL ? confpath :
		    config_default_path());
	ret = cmd->exec(&conf, nargs, args);
	config_free(&conf);
	free(args);
	return (ret);
}
