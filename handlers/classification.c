/*
 * tinbao: the glue between a report and the classifier.
 *
 * Fills a struct classification for the report handler.  Without a loaded
 * classifier every report is category "other" and not urgent: it is still
 * stored, acknowledged and shown, and nothing is lost.
 */
#include <string.h>

#include "tinbao.h"

/* Classifies the message's text for the report handler. */
void
report_classify(const struct msgctx *ctx, struct classification *cl)
{
	memset(cl, 0, sizeof(*cl));
	cl->category = "other";
	cl->urgent = 0;
	(void)strlcpy_checked(cl->matched, "[]", sizeof(cl->matched));
	(void)ctx;
}
