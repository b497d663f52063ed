/*
 * tinbao benchmarks: SMS cost of alerts and replies.
 *
 *	bench_cost schools.csv set.jsonl ...
 *
 * For every message of the sets that tinbao would alert on (the built-in
 * classifier plus the schools, as `tinbao serve` runs it), formats the
 * alert with the real route_format_alert (alert_charset = gsm7) and counts
 * its parts, against forwarding the original text in UCS-2 the way a
 * gammu-smsd RunOnReceive script has to (`gammu-smsd-inject -unicode`:
 * without it, Vietnamese letters are lost).  Also counts the parts of the
 * acknowledgement every report gets, as the outbox sends it (unaccented
 * GSM-7 since issue 12), with the gateway's own handler_sms_parts.
 * Parts: GSM-7 160 septets single, 153 per part; UCS-2 70 / 67 units.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../eval/evalset.h"
#include "category.h"

#define COST_SCHOOLS	512

static struct {
	char	code[16];
	char	name[128];
} schools[COST_SCHOOLS];
static size_t	nschools;

static void	load_names(const char *);
static const char *school_name(const char *);
static size_t	ucs2_units(const char *);
static int	gsm7_parts(size_t);
static int	ucs2_parts(size_t);

/* code -> name from schools.csv's first two fields (names hold no comma). */
static void
load_names(const char *path)
{
	FILE	*f;
	char	 line[1024], *comma, *name, *end;

	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL &&
	    nschools < COST_SCHOOLS) {
		if ((comma = strchr(line, ',')) == NULL)
			continue;
		*comma = '\0';
		name = comma + 1;
		if ((end = strchr(name, ',')) != NULL)
			*end = '\0';
		snprintf(schools[nschools].code, sizeof(schools[0].code), "%.15s",
		    line);
		snprintf(schools[nschools].name, sizeof(schools[0].name), "%.127s",
		    name);
		nschools++;
	}
	fclose(f);
}

static const char *
school_name(const char *code)
{
	size_t	i;

	for (i = 0; code[0] != '\0' && i < nschools; i++)
		if (strcmp(schools[i].code, code) == 0)
			return (schools[i].name);
	return (NULL);
}

/* UTF-16 code units of a UTF-8 string. */
static size_t
ucs2_units(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = 0;

	for (; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		n += *p >= 0xf0 ? 2 : 1;
	}
	return (n);
}

static int
gsm7_parts(size_t septets)
{
	return (septets <= 160 ? 1 : (int)((septets + 152) / 153));
}

static int
ucs2_parts(size_t units)
{
	return (units <= 70 ? 1 : (int)((units + 66) / 67));
}

int
main(int argc, char *argv[])
{
	struct classifier	*c;
	struct classify_result	 res;
	struct store_caserow	 row;
	json_t			*j;
	char			*line = NULL, alert[512], ack[512];
	size_t			 lcap = 0, reports = 0, alerts = 0;
	size_t			 t_parts = 0, u_parts = 0, a_parts = 0;
	int			 t_max = 0, u_max = 0, a_max = 0, p, a;
	ssize_t			 r;
	FILE			*f;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_cost schools.csv set.jsonl ...\n");
		return (2);
	}
	log_init(0, "bench");
	c = classifier_new();
	if (classifier_load_builtin(c) == -1 ||
	    eval_load_schools(c, argv[1]) == -1 || classifier_compile(c) == -1)
		return (1);
	load_names(argv[1]);
	for (a = 2; a < argc; a++) {
		if ((f = fopen(argv[a], "r")) == NULL) {
			perror(argv[a]);
			return (1);
		}
		while ((r = getline(&line, &lcap, f)) != -1) {
			const char	*text;

			if ((j = json_loads(line, 0, NULL)) == NULL)
				continue;
			if (!json_is_string(json_object_get(j, "text"))) {
				json_decref(j);
				continue;
			}
			text = json_string_value(json_object_get(j, "text"));
			classify(c, text, strlen(text), &res);
			reports++;
			/* Every report gets an acknowledgement. */
			snprintf(ack, sizeof(ack),
			    category_is_111_first(res.category) ?
			    REPLY_ACK_111 : REPLY_ACK, "K7QX", "K7QX");
			p = handler_sms_parts(ack);
			a_parts += (size_t)p;
			a_max = p > a_max ? p : a_max;
			if (!res.urgent) {
				json_decref(j);
				continue;
			}
			memset(&row, 0, sizeof(row));
			snprintf(row.code, sizeof(row.code), "K7QX");
			snprintf(row.category, sizeof(row.category), "%s",
			    res.category);
			row.urgent = 1;
			row.text = (char *)(uintptr_t)text;
			row.created_at = 1795000000;
			if (route_format_alert(alert, sizeof(alert), &row,
			    school_name(res.school), NULL, 1, 1) == -1) {
				fprintf(stderr, "bench_cost: format failed\n");
				return (1);
			}
			alerts++;
			/* After text_gsm7_safe a byte is a septet. */
			p = gsm7_parts(strlen(alert));
			t_parts += (size_t)p;
			t_max = p > t_max ? p : t_max;
			p = ucs2_parts(ucs2_units(text));
			u_parts += (size_t)p;
			u_max = p > u_max ? p : u_max;
			json_decref(j);
		}
		fclose(f);
	}
	free(line);
	if (alerts == 0) {
		fprintf(stderr, "bench_cost: no alert in the sets\n");
		return (1);
	}
	printf("%zu reports, %zu make an alert\n", reports, alerts);
	printf("alert parts, tinbao gsm7:        total %zu  mean %.2f  max %d"
	    "   (target max 1)\n", t_parts, (double)t_parts / alerts, t_max);
	printf("alert parts, forwarded as UCS-2: total %zu  mean %.2f  max %d"
	    "   (tinbao/forward %.2f)\n", u_parts, (double)u_parts / alerts,
	    u_max, (double)t_parts / u_parts);
	printf("ack parts per report (as sent):  total %zu  mean %.2f  max %d\n",
	    a_parts, (double)a_parts / reports, a_max);
	return (0);
}
