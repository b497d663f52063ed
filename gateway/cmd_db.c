/*
 * tinbao: `tinbao db init` and `tinbao db migrate`.
 *
 * init creates the database (and its folder's key file, mode 0600, when it
 * is missing) and applies every migration; migrate upgrades an existing
 * database.  Both are idempotent: run twice, the second run changes nothing.
 */
#include <stdio.h>
#include <string.h>

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
