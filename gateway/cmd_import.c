/*
 * tinbao: `tinbao import schools|contacts FILE.csv` (SPEC section 6).
 *
 * The command's front end: it reads the file, has directory.c parse,
 * check and write it (all rows or none), and prints every problem as
 * FILE:LINE: message.  After a successful import it prints each gap the
 * directory has (a commune with schools and no level-1 police, a school
 * without a principal, one number in two roles) as FILE: warning: ...,
 * and still exits 0.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

#define IMPORT_FILE_MAX		(64 * 1024 * 1024)

static void	import_cmd_error(void *, int, const char *);
static int	import_cmd_gap(const struct dirgap *, void *);
static int	import_cmd_count(const struct contact *, void *);
static void	import_cmd_gaps(struct store *, const char *);

/* import_parse's errors, as "FILE:LINE: message" on stderr. */
static void
import_cmd_error(void *arg, int line, const char *msg)
{
	fprintf(stderr, "%s:%d: %s\n", (const char *)arg, line, msg);
}

#define IMPORT_GAPS_SHOWN	10	/* of each kind; the dashboard has all */

struct import_gaps {
	const char	*path;
	int		 n[DIRGAP_TWO_ROLES + 1];
};

/* A directory gap after the import, as "FILE: warning: ..." on stderr. */
static int
import_cmd_gap(const struct dirgap *g, void *arg)
{
	struct import_gaps	*ig = arg;
	char			 line[512];

	if (ig->n[g->kind]++ >= IMPORT_GAPS_SHOWN)
		return (0);
	dirgap_format(g, line, sizeof(line));
	fprintf(stderr, "%s: warning: %s\n", ig->path, line);
	return (0);
}

static int
import_cmd_count(const struct contact *c, void *arg)
{
	(void)c;
	(void)arg;
	return (0);
}

/*
 * Prints the directory's gaps after an import (at most IMPORT_GAPS_SHOWN
 * of each kind); with no contact at all, one line says that every school
 * is a gap until the contacts are imported.
 */
static void
import_cmd_gaps(struct store *st, const char *path)
{
	struct import_gaps	 ig;
	int			 k;

	if (store_contact_list(st, import_cmd_count, NULL) == 0) {
		fprintf(stderr, "%s: warning: no contacts yet: no school has a "
		    "principal, no commune its police, until `tinbao import "
		    "contacts`\n", path);
		return;
	}
	memset(&ig, 0, sizeof(ig));
	ig.path = path;
	if (store_directory_gaps(st, import_cmd_gap, &ig) == -1)
		return;
	for (k = 0; k <= DIRGAP_TWO_ROLES; k++)
		if (ig.n[k] > IMPORT_GAPS_SHOWN)
			fprintf(stderr, "%s: warning: and %d more like the "
			    "above (the dashboard's directory page lists all)\n",
			    path, ig.n[k] - IMPORT_GAPS_SHOWN);
}

/* Runs `tinbao import schools|contacts FILE.csv`. */
int
cmd_import(struct config *conf, int argc, char **argv)
{
	struct import_file	 imf;
	struct store		*st = NULL;
	struct secret		 sec;
	const char		*path;
	char			*data = NULL;
	size_t			 len = 0, got;
	int			 errors = 0, ret = 1;
	FILE			*f;

	memset(&imf, 0, sizeof(imf));
	memset(&sec, 0, sizeof(sec));
	if (argc == 2 && strcmp(argv[0], "groups") == 0)
		return (cmd_import_groups(conf, argv[1]));
	if (argc != 2 || (strcmp(argv[0], "schools") != 0 &&
	    strcmp(argv[0], "contacts") != 0)) {
		fprintf(stderr, "usage: tinbao import schools|contacts|groups "
		    "FILE.csv\n");
		return (2);
	}
	path = argv[1];
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "tinbao import: %s: %s\n", path,
		    strerror(errno));
		return (1);
	}
	/* The whole file in memory: a directory is a few hundred KB. */
	data = xmalloc(IMPORT_FILE_MAX + 1);
	while ((got = fread(data + len, 1, IMPORT_FILE_MAX + 1 - len, f)) > 0)
		len += got;
	if (ferror(f) || len > IMPORT_FILE_MAX) {
		fprintf(stderr, "tinbao import: %s: %s\n", path, ferror(f) ?
		    strerror(errno) : "larger than 64 MB");
		fclose(f);
		free(data);
		return (1);
	}
	fclose(f);
	if (import_parse(strcmp(argv[0], "schools") == 0 ? IMPORT_SCHOOLS :
	    IMPORT_CONTACTS, data, len, import_cmd_error, (void *)(uintptr_t)
	    path, &imf) == -1)
		errors = imf.errors;
	explicit_bzero(data, len);
	free(data);

	/* Every problem in one run: the rows', then the database's. */
	if (imf.kind == IMPORT_CONTACTS &&
	    secret_load(conf->keyfile, &sec) == -1)
		goto out;
	if ((st = store_open(conf->database, 0)) == NULL ||
	    store_check_version(st) == -1)
		goto out;
	if ((errors = import_store(st, &sec, &imf, errors, import_cmd_error,
	    (void *)(uintptr_t)path)) != 0)
		goto out;
	printf("%s: %zu %s imported\n", path, imf.n, argv[0]);
	ret = 0;
	/* The gaps it leaves are warnings: the import is committed. */
	import_cmd_gaps(st, path);
out:
	if (errors > 0)
		fprintf(stderr, "%s: %d problem(s), nothing imported\n",
		    path, errors);
	store_close(st);
	import_file_free(&imf);
	explicit_bzero(&sec, sizeof(sec));
	return (ret);
}
