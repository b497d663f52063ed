/*
 * tinbao: crash points for the crash-safety tests.
 *
 * `crashpoint("name")` kills the process with SIGKILL when the environment
 * variable TINBAO_CRASHPOINT equals name.  The tests use it to stop the
 * gateway at an exact place (say, after a commit and before the modem is told
 * to delete the message) and then check that a restart loses and doubles
 * nothing.  Unset, it costs one getenv per call.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

/* Kills the process when the named crash point is armed. */
void
crashpoint(const char *name)
{
	const char	*armed = getenv("TINBAO_CRASHPOINT");

	if (armed == NULL || strcmp(armed, name) != 0)
		return;
	log_warnx("crashpoint=%s reached, killing the process", name);
	raise(SIGKILL);
}
