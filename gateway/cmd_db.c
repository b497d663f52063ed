/*
 * tinbao: `tinbao db init` and `tinbao db migrate`.
 *
 * init creates the database (and its folder's key file, mode 0600, when it
 * is missing) and applies every migration; migrate upgrades an existing
 * database.  Both are idempotent: run twice, the second run changes nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"

/* Runs `tinbao db init|migrate`. */
int
cmd_db(struct config *conf, int argc, char **argv)
{
	struct store	*st;
	int		 init, from, to, r;

	if (argc != 1 || (strcmp(argv[0], "init") != 0 &&
	    strcmp(argv[0], "migrate") != 0)) {
		fprintf(stderr, "usage: tinbao db init|migrate\n");
		return (2);
	}
	init = strcmp(argv[0], "init") == 0;
	if (init) {
		if ((r = secret_create(conf->keyfile)) == -1)
			return (1);
		if (r == 1)
			printf("keyfile %s created (mode 0600); back it up: "
			    "without it no reporter can be answered\n",
			    conf->keyfile);
	}
	if ((st = store_open(conf->database, init)) == NULL)
		return (1);
	if (store_migrate(st, &from, &to) == -1) {
		store_close(st);
		return (1);
	}
	store_close(st);
	if (from == to)
		printf("database %s is at schema version %d\n", conf->database,
		    to);
	else
		printf("database %s migrated from schema version %d to %d\n",
		    conf->database, from, to);
	return (0);
}

/* Runs `tinbao purge [--older-than DURATION]`. */
int
cmd_purge(struct config *conf, int argc, char **argv)
{
	struct store	*st;
	int		 secs = conf->retention, n;

	if (argc == 2 && strcmp(argv[0], "--older-than") == 0) {
		if (config_parse_duration(argv[1], &secs) == -1 || secs < 1) {
			fprintf(stderr, "tinbao purge: --older-than: a duration "
			    "such as 180d\n");
			return (2);
		}
	} else if (argc != 0) {
		fprintf(stderr, "usage: tinbao purge [--older-than 180d]\n");
		return (2);
	}
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1 || store_begin(st) == -1 ||
	    (n = store_purge_numbers(st, (int64_t)time(NULL) - secs)) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		store_close(st);
		return (1);
	}
	store_close(st);
	printf("%d reporter number(s) erased\n", n);
	return (0);
}

/* Runs `tinbao backup FILE`: an online copy of the database. */
int
cmd_backup(struct config *conf, int argc, char **argv)
{
	struct store	*st;
	int		 r;

	if (argc != 1) {
		fprintf(stderr, "usage: tinbao backup FILE\n");
		return (2);
	}
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1) {
		store_close(st);
		return (1);
	}
	r = store_backup(st, argv[0]);
	store_close(st);
	if (r == -1)
		return (1);
	printf("database %s copied to %s; keep the key file %s with it, "
	    "apart\n", conf->database, argv[0], conf->keyfile);
	return (0);
}
