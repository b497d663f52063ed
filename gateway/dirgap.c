/*
 * tinbao: the directory's gaps in words (SPEC section 6, issue 15).
 *
 * store_directory_gaps (store_responders.c) finds them; this file says
 * each in one English line for `tinbao import`'s warnings and /healthz's
 * detail (the dashboard's directory page words them in Vietnamese).  A
 * gap is never an error: the import commits, /healthz stays 200.
 */
#include <stdio.h>

#include "tinbao.h"

/* Writes one gap as a line of text (no newline) into buf. */
void
dirgap_format(const struct dirgap *g, char *buf, size_t sz)
{
	switch (g->kind) {
	case DIRGAP_NO_POLICE:
		(void)snprintf(buf, sz, "commune '%s' has schools (%s) and no "
		    "level-1 police: its urgent cases alert level 2 at once",
		    g->subject, g->detail);
		break;
	case DIRGAP_NO_PRINCIPAL:
		(void)snprintf(buf, sz, "school %s (%s) has no principal: no "
		    "principal alert, no school digest", g->subject, g->detail);
		break;
	case DIRGAP_TWO_ROLES:
		(void)snprintf(buf, sz, "number %s is given two roles (%s): "
		    "the first row was kept", g->subject, g->detail);
		break;
	default:
		(void)snprintf(buf, sz, "directory gap: %s", g->subject);
		break;
	}
}
