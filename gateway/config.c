/*
 * tinbao: the configuration file.
 *
 * One INI file (SPEC section 3), read by our own small parser so that every
 * problem can be reported as PATH:LINE.  Every option is one entry of
 * options[], with its section, type, limits, default and the field of
 * struct config it fills; defaults go through the same code as the file's
 * values.  config_load() never stops at the first problem: it reports each
 * one on its own line and fails at the end, so that `tinbao check-config`
 * shows everything at once (like nginx -t).  It owns nothing after it
 * returns: the caller owns the struct config and frees it with
 * config_free().
 *
 * Syntax: [section] headers; key = value; whole-line comments starting
 * with ; or #; a trailing comment is ; or # after a space or tab.  A value
 * may be put in double quotes to keep a ; or # or surrounding spaces.
 * Section and key names are case-insensitive, as in a gammurc.  The file
 * must be valid UTF-8; a leading BOM and CRLF line ends are accepted.
 *
 * Invariants: every path in struct config is absolute (relative values are
 * taken from the config file's folder), every duration is in seconds and
 * within its option's limits.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tinbao.h"

#define CONFIG_DEFAULT_PATH	"/etc/tinbao/tinbao.conf"
#define CONFIG_LINE_MAX		4096	/* bytes, without the line end */
#define CONFIG_HINT_DIST	2	/* edit distance for "did you mean" */
#define CONFIG_NAME_MAX		64	/* longer names get no hint */

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

enum opt_type {
	OPT_STRING,
	OPT_PATH,
	OPT_DURATION,
	OPT_ENUM,
	OPT_BOOL,
	OPT_INT,
};

#define OPT_F_REQUIRED	0x01	/* needed whenever its section applies */
#define OPT_F_PASS	0x02	/* libGammu's alone: checked, not kept */
#define OPT_F_MODEM	0x04	/* per modem: kept in modems[N] at moff */

struct opt_enum {
	const char	*name;
	int		 value;
};

struct section {
	const char	*name;
	int		 required;	/* must be in every file */
};

/*
 * One option.  off is the field of struct config that it fills: a char *
 * for strings and paths, an int for durations, enums and booleans.  An
 * option with an alias is another name for the option called alias (same
 * field; setting both is a duplicate).
 */
struct option {
	const char		*section;
	const char		*name;
	const char		*alias;
	enum opt_type		 type;
	int			 flags;
	int			 min;		/* durations, seconds */
	int			 max;
	const char		*def;
	const struct opt_enum	*enums;
	int			(*check)(const char *, char *, size_t);
	size_t			 off;
	size_t			 moff;		/* in struct modem_conf */
	const char		*help;
};

struct parse {
	const char	*path;		/* as given, for messages */
	FILE		*errf;
	struct config	*conf;
	int		 nerr;
	int		 section;	/* index in sections[], or SECTION_* */
	int		 slot;		/* N of [gammuN] / [modemN], else 0 */
	int		*sec_line;	/* line of each section's header */
	int		*opt_line;	/* per slot: line each option was set */
	int		 gammu_line[MODEM_MAX];	/* [gammuN]'s header */
	int		 modem_line[MODEM_MAX];	/* [modemN]'s header */
};

#define SECTION_NONE	-1	/* before the first header */
#define SECTION_UNKNOWN	-2	/* inside an unknown section: keys skipped */

static void	 config_error(struct parse *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 config_read(struct parse *, FILE *);
static void	 config_line(struct parse *, char *, int);
static void	 config_section(struct parse *, char *, int);
static int	 config_value(struct parse *, char *, int, const char *,
		    char **);
static void	 config_set(struct parse *, size_t, const char *, int);
static int	 config_seen(struct parse *, size_t, int);
static void	 config_set_string(struct parse *, const struct option *,
		    const char *, int);
static void	 config_set_duration(struct parse *, const struct option *,
		    const char *, int);
static void	 config_set_enum(struct parse *, const struct option *,
		    const char *, int);
static void	 config_set_bool(struct parse *, const struct option *,
		    const char *, int);
static void	 config_set_int(struct parse *, const struct option *,
		    const char *, int);
static void	 config_finish(struct parse *);
static void	 config_modems(struct parse *);
static char	*config_field(struct parse *, const struct option *);
static int	 section_numbered(struct parse *, const char *, int);
static int	 section_find(const char *);
static int	 option_find(const char *, const char *);
static size_t	 option_canonical(size_t);
static void	 option_hint(const char *, const char *, char *, size_t);
static int	 check_listen(const char *, char *, size_t);
static int	 check_http_url(const char *, char *, size_t);
static int	 check_ip(const char *, char *, size_t);
static int	 check_hhmm(const char *, char *, size_t);
static int	 check_ussd(const char *, char *, size_t);
static int	 is_comment_start(const char *, const char *);
static int	 is_blank(int);
static int	 tolower_ascii(int);
static char	*trim(char *);
static size_t	 utf8_first_bad(const unsigned char *, size_t);
static int	 edit_distance(const char *, const char *);
static void	 duration_format(int, char *, size_t);
static char	*path_absolute(const char *);
static char	*path_join(const char *, const char *);
static int	 gammu_device_is_path(const char *);

static const struct section sections[] = {
	{ .name = "gammu" },
	{ .name = "tinbao", .required = 1 },
	{ .name = "http" },
	{ .name = "kannel" },
	{ .name = "ussd" },
	{ .name = "escalation" },
	{ .name = "modem" },
	{ .name = "triage" },
	{ .name = "report" },
	{ .name = "broadcast" },
	{ .name = "plans" },
};

static const struct opt_enum charset_enums[] = {
	{ .name = "auto", .value = CHARSET_AUTO },
	{ .name = "gsm7", .value = CHARSET_GSM7 },
	{ .name = "ucs2", .value = CHARSET_UCS2 },
	{ .name = NULL }
};

static const struct opt_enum carrier_enums[] = {
	{ .name = "any", .value = CARRIER_ANY },
	{ .name = "viettel", .value = CARRIER_VIETTEL },
	{ .name = "vinaphone", .value = CARRIER_VINAPHONE },
	{ .name = "mobifone", .value = CARRIER_MOBIFONE },
	{ .name = "vietnamobile", .value = CARRIER_VIETNAMOBILE },
	{ .name = "gmobile", .value = CARRIER_GMOBILE },
	{ .name = NULL }
};

static const struct opt_enum secure_enums[] = {
	{ .name = "auto", .value = HTTP_SECURE_AUTO },
	{ .name = "yes", .value = HTTP_SECURE_YES },
	{ .name = "no", .value = HTTP_SECURE_NO },
	{ .name = NULL }
};

static const struct opt_enum loglevel_enums[] = {
	{ .name = "info", .value = 0 },
	{ .name = "debug", .value = 1 },
	{ .name = NULL }
};

static const struct opt_enum logformat_enums[] = {
	{ .name = "nothing" },
	{ .name = "text" },
	{ .name = "textall" },
	{ .name = "textalldate" },
	{ .name = "errors" },
	{ .name = "errorsdate" },
	{ .name = "binary" },
	{ .name = NULL }
};

#define CONF(f)	offsetof(struct config, f)
#define MCONF(f) offsetof(struct modem_conf, f)
#define MINUTE	60
#define HOUR	(60 * MINUTE)
#define DAY	(24 * HOUR)

_Static_assert(sizeof(enum alert_charset) == sizeof(int),
    "alert_charset is stored through an int");

static const struct option options[] = {
	/* [gammu]: the gammurc keys libGammu reads (gammurc(5)). */
	{ .section = "gammu", .name = "device", .type = OPT_STRING,
	  .off = CONF(gammu_device), .moff = MCONF(device),
	  .help = "the modem's device (a relative path is taken from the "
	      "config file's folder)" },
	{ .section = "gammu", .name = "port", .alias = "device",
	  .type = OPT_STRING, .off = CONF(gammu_device),
	  .moff = MCONF(device),
	  .help = "old name of device" },
	{ .section = "gammu", .name = "connection", .type = OPT_STRING,
	  .off = CONF(gammu_connection), .moff = MCONF(connection),
	  .help = "libGammu connection type (at, none, ...)" },
	{ .section = "gammu", .name = "model", .type = OPT_STRING,
	  .off = CONF(gammu_model), .moff = MCONF(model),
	  .help = "phone model; only \"dummy\" is useful here" },
	{ .section = "gammu", .name = "synchronizetime", .type = OPT_BOOL,
	  .flags = OPT_F_PASS, .help = "set the phone's clock on connect" },
	{ .section = "gammu", .name = "logfile", .type = OPT_STRING,
	  .flags = OPT_F_PASS, .help = "libGammu's protocol log" },
	{ .section = "gammu", .name = "logformat", .type = OPT_ENUM,
	  .flags = OPT_F_PASS, .enums = logformat_enums,
	  .help = "what libGammu writes to logfile" },
	{ .section = "gammu", .name = "use_locking", .type = OPT_BOOL,
	  .flags = OPT_F_PASS, .help = "UUCP lock files on the device" },
	{ .section = "gammu", .name = "gammuloc", .type = OPT_STRING,
	  .flags = OPT_F_PASS, .help = "libGammu's translations" },
	{ .section = "gammu", .name = "gammucoding", .type = OPT_STRING,
	  .flags = OPT_F_PASS, .help = "libGammu's console codepage" },
	{ .section = "gammu", .name = "features", .type = OPT_STRING,
	  .flags = OPT_F_PASS, .help = "phone feature overrides" },
	{ .section = "gammu", .name = "startinfo", .type = OPT_BOOL,
	  .flags = OPT_F_PASS, .help = "show a message on the phone" },
	{ .section = "gammu", .name = "reminder", .type = OPT_STRING,
	  .flags = OPT_F_PASS, .help = "calendar reminder type" },
	{ .section = "gammu", .name = "atgen_setcnmi", .type = OPT_STRING,
	  .flags = OPT_F_PASS, .help = "AT+CNMI override" },
	{ .section = "gammu", .name = "name", .type = OPT_STRING,
	  .flags = OPT_F_PASS, .help = "a name for this phone section" },
	{ .section = "gammu", .name = "dataformat", .type = OPT_STRING,
	  .flags = OPT_F_PASS, .help = "libGammu data format" },
	{ .section = "gammu", .name = "datapath", .type = OPT_STRING,
	  .flags = OPT_F_PASS, .help = "libGammu data files" },
	{ .section = "gammu", .name = "usephonedb", .type = OPT_BOOL,
	  .flags = OPT_F_PASS, .help = "obsolete; accepted and ignored" },

	/* [tinbao] */
	{ .section = "tinbao", .name = "database", .type = OPT_PATH,
	  .flags = OPT_F_REQUIRED, .off = CONF(database),
	  .help = "the SQLite database" },
	{ .section = "tinbao", .name = "keyfile", .type = OPT_PATH,
	  .flags = OPT_F_REQUIRED, .off = CONF(keyfile),
	  .help = "the secret key file (mode 0600)" },
	{ .section = "tinbao", .name = "district", .type = OPT_STRING,
	  .off = CONF(district), .help = "the district's name" },
	{ .section = "tinbao", .name = "alert_charset", .type = OPT_ENUM,
	  .enums = charset_enums, .def = "gsm7", .off = CONF(alert_charset),
	  .help = "outgoing SMS alphabet" },
	{ .section = "tinbao", .name = "poll_interval", .type = OPT_DURATION,
	  .min = 1, .max = HOUR, .def = "5s", .off = CONF(poll_interval),
	  .help = "time between two scans of the modem's inbox" },
	{ .section = "tinbao", .name = "multipart_timeout",
	  .type = OPT_DURATION, .min = 1, .max = DAY, .def = "10m",
	  .off = CONF(multipart_timeout),
	  .help = "how long to wait for the missing parts of an SMS" },
	{ .section = "tinbao", .name = "send_timeout", .type = OPT_DURATION,
	  .min = 1, .max = 10 * MINUTE, .def = "30s",
	  .off = CONF(send_timeout),
	  .help = "how long to wait for the network's send status" },
	{ .section = "tinbao", .name = "send_interval", .type = OPT_DURATION,
	  .min = 0, .max = 10 * MINUTE, .def = "1s",
	  .off = CONF(send_interval),
	  .help = "least time between two SMS handed to the modem" },
	{ .section = "tinbao", .name = "digest_time", .type = OPT_STRING,
	  .def = "17:00", .check = check_hhmm, .off = CONF(digest_time),
	  .help = "local time of the daily digest (HH:MM)" },
	{ .section = "tinbao", .name = "retention", .type = OPT_DURATION,
	  .min = DAY, .max = 3650 * DAY, .def = "180d",
	  .off = CONF(retention),
	  .help = "closed cases older than this lose the reporter's number" },
	{ .section = "tinbao", .name = "balance_ussd", .type = OPT_STRING,
	  .check = check_ussd, .off = CONF(balance_ussd),
	  .help = "USSD code that returns the SIM's credit, e.g. *101#" },
	{ .section = "tinbao", .name = "balance_interval",
	  .type = OPT_DURATION, .min = 60, .max = 7 * DAY, .def = "12h",
	  .off = CONF(balance_interval),
	  .help = "how often the credit is checked" },
	{ .section = "tinbao", .name = "balance_threshold", .type = OPT_INT,
	  .min = 0, .max = 100000000, .def = "10000",
	  .off = CONF(balance_threshold),
	  .help = "credit (VND) below which the admins are alerted" },
	{ .section = "tinbao", .name = "modem_alarm_after",
	  .type = OPT_DURATION, .min = 1, .max = 7 * DAY, .def = "10m",
	  .off = CONF(modem_alarm_after),
	  .help = "how long the modem may be gone before the admins are told" },
	{ .section = "tinbao", .name = "carriers", .type = OPT_PATH,
	  .off = CONF(carriers),
	  .help = "file of \"PREFIX CARRIER\" lines over the built-in "
	      "Vietnamese prefix table" },
	{ .section = "tinbao", .name = "log_level", .type = OPT_ENUM,
	  .enums = loglevel_enums, .def = "info", .off = CONF(log_verbose),
	  .help = "info or debug" },

	/* [http] */
	{ .section = "http", .name = "listen", .type = OPT_STRING,
	  .check = check_listen, .off = CONF(http_listen),
	  .help = "host:port of the dashboard and callbacks" },
	{ .section = "http", .name = "trusted_proxy", .type = OPT_STRING,
	  .check = check_ip, .off = CONF(http_trusted_proxy),
	  .help = "address of a reverse proxy whose X-Forwarded-For is "
	  "believed" },
	{ .section = "http", .name = "metrics_token_file", .type = OPT_PATH,
	  .off = CONF(http_metrics_token_file),
	  .help = "file holding the token for /metrics and /healthz's detail" },
	{ .section = "http", .name = "secure_cookie", .type = OPT_ENUM,
	  .enums = secure_enums, .def = "auto", .off = CONF(http_secure_cookie),
	  .help = "Secure session cookies: auto (when the trusted proxy says "
	  "https), yes or no" },

	/* [kannel] */
	{ .section = "kannel", .name = "sendsms_url", .type = OPT_STRING,
	  .flags = OPT_F_REQUIRED, .check = check_http_url,
	  .off = CONF(kannel_sendsms_url),
	  .help = "Kannel's sendsms URL" },
	{ .section = "kannel", .name = "username", .type = OPT_STRING,
	  .off = CONF(kannel_username), .help = "sendsms user" },
	{ .section = "kannel", .name = "password_file", .type = OPT_PATH,
	  .off = CONF(kannel_password_file),
	  .help = "file holding the sendsms password" },
	{ .section = "kannel", .name = "from", .type = OPT_STRING,
	  .off = CONF(kannel_from), .help = "sender number or short code" },
	{ .section = "kannel", .name = "dlr_url", .type = OPT_STRING,
	  .check = check_http_url, .off = CONF(kannel_dlr_url),
	  .help = "how Kannel reaches tinbao back" },
	{ .section = "kannel", .name = "secret_file", .type = OPT_PATH,
	  .off = CONF(kannel_secret_file),
	  .help = "file holding the token Kannel's get-url and dlr-url carry" },

	/* [ussd] */
	{ .section = "ussd", .name = "secret_file", .type = OPT_PATH,
	  .off = CONF(ussd_secret_file),
	  .help = "file holding the aggregator's token" },

	/* [escalation] */
	{ .section = "escalation", .name = "ack_timeout",
	  .type = OPT_DURATION, .min = 1, .max = 7 * DAY, .def = "10m",
	  .off = CONF(ack_timeout),
	  .help = "time before an unacknowledged alert goes up a level" },
	{ .section = "escalation", .name = "incident_window",
	  .type = OPT_DURATION, .min = 0, .max = DAY, .def = "10m",
	  .off = CONF(incident_window),
	  .help = "urgent reports of one school and category this close join "
	      "the first one's incident (0s: never)" },
	{ .section = "escalation", .name = "incident_update",
	  .type = OPT_DURATION, .min = 1, .max = DAY, .def = "3m",
	  .off = CONF(incident_update),
	  .help = "least time between two \"+N tin bao nua\" updates" },

	/* [modem], [modem1], ...: tinbao's settings for [gammu], [gammu1] */
	{ .section = "modem", .name = "carrier", .type = OPT_ENUM,
	  .flags = OPT_F_MODEM, .enums = carrier_enums,
	  .moff = MCONF(carrier),
	  .help = "the SIM's carrier: SMS to its numbers go on-net" },
	{ .section = "modem", .name = "send", .type = OPT_BOOL,
	  .flags = OPT_F_MODEM, .moff = MCONF(send),
	  .help = "whether this modem sends SMS" },
	{ .section = "modem", .name = "receive", .type = OPT_BOOL,
	  .flags = OPT_F_MODEM, .moff = MCONF(receive),
	  .help = "whether this modem's inbox is read" },
	{ .section = "modem", .name = "balance_ussd", .type = OPT_STRING,
	  .flags = OPT_F_MODEM, .check = check_ussd,
	  .moff = MCONF(balance_ussd),
	  .help = "USSD code that returns this SIM's credit" },

	/* [triage]: nothing waits unseen (triage.c) */
	{ .section = "triage", .name = "notify_interval",
	  .type = OPT_DURATION, .min = 1, .max = DAY, .def = "15m",
	  .off = CONF(notify_interval),
	  .help = "least time between two notices of untriaged cases" },
	{ .section = "triage", .name = "office_hours", .type = OPT_STRING,
	  .def = "07:00-17:00 Mon-Sat", .check = triage_check_hours,
	  .off = CONF(office_hours),
	  .help = "the Bureau's hours: HH:MM-HH:MM [days]" },
	{ .section = "triage", .name = "untriaged_timeout",
	  .type = OPT_DURATION, .min = 1, .max = 30 * DAY, .def = "4h",
	  .off = CONF(untriaged_timeout),
	  .help = "office time before an untriaged case is escalated" },

	/* [report]: report.c reads them */
	{ .section = "report", .name = "hk1_start", .type = OPT_STRING,
	  .def = "09-01", .check = report_check_mmdd,
	  .off = CONF(report_hk1_start), .help = "first day of HK1, MM-DD" },
	{ .section = "report", .name = "hk1_end", .type = OPT_STRING,
	  .def = "01-15", .check = report_check_mmdd,
	  .off = CONF(report_hk1_end), .help = "last day of HK1, MM-DD" },
	{ .section = "report", .name = "hk2_start", .type = OPT_STRING,
	  .def = "01-16", .check = report_check_mmdd,
	  .off = CONF(report_hk2_start), .help = "first day of HK2, MM-DD" },
	{ .section = "report", .name = "hk2_end", .type = OPT_STRING,
	  .def = "05-31", .check = report_check_mmdd,
	  .off = CONF(report_hk2_end), .help = "last day of HK2, MM-DD" },
	{ .section = "report", .name = "suppress", .type = OPT_INT,
	  .min = 0, .max = 1000, .def = "5", .off = CONF(report_suppress),
	  .help = "counts below this are hidden in reports (0: none)" },

	/* [broadcast]: broadcast.c reads them */
	{ .section = "broadcast", .name = "quiet_hours", .type = OPT_STRING,
	  .def = "21:00-07:00", .check = broadcast_check_quiet,
	  .off = CONF(broadcast_quiet_hours),
	  .help = "local hours when no awareness message leaves, HH:MM-HH:MM" },
	{ .section = "broadcast", .name = "hotline", .type = OPT_STRING,
	  .off = CONF(broadcast_hotline),
	  .help = "the hotline's number, for the duong-day template" },

	/* [plans]: plans.c reads it */
	{ .section = "plans", .name = "deadline", .type = OPT_STRING,
	  .def = "02-05", .check = report_check_mmdd,
	  .off = CONF(plans_deadline),
	  .help = "the day schools' plans are due each school year, MM-DD" },
};

/* Returns $TINBAO_CONF when set and not empty, else the system file. */
const char *
config_default_path(void)
{
	const char	*s;

	if ((s = getenv("TINBAO_CONF")) != NULL && *s != '\0')
		return (s);
	return (CONFIG_DEFAULT_PATH);
}

/*
 * Parses a duration, a whole number and one unit (s, m, h or d), into
 * seconds.  A bare number is refused on purpose: nobody should have to
 * guess whether 10 means seconds or minutes.  errno is EINVAL for a
 * malformed value and ERANGE for more than INT_MAX seconds.  Zero parses;
 * each option's own minimum decides whether it is allowed.
 */
int
config_parse_duration(const char *s, int *seconds)
{
	long long	 n = 0, mult;
	const char	*p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > INT_MAX) {
			errno = ERANGE;
			return (-1);
		}
	}
	if (p == s || p[0] == '\0' || p[1] != '\0') {
		errno = EINVAL;
		return (-1);
	}
	switch (*p) {
	case 's':
		mult = 1;
		break;
	case 'm':
		mult = MINUTE;
		break;
	case 'h':
		mult = HOUR;
		break;
	case 'd':
		mult = DAY;
		break;
	default:
		errno = EINVAL;
		return (-1);
	}
	if (n * mult > INT_MAX) {
		errno = ERANGE;
		return (-1);
	}
	*seconds = (int)(n * mult);
	return (0);
}

/* Frees every string of a configuration and zeroes it; safe to repeat. */
void
config_free(struct config *conf)
{
	size_t	 i;

	free(conf->path);
	free(conf->dir);
	for (i = 0; i < MODEM_MAX; i++) {
		free(conf->modems[i].device);
		free(conf->modems[i].model);
		free(conf->modems[i].connection);
		free(conf->modems[i].balance_ussd);
	}
	for (i = 0; i < nitems(options); i++) {
		if (options[i].flags & (OPT_F_PASS | OPT_F_MODEM) ||
		    options[i].alias != NULL)
			continue;
		if (options[i].type == OPT_STRING ||
		    options[i].type == OPT_PATH)
			free(*(char **)((char *)conf + options[i].off));
	}
	memset(conf, 0, sizeof(*conf));
}

/*
 * Reads the file at path into conf, reporting every problem to errf (when
 * not NULL) as "PATH:LINE: message", or "PATH: message" for the whole
 * file.  On failure conf is left freed and zeroed.
 */
int
config_load(const char *path, struct config *conf, FILE *errf)
{
	struct parse	 p;
	FILE		*f;
	char		*slash;
	size_t		 i;
	int		 rc;

	memset(conf, 0, sizeof(*conf));
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.errf = errf;
	p.conf = conf;
	p.section = SECTION_NONE;
	p.sec_line = xcalloc(nitems(sections), sizeof(*p.sec_line));
	p.opt_line = xcalloc(nitems(options) * MODEM_MAX,
	    sizeof(*p.opt_line));

	/* Defaults first, through the same code as the file's values. */
	for (i = 0; i < nitems(options); i++) {
		if (options[i].def != NULL)
			config_set(&p, i, options[i].def, 0);
	}
	for (i = 0; i < MODEM_MAX; i++) {
		conf->modems[i].send = 1;
		conf->modems[i].receive = 1;
	}

	if ((conf->path = path_absolute(path)) == NULL) {
		config_error(&p, 0, "cannot find the current directory: %s",
		    strerror(errno));
		goto done;
	}
	slash = strrchr(conf->path, '/');
	conf->dir = xstrndup(conf->path,
	    slash == conf->path ? 1 : (size_t)(slash - conf->path));

	if ((f = fopen(path, "r")) == NULL) {
		config_error(&p, 0, "cannot open: %s", strerror(errno));
		goto done;
	}
	if (config_read(&p, f) == 0)
		config_finish(&p);
	fclose(f);

done:
	free(p.sec_line);
	free(p.opt_line);
	rc = p.nerr == 0 ? 0 : -1;
	if (rc == 0) {
		log_debug("config loaded path=%s", conf->path);
	} else
		config_free(conf);
	return (rc);
}

/* Prints one problem; line 0 means the whole file. */
static void
config_error(struct parse *p, int line, const char *fmt, ...)
{
	va_list	 ap;

	p->nerr++;
	if (p->errf == NULL)
		return;
	if (line > 0)
		fprintf(p->errf, "%s:%d: ", p->path, line);
	else
		fprintf(p->errf, "%s: ", p->path);
	va_start(ap, fmt);
	vfprintf(p->errf, fmt, ap);
	va_end(ap);
	fputc('\n', p->errf);
}

/* Reads the file line by line; -1 only when reading itself failed. */
static int
config_read(struct parse *p, FILE *f)
{
	char		*buf = NULL, *line;
	size_t		 bufsz = 0, len, bad;
	ssize_t		 n;
	int		 lineno = 0;

	while ((n = getline(&buf, &bufsz, f)) != -1) {
		lineno++;
		len = (size_t)n;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
		line = buf;
		if (lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf",
		    3) == 0) {
			line += 3;
			len -= 3;
		}
		if (len > CONFIG_LINE_MAX) {
			config_error(p, lineno, "line longer than %d bytes",
			    CONFIG_LINE_MAX);
			continue;
		}
		if (strlen(line) != len) {
			config_error(p, lineno, "NUL byte in line");
			continue;
		}
		if ((bad = utf8_first_bad((unsigned char *)line, len)) < len) {
			config_error(p, lineno, "invalid UTF-8 at byte %zu",
			    bad + 1);
			continue;
		}
		config_line(p, line, lineno);
	}
	free(buf);
	if (ferror(f)) {
		config_error(p, 0, "read error: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

/* Parses one line, already checked for length and UTF-8. */
static void
config_line(struct parse *p, char *line, int lineno)
{
	char	*s, *eq, *key, *value;
	int	 i;

	s = line;
	while (is_blank(*s))
		s++;
	if (*s == '\0' || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		config_section(p, s, lineno);
		return;
	}
	if ((eq = strchr(s, '=')) == NULL) {
		config_error(p, lineno, "expected \"key = value\" or "
		    "\"[section]\"");
		return;
	}
	*eq = '\0';
	key = trim(s);
	if (*key == '\0') {
		config_error(p, lineno, "missing key before \"=\"");
		return;
	}
	if (p->section == SECTION_UNKNOWN)
		return;		/* the header was reported already */
	if (p->section == SECTION_NONE) {
		config_error(p, lineno, "key \"%s\" outside any section", key);
		return;
	}
	if ((i = option_find(sections[p->section].name, key)) == -1) {
		char	 hint[128];

		option_hint(sections[p->section].name, key, hint,
		    sizeof(hint));
		config_error(p, lineno, "unknown key \"%s\" in [%s]%s", key,
		    sections[p->section].name, hint);
		return;
	}
	if (config_value(p, eq + 1, lineno, options[i].name, &value) == -1)
		return;
	config_set(p, (size_t)i, value, lineno);
}

/* Parses a "[name]" header, with an optional trailing comment. */
static void
config_section(struct parse *p, char *s, int lineno)
{
	char	*end, *name, *rest;
	int	 i, best = -1, bestd = CONFIG_HINT_DIST + 1, d;

	p->section = SECTION_UNKNOWN;
	if ((end = strchr(s, ']')) == NULL) {
		config_error(p, lineno, "missing \"]\" after section name");
		return;
	}
	*end = '\0';
	rest = end + 1;
	while (is_blank(*rest))
		rest++;
	if (*rest != '\0' && *rest != ';' && *rest != '#') {
		config_error(p, lineno, "unexpected text after \"]\"");
		return;
	}
	name = trim(s + 1);
	if (*name == '\0') {
		config_error(p, lineno, "empty section name");
		return;
	}
	p->slot = 0;
	if ((i = section_numbered(p, name, lineno)) != -1) {
		if (i >= 0)
			p->section = i;
		return;
	}
	if ((i = section_find(name)) == -1) {
		for (i = 0; i < (int)nitems(sections); i++) {
			d = edit_distance(name, sections[i].name);
			if (d < bestd && d < (int)strlen(sections[i].name)) {
				bestd = d;
				best = i;
			}
		}
		if (best != -1)
			config_error(p, lineno, "unknown section [%s] (did you "
			    "mean [%s]?)", name, sections[best].name);
		else
			config_error(p, lineno, "unknown section [%s]", name);
		return;
	}
	if (p->sec_line[i] != 0) {
		config_error(p, lineno, "duplicate section [%s] (first on "
		    "line %d)", sections[i].name, p->sec_line[i]);
		return;
	}
	p->sec_line[i] = lineno;
	p->section = i;
}

/*
 * Extracts the value after "=": trims it, strips quotes and a trailing
 * comment.  The value is cut in place inside s.
 */
static int
config_value(struct parse *p, char *s, int lineno, const char *key,
    char **valuep)
{
	char	*v, *q, *rest;

	while (is_blank(*s))
		s++;
	if (*s == '"') {
		v = s + 1;
		if ((q = strchr(v, '"')) == NULL) {
			config_error(p, lineno, "%s: missing closing quote",
			    key);
			return (-1);
		}
		*q = '\0';
		rest = q + 1;
		while (is_blank(*rest))
			rest++;
		if (*rest != '\0' && *rest != ';' && *rest != '#') {
			config_error(p, lineno, "%s: unexpected text after "
			    "closing quote", key);
			return (-1);
		}
	} else {
		v = s;
		for (q = s; *q != '\0'; q++) {
			if (is_comment_start(s, q)) {
				*q = '\0';
				break;
			}
		}
		v = trim(v);
	}
	if (*v == '\0') {
		config_error(p, lineno, "%s: empty value (leave the line out "
		    "to keep the default)", key);
		return (-1);
	}
	*valuep = v;
	return (0);
}

/*
 * Notes that option i is set on lineno; -1 (reported) when it, or another
 * name for it, was set before.
 */
static int
config_seen(struct parse *p, size_t i, int lineno)
{
	const struct option	*o = &options[i];
	size_t			 canon = option_canonical(i);
	int			*line = p->opt_line + (size_t)p->slot *
				    nitems(options);

	if (line[canon] != 0 && canon != i) {
		config_error(p, lineno, "duplicate key \"%s\" (another "
		    "name for \"%s\", first set on line %d)", o->name,
		    options[canon].name, line[canon]);
		return (-1);
	}
	if (line[canon] != 0) {
		config_error(p, lineno, "duplicate key \"%s\" (first "
		    "set on line %d)", o->name, line[canon]);
		return (-1);
	}
	line[canon] = lineno;
	return (0);
}

/*
 * The field an option fills: in struct config, or for a modem's own keys
 * (and [gammuN]'s, N > 0) in that modem's struct modem_conf.
 */
static char *
config_field(struct parse *p, const struct option *o)
{
	if (o->flags & OPT_F_MODEM || (p->slot > 0 &&
	    strcmp(o->section, "gammu") == 0))
		return ((char *)&p->conf->modems[p->slot] + o->moff);
	return ((char *)p->conf + o->off);
}

/* OPT_STRING and OPT_PATH: checked, then kept (a path made absolute). */
static void
config_set_string(struct parse *p, const struct option *o, const char *value,
    int lineno)
{
	char	 why[256];
	char	*field = config_field(p, o);

	if (o->check != NULL && o->check(value, why, sizeof(why)) == -1) {
		config_error(p, lineno, "%s: %s", o->name, why);
		return;
	}
	if (o->flags & OPT_F_PASS)
		return;
	free(*(char **)field);
	if (o->type == OPT_PATH)
		*(char **)field = path_join(p->conf->dir, value);
	else
		*(char **)field = xstrdup(value);
}

static void
config_set_duration(struct parse *p, const struct option *o,
    const char *value, int lineno)
{
	char	 lo[32], hi[32];
	int	 rc, secs = 0;

	if ((rc = config_parse_duration(value, &secs)) == -1 &&
	    errno == EINVAL) {
		config_error(p, lineno, "%s: \"%s\" is not a duration "
		    "(expected a whole number and a unit s, m, h or d, "
		    "e.g. 30s or 10m)", o->name, value);
		return;
	}
	if (rc == -1 || secs < o->min || secs > o->max) {
		duration_format(o->min, lo, sizeof(lo));
		duration_format(o->max, hi, sizeof(hi));
		config_error(p, lineno, "%s: %s is out of range (%s to "
		    "%s)", o->name, value, lo, hi);
		return;
	}
	*(int *)config_field(p, o) = secs;
}

/* OPT_ENUM: one of the names, in any case; the error lists them all. */
static void
config_set_enum(struct parse *p, const struct option *o, const char *value,
    int lineno)
{
	const struct opt_enum	*e;
	char			 why[256];
	size_t			 len = 0;
	int			 n;

	for (e = o->enums; e->name != NULL; e++) {
		if (strcasecmp(e->name, value) == 0) {
			if (!(o->flags & OPT_F_PASS))
				*(int *)config_field(p, o) = e->value;
			return;
		}
	}
	why[0] = '\0';
	for (e = o->enums; e->name != NULL; e++) {
		n = snprintf(why + len, sizeof(why) - len, "%s%s",
		    e == o->enums ? "" : ", ", e->name);
		if (n < 0 || (size_t)n >= sizeof(why) - len)
			break;	/* a shorter list still helps */
		len += (size_t)n;
	}
	config_error(p, lineno, "%s: \"%s\" is not one of: %s",
	    o->name, value, why);
}

static void
config_set_bool(struct parse *p, const struct option *o, const char *value,
    int lineno)
{
	int	 n;

	if (strcasecmp(value, "yes") == 0 ||
	    strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0)
		n = 1;
	else if (strcasecmp(value, "no") == 0 ||
	    strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0)
		n = 0;
	else {
		config_error(p, lineno, "%s: \"%s\" is not a boolean "
		    "(expected yes or no)", o->name, value);
		return;
	}
	if (!(o->flags & OPT_F_PASS))
		*(int *)config_field(p, o) = n;
}

static void
config_set_int(struct parse *p, const struct option *o, const char *value,
    int lineno)
{
	long long	 v = 0;
	const char	*q;

	for (q = value; *q >= '0' && *q <= '9' && v <= INT_MAX; q++)
		v = v * 10 + (*q - '0');
	if (q == value || *q != '\0' || v < o->min || v > o->max) {
		config_error(p, lineno, "%s: \"%s\" is not a whole "
		    "number from %d to %d", o->name, value, o->min,
		    o->max);
		return;
	}
	*(int *)config_field(p, o) = (int)v;
}

/* Checks one value and stores it; line 0 is a built-in default. */
static void
config_set(struct parse *p, size_t i, const char *value, int lineno)
{
	const struct option	*o = &options[i];

	if (lineno > 0 && config_seen(p, i, lineno) == -1)
		return;
	switch (o->type) {
	case OPT_STRING:
	case OPT_PATH:
		config_set_string(p, o, value, lineno);
		break;
	case OPT_DURATION:
		config_set_duration(p, o, value, lineno);
		break;
	case OPT_ENUM:
		config_set_enum(p, o, value, lineno);
		break;
	case OPT_BOOL:
		config_set_bool(p, o, value, lineno);
		break;
	case OPT_INT:
		config_set_int(p, o, value, lineno);
		break;
	}
}

/*
 * Checks what can only be checked once the whole file is read (required
 * keys) and resolves the modem device, which depends on the connection.
 */
static void
config_finish(struct parse *p)
{
	struct config	*conf = p->conf;
	char		*dev;
	size_t		 i;
	int		 s;

	for (i = 0; i < nitems(options); i++) {
		if (!(options[i].flags & OPT_F_REQUIRED))
			continue;
		if ((s = section_find(options[i].section)) == -1)
			fatalx("config: option %s in unknown section %s",
			    options[i].name, options[i].section);
		if (!sections[s].required && p->sec_line[s] == 0)
			continue;
		if (p->opt_line[i] == 0)
			config_error(p, 0, "missing required key \"%s\" in [%s]",
			    options[i].name, options[i].section);
	}
	conf->has_gammu = p->sec_line[section_find("gammu")] != 0;
	conf->has_kannel = p->sec_line[section_find("kannel")] != 0;

	/*
	 * A proxy connection's device is a command and a Bluetooth one's is
	 * an address: only a real device path is taken from the file's
	 * folder (the dummy phone's directory, typically).
	 */
	dev = conf->gammu_device;
	if (dev != NULL && dev[0] != '/' &&
	    gammu_device_is_path(conf->gammu_connection)) {
		conf->gammu_device = path_join(conf->dir, dev);
		free(dev);
	}
	config_modems(p);
	if (conf->carriers != NULL) {
		struct carrier_table	*t;

		if ((t = carrier_table_load(conf->carriers, p->errf)) == NULL)
			config_error(p, p->opt_line[option_find("tinbao",
			    "carriers")], "carriers: the prefix file has "
			    "errors");
		carrier_table_free(t);
	}
}

/*
 * Checks the modem sections and packs the modems into conf->modems in
 * the order of N: [gammu]'s facts copied into modems[0], devices of the
 * numbered ones resolved as [gammu]'s, [tinbao] balance_ussd the first
 * modem's when its [modem] names none.
 */
static void
config_modems(struct parse *p)
{
	struct config		*conf = p->conf;
	struct modem_conf	*m, tmp;
	char			*dev;
	int			 n, k = 0;

	for (n = 0; n < MODEM_MAX; n++) {
		m = &conf->modems[n];
		if (p->modem_line[n] != 0 && p->gammu_line[n] == 0)
			config_error(p, p->modem_line[n], "[modem%.0d] has no "
			    "[gammu%.0d] section", n, n);
		if (p->gammu_line[n] == 0) {
			free(m->balance_ussd);
			m->balance_ussd = NULL;
			continue;
		}
		if (n == 0) {
			m->device = conf->gammu_device ?
			    xstrdup(conf->gammu_device) : NULL;
			m->model = conf->gammu_model ?
			    xstrdup(conf->gammu_model) : NULL;
			m->connection = conf->gammu_connection ?
			    xstrdup(conf->gammu_connection) : NULL;
		} else if ((dev = m->device) != NULL && dev[0] != '/' &&
		    gammu_device_is_path(m->connection)) {
			m->device = path_join(conf->dir, dev);
			free(dev);
		}
		if (k == 0 && m->balance_ussd == NULL &&
		    conf->balance_ussd != NULL)
			m->balance_ussd = xstrdup(conf->balance_ussd);
		m->num = n;
		if (k != n) {
			tmp = conf->modems[k];
			conf->modems[k] = *m;
			*m = tmp;
		}
		k++;
	}
	conf->nmodems = k;
	conf->has_gammu = k > 0;
}

/*
 * Handles [gammu], [gammuN], [modem] and [modemN]: one of each per modem
 * slot.  Returns the section's index (p->slot set), -2 when the header was
 * one of them but wrong (reported), -1 when it is another section.
 */
static int
section_numbered(struct parse *p, const char *name, int lineno)
{
	const char	*base, *digits;
	int		*lines, n = 0;

	if (strncasecmp(name, "gammu", 5) == 0) {
		base = "gammu";
		lines = p->gammu_line;
	} else if (strncasecmp(name, "modem", 5) == 0) {
		base = "modem";
		lines = p->modem_line;
	} else
		return (-1);
	digits = name + 5;
	if (*digits != '\0') {
		if (strspn(digits, "0123456789") != strlen(digits))
			return (-1);
		n = strlen(digits) > 2 ? MODEM_MAX : atoi(digits);
		if (digits[0] == '0' || n >= MODEM_MAX) {
			config_error(p, lineno, "section [%s]: modems are "
			    "[%s], [%s1] .. [%s%d]", name, base, base, base,
			    MODEM_MAX - 1);
			return (-2);
		}
	}
	if (lines[n] != 0) {
		config_error(p, lineno, "duplicate section [%s] (first on "
		    "line %d)", name, lines[n]);
		return (-2);
	}
	lines[n] = lineno;
	if (n == 0)
		p->sec_line[section_find(base)] = lineno;
	p->slot = n;
	return (section_find(base));
}

/* Returns the index of a section by name, or -1. */
static int
section_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(sections); i++) {
		if (strcasecmp(sections[i].name, name) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Returns the index of an option of a section by name, or -1. */
static int
option_find(const char *section, const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(options); i++) {
		if (strcmp(options[i].section, section) == 0 &&
		    strcasecmp(options[i].name, name) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Returns the option an alias stands for (itself when not an alias). */
static size_t
option_canonical(size_t i)
{
	int	 j;

	if (options[i].alias == NULL)
		return (i);
	if ((j = option_find(options[i].section, options[i].alias)) == -1)
		fatalx("config: alias %s of unknown option %s",
		    options[i].name, options[i].alias);
	return ((size_t)j);
}

/*
 * Writes a hint for an unknown key into buf (empty when there is none):
 * the section it belongs to, or the closest key of this section.
 */
static void
option_hint(const char *section, const char *key, char *buf, size_t len)
{
	size_t	 i;
	int	 d, bestd = CONFIG_HINT_DIST + 1, n = 0;
	const char *best = NULL;

	buf[0] = '\0';
	for (i = 0; i < nitems(options); i++) {
		if (strcasecmp(options[i].name, key) == 0) {
			n = snprintf(buf, len, " (it belongs in [%s])",
			    options[i].section);
			goto check;
		}
	}
	for (i = 0; i < nitems(options); i++) {
		if (strcmp(options[i].section, section) != 0)
			continue;
		d = edit_distance(key, options[i].name);
		if (d < bestd && d < (int)strlen(options[i].name)) {
			bestd = d;
			best = options[i].name;
		}
	}
	if (best != NULL)
		n = snprintf(buf, len, " (did you mean \"%s\"?)", best);
check:
	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0';		/* no hint rather than half of one */
}

/* Checks a "host:port" listen address; IPv6 hosts are in brackets. */
/* Checks a USSD code: digits, '*' and '#', ending in '#'. */
static int
check_ussd(const char *v, char *why, size_t len)
{
	size_t	 n = strlen(v);

	if (n < 2 || n > 32 || v[n - 1] != '#' ||
	    strspn(v, "0123456789*#") != n) {
		snprintf(why, len, "\"%s\" is not a USSD code (e.g. *101#)",
		    v);
		return (-1);
	}
	return (0);
}

/* Checks a local time of day, HH:MM. */
static int
check_hhmm(const char *v, char *why, size_t len)
{
	if (strlen(v) != 5 || v[2] != ':' || v[0] < '0' || v[0] > '2' ||
	    v[1] < '0' || v[1] > '9' || v[3] < '0' || v[3] > '5' ||
	    v[4] < '0' || v[4] > '9' || (v[0] == '2' && v[1] > '3')) {
		snprintf(why, len, "\"%s\" is not a time of day HH:MM "
		    "(e.g. 17:00)", v);
		return (-1);
	}
	return (0);
}

static int
check_listen(const char *v, char *why, size_t len)
{
	const char	*colon, *port, *p;
	long		 n;

	if (v[0] == '[') {
		if ((p = strchr(v, ']')) == NULL || p == v + 1 ||
		    p[1] != ':') {
			snprintf(why, len, "\"%s\" is not host:port (e.g. "
			    "127.0.0.1:8080 or [::1]:8080)", v);
			return (-1);
		}
		port = p + 2;
	} else {
		colon = strrchr(v, ':');
		if (colon == NULL || colon == v) {
			snprintf(why, len, "\"%s\" is not host:port (e.g. "
			    "127.0.0.1:8080 or [::1]:8080)", v);
			return (-1);
		}
		if (memchr(v, ':', (size_t)(colon - v)) != NULL) {
			snprintf(why, len, "\"%s\": put an IPv6 address in "
			    "brackets, e.g. [::1]:8080", v);
			return (-1);
		}
		for (p = v; p < colon; p++) {
			if (is_blank(*p)) {
				snprintf(why, len, "\"%s\": space in host", v);
				return (-1);
			}
		}
		port = colon + 1;
	}
	n = 0;
	for (p = port; *p >= '0' && *p <= '9' && n <= 65535; p++)
		n = n * 10 + (*p - '0');
	if (p == port || *p != '\0' || n > 65535) {
		snprintf(why, len, "port \"%s\" is not a number from 0 "
		    "(any free port) to 65535", port);
		return (-1);
	}
	return (0);
}

/* Checks that v is one IPv4 or IPv6 address, as a peer is written. */
static int
check_ip(const char *v, char *why, size_t len)
{
	unsigned char	 buf[16];

	if (inet_pton(AF_INET, v, buf) != 1 &&
	    inet_pton(AF_INET6, v, buf) != 1) {
		snprintf(why, len, "\"%s\" is not an IP address (e.g. "
		    "127.0.0.1)", v);
		return (-1);
	}
	return (0);
}

/* Checks that a URL is a plain http:// URL with a host. */
static int
check_http_url(const char *v, char *why, size_t len)
{
	if (strncasecmp(v, "http://", 7) != 0 || v[7] == '\0' ||
	    v[7] == '/') {
		snprintf(why, len, "\"%s\" is not an http:// URL", v);
		return (-1);
	}
	return (0);
}

/* Tells whether q starts a trailing comment: ; or # after a blank. */
static int
is_comment_start(const char *start, const char *q)
{
	if (*q != ';' && *q != '#')
		return (0);
	return (q == start || is_blank(q[-1]));
}

/* Tells whether c is a space or a tab (locale-independent). */
static int
is_blank(int c)
{
	return (c == ' ' || c == '\t');
}

/* Lowers an ASCII letter; other bytes (UTF-8 included) stay. */
static int
tolower_ascii(int c)
{
	return (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Trims blanks on both sides, in place. */
static char *
trim(char *s)
{
	size_t	 len;

	while (is_blank(*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_blank(s[len - 1]))
		s[--len] = '\0';
	return (s);
}

/* Returns the offset of the first byte that is not valid UTF-8, or len. */
static size_t
utf8_first_bad(const unsigned char *s, size_t len)
{
	size_t		 i = 0, n, k;
	uint32_t	 cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 1;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 2;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 3;
			cp = s[i] & 0x07;
		} else
			return (i);
		if (len - i <= n)
			return (i);
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (i);
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (i);
		i += n + 1;
	}
	return (len);
}

/* Returns the case-insensitive Levenshtein distance of two short names. */
static int
edit_distance(const char *a, const char *b)
{
	int	 row[CONFIG_NAME_MAX + 1], diag, up, i, j, la, lb, cost;

	la = (int)strlen(a);
	lb = (int)strlen(b);
	if (la > CONFIG_NAME_MAX || lb > CONFIG_NAME_MAX)
		return (INT_MAX);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			cost = tolower_ascii(a[i - 1]) ==
			    tolower_ascii(b[j - 1]) ? 0 : 1;
			row[j] = diag + cost;
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return (row[lb]);
}

/* Formats seconds with the largest unit that divides them. */
static void
duration_format(int secs, char *buf, size_t len)
{
	static const struct {
		int	 secs;
		char	 unit;
	} units[] = {
		{ .secs = DAY, .unit = 'd' },
		{ .secs = HOUR, .unit = 'h' },
		{ .secs = MINUTE, .unit = 'm' },
		{ .secs = 1, .unit = 's' },
	};
	size_t	 i;
	int	 n;

	for (i = 0; i < nitems(units) - 1; i++) {
		if (secs % units[i].secs == 0)
			break;
	}
	n = snprintf(buf, len, "%d%c", secs / units[i].secs, units[i].unit);
	if (n < 0 || (size_t)n >= len)
		fatalx("duration_format: buffer too small");
}

/* Returns path made absolute against the current directory, or NULL. */
static char *
path_absolute(const char *path)
{
	char	*cwd, *abs;

	if (path[0] == '/')
		return (path_join("/", path));
	if ((cwd = getcwd(NULL, 0)) == NULL)
		return (NULL);
	abs = path_join(cwd, path);
	free(cwd);
	return (abs);
}

/*
 * Returns path taken from dir when relative, with "." components and
 * repeated slashes left out.  ".." is kept: symlinks make it ambiguous.
 */
static char *
path_join(const char *dir, const char *path)
{
	char		*buf, *copy, *comp, *save;
	size_t		 len, used = 0;
	int		 n;

	if (path[0] == '/')
		dir = "";
	xasprintf(&copy, "%s/%s", dir, path);
	len = strlen(copy) + 2;
	buf = xmalloc(len);
	buf[0] = '\0';
	for (comp = strtok_r(copy, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		n = snprintf(buf + used, len - used, "/%s", comp);
		if (n < 0 || (size_t)n >= len - used)
			fatalx("path_join: buffer too small");
		used += (size_t)n;
	}
	if (buf[0] == '\0')
		strlcpy_checked(buf, "/", len);
	free(copy);
	return (buf);
}

/* Tells whether a [gammu] device is a file for this connection type. */
static int
gammu_device_is_path(const char *connection)
{
	if (connection == NULL)
		return (1);
	if (strncasecmp(connection, "proxy", 5) == 0)
		return (0);
	if (strcasestr(connection, "blue") != NULL)
		return (0);
	return (1);
}
