/*
 * tinbao: `tinbao incident split CASE`, the Bureau's undo for a report
 * joined to the wrong incident (handlers/incident.c): the case leaves the
 * incident and its responders are alerted as for a case of its own.  The
 * running gateway sends the alerts on its next tick.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tinbao.h"

/* Runs `tinbao incident split CASE`. */
int
cmd_incident(struct config *conf, int argc, char **argv)
{
	struct store		*st;
	struct store_caserow	 c;
	char			 norm[16];
	int			 r, rc = 1;

	if (argc != 2 || strcmp(argv[0], "split") != 0) {
		fprintf(stderr, "usage: tinbao incident split CASE\n");
		return (2);
	}
	if (casecode_normalize(argv[1], norm, sizeof(norm)) == -1) {
		fprintf(stderr, "tinbao incident: %s: not a case code\n",
		    argv[1]);
		return (2);
	}
	if ((st = store_open(conf->database, 0)) == NULL)
		return (1);
	if (store_check_version(st) == -1)
		goto out;
	if ((r = store_case_get(st, norm, &c)) != 1) {
		fprintf(stderr, "tinbao incident: no case %s\n", norm);
		goto out;
	}
	r = incident_split(st, conf, c.id, time(NULL));
	if (r == 1) {
		printf("case %s split off its incident and alerted\n", c.code);
		rc = 0;
	} else if (r == 0)
		fprintf(stderr, "tinbao incident: case %s is in no incident\n",
		    c.code);
	else
		fprintf(stderr, "tinbao incident: the store failed\n");
	store_caserow_free(&c);
out:
	store_close(st);
	return (rc);
}
