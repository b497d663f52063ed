/*
 * libFuzzer harness: the configuration parser.  Any file must load or be
 * refused with its problems reported, never crash or leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tinbao.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 path[64];
	struct config	 conf;
	FILE		*f, *errf;

	if (path[0] == '\0')
		(void)snprintf(path, sizeof(path), "/tmp/fuzz_config.%ld",
		    (long)getpid());
	if ((f = fopen(path, "w")) == NULL)
		return (0);
	fwrite(data, 1, size, f);
	fclose(f);
	errf = fopen("/dev/null", "w");
	(void)config_load(path, &conf, errf);
	config_free(&conf);
	if (errf != NULL)
		fclose(errf);
	return (0);
}
