/*
 * libFuzzer harness: the frames between the main loop and the modem worker
 * (ipc_peek, ipc_unpack_sms).  Any bytes must be refused or read back into
 * a message whose parts are in range and valid UTF-8, and nothing may leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tinbao.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ibuf	 b;
	struct sms_in	 sms;
	uint32_t	 type;
	size_t		 len;
	int		 i;
	char		*text;

	(void)ipc_peek(data, size, &type, &len);
	ibuf_reader(&b, data, size);
	if (ipc_unpack_sms(&b, &sms) == 0) {
		if (sms.parts_total < 1 || sms.nparts > sms.parts_total)
			abort();
		for (i = 0; i < sms.nparts; i++) {
			if (sms.parts[i].partno < 1 ||
			    sms.parts[i].partno > sms.parts_total ||
			    !utf8_is_valid(sms.parts[i].text,
			    strlen(sms.parts[i].text)))
				abort();
		}
		text = sms_in_text(&sms);
		free(text);
		sms_in_free(&sms);
	}
	return (0);
}
