/*
 * tinbao: `tinbao inject`, an SMS arriving on the simulated phone.
 *
 * libGammu's dummy driver keeps its inbox as smsbackup files in
 * DEVICE/sms/1 (SIM) and DEVICE/sms/3 (phone).  This command writes one
 * file per physical part, as a real modem stores them: UCS-2 text, an 8-bit
 * concatenation header for multipart messages, the SMSC's timestamp.  Each
 * file is written under a dot name and then linked to a free number, so the
 * gateway never sees half a file.  It is how `make run` shows a report
 * flowing through, and how the regress tests play a phone.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <utf8proc.h>

#include "tinbao.h"

struct inject {
	const char	*from;
	const char	*text;
	int		 parts;
	int		 ref;
	int		 folder;
	int		 flash;
	int		 binary;
	const char	*hex;		/* raw UTF-16BE for odd-input tests */
	int		 report;	/* a status report for this reference */
	int		 only[256];	/* 1 = write this part */
	int		 has_only;
	char		 stamp[32];
};

static int	inject_part(const char *, const struct inject *, int,
		    const char *, size_t);
static int	inject_usage(void);

static int
inject_usage(void)
{
	fprintf(stderr, "usage: tinbao inject [--from NUMBER] [--parts N] "
	    "[--only LIST] [--ref N] [--flash] [--binary] [--folder 1|3] "
	    "[--time YYYYMMDDTHHMMSS] [--hex UTF16BE] [--report REF] TEXT\n");
	return (2);
}

/* Writes one part as an smsbackup file, atomically. */
static int
inject_part(const char *dir, const struct inject *in, int partno,
    const char *text, size_t len)
{
	unsigned char	 u16[4096];
	char		*path = NULL, *tmp = NULL, hex[2 * sizeof(u16) + 1];
	size_t		 n, i, o;
	FILE		*f;
	int		 fd, num, ret = -1;
	char		*chunk;

	chunk = xstrndup(text, len);
	if (in->binary) {
		n = len < sizeof(u16) ? len : sizeof(u16);
		memcpy(u16, chunk, n);
	} else if ((n = utf8_to_utf16be(chunk, u16, sizeof(u16))) == 0 &&
	    len > 0) {
		fprintf(stderr, "tinbao inject: part %d is too long\n", partno);
		free(chunk);
		return (-1);
	}
	free(chunk);
	for (i = 0; i < n; i++)
		(void)snprintf(hex + 2 * i, 3, "%02X", u16[i]);
	hex[2 * n] = '\0';
	if (in->hex != NULL)
		(void)strlcpy_checked(hex, in->hex, sizeof(hex));

	xasprintf(&tmp, "%s/.inject.%ld.%d", dir, (long)getpid(), partno);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "tinbao inject: %s: %s\n", tmp,
		    strerror(errno));
		free(tmp);
		return (-1);
	}
	fprintf(f, "[SMSBackup000]\n");
	fprintf(f, "Number = \"%s\"\n", in->from);
	fprintf(f, "SMSC = \"+84980200030\"\n");
	fprintf(f, "Coding = %s\n", in->binary ? "8bit" :
	    "Unicode_No_Compression");
	if (in->report >= 0)
		fprintf(f, "PDU = Status_Report\nMessageReference = %d\n"
		    "State = UnRead\n", in->report);
	else
		fprintf(f, "PDU = Deliver\nState = UnRead\n");
	fprintf(f, "DateTime = %s\n", in->stamp);
	fprintf(f, "Class = %d\n", in->flash ? 0 : -1);
	if (in->parts > 1)
		fprintf(f, "UDH = 050003%02X%02X%02X\n", in->ref & 0xff,
		    in->parts, partno);
	/* libGammu reads the text back from Text00, Text01, ... lines. */
	for (i = 0, o = 0; hex[o] != '\0' || i == 0; i++) {
		size_t	 k = strlen(hex + o) > 200 ? 200 : strlen(hex + o);

		fprintf(f, "Text%02zu = %.*s\n", i, (int)k, hex + o);
		o += k;
	}
	fprintf(f, "\n");
	if (fflush(f) != 0 || fsync(fileno(f)) == -1) {
		fprintf(stderr, "tinbao inject: %s: %s\n", tmp,
		    strerror(errno));
		fclose(f);
		goto out;
	}
	fclose(f);
	/* The driver looks at files named 1..10000; link never clobbers. */
	for (num = 1; num <= 10000; num++) {
		free(path);
		xasprintf(&path, "%s/%d", dir, num);
		if (link(tmp, path) == 0) {
			ret = 0;
			break;
		}
		if (errno != EEXIST) {
			fprintf(stderr, "tinbao inject: %s: %s\n", path,
			    strerror(errno));
			break;
		}
	}
	if (ret == 0)
		printf("%s\n", path);
out:
	(void)unlink(tmp);
	free(tmp);
	free(path);
	return (ret);
}

/* Runs `tinbao inject`. */
int
cmd_inject(struct config *conf, int argc, char **argv)
{
	struct inject	 in;
	struct tm	 tm;
	time_t		 now = time(NULL);
	const char	*p, *start;
	char		*dir, *list, *tok, *save;
	size_t		 len, cps, per, k;
	int		 i, j, ret = 0;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	memset(&in, 0, sizeof(in));
	in.from = "+84912345678";
	in.parts = 1;
	in.ref = (int)(now & 0xff);
	in.folder = 1;
	in.report = -1;
	gmtime_r(&now, &tm);
	strftime(in.stamp, sizeof(in.stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			in.from = argv[++i];
		else if (strcmp(argv[i], "--parts") == 0 && i + 1 < argc)
			in.parts = atoi(argv[++i]);
		else if (strcmp(argv[i], "--ref") == 0 && i + 1 < argc)
			in.ref = atoi(argv[++i]);
		else if (strcmp(argv[i], "--folder") == 0 && i + 1 < argc)
			in.folder = atoi(argv[++i]);
		else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc)
			(void)strlcpy_checked(in.stamp, argv[++i],
			    sizeof(in.stamp));
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			list = xstrdup(argv[++i]);
			for (tok = strtok_r(list, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				j = atoi(tok);
				if (j >= 1 && j <= 255)
					in.only[j] = 1;
			}
			free(list);
			in.has_only = 1;
		} else if (strcmp(argv[i], "--flash") == 0)
			in.flash = 1;
		else if (strcmp(argv[i], "--binary") == 0)
			in.binary = 1;
		else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc) {
			in.report = atoi(argv[++i]);
			in.text = "Delivered";
		}
		else if (strcmp(argv[i], "--hex") == 0 && i + 1 < argc) {
			in.hex = argv[++i];
			in.text = "";
		}
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return (inject_usage());
		else if (in.text == NULL)
			in.text = argv[i];
		else
			return (inject_usage());
	}
	if (in.text == NULL || in.parts < 1 || in.parts > 255 ||
	    (in.folder != 1 && in.folder != 3))
		return (inject_usage());
	if (!conf->has_gammu || conf->gammu_model == NULL ||
	    strcmp(conf->gammu_model, "dummy") != 0) {
		fprintf(stderr, "tinbao inject: %s: [gammu] is not the "
		    "simulated phone (model = dummy)\n", conf->path);
		return (2);
	}
	xasprintf(&dir, "%s/sms/%d", conf->gammu_device, in.folder);
	if (access(dir, W_OK) == -1) {
		fprintf(stderr, "tinbao inject: %s: %s (is tinbao serve "
		    "running?)\n", dir, strerror(errno));
		free(dir);
		return (1);
	}

	/* Cut the text into parts of about equal length, on characters. */
	len = strlen(in.text);
	for (cps = 0, p = in.text; *p != '\0'; p += n, cps++)
		if ((n = utf8proc_iterate((const utf8proc_uint8_t *)p, -1,
		    &c)) <= 0)
			n = 1;
	per = (cps + in.parts - 1) / in.parts;
	if (per == 0)
		per = 1;
	p = in.text;
	for (i = 1; i <= in.parts; i++) {
		start = p;
		for (k = 0; k < per && *p != '\0'; k++) {
			n = utf8proc_iterate((const utf8proc_uint8_t *)p, -1,
			    &c);
			p += n > 0 ? n : 1;
		}
		if (i == in.parts)
			p = in.text + len;
		if (in.has_only && !in.only[i])
			continue;
		if (inject_part(dir, &in, i, start, p - start) == -1) {
			ret = 1;
			break;
		}
	}
	free(dir);
	return (ret);
}
