/*
 * tinbao tests: fakemodem, a fake AT modem on a pseudo-terminal.
 *
 * USAGE
 *	fakemodem -l LINK -c CONTROL [-v] [-t STAMPS]
 *
 * fakemodem opens a pty master, points the symlink LINK at the slave and
 * answers the AT commands libGammu 1.42 sends with `connection = at` (PDU
 * mode only), so a gammurc saying `device = LINK` talks to a real protocol
 * peer.  Tests drive it through the Unix stream socket CONTROL.  -v traces
 * every AT line in ("at< ") and out ("at> ") and every control command
 * ("ctl< ") on stderr; nothing is ever printed on stdout.  SIGTERM, SIGINT
 * and QUIT remove LINK and CONTROL and exit 0.
 *
 * -t appends one line per wire event to the file STAMPS, for benchmarks
 * (bench/run.sh), which must time on the modem's side and not trust what
 * the program under test says about itself:
 *	IN usec idx from	an SMS(-part) was stored, +CMTI queued
 *	OUT usec to mr		an AT+CMGS body was received complete
 *				(mr -1 when the send was failed on purpose)
 * usec is CLOCK_REALTIME in microseconds, so stamps from several modems
 * (or a test's own clock) compare.  The file is written unbuffered.
 *
 * CONTROL PROTOCOL
 * One command per line; each is answered with one line "OK ..." or
 * "ERR reason", except the listings SENT, SENTDECODED and INBOX, which
 * answer zero or more lines and then "END".  tests/fakemodem/fmctl is a
 * client: `fmctl SOCKET COMMAND...`.
 *
 *	SMS from ucs2|gsm7 ref total partno hexutf8
 *		store one SMS-DELIVER part (ref total partno = 0 0 0 for a
 *		single SMS; otherwise UDH 05 00 03 ref total partno); the text is
 *		the hex of its UTF-8 bytes.  "OK index".  Raises +CMTI.
 *	SMSTEXT from text...
 *		store a whole message: GSM-7 if every character has one, else
 *		UCS-2; split into 153 / 67 unit parts with a fresh ref.
 *		"OK nparts".
 *	SENT		"PDU hex" (SCA included) per AT+CMGS the modem was
 *			asked for, failed ones too; the last 512 are kept
 *	SENTDECODED	the same, decoded: "TO number DCS hh UDH hex|-
 *			TEXT hexutf8 MR n" (or "CMS code" when it failed;
 *			"BAD ..." when it is no SMS-SUBMIT)
 *	CLEAR		forget the recorded sent PDUs
 *	INBOX		"IDX n status" per stored message (0 unread, 1 read,
 *			2 stored unsent, 3 stored sent)
 *	DELETE n	free a storage slot (as if the SIM were edited)
 *	FAILSEND cms [count]	the next count (default 1) CMGS get +CMS ERROR
 *	FAILTO number cms	every CMGS to number fails with cms
 *	HANG seconds	ignore the AT side for that long (0 = until RESUME)
 *	RESUME
 *	UNPLUG		close the pty and remove LINK (storage is kept)
 *	REPLUG		open a new pty and point LINK at it
 *	USSD text	the reply to the next AT+CUSD (sent ~1 s after its OK)
 *	DLR mr status	a status report (TP-ST = status: 0 delivered,
 *			0x40+ failed) for message reference mr, addressed to
 *			the recipient of the last SMS sent with that mr.
 *			libGammu 1.42 sets AT+CNMI=2,1,0,2,0, so by default the
 *			report is stored in SM and announced with
 *			"+CDSI: "SM",idx" ("OK idx"); libGammu then reads it
 *			with AT+CMGR.  With `atgen_setcnmi = ,,,1` in gammurc
 *			(ds=1) it comes inline as "+CDS: len" + PDU ("OK cds").
 *			Both reach libGammu's IncomingSMS callback.
 *	CSQ rssi, CREG stat	change those answers
 *	QUIT		exit cleanly
 *
 * SIM storage "SM" has FM_SLOTS (20) locations, 1-based; it is the only
 * memory offered, so libGammu reports it as "SIM memory", folder 1.  Every
 * stored SMS raises +CMTI whatever AT+CNMI says.  Listing or reading an
 * SMS marks it REC READ.  When storage is full, SMS/SMSTEXT/DLR answer
 * "ERR full" (SMSTEXT stores nothing unless all parts fit) and AT+CMGW
 * answers +CMS ERROR: 322.  USSD replies follow the TE character set:
 * hex UCS-2 after AT+CSCS="UCS2" (what libGammu selects for USSD).
 * Identity: manufacturer "Tinbao", model "FakeModem FM-1", which matches no
 * libGammu quirk table entry.  Single-threaded: one poll(2) loop, every fd
 * non-blocking.  The modem holds the pty slave open itself (in raw mode) so
 * the master never sees a hangup between two gammu sessions.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define FM_SLOTS	20
#define FM_PDU_MAX	200		/* octets, SCA included */
#define FM_HEX_MAX	(2 * FM_PDU_MAX + 1)
#define FM_LINE_MAX	2048
#define FM_OUT_MAX	(256 * 1024)
#define FM_SENT_MAX	512
#define FM_FAILTO_MAX	16
#define FM_CLIENTS	8
#define FM_TEXT_MAX	4096		/* code points per control message */
#define FM_TZ_QUARTERS	28		/* +07:00 */
#define FM_USSD_DELAY	1000		/* ms between OK and +CUSD */

#define FM_SMSC		"+84980200030"
#define FM_MANUFACTURER	"Tinbao"
#define FM_MODEL	"FakeModem FM-1"
#define FM_REVISION	"FM-1.0.0"
#define FM_IMEI		"356938035643809"
#define FM_IMSI		"452040123456789"
#define FM_OPER_NAME	"Viettel"
#define FM_OPER_CODE	"45204"
#define FM_USSD_DEFAULT	"TK chinh: 12.500d, HSD: 31/12/2026"

enum fm_charset {
	CS_GSM,
	CS_IRA,
	CS_UCS2,
};

enum edit_kind {
	EDIT_NONE,
	EDIT_CMGS,
	EDIT_CMGW,
};

struct buf {
	char	*data;
	size_t	 len;
	size_t	 size;
};

struct slot {
	int	 used;
	int	 stat;
	char	 hex[FM_HEX_MAX];
};

struct sent {
	char	 hex[FM_HEX_MAX];
	int	 mr;			/* -1 when it failed */
	int	 cms;
};

struct failto {
	char	 number[32];
	int	 cms;
};

struct client {
	int		 fd;
	struct buf	 in;
	struct buf	 out;
	int		 closing;
};

struct pdu {
	uint8_t	 b[FM_PDU_MAX];
	size_t	 len;
	int	 overflow;
};

struct modem {
	const char	*link;
	const char	*control;
	int		 verbose;

	int		 master;	/* -1 while unplugged */
	int		 slave;
	struct buf	 out;		/* bytes towards libGammu */
	struct buf	 urc;		/* unsolicited lines held back */

	char		 line[FM_LINE_MAX];
	size_t		 linelen;
	int		 lineover;
	enum edit_kind	 edit;
	int		 edit_len;
	int		 edit_stat;
	char		 edithex[FM_LINE_MAX];
	size_t		 editlen;

	int		 echo;
	int		 cmee;
	enum fm_charset	 charset;
	int		 creg_mode;
	int		 cgreg_mode;
	int		 cops_format;
	int		 cnmi[5];
	int		 cusd_n;
	int		 cmms;
	int		 rssi;
	int		 creg_stat;
	char		 smsc[32];

	int		 mr;
	int		 ref;
	struct slot	 slots[FM_SLOTS + 1];
	struct sent	 sent[FM_SENT_MAX];
	size_t		 nsent;
	int		 failsend_cms;
	int		 failsend_count;
	struct failto	 failto[FM_FAILTO_MAX];
	size_t		 nfailto;

	int		 hanging;
	int64_t		 hang_until;	/* 0 = until RESUME */
	char		 ussd_text[512];
	int64_t		 ussd_due;	/* 0 = nothing pending */

	int		 listenfd;
	struct client	 clients[FM_CLIENTS];
};

struct at_cmd {
	const char	*name;
	void		(*fn)(const char *);
};

struct ctl_cmd {
	const char	*name;
	void		(*fn)(struct client *, char *);
};

static struct modem		 fm;
static volatile sig_atomic_t	 fm_quit;
static int64_t			 fm_start;	/* ms, for -v time stamps */
static FILE			*fm_stamps;	/* -t */

/* One wire event for -t; see the head comment. */
static void
stamp(const char *what, int n, const char *who)
{
	struct timespec	ts;

	if (fm_stamps == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(fm_stamps, "%s %lld %d %s\n", what,
	    (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, n,
	    who[0] != '\0' ? who : "-");
	fflush(fm_stamps);
}

static void	usage(void) __attribute__((noreturn));
static void	die(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	trace(const char *, const char *, size_t);
static void	vlog(const char *, ...) __attribute__((format(printf, 1, 2)));
static int64_t	now_ms(void);
static void	on_signal(int);
static void	set_nonblock(int);

static void	buf_add(struct buf *, const void *, size_t);
static void	buf_addf(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	buf_drop(struct buf *, size_t);
static void	buf_free(struct buf *);

static int	hexval(int);
static int	hex_decode(const char *, size_t, uint8_t *, size_t, size_t *);
static void	hex_encode(const uint8_t *, size_t, char *, size_t);
static int	utf8_decode(const char *, size_t, uint32_t *, size_t,
		    size_t *);
static size_t	utf8_put(uint32_t, char *);
static int	gsm7_from_cp(uint32_t, uint8_t *);
static uint32_t	gsm7_to_cp(uint8_t, int);
static size_t	gsm7_units(uint32_t);
static size_t	ucs2_units(uint32_t);
static void	septets_pack(uint8_t *, size_t *, const uint8_t *, size_t);
static size_t	septets_unpack(const uint8_t *, size_t, size_t, size_t,
		    uint8_t *, size_t);

static void	pdu_put(struct pdu *, uint8_t);
static void	pdu_put_bcd_number(struct pdu *, const char *);
static int	pdu_put_addr(struct pdu *, const char *, int);
static void	pdu_put_scts(struct pdu *, time_t);
static int	sms_deliver_build(char *, const char *, int,
		    const uint32_t *, size_t, int, int, int, const char **);
static int	sms_report_build(char *, int, const char *, int);
static int	pdu_tpdu_len(const char *);
static int	addr_decode(const uint8_t *, size_t, size_t *, char *, size_t);
static int	sms_submit_decode(const char *, struct buf *, char *, size_t);
static int	dcs_alphabet(int);

static int	store_free_count(void);
static int	store_put(const char *, int);
static void	store_unsolicited(const char *, int);

static void	pty_open(void);
static void	pty_close(void);
static void	modem_out(const char *, size_t);
static void	at_line(const char *);
static void	at_linef(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static void	at_final(const char *);
static void	at_ok(void);
static void	at_error(void);
static void	at_cms(int);
static void	at_cme(int);
static void	urc_add(const char *);
static void	urc_flush(void);
static void	at_str(char *, size_t, const char *);
static void	at_unstr(const char *, char *, size_t);
static void	at_feed(uint8_t);
static void	at_process(char *);
static void	at_edit_done(void);
static void	at_submit(const uint8_t *, size_t);
static void	ussd_fire(void);

static void	at_plain(const char *);
static void	at_harmless(const char *);
static void	at_e(const char *);
static void	at_z(const char *);
static void	at_i(const char *);
static void	at_cmee(const char *);
static void	at_cgmi(const char *);
static void	at_cgmm(const char *);
static void	at_cgmr(const char *);
static void	at_cgsn(const char *);
static void	at_cimi(const char *);
static void	at_cfun(const char *);
static void	at_cpin(const char *);
static void	at_cscs(const char *);
static void	at_cmgf(const char *);
static void	at_csms(const char *);
static void	at_cpms(const char *);
static void	at_cmgl(const char *);
static void	at_cmgr(const char *);
static void	at_cmgd(const char *);
static void	at_cmgs(const char *);
static void	at_cmgw(const char *);
static void	at_cnmi(const char *);
static void	at_csca(const char *);
static void	at_csq(const char *);
static void	at_creg(const char *);
static void	at_cgreg(const char *);
static void	at_cgatt(const char *);
static void	at_cops(const char *);
static void	at_cusd(const char *);
static void	at_cmms(const char *);
static void	at_cgsms(const char *);
static void	at_cbc(const char *);
static void	at_cclk(const char *);

static void	ctl_listen(void);
static void	ctl_accept(void);
static void	ctl_read(struct client *);
static void	ctl_write(struct client *);
static void	ctl_close(struct client *);
static void	ctl_command(struct client *, char *);
static void	ctl_reply(struct client *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	ctl_sms(struct client *, char *);
static void	ctl_smstext(struct client *, char *);
static void	ctl_sent(struct client *, int);
static void	ctl_dlr(struct client *, char *);
static void	ctl_clear(struct client *, char *);
static void	ctl_sentraw(struct client *, char *);
static void	ctl_sentdecoded(struct client *, char *);
static void	ctl_inbox(struct client *, char *);
static void	ctl_delete(struct client *, char *);
static void	ctl_failsend(struct client *, char *);
static void	ctl_failto(struct client *, char *);
static void	ctl_hang(struct client *, char *);
static void	ctl_resume(struct client *, char *);
static void	ctl_unplug(struct client *, char *);
static void	ctl_replug(struct client *, char *);
static void	ctl_ussd(struct client *, char *);
static void	ctl_csq(struct client *, char *);
static void	ctl_creg(struct client *, char *);
static void	ctl_quit(struct client *, char *);
static char	*next_word(char **);
static int	parse_int(const char *, int, int, int *);

static void	cleanup(void);
static void	loop(void);

/*
 * GSM 03.38 default alphabet, septet -> Unicode.  0x1B is the escape to
 * the extension table below.
 */
static const uint16_t gsm7_basic[128] = {
	0x0040, 0x00a3, 0x0024, 0x00a5, 0x00e8, 0x00e9, 0x00f9, 0x00ec,
	0x00f2, 0x00c7, 0x000a, 0x00d8, 0x00f8, 0x000d, 0x00c5, 0x00e5,
	0x0394, 0x005f, 0x03a6, 0x0393, 0x039b, 0x03a9, 0x03a0, 0x03a8,
	0x03a3, 0x0398, 0x039e, 0xffff, 0x00c6, 0x00e6, 0x00df, 0x00c9,
	0x0020, 0x0021, 0x0022, 0x0023, 0x00a4, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x00a1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x00c4, 0x00d6, 0x00d1, 0x00dc, 0x00a7,
	0x00bf, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x00e4, 0x00f6, 0x00f1, 0x00fc, 0x00e0,
};

static const struct {
	uint8_t		septet;
	uint16_t	cp;
} gsm7_ext[] = {
	{ .septet = 0x0a, .cp = 0x000c },
	{ .septet = 0x14, .cp = 0x005e },
	{ .septet = 0x28, .cp = 0x007b },
	{ .septet = 0x29, .cp = 0x007d },
	{ .septet = 0x2f, .cp = 0x005c },
	{ .septet = 0x3c, .cp = 0x005b },
	{ .septet = 0x3d, .cp = 0x007e },
	{ .septet = 0x3e, .cp = 0x005d },
	{ .septet = 0x40, .cp = 0x007c },
	{ .septet = 0x65, .cp = 0x20ac },
};

/*
 * AT commands by name (upper case, after "AT").  Extended names (+, $, ^)
 * match when followed by '=', '?' or the end; basic ones when followed by a
 * digit or the end.  Anything else is logged and answered ERROR.
 */
static const struct at_cmd at_cmds[] = {
	{ .name = "",		.fn = at_plain },
	{ .name = "E",		.fn = at_e },
	{ .name = "Z",		.fn = at_z },
	{ .name = "&F",		.fn = at_z },
	{ .name = "I",		.fn = at_i },
	{ .name = "V",		.fn = at_harmless },
	{ .name = "Q",		.fn = at_harmless },
	{ .name = "&C",		.fn = at_harmless },
	{ .name = "&D",		.fn = at_harmless },
	{ .name = "&W",		.fn = at_harmless },
	{ .name = "+CMEE",	.fn = at_cmee },
	{ .name = "+CGMI",	.fn = at_cgmi },
	{ .name = "+GMI",	.fn = at_cgmi },
	{ .name = "+CGMM",	.fn = at_cgmm },
	{ .name = "+GMM",	.fn = at_cgmm },
	{ .name = "+CGMR",	.fn = at_cgmr },
	{ .name = "+GMR",	.fn = at_cgmr },
	{ .name = "+CGSN",	.fn = at_cgsn },
	{ .name = "+GSN",	.fn = at_cgsn },
	{ .name = "+CIMI",	.fn = at_cimi },
	{ .name = "+CFUN",	.fn = at_cfun },
	{ .name = "+CPIN",	.fn = at_cpin },
	{ .name = "+CSCS",	.fn = at_cscs },
	{ .name = "+CMGF",	.fn = at_cmgf },
	{ .name = "+CSMS",	.fn = at_csms },
	{ .name = "+CPMS",	.fn = at_cpms },
	{ .name = "+CMGL",	.fn = at_cmgl },
	{ .name = "+CMGR",	.fn = at_cmgr },
	{ .name = "+CMGD",	.fn = at_cmgd },
	{ .name = "+CMGS",	.fn = at_cmgs },
	{ .name = "+CMGW",	.fn = at_cmgw },
	{ .name = "+CNMI",	.fn = at_cnmi },
	{ .name = "+CSCA",	.fn = at_csca },
	{ .name = "+CSQ",	.fn = at_csq },
	{ .name = "+CREG",	.fn = at_creg },
	{ .name = "+CGREG",	.fn = at_cgreg },
	{ .name = "+CGATT",	.fn = at_cgatt },
	{ .name = "+COPS",	.fn = at_cops },
	{ .name = "+CUSD",	.fn = at_cusd },
	{ .name = "+CMMS",	.fn = at_cmms },
	{ .name = "+CGSMS",	.fn = at_cgsms },
	{ .name = "+CBC",	.fn = at_cbc },
	{ .name = "+CCLK",	.fn = at_cclk },
	{ .name = "+CSMP",	.fn = at_harmless },
	{ .name = "+CSDH",	.fn = at_harmless },
	{ .name = "+CHUP",	.fn = at_harmless },
	{ .name = "+CLIP",	.fn = at_harmless },
	{ .name = "+CRC",	.fn = at_harmless },
	{ .name = "+CCWA",	.fn = at_harmless },
};

/* Control commands; each handler gets the rest of the line. */
static const struct ctl_cmd ctl_cmds[] = {
	{ .name = "SMS",		.fn = ctl_sms },
	{ .name = "SMSTEXT",		.fn = ctl_smstext },
	{ .name = "SENT",		.fn = ctl_sentraw },
	{ .name = "SENTDECODED",	.fn = ctl_sentdecoded },
	{ .name = "CLEAR",		.fn = ctl_clear },
	{ .name = "INBOX",		.fn = ctl_inbox },
	{ .name = "DELETE",		.fn = ctl_delete },
	{ .name = "FAILSEND",		.fn = ctl_failsend },
	{ .name = "FAILTO",		.fn = ctl_failto },
	{ .name = "HANG",		.fn = ctl_hang },
	{ .name = "RESUME",		.fn = ctl_resume },
	{ .name = "UNPLUG",		.fn = ctl_unplug },
	{ .name = "REPLUG",		.fn = ctl_replug },
	{ .name = "USSD",		.fn = ctl_ussd },
	{ .name = "DLR",		.fn = ctl_dlr },
	{ .name = "CSQ",		.fn = ctl_csq },
	{ .name = "CREG",		.fn = ctl_creg },
	{ .name = "QUIT",		.fn = ctl_quit },
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: fakemodem -l LINK -c CONTROL [-v] [-t STAMPS]\n");
	exit(2);
}

static void
die(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	fprintf(stderr, "fakemodem: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (saved != 0)
		fprintf(stderr, ": %s", strerror(saved));
	fprintf(stderr, "\n");
	cleanup();
	exit(1);
}

/* Traces one line under -v, with control characters made visible. */
static void
trace(const char *dir, const char *s, size_t len)
{
	char	line[FM_LINE_MAX * 4 + 64];
	size_t	i, o = 0;
	int	n;

	if (!fm.verbose)
		return;
	for (i = 0; i < len && o + 8 < sizeof(line); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f) {
			line[o++] = (char)c;
			continue;
		}
		n = snprintf(line + o, sizeof(line) - o, "<%02x>", c);
		if (n < 0 || (size_t)n >= sizeof(line) - o)
			break;
		o += (size_t)n;
	}
	line[o] = '\0';
	fprintf(stderr, "fakemodem: %7.3f %s%s\n",
	    (double)(now_ms() - fm_start) / 1000, dir, line);
}

static void
vlog(const char *fmt, ...)
{
	va_list	ap;

	if (!fm.verbose)
		return;
	fprintf(stderr, "fakemodem: %7.3f ",
	    (double)(now_ms() - fm_start) / 1000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Only sets a flag: the loop does the work (no logic in handlers). */
static void
on_signal(int sig)
{
	(void)sig;
	fm_quit = 1;
}

static void
set_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		die("fcntl");
}

/* Buffers: grow by doubling, abort on OOM (this is a test tool). */
static void
buf_add(struct buf *b, const void *p, size_t n)
{
	char	*nd;
	size_t	 ns;

	if (b->len + n + 1 > b->size) {
		ns = b->size ? b->size : 256;
		while (ns < b->len + n + 1)
			ns *= 2;
		if ((nd = realloc(b->data, ns)) == NULL)
			die("realloc");
		b->data = nd;
		b->size = ns;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
buf_addf(struct buf *b, const char *fmt, ...)
{
	char	 tmp[FM_LINE_MAX * 2];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		die("buf_addf: line too long");
	buf_add(b, tmp, (size_t)n);
}

static void
buf_drop(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->data, b->data + n, b->len - n);
		b->len -= n;
	}
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

static void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
hex_decode(const char *s, size_t len, uint8_t *out, size_t max, size_t *n)
{
	size_t	i;
	int	hi, lo;

	if (len % 2 != 0 || len / 2 > max)
		return -1;
	for (i = 0; i < len / 2; i++) {
		if ((hi = hexval(s[2 * i])) < 0 ||
		    (lo = hexval(s[2 * i + 1])) < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

static void
hex_encode(const uint8_t *p, size_t n, char *out, size_t outsize)
{
	static const char	 digits[] = "0123456789ABCDEF";
	size_t			 i;

	for (i = 0; i < n && 2 * i + 2 < outsize; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * i] = '\0';
}

/* Decodes UTF-8 into code points; rejects malformed input. */
static int
utf8_decode(const char *s, size_t len, uint32_t *out, size_t max, size_t *n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k = 0, more, j;
	uint32_t		 cp;

	while (i < len) {
		if (k == max)
			return -1;
		if (p[i] < 0x80) {
			cp = p[i];
			more = 0;
		} else if ((p[i] & 0xe0) == 0xc0) {
			cp = p[i] & 0x1f;
			more = 1;
		} else if ((p[i] & 0xf0) == 0xe0) {
			cp = p[i] & 0x0f;
			more = 2;
		} else if ((p[i] & 0xf8) == 0xf0) {
			cp = p[i] & 0x07;
			more = 3;
		} else
			return -1;
		if (i + more >= len)
			return -1;
		for (j = 1; j <= more; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		out[k++] = cp;
		i += more + 1;
	}
	*n = k;
	return 0;
}

/* Writes cp as UTF-8 into out (at least 4 bytes); returns the length. */
static size_t
utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* GSM-7 septets for cp (1, or 2 with the escape); 0 if it has none. */
static int
gsm7_from_cp(uint32_t cp, uint8_t *sept)
{
	size_t	i;

	for (i = 0; i < 128; i++) {
		if (i != 0x1b && gsm7_basic[i] == cp) {
			sept[0] = (uint8_t)i;
			return 1;
		}
	}
	for (i = 0; i < sizeof(gsm7_ext) / sizeof(gsm7_ext[0]); i++) {
		if (gsm7_ext[i].cp == cp) {
			sept[0] = 0x1b;
			sept[1] = gsm7_ext[i].septet;
			return 2;
		}
	}
	return 0;
}

static uint32_t
gsm7_to_cp(uint8_t s, int ext)
{
	size_t	i;

	s &= 0x7f;
	if (ext) {
		for (i = 0; i < sizeof(gsm7_ext) / sizeof(gsm7_ext[0]); i++)
			if (gsm7_ext[i].septet == s)
				return gsm7_ext[i].cp;
		return 0x20;	/* unknown extension: a space, as 23.038 says */
	}
	return gsm7_basic[s];
}

static size_t
gsm7_units(uint32_t cp)
{
	uint8_t	s[2];

	return (size_t)gsm7_from_cp(cp, s);
}

static size_t
ucs2_units(uint32_t cp)
{
	return cp >= 0x10000 ? 2 : 1;
}

/*
 * Appends septets to ud, whose *bits already hold the UDH and fill bits;
 * bits are packed LSB first as in 23.038 6.1.2.1.
 */
static void
septets_pack(uint8_t *ud, size_t *bits, const uint8_t *sept, size_t n)
{
	size_t	i, b;

	for (i = 0; i < n; i++) {
		for (b = 0; b < 7; b++, (*bits)++) {
			if (sept[i] & (1u << b))
				ud[*bits / 8] |= (uint8_t)(1u << (*bits % 8));
		}
	}
}

/* Unpacks n septets starting at bit offset start of ud (udlen octets). */
static size_t
septets_unpack(const uint8_t *ud, size_t udlen, size_t start, size_t n,
    uint8_t *out, size_t max)
{
	size_t	i, b, bit = start;

	for (i = 0; i < n && i < max; i++) {
		out[i] = 0;
		for (b = 0; b < 7; b++, bit++) {
			if (bit / 8 >= udlen)
				return i;
			if (ud[bit / 8] & (1u << (bit % 8)))
				out[i] |= (uint8_t)(1u << b);
		}
	}
	return i;
}

static void
pdu_put(struct pdu *p, uint8_t v)
{
	if (p->len >= sizeof(p->b)) {
		p->overflow = 1;
		return;
	}
	p->b[p->len++] = v;
}

/* Semi-octet digits, swapped in pairs, F-padded. */
static void
pdu_put_bcd_number(struct pdu *p, const char *digits)
{
	size_t	i, n = strlen(digits);
	int	lo, hi;

	for (i = 0; i < n; i += 2) {
		lo = digits[i] - '0';
		hi = i + 1 < n ? digits[i + 1] - '0' : 0x0f;
		pdu_put(p, (uint8_t)(hi << 4 | lo));
	}
}

/*
 * An address field: "+digits" is international (TON 0x91), "digits"
 * unknown/ISDN (0x81), anything else alphanumeric (0xD0, GSM-7 packed).
 * sca != 0 writes the SMSC form, whose length counts octets, not digits.
 */
static int
pdu_put_addr(struct pdu *p, const char *number, int sca)
{
	const char	*digits = number;
	uint32_t	 cps[16];
	uint8_t		 sept[32], packed[16];
	size_t		 ncp, nsept = 0, bits = 0, i;
	int		 ton = 0x81, alpha = 0, k;

	if (*digits == '+') {
		ton = 0x91;
		digits++;
	}
	if (*digits == '\0')
		return -1;
	for (i = 0; digits[i] != '\0'; i++)
		if (!isdigit((unsigned char)digits[i]))
			alpha = 1;
	if (!alpha && strlen(digits) > 20)
		return -1;
	if (!alpha) {
		if (sca)
			pdu_put(p, (uint8_t)((strlen(digits) + 1) / 2 + 1));
		else
			pdu_put(p, (uint8_t)strlen(digits));
		pdu_put(p, (uint8_t)ton);
		pdu_put_bcd_number(p, digits);
		return 0;
	}
	if (sca || utf8_decode(number, strlen(number), cps, 11, &ncp) == -1)
		return -1;
	for (i = 0; i < ncp; i++) {
		if ((k = gsm7_from_cp(cps[i], sept + nsept)) == 0)
			return -1;
		nsept += (size_t)k;
	}
	if (nsept > 11)
		return -1;
	memset(packed, 0, sizeof(packed));
	septets_pack(packed, &bits, sept, nsept);
	pdu_put(p, (uint8_t)((bits + 3) / 4));
	pdu_put(p, 0xd0);
	for (i = 0; i < (bits + 7) / 8; i++)
		pdu_put(p, packed[i]);
	return 0;
}

/* Service-centre time stamp in +07:00 (quarter hours, positive). */
static void
pdu_put_scts(struct pdu *p, time_t t)
{
	struct tm	tm;
	time_t		local = t + FM_TZ_QUARTERS * 15 * 60;
	int		v[7];
	size_t		i;

	gmtime_r(&local, &tm);
	v[0] = tm.tm_year % 100;
	v[1] = tm.tm_mon + 1;
	v[2] = tm.tm_mday;
	v[3] = tm.tm_hour;
	v[4] = tm.tm_min;
	v[5] = tm.tm_sec;
	v[6] = FM_TZ_QUARTERS;
	for (i = 0; i < 7; i++)
		pdu_put(p, (uint8_t)((v[i] % 10) << 4 | v[i] / 10));
}

/*
 * Builds one SMS-DELIVER (with our SMSC in front, as +CMGL shows it) into
 * hex.  total == 0 means no UDH; otherwise UDH 05 00 03 ref total partno.
 */
static int
sms_deliver_build(char *hex, const char *from, int ucs2, const uint32_t *cp,
    size_t ncp, int ref, int total, int partno, const char **why)
{
	struct pdu	p;
	uint8_t		ud[160], sept[400];
	size_t		i, nsept = 0, udl, bits, hdr = 0;
	uint32_t	c;
	int		k;

	memset(&p, 0, sizeof(p));
	memset(ud, 0, sizeof(ud));
	if (total > 0) {
		ud[0] = 5;
		ud[1] = 0;
		ud[2] = 3;
		ud[3] = (uint8_t)ref;
		ud[4] = (uint8_t)total;
		ud[5] = (uint8_t)partno;
		hdr = 6;
	}
	if (ucs2) {
		udl = hdr;
		for (i = 0; i < ncp; i++) {
			if (udl + 2 * ucs2_units(cp[i]) > 140) {
				*why = "too long for one part";
				return -1;
			}
			c = cp[i];
			if (c >= 0x10000) {
				c -= 0x10000;
				ud[udl++] = (uint8_t)((0xd800 | c >> 10) >> 8);
				ud[udl++] = (uint8_t)(0xd800 | c >> 10);
				c = 0xdc00 | (c & 0x3ff);
			}
			ud[udl++] = (uint8_t)(c >> 8);
			ud[udl++] = (uint8_t)c;
		}
	} else {
		for (i = 0; i < ncp; i++) {
			if ((k = gsm7_from_cp(cp[i], sept + nsept)) == 0) {
				*why = "character not in GSM-7";
				return -1;
			}
			nsept += (size_t)k;
			if (nsept > 160) {
				*why = "too long for one part";
				return -1;
			}
		}
		/* The septets start on a septet boundary after the UDH. */
		bits = hdr * 8;
		bits = (bits + 6) / 7 * 7;
		if (bits / 7 + nsept > 160) {
			*why = "too long for one part";
			return -1;
		}
		septets_pack(ud, &bits, sept, nsept);
		udl = bits / 7;
	}

	if (pdu_put_addr(&p, FM_SMSC, 1) == -1) {
		*why = "bad SMSC";
		return -1;
	}
	pdu_put(&p, (uint8_t)(0x04 | (total > 0 ? 0x40 : 0)));	/* MMS */
	if (pdu_put_addr(&p, from, 0) == -1) {
		*why = "bad sender";
		return -1;
	}
	pdu_put(&p, 0x00);			/* PID */
	pdu_put(&p, ucs2 ? 0x08 : 0x00);	/* DCS */
	pdu_put_scts(&p, time(NULL));
	pdu_put(&p, (uint8_t)udl);
	if (ucs2) {
		for (i = 0; i < udl; i++)
			pdu_put(&p, ud[i]);
	} else {
		for (i = 0; i < (udl * 7 + 7) / 8; i++)
			pdu_put(&p, ud[i]);
	}
	if (p.overflow) {
		*why = "PDU too long";
		return -1;
	}
	hex_encode(p.b, p.len, hex, FM_HEX_MAX);
	return 0;
}

/* An SMS-STATUS-REPORT for mr to recipient with TP-ST status. */
static int
sms_report_build(char *hex, int mr, const char *recipient, int status)
{
	struct pdu	p;
	time_t		t = time(NULL);

	memset(&p, 0, sizeof(p));
	if (pdu_put_addr(&p, FM_SMSC, 1) == -1)
		return -1;
	pdu_put(&p, 0x06);		/* SMS-STATUS-REPORT, MMS */
	pdu_put(&p, (uint8_t)mr);
	if (pdu_put_addr(&p, recipient, 0) == -1)
		return -1;
	pdu_put_scts(&p, t);		/* SC time stamp */
	pdu_put_scts(&p, t);		/* discharge time */
	pdu_put(&p, (uint8_t)status);
	if (p.overflow)
		return -1;
	hex_encode(p.b, p.len, hex, FM_HEX_MAX);
	return 0;
}

/* TPDU length (as +CMGL and +CMGS count it): the PDU minus the SCA. */
static int
pdu_tpdu_len(const char *hex)
{
	size_t	n = strlen(hex) / 2;
	int	sca = hexval(hex[0]) << 4 | hexval(hex[1]);

	return (int)n - sca - 1;
}

/* Decodes an address field at b[*off]; number gets "+digits" or text. */
static int
addr_decode(const uint8_t *b, size_t len, size_t *off, char *number,
    size_t size)
{
	size_t	ndig, octets, i, o = 0, ns;
	uint8_t	ton, sept[16];

	if (*off + 2 > len)
		return -1;
	ndig = b[*off];
	ton = b[*off + 1];
	octets = (ndig + 1) / 2;
	if (*off + 2 + octets > len || ndig > 20)
		return -1;
	if ((ton & 0x70) == 0x50) {
		ns = septets_unpack(b + *off + 2, octets, 0, ndig * 4 / 7,
		    sept, sizeof(sept));
		for (i = 0; i < ns && o + 5 < size; i++)
			o += utf8_put(gsm7_to_cp(sept[i], 0), number + o);
	} else {
		if ((ton & 0x70) == 0x10 && o + 1 < size)
			number[o++] = '+';
		for (i = 0; i < ndig && o + 1 < size; i++) {
			uint8_t d = b[*off + 2 + i / 2];

			d = (i % 2) ? d >> 4 : d & 0x0f;
			number[o++] = d < 10 ? (char)('0' + d) : '?';
		}
	}
	number[o] = '\0';
	*off += 2 + octets;
	return 0;
}

/* 0 GSM-7, 1 8-bit, 2 UCS-2, per the DCS coding groups of 23.038. */
static int
dcs_alphabet(int dcs)
{
	if ((dcs & 0xc0) == 0x00 || (dcs & 0xc0) == 0x40)
		return (dcs >> 2) & 3;
	if ((dcs & 0xf0) == 0xf0)
		return (dcs & 0x04) ? 1 : 0;
	if ((dcs & 0xf0) == 0xe0)
		return 2;
	return 0;
}

/*
 * Decodes an SMS-SUBMIT (SCA in front) into "TO ... DCS ... UDH ... TEXT
 * ..." on out; to gets the recipient.  Returns -1 with a reason on out.
 */
static int
sms_submit_decode(const char *hex, struct buf *out, char *to, size_t tosize)
{
	uint8_t		b[FM_PDU_MAX], sept[200];
	size_t		len, off, udl, udhl = 0, i, ns, bits;
	char		text[FM_HEX_MAX * 4], u[4];
	struct buf	utf = { 0 };
	int		first, dcs, vpf, alpha, ext = 0;
	uint32_t	c;

	if (hex_decode(hex, strlen(hex), b, sizeof(b), &len) == -1 || len < 1)
		goto bad;
	off = 1 + b[0];
	if (off + 2 > len)
		goto bad;
	first = b[off++];
	if ((first & 0x03) != 0x01)
		goto bad;
	vpf = (first >> 3) & 3;
	off++;					/* MR */
	if (addr_decode(b, len, &off, to, tosize) == -1)
		goto bad;
	if (off + 2 > len)
		goto bad;
	off++;					/* PID */
	dcs = b[off++];
	if (vpf == 2)
		off += 1;
	else if (vpf == 1 || vpf == 3)
		off += 7;
	if (off + 1 > len)
		goto bad;
	udl = b[off++];
	alpha = dcs_alphabet(dcs);
	if ((first & 0x40) && off < len)
		udhl = (size_t)b[off] + 1;
	if (off + udhl > len)
		goto bad;
	buf_addf(out, "TO %s DCS %02X UDH ", to, dcs);
	if (udhl > 0) {
		hex_encode(b + off, udhl, text, sizeof(text));
		buf_addf(out, "%s", text);
	} else
		buf_addf(out, "-");
	if (alpha == 0) {
		bits = udhl * 8;
		bits = (bits + 6) / 7 * 7;
		if (udl < bits / 7)
			goto bad2;
		ns = septets_unpack(b + off, len - off, bits, udl - bits / 7,
		    sept, sizeof(sept));
		for (i = 0; i < ns; i++) {
			if (sept[i] == 0x1b && !ext) {
				ext = 1;
				continue;
			}
			c = gsm7_to_cp(sept[i], ext);
			ext = 0;
			buf_add(&utf, u, utf8_put(c, u));
		}
	} else if (alpha == 2) {
		if (off + udl > len || udl < udhl)
			goto bad2;
		for (i = off + udhl; i + 1 < off + udl; i += 2) {
			c = (uint32_t)b[i] << 8 | b[i + 1];
			if (c >= 0xd800 && c < 0xdc00 && i + 3 < off + udl) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (((uint32_t)b[i + 2] << 8 | b[i + 3]) -
				    0xdc00);
				i += 2;
			}
			buf_add(&utf, u, utf8_put(c, u));
		}
	} else {
		if (off + udl > len || udl < udhl)
			goto bad2;
		buf_add(&utf, b + off + udhl, udl - udhl);
	}
	hex_encode((const uint8_t *)(utf.data ? utf.data : ""), utf.len,
	    text, sizeof(text));
	buf_addf(out, " TEXT %s", text);
	buf_free(&utf);
	return 0;
bad2:
	buf_free(&utf);
	out->len = 0;
bad:
	buf_addf(out, "BAD undecodable SMS-SUBMIT");
	return -1;
}

static int
store_free_count(void)
{
	int	i, n = 0;

	for (i = 1; i <= FM_SLOTS; i++)
		if (!fm.slots[i].used)
			n++;
	return n;
}

/* Stores hex in the lowest free slot; returns its index or -1 if full. */
static int
store_put(const char *hex, int stat)
{
	int	i;

	for (i = 1; i <= FM_SLOTS; i++) {
		if (fm.slots[i].used)
			continue;
		fm.slots[i].used = 1;
		fm.slots[i].stat = stat;
		if (strlen(hex) >= sizeof(fm.slots[i].hex))
			return -1;
		memcpy(fm.slots[i].hex, hex, strlen(hex) + 1);
		return i;
	}
	return -1;
}

/* Announces a stored message the way AT+CNMI asked (+CMTI / +CDSI). */
static void
store_unsolicited(const char *what, int idx)
{
	char	line[64];
	int	n;

	n = snprintf(line, sizeof(line), "%s: \"SM\",%d", what, idx);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	urc_add(line);
}

static void
pty_open(void)
{
	struct termios	 t;
	struct stat	 st;
	char		 tmp[PATH_MAX];
	const char	*name;
	int		 n;

	if ((fm.master = posix_openpt(O_RDWR | O_NOCTTY)) == -1)
		die("posix_openpt");
	if (grantpt(fm.master) == -1 || unlockpt(fm.master) == -1 ||
	    (name = ptsname(fm.master)) == NULL)
		die("grantpt/unlockpt/ptsname");
	/*
	 * Hold the slave open in raw mode: no echo of what we write back to
	 * us, and no hangup on the master between two gammu sessions.
	 */
	if ((fm.slave = open(name, O_RDWR | O_NOCTTY)) == -1)
		die("open %s", name);
	if (tcgetattr(fm.slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fm.slave, TCSANOW, &t);
	}
	set_nonblock(fm.master);
	/* Replace an old symlink, never a file someone else owns. */
	if (lstat(fm.link, &st) == 0 && !S_ISLNK(st.st_mode)) {
		errno = EEXIST;
		die("%s exists and is not a symlink", fm.link);
	}
	n = snprintf(tmp, sizeof(tmp), "%s.tmp%ld", fm.link, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		die("link path too long");
	unlink(tmp);
	if (symlink(name, tmp) == -1 || rename(tmp, fm.link) == -1)
		die("symlink %s -> %s", fm.link, name);
	vlog("pty %s linked as %s", name, fm.link);
	fm.out.len = 0;
	fm.linelen = 0;
	fm.edit = EDIT_NONE;
	fm.echo = 1;
}

static void
pty_close(void)
{
	if (fm.master == -1)
		return;
	close(fm.master);
	close(fm.slave);
	fm.master = fm.slave = -1;
	unlink(fm.link);
	fm.out.len = 0;
	fm.urc.len = 0;
	fm.edit = EDIT_NONE;
	fm.linelen = 0;
	fm.ussd_due = 0;
	vlog("unplugged");
}

/* Queues bytes for libGammu; drops them when unplugged or backed up. */
static void
modem_out(const char *p, size_t n)
{
	if (fm.master == -1)
		return;
	if (fm.out.len + n > FM_OUT_MAX) {
		vlog("output backed up, dropping %zu bytes", n);
		return;
	}
	buf_add(&fm.out, p, n);
}

/* One information line: "\r\n<text>\r\n". */
static void
at_line(const char *s)
{
	trace("at> ", s, strlen(s));
	modem_out("\r\n", 2);
	modem_out(s, strlen(s));
	modem_out("\r\n", 2);
}

static void
at_linef(const char *fmt, ...)
{
	char	line[FM_LINE_MAX];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		vlog("reply line truncated");
		return;
	}
	at_line(line);
}

/* The final result code; unsolicited lines may follow it. */
static void
at_final(const char *s)
{
	at_line(s);
	urc_flush();
}

static void
at_ok(void)
{
	at_final("OK");
}

static void
at_error(void)
{
	at_final("ERROR");
}

static void
at_cms(int code)
{
	char	line[32];

	snprintf(line, sizeof(line), "+CMS ERROR: %d", code);
	at_final(line);
}

static void
at_cme(int code)
{
	char	line[32];

	if (fm.cmee == 0) {
		at_error();
		return;
	}
	snprintf(line, sizeof(line), "+CME ERROR: %d", code);
	at_final(line);
}

/*
 * Unsolicited result codes wait while a command is half answered (SMS
 * prompt) or the modem hangs, so they never split a response.
 */
static void
urc_add(const char *s)
{
	if (fm.master == -1) {
		vlog("unplugged, dropping unsolicited %s", s);
		return;
	}
	buf_add(&fm.urc, s, strlen(s));
	buf_add(&fm.urc, "\n", 1);
	urc_flush();
}

static void
urc_flush(void)
{
	char	*nl;

	if (fm.hanging || fm.edit != EDIT_NONE || fm.master == -1)
		return;
	while (fm.urc.len > 0 && (nl = memchr(fm.urc.data, '\n',
	    fm.urc.len)) != NULL) {
		*nl = '\0';
		at_line(fm.urc.data);
		buf_drop(&fm.urc, (size_t)(nl - fm.urc.data) + 1);
	}
}

/* A string as the current TE character set (AT+CSCS) shows it. */
static void
at_str(char *out, size_t size, const char *utf8)
{
	uint32_t	cps[512];
	size_t		n = 0, i, o = 0;
	int		w;

	if (utf8_decode(utf8, strlen(utf8), cps, 512, &n) == -1)
		n = 0;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (fm.charset == CS_UCS2) {
			uint32_t c = cps[i];

			if (c >= 0x10000) {
				c -= 0x10000;
				w = snprintf(out + o, size - o, "%04X%04X",
				    (unsigned)(0xd800 | c >> 10),
				    (unsigned)(0xdc00 | (c & 0x3ff)));
			} else
				w = snprintf(out + o, size - o, "%04X",
				    (unsigned)c);
		} else
			w = snprintf(out + o, size - o, "%c",
			    cps[i] >= 0x20 && cps[i] < 0x7f && cps[i] != '"' ?
			    (int)cps[i] : '?');
		if (w < 0 || (size_t)w >= size - o)
			break;
		o += (size_t)w;
	}
}

/* Undoes at_str for a quoted argument (UCS-2 hex when CSCS is UCS2). */
static void
at_unstr(const char *s, char *out, size_t size)
{
	size_t	len = strlen(s), i, o = 0;
	int	v[4];
	char	u[4];
	size_t	k;

	out[0] = '\0';
	if (fm.charset != CS_UCS2 || len % 4 != 0) {
		snprintf(out, size, "%s", s);
		return;
	}
	for (i = 0; i + 3 < len; i += 4) {
		for (k = 0; k < 4; k++)
			if ((v[k] = hexval(s[i + k])) < 0) {
				snprintf(out, size, "%s", s);
				return;
			}
		k = utf8_put((uint32_t)(v[0] << 12 | v[1] << 8 | v[2] << 4 |
		    v[3]), u);
		if (o + k + 1 > size)
			break;
		memcpy(out + o, u, k);
		o += k;
	}
	out[o] = '\0';
}

/* Feeds one byte from libGammu into the command or SMS-edit parser. */
static void
at_feed(uint8_t c)
{
	if (fm.hanging)
		return;
	if (fm.edit != EDIT_NONE) {
		if (c == 0x1a) {
			at_edit_done();
			return;
		}
		if (c == 0x1b) {
			trace("at< ", "<ESC> (SMS aborted)", 19);
			fm.edit = EDIT_NONE;
			at_ok();
			return;
		}
		if (fm.echo)
			modem_out((const char *)&c, 1);
		if (isxdigit(c) && fm.editlen + 1 < sizeof(fm.edithex))
			fm.edithex[fm.editlen++] = (char)c;
		return;
	}
	if (fm.echo)
		modem_out((const char *)&c, 1);
	switch (c) {
	case '\r':
		fm.line[fm.linelen] = '\0';
		if (fm.lineover) {
			vlog("overlong command line dropped");
			at_error();
		} else
			at_process(fm.line);
		fm.linelen = 0;
		fm.lineover = 0;
		break;
	case '\n':
		break;
	case 0x1b:
		fm.linelen = 0;
		break;
	case 0x08:
		if (fm.linelen > 0)
			fm.linelen--;
		break;
	default:
		if (fm.linelen + 1 < sizeof(fm.line))
			fm.line[fm.linelen++] = (char)c;
		else
			fm.lineover = 1;
	}
}

/* Runs one command line ("AT..."); lines not starting with AT are noise. */
static void
at_process(char *line)
{
	char		 up[FM_LINE_MAX];
	const char	*cmd, *rest;
	size_t		 i, n, best = 0, blen = 0;
	int		 found = 0, q = 0;
	char		 nx;

	while (*line == ' ')
		line++;
	if (*line == '\0')
		return;
	trace("at< ", line, strlen(line));
	if (strncasecmp(line, "AT", 2) != 0) {
		vlog("ignoring non-AT line");
		return;
	}
	cmd = line + 2;
	for (i = 0; cmd[i] != '\0' && i + 1 < sizeof(up); i++) {
		if (cmd[i] == '"')
			q = !q;
		up[i] = q ? cmd[i] : (char)toupper((unsigned char)cmd[i]);
	}
	up[i] = '\0';
	for (i = 0; i < sizeof(at_cmds) / sizeof(at_cmds[0]); i++) {
		n = strlen(at_cmds[i].name);
		if (strncmp(up, at_cmds[i].name, n) != 0)
			continue;
		nx = up[n];
		if (n > 0 && strchr("+$^", at_cmds[i].name[0]) != NULL) {
			if (nx != '\0' && nx != '=' && nx != '?')
				continue;
		} else if (nx != '\0' && !isdigit((unsigned char)nx))
			continue;
		if (!found || n > blen) {
			best = i;
			blen = n;
			found = 1;
		}
	}
	if (!found) {
		vlog("UNKNOWN command AT%s -> ERROR", cmd);
		at_error();
		return;
	}
	rest = cmd + blen;
	at_cmds[best].fn(rest);
}

static void
at_plain(const char *args)
{
	(void)args;
	at_ok();
}

static void
at_harmless(const char *args)
{
	(void)args;
	vlog("harmless command, answering OK");
	at_ok();
}

static void
at_e(const char *args)
{
	fm.echo = args[0] != '0';
	at_ok();
}

static void
at_z(const char *args)
{
	(void)args;
	fm.echo = 1;
	fm.cmee = 0;
	fm.charset = CS_GSM;
	fm.cops_format = 0;
	at_ok();
}

static void
at_i(const char *args)
{
	(void)args;
	at_line(FM_MANUFACTURER " " FM_MODEL);
	at_ok();
}

static void
at_cmee(const char *args)
{
	if (strcmp(args, "?") == 0)
		at_linef("+CMEE: %d", fm.cmee);
	else if (strcmp(args, "=?") == 0)
		at_line("+CMEE: (0-2)");
	else if (args[0] == '=')
		fm.cmee = atoi(args + 1);
	at_ok();
}

static void
at_cgmi(const char *args)
{
	if (strcmp(args, "=?") != 0)
		at_line(FM_MANUFACTURER);
	at_ok();
}

static void
at_cgmm(const char *args)
{
	if (strcmp(args, "=?") != 0)
		at_line(FM_MODEL);
	at_ok();
}

static void
at_cgmr(const char *args)
{
	if (strcmp(args, "=?") != 0)
		at_line(FM_REVISION);
	at_ok();
}

static void
at_cgsn(const char *args)
{
	if (strcmp(args, "=?") != 0)
		at_line(FM_IMEI);
	at_ok();
}

static void
at_cimi(const char *args)
{
	if (strcmp(args, "=?") != 0)
		at_line(FM_IMSI);
	at_ok();
}

/* AT+CFUN=1 must answer OK: libGammu 1.42 fails init on ERROR (#714). */
static void
at_cfun(const char *args)
{
	if (strcmp(args, "?") == 0)
		at_line("+CFUN: 1");
	else if (strcmp(args, "=?") == 0)
		at_line("+CFUN: (0,1,4),(0,1)");
	at_ok();
}

static void
at_cpin(const char *args)
{
	if (strcmp(args, "?") == 0)
		at_line("+CPIN: READY");
	at_ok();
}

static void
at_cscs(const char *args)
{
	static const char	*names[] = {
		[CS_GSM] = "GSM", [CS_IRA] = "IRA", [CS_UCS2] = "UCS2",
	};
	char			 want[16];
	size_t			 i;

	if (strcmp(args, "=?") == 0) {
		at_line("+CSCS: (\"IRA\",\"GSM\",\"UCS2\")");
		at_ok();
		return;
	}
	if (strcmp(args, "?") == 0) {
		at_linef("+CSCS: \"%s\"", names[fm.charset]);
		at_ok();
		return;
	}
	if (args[0] != '=' || sscanf(args + 1, "\"%15[^\"]\"", want) != 1) {
		at_error();
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(want, names[i]) == 0) {
			fm.charset = (enum fm_charset)i;
			at_ok();
			return;
		}
	}
	at_cme(4);
}

/* PDU mode only: text mode is refused so libGammu stays in PDU mode. */
static void
at_cmgf(const char *args)
{
	if (strcmp(args, "?") == 0) {
		at_line("+CMGF: 0");
		at_ok();
	} else if (strcmp(args, "=?") == 0) {
		at_line("+CMGF: (0)");
		at_ok();
	} else if (strcmp(args, "=0") == 0 || args[0] == '\0')
		at_ok();
	else
		at_error();
}

static void
at_csms(const char *args)
{
	if (strcmp(args, "?") == 0)
		at_line("+CSMS: 0,1,1,1");
	else if (strcmp(args, "=?") == 0)
		at_line("+CSMS: (0,1)");
	else if (args[0] == '=')
		at_line("+CSMS: 1,1,1");
	at_ok();
}

static void
at_cpms(const char *args)
{
	const char	*p;
	int		 used = FM_SLOTS - store_free_count();

	if (strcmp(args, "=?") == 0) {
		at_line("+CPMS: (\"SM\"),(\"SM\"),(\"SM\")");
		at_ok();
		return;
	}
	if (strcmp(args, "?") == 0) {
		at_linef("+CPMS: \"SM\",%d,%d,\"SM\",%d,%d,\"SM\",%d,%d",
		    used, FM_SLOTS, used, FM_SLOTS, used, FM_SLOTS);
		at_ok();
		return;
	}
	if (args[0] != '=') {
		at_error();
		return;
	}
	/* Every memory named must be "SM". */
	for (p = args + 1; (p = strchr(p, '"')) != NULL; p += 4) {
		if (strncasecmp(p, "\"SM\"", 4) != 0) {
			at_cms(302);
			return;
		}
	}
	at_linef("+CPMS: %d,%d,%d,%d,%d,%d", used, FM_SLOTS, used, FM_SLOTS,
	    used, FM_SLOTS);
	at_ok();
}

/* Lists stored PDUs; REC UNREAD ones become REC READ, as 27.005 says. */
static void
at_cmgl(const char *args)
{
	int	stat = 0, i;

	if (strcmp(args, "=?") == 0) {
		at_line("+CMGL: (0-4)");
		at_ok();
		return;
	}
	if (args[0] == '=') {
		if (parse_int(args + 1, 0, 4, &stat) == -1) {
			at_cms(302);
			return;
		}
	}
	for (i = 1; i <= FM_SLOTS; i++) {
		if (!fm.slots[i].used || (stat != 4 && fm.slots[i].stat != stat))
			continue;
		at_linef("+CMGL: %d,%d,,%d", i, fm.slots[i].stat,
		    pdu_tpdu_len(fm.slots[i].hex));
		trace("at> ", fm.slots[i].hex, strlen(fm.slots[i].hex));
		modem_out(fm.slots[i].hex, strlen(fm.slots[i].hex));
		modem_out("\r\n", 2);
		if (fm.slots[i].stat == 0)
			fm.slots[i].stat = 1;
	}
	at_ok();
}

static void
at_cmgr(const char *args)
{
	int	idx;

	if (strcmp(args, "=?") == 0) {
		at_ok();
		return;
	}
	if (args[0] != '=' || parse_int(args + 1, 1, FM_SLOTS, &idx) == -1) {
		at_cms(321);
		return;
	}
	/* An empty location answers a bare OK: libGammu reads ERR_EMPTY. */
	if (fm.slots[idx].used) {
		at_linef("+CMGR: %d,,%d", fm.slots[idx].stat,
		    pdu_tpdu_len(fm.slots[idx].hex));
		trace("at> ", fm.slots[idx].hex, strlen(fm.slots[idx].hex));
		modem_out(fm.slots[idx].hex, strlen(fm.slots[idx].hex));
		modem_out("\r\n", 2);
		if (fm.slots[idx].stat == 0)
			fm.slots[idx].stat = 1;
	}
	at_ok();
}

static void
at_cmgd(const char *args)
{
	char	*comma;
	int	 idx, flag = 0, i;

	if (strcmp(args, "=?") == 0) {
		at_linef("+CMGD: (1-%d),(0-4)", FM_SLOTS);
		at_ok();
		return;
	}
	if (args[0] != '=') {
		at_error();
		return;
	}
	idx = (int)strtol(args + 1, &comma, 10);
	if (*comma == ',')
		flag = atoi(comma + 1);
	if (flag == 0) {
		if (idx < 1 || idx > FM_SLOTS) {
			at_cms(321);
			return;
		}
		fm.slots[idx].used = 0;
		at_ok();
		return;
	}
	for (i = 1; i <= FM_SLOTS; i++) {
		if (fm.slots[i].stat == 1 ||
		    (flag >= 2 && fm.slots[i].stat == 3) ||
		    (flag >= 3 && fm.slots[i].stat == 2) || flag >= 4)
			fm.slots[i].used = 0;
	}
	at_ok();
}

static void
at_cmgs(const char *args)
{
	int	len;

	if (strcmp(args, "=?") == 0) {
		at_ok();
		return;
	}
	if (args[0] != '=' || parse_int(args + 1, 1, 175, &len) == -1) {
		at_cms(304);
		return;
	}
	fm.edit = EDIT_CMGS;
	fm.edit_len = len;
	fm.editlen = 0;
	trace("at> ", "> ", 2);
	modem_out("\r\n> ", 4);
}

static void
at_cmgw(const char *args)
{
	char	*comma;
	int	 len, stat = 2;

	if (strcmp(args, "=?") == 0) {
		at_ok();
		return;
	}
	if (args[0] != '=') {
		at_cms(304);
		return;
	}
	len = (int)strtol(args + 1, &comma, 10);
	if (*comma == ',')
		stat = atoi(comma + 1);
	if (len < 1 || len > 175 || stat < 0 || stat > 3) {
		at_cms(304);
		return;
	}
	if (store_free_count() == 0) {
		at_cms(322);
		return;
	}
	fm.edit = EDIT_CMGW;
	fm.edit_len = len;
	fm.edit_stat = stat;
	fm.editlen = 0;
	trace("at> ", "> ", 2);
	modem_out("\r\n> ", 4);
}

/* The PDU after a prompt ended with ^Z: send it (CMGS) or store it (CMGW). */
static void
at_edit_done(void)
{
	uint8_t		b[FM_PDU_MAX];
	size_t		n;
	enum edit_kind	kind = fm.edit;
	int		idx;

	fm.edit = EDIT_NONE;
	fm.edithex[fm.editlen] = '\0';
	trace("at< ", fm.edithex, fm.editlen);
	trace("at< ", "<1a>", 4);
	if (hex_decode(fm.edithex, fm.editlen, b, sizeof(b), &n) == -1 ||
	    n < 1 || (size_t)b[0] + 1 + (size_t)fm.edit_len != n) {
		vlog("PDU length does not match AT+CMG%c=%d",
		    kind == EDIT_CMGS ? 'S' : 'W', fm.edit_len);
		at_cms(304);
		return;
	}
	if (kind == EDIT_CMGS) {
		at_submit(b, n);
		return;
	}
	if ((idx = store_put(fm.edithex, fm.edit_stat)) == -1) {
		at_cms(322);
		return;
	}
	at_linef("+CMGW: %d", idx);
	at_ok();
}

/* Records one SMS-SUBMIT and answers +CMGS: mr, or the armed failure. */
static void
at_submit(const uint8_t *b, size_t n)
{
	struct sent	*s;
	struct buf	 dec = { 0 };
	char		 to[64] = "";
	size_t		 i;
	int		 cms = 0;

	if (fm.nsent == FM_SENT_MAX) {
		memmove(&fm.sent[0], &fm.sent[1],
		    sizeof(fm.sent[0]) * (FM_SENT_MAX - 1));
		fm.nsent--;
	}
	s = &fm.sent[fm.nsent++];
	hex_encode(b, n, s->hex, sizeof(s->hex));
	sms_submit_decode(s->hex, &dec, to, sizeof(to));
	vlog("submit: %s", dec.data ? dec.data : "");
	buf_free(&dec);

	if (fm.failsend_count > 0) {
		fm.failsend_count--;
		cms = fm.failsend_cms;
	}
	for (i = 0; cms == 0 && i < fm.nfailto; i++) {
		const char *a = fm.failto[i].number, *t = to;

		if (*a == '+')
			a++;
		if (*t == '+')
			t++;
		if (strcmp(a, t) == 0)
			cms = fm.failto[i].cms;
	}
	if (cms != 0) {
		s->mr = -1;
		s->cms = cms;
		stamp("OUT", -1, to);
		at_cms(cms);
		return;
	}
	fm.mr = fm.mr % 255 + 1;
	s->mr = fm.mr;
	s->cms = 0;
	stamp("OUT", fm.mr, to);
	at_linef("+CMGS: %d", fm.mr);
	at_ok();
}

static void
at_cnmi(const char *args)
{
	const char	*p;
	int		 i;

	if (strcmp(args, "=?") == 0) {
		at_line("+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)");
		at_ok();
		return;
	}
	if (strcmp(args, "?") == 0) {
		at_linef("+CNMI: %d,%d,%d,%d,%d", fm.cnmi[0], fm.cnmi[1],
		    fm.cnmi[2], fm.cnmi[3], fm.cnmi[4]);
		at_ok();
		return;
	}
	if (args[0] != '=') {
		at_error();
		return;
	}
	for (p = args + 1, i = 0; i < 5 && *p != '\0'; i++) {
		if (isdigit((unsigned char)*p))
			fm.cnmi[i] = atoi(p);
		if ((p = strchr(p, ',')) == NULL)
			break;
		p++;
	}
	vlog("CNMI now %d,%d,%d,%d,%d", fm.cnmi[0], fm.cnmi[1], fm.cnmi[2],
	    fm.cnmi[3], fm.cnmi[4]);
	at_ok();
}

static void
at_csca(const char *args)
{
	char	enc[256], raw[128];

	if (strcmp(args, "?") == 0) {
		at_str(enc, sizeof(enc), fm.smsc);
		at_linef("+CSCA: \"%s\",%d", enc, fm.smsc[0] == '+' ? 145 : 129);
		at_ok();
		return;
	}
	if (args[0] == '=' && sscanf(args + 1, "\"%127[^\"]\"", raw) == 1) {
		at_unstr(raw, fm.smsc, sizeof(fm.smsc));
		at_ok();
		return;
	}
	at_ok();
}

static void
at_csq(const char *args)
{
	if (strcmp(args, "=?") == 0)
		at_line("+CSQ: (0-31,99),(0-7,99)");
	else
		at_linef("+CSQ: %d,99", fm.rssi);
	at_ok();
}

static void
at_creg(const char *args)
{
	if (strcmp(args, "=?") == 0)
		at_line("+CREG: (0-2)");
	else if (strcmp(args, "?") == 0) {
		if (fm.creg_mode == 2 && (fm.creg_stat == 1 ||
		    fm.creg_stat == 5))
			at_linef("+CREG: 2,%d,\"00B1\",\"1A2B\"", fm.creg_stat);
		else
			at_linef("+CREG: %d,%d", fm.creg_mode, fm.creg_stat);
	} else if (args[0] == '=')
		fm.creg_mode = atoi(args + 1);
	at_ok();
}

static void
at_cgreg(const char *args)
{
	if (strcmp(args, "=?") == 0)
		at_line("+CGREG: (0-2)");
	else if (strcmp(args, "?") == 0) {
		if (fm.cgreg_mode == 2 && (fm.creg_stat == 1 ||
		    fm.creg_stat == 5))
			at_linef("+CGREG: 2,%d,\"00B1\",\"1A2B\"",
			    fm.creg_stat);
		else
			at_linef("+CGREG: %d,%d", fm.cgreg_mode, fm.creg_stat);
	} else if (args[0] == '=')
		fm.cgreg_mode = atoi(args + 1);
	at_ok();
}

static void
at_cgatt(const char *args)
{
	if (strcmp(args, "?") == 0)
		at_linef("+CGATT: %d", fm.creg_stat == 1 || fm.creg_stat == 5);
	at_ok();
}

static void
at_cops(const char *args)
{
	char	enc[128];
	int	mode, fmt;

	if (strcmp(args, "=?") == 0) {
		at_line("+COPS: (2,\"" FM_OPER_NAME "\",\"" FM_OPER_NAME
		    "\",\"" FM_OPER_CODE "\",2),,(0-4),(0-2)");
	} else if (strcmp(args, "?") == 0) {
		if (fm.creg_stat != 1 && fm.creg_stat != 5)
			at_line("+COPS: 0");
		else if (fm.cops_format == 2)
			at_line("+COPS: 0,2,\"" FM_OPER_CODE "\",2");
		else {
			at_str(enc, sizeof(enc), FM_OPER_NAME);
			at_linef("+COPS: 0,%d,\"%s\",2", fm.cops_format, enc);
		}
	} else if (args[0] == '=') {
		if (sscanf(args + 1, "%d,%d", &mode, &fmt) == 2 &&
		    fmt >= 0 && fmt <= 2)
			fm.cops_format = fmt;
	}
	at_ok();
}

/* AT+CUSD=1,"code",15 answers OK, then +CUSD about a second later. */
static void
at_cusd(const char *args)
{
	char	code[256], dec[256];
	int	n;

	if (strcmp(args, "?") == 0) {
		at_linef("+CUSD: %d", fm.cusd_n);
		at_ok();
		return;
	}
	if (strcmp(args, "=?") == 0) {
		at_line("+CUSD: (0-2)");
		at_ok();
		return;
	}
	if (args[0] != '=') {
		at_ok();
		return;
	}
	n = atoi(args + 1);
	if (n == 2) {
		fm.ussd_due = 0;
		at_ok();
		return;
	}
	fm.cusd_n = n;
	if (sscanf(args + 1, "%*d,\"%255[^\"]\"", code) == 1) {
		at_unstr(code, dec, sizeof(dec));
		vlog("USSD request %s, reply in %d ms%s", dec, FM_USSD_DELAY,
		    n == 1 ? "" : " (suppressed: n=0)");
		if (n == 1)
			fm.ussd_due = now_ms() + FM_USSD_DELAY;
	}
	at_ok();
}

static void
at_cmms(const char *args)
{
	if (strcmp(args, "?") == 0)
		at_linef("+CMMS: %d", fm.cmms);
	else if (strcmp(args, "=?") == 0)
		at_line("+CMMS: (0-2)");
	else if (args[0] == '=')
		fm.cmms = atoi(args + 1);
	at_ok();
}

static void
at_cgsms(const char *args)
{
	if (strcmp(args, "?") == 0)
		at_line("+CGSMS: 3");
	else if (strcmp(args, "=?") == 0)
		at_line("+CGSMS: (0-3)");
	at_ok();
}

static void
at_cbc(const char *args)
{
	if (strcmp(args, "=?") != 0)
		at_line("+CBC: 0,100");
	at_ok();
}

static void
at_cclk(const char *args)
{
	struct tm	tm;
	time_t		t = time(NULL) + FM_TZ_QUARTERS * 15 * 60;

	if (strcmp(args, "?") == 0) {
		gmtime_r(&t, &tm);
		at_linef("+CCLK: \"%02d/%02d/%02d,%02d:%02d:%02d+%02d\"",
		    tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, FM_TZ_QUARTERS);
	}
	at_ok();
}

/* Emits the pending USSD network reply. */
static void
ussd_fire(void)
{
	char	enc[2048];
	uint32_t cps[512];
	size_t	n = 0, i;
	int	plain = 1;

	fm.ussd_due = 0;
	if (utf8_decode(fm.ussd_text, strlen(fm.ussd_text), cps, 512, &n) == -1)
		n = 0;
	for (i = 0; i < n; i++)
		if (cps[i] < 0x20 || cps[i] >= 0x7f || cps[i] == '"')
			plain = 0;
	if (fm.charset == CS_UCS2 || plain) {
		at_str(enc, sizeof(enc), fm.ussd_text);
		buf_addf(&fm.urc, "+CUSD: 0,\"%s\",15\n", enc);
	} else {
		/* Non-ASCII reply in a GSM/IRA session: UCS-2 DCS 0x48. */
		enum fm_charset saved = fm.charset;

		fm.charset = CS_UCS2;
		at_str(enc, sizeof(enc), fm.ussd_text);
		fm.charset = saved;
		buf_addf(&fm.urc, "+CUSD: 0,\"%s\",72\n", enc);
	}
	urc_flush();
}

static void
ctl_listen(void)
{
	struct sockaddr_un	sun;
	struct stat		st;
	int			n;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", fm.control);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path))
		die("control path too long");
	if (lstat(fm.control, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(fm.control);
	if ((fm.listenfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (bind(fm.listenfd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die("bind %s", fm.control);
	if (listen(fm.listenfd, 8) == -1)
		die("listen");
	set_nonblock(fm.listenfd);
}

static void
ctl_accept(void)
{
	size_t	i;
	int	fd;

	if ((fd = accept(fm.listenfd, NULL, NULL)) == -1)
		return;
	for (i = 0; i < FM_CLIENTS; i++) {
		if (fm.clients[i].fd == -1) {
			memset(&fm.clients[i], 0, sizeof(fm.clients[i]));
			fm.clients[i].fd = fd;
			set_nonblock(fd);
			return;
		}
	}
	close(fd);	/* too many clients: they are meant to be sequential */
}

static void
ctl_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
	buf_free(&c->in);
	buf_free(&c->out);
}

static void
ctl_read(struct client *c)
{
	char	 tmp[4096], *nl;
	ssize_t	 n;

	n = read(c->fd, tmp, sizeof(tmp));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (c->out.len > 0)
			c->closing = 1;
		else
			ctl_close(c);
		return;
	}
	buf_add(&c->in, tmp, (size_t)n);
	while (c->fd != -1 && c->in.len > 0 &&
	    (nl = memchr(c->in.data, '\n', c->in.len)) != NULL) {
		*nl = '\0';
		if (nl > c->in.data && nl[-1] == '\r')
			nl[-1] = '\0';
		ctl_command(c, c->in.data);
		buf_drop(&c->in, (size_t)(nl - c->in.data) + 1);
	}
	if (c->in.len > 65536)
		ctl_close(c);
}

static void
ctl_write(struct client *c)
{
	ssize_t	n;

	n = write(c->fd, c->out.data, c->out.len);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ctl_close(c);
		return;
	}
	buf_drop(&c->out, (size_t)n);
	if (c->out.len == 0 && c->closing)
		ctl_close(c);
}

static void
ctl_reply(struct client *c, const char *fmt, ...)
{
	char	line[FM_LINE_MAX * 2];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = snprintf(line, sizeof(line), "ERR reply too long");
	buf_add(&c->out, line, (size_t)n);
	buf_add(&c->out, "\n", 1);
}

static char *
next_word(char **p)
{
	char	*w;

	while (**p == ' ')
		(*p)++;
	if (**p == '\0')
		return NULL;
	w = *p;
	while (**p != ' ' && **p != '\0')
		(*p)++;
	if (**p == ' ')
		*(*p)++ = '\0';
	return w;
}

static int
parse_int(const char *s, int min, int max, int *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* SMS from ucs2|gsm7 ref total partno hexutf8 */
static void
ctl_sms(struct client *c, char *p)
{
	char		*from, *enc, *hex, hexpdu[FM_HEX_MAX];
	char		 utf[FM_TEXT_MAX];
	uint32_t	 cps[FM_TEXT_MAX];
	size_t		 ulen, ncp;
	int		 ref, total, partno, idx;
	const char	*why = "bad arguments";

	from = next_word(&p);
	enc = next_word(&p);
	if (from == NULL || enc == NULL ||
	    (strcmp(enc, "ucs2") != 0 && strcmp(enc, "gsm7") != 0) ||
	    parse_int(next_word(&p), 0, 255, &ref) == -1 ||
	    parse_int(next_word(&p), 0, 255, &total) == -1 ||
	    parse_int(next_word(&p), 0, 255, &partno) == -1) {
		ctl_reply(c, "ERR usage: SMS from ucs2|gsm7 ref total partno "
		    "hexutf8");
		return;
	}
	if ((total == 0) != (partno == 0) || partno > total) {
		ctl_reply(c, "ERR bad part numbers");
		return;
	}
	hex = next_word(&p);
	if (hex == NULL)
		hex = p;	/* an empty text */
	if (hex_decode(hex, strlen(hex), (uint8_t *)utf, sizeof(utf) - 1,
	    &ulen) == -1 || utf8_decode(utf, ulen, cps, FM_TEXT_MAX,
	    &ncp) == -1) {
		ctl_reply(c, "ERR text is not hex of UTF-8");
		return;
	}
	if (sms_deliver_build(hexpdu, from, strcmp(enc, "ucs2") == 0, cps,
	    ncp, ref, total, partno, &why) == -1) {
		ctl_reply(c, "ERR %s", why);
		return;
	}
	if ((idx = store_put(hexpdu, 0)) == -1) {
		ctl_reply(c, "ERR full");
		return;
	}
	stamp("IN", idx, from);
	store_unsolicited("+CMTI", idx);
	ctl_reply(c, "OK %d", idx);
}

/* SMSTEXT from text...: encodes and splits like a phone would. */
static void
ctl_smstext(struct client *c, char *p)
{
	char		*from, hexpdu[FM_HEX_MAX];
	static uint32_t	 cps[FM_TEXT_MAX];
	size_t		 ncp, i, start, units, total_units = 0, lim;
	size_t		 starts[256], ends[256], nparts = 0;
	int		 ucs2 = 0, ref, idx, k;
	const char	*why = "";

	if ((from = next_word(&p)) == NULL || *p == '\0') {
		ctl_reply(c, "ERR usage: SMSTEXT from text...");
		return;
	}
	if (utf8_decode(p, strlen(p), cps, FM_TEXT_MAX, &ncp) == -1) {
		ctl_reply(c, "ERR text is not UTF-8");
		return;
	}
	for (i = 0; i < ncp; i++)
		if (gsm7_units(cps[i]) == 0)
			ucs2 = 1;
	for (i = 0; i < ncp; i++)
		total_units += ucs2 ? ucs2_units(cps[i]) : gsm7_units(cps[i]);
	if (total_units <= (ucs2 ? 70u : 160u)) {
		starts[0] = 0;
		ends[0] = ncp;
		nparts = 1;
	} else {
		lim = ucs2 ? 67 : 153;
		for (start = 0; start < ncp; ) {
			if (nparts == 255) {
				ctl_reply(c, "ERR too long");
				return;
			}
			units = 0;
			for (i = start; i < ncp; i++) {
				k = (int)(ucs2 ? ucs2_units(cps[i]) :
				    gsm7_units(cps[i]));
				if (units + (size_t)k > lim)
					break;
				units += (size_t)k;
			}
			starts[nparts] = start;
			ends[nparts++] = i;
			start = i;
		}
	}
	if ((int)nparts > store_free_count()) {
		ctl_reply(c, "ERR full");
		return;
	}
	fm.ref = fm.ref % 255 + 1;
	ref = fm.ref;
	for (i = 0; i < nparts; i++) {
		if (sms_deliver_build(hexpdu, from, ucs2, cps + starts[i],
		    ends[i] - starts[i], ref, nparts > 1 ? (int)nparts : 0,
		    nparts > 1 ? (int)i + 1 : 0, &why) == -1) {
			ctl_reply(c, "ERR %s", why);
			return;
		}
		idx = store_put(hexpdu, 0);
		stamp("IN", idx, from);
		store_unsolicited("+CMTI", idx);
	}
	ctl_reply(c, "OK %zu", nparts);
}

static void
ctl_sent(struct client *c, int decoded)
{
	struct buf	 line = { 0 };
	char		 to[64];
	size_t		 i;

	for (i = 0; i < fm.nsent; i++) {
		if (!decoded) {
			ctl_reply(c, "PDU %s", fm.sent[i].hex);
			continue;
		}
		line.len = 0;
		sms_submit_decode(fm.sent[i].hex, &line, to, sizeof(to));
		if (fm.sent[i].mr >= 0)
			buf_addf(&line, " MR %d", fm.sent[i].mr);
		else
			buf_addf(&line, " CMS %d", fm.sent[i].cms);
		ctl_reply(c, "%s", line.data);
	}
	buf_free(&line);
	ctl_reply(c, "END");
}

/*
 * DLR mr status: +CDS (PDU inline) when AT+CNMI set ds=1, otherwise the
 * report is stored in SM and announced with +CDSI.
 */
static void
ctl_dlr(struct client *c, char *p)
{
	char	 hex[FM_HEX_MAX], to[64] = "+84000000000";
	char	 line[FM_HEX_MAX + 32];
	struct buf dec = { 0 };
	size_t	 i;
	int	 mr, st, idx, n;

	if (parse_int(next_word(&p), 0, 255, &mr) == -1 ||
	    parse_int(next_word(&p), 0, 255, &st) == -1) {
		ctl_reply(c, "ERR usage: DLR mr status");
		return;
	}
	for (i = fm.nsent; i > 0; i--) {
		if (fm.sent[i - 1].mr == mr) {
			dec.len = 0;
			sms_submit_decode(fm.sent[i - 1].hex, &dec, to,
			    sizeof(to));
			break;
		}
	}
	buf_free(&dec);
	if (sms_report_build(hex, mr, to, st) == -1) {
		ctl_reply(c, "ERR cannot build report");
		return;
	}
	if (fm.cnmi[3] == 1) {
		/* One entry, so nothing can come between the two lines. */
		n = snprintf(line, sizeof(line), "+CDS: %d\r\n%s",
		    pdu_tpdu_len(hex), hex);
		if (n < 0 || (size_t)n >= sizeof(line)) {
			ctl_reply(c, "ERR report too long");
			return;
		}
		urc_add(line);
		ctl_reply(c, "OK cds");
		return;
	}
	if ((idx = store_put(hex, 0)) == -1) {
		ctl_reply(c, "ERR full");
		return;
	}
	store_unsolicited("+CDSI", idx);
	ctl_reply(c, "OK %d", idx);
}

static void
ctl_clear(struct client *c, char *p)
{
	(void)p;
	fm.nsent = 0;
	ctl_reply(c, "OK");
}

static void
ctl_sentraw(struct client *c, char *p)
{
	(void)p;
	ctl_sent(c, 0);
}

static void
ctl_sentdecoded(struct client *c, char *p)
{
	(void)p;
	ctl_sent(c, 1);
}

static void
ctl_inbox(struct client *c, char *p)
{
	int	i;

	(void)p;
	for (i = 1; i <= FM_SLOTS; i++)
		if (fm.slots[i].used)
			ctl_reply(c, "IDX %d %d", i, fm.slots[i].stat);
	ctl_reply(c, "END");
}

static void
ctl_delete(struct client *c, char *p)
{
	int	v;

	if (parse_int(next_word(&p), 1, FM_SLOTS, &v) == -1 ||
	    !fm.slots[v].used) {
		ctl_reply(c, "ERR no such message");
		return;
	}
	fm.slots[v].used = 0;
	ctl_reply(c, "OK");
}

static void
ctl_failsend(struct client *c, char *p)
{
	char	*a;
	int	 v, w = 1;

	if (parse_int(next_word(&p), 1, 65535, &v) == -1 ||
	    ((a = next_word(&p)) != NULL &&
	    parse_int(a, 0, 1000000, &w) == -1)) {
		ctl_reply(c, "ERR usage: FAILSEND cms [count]");
		return;
	}
	fm.failsend_cms = v;
	fm.failsend_count = w;
	ctl_reply(c, "OK");
}

static void
ctl_failto(struct client *c, char *p)
{
	char	*a;
	int	 v;

	a = next_word(&p);
	if (a == NULL || strlen(a) >= sizeof(fm.failto[0].number) ||
	    parse_int(next_word(&p), 1, 65535, &v) == -1) {
		ctl_reply(c, "ERR usage: FAILTO number cms");
		return;
	}
	if (fm.nfailto == FM_FAILTO_MAX) {
		ctl_reply(c, "ERR too many");
		return;
	}
	memcpy(fm.failto[fm.nfailto].number, a, strlen(a) + 1);
	fm.failto[fm.nfailto++].cms = v;
	ctl_reply(c, "OK");
}

/* The line being typed is lost, as on a modem that locks up. */
static void
ctl_hang(struct client *c, char *p)
{
	int	v;

	if (parse_int(next_word(&p), 0, 86400, &v) == -1) {
		ctl_reply(c, "ERR usage: HANG seconds");
		return;
	}
	fm.hanging = 1;
	fm.hang_until = v == 0 ? 0 : now_ms() + (int64_t)v * 1000;
	fm.linelen = 0;
	ctl_reply(c, "OK");
}

static void
ctl_resume(struct client *c, char *p)
{
	(void)p;
	fm.hanging = 0;
	urc_flush();
	ctl_reply(c, "OK");
}

static void
ctl_unplug(struct client *c, char *p)
{
	(void)p;
	if (fm.master == -1) {
		ctl_reply(c, "ERR already unplugged");
		return;
	}
	pty_close();
	ctl_reply(c, "OK");
}

static void
ctl_replug(struct client *c, char *p)
{
	(void)p;
	if (fm.master != -1) {
		ctl_reply(c, "ERR already plugged");
		return;
	}
	pty_open();
	ctl_reply(c, "OK");
}

static void
ctl_ussd(struct client *c, char *p)
{
	while (*p == ' ')
		p++;
	if (strlen(p) >= sizeof(fm.ussd_text)) {
		ctl_reply(c, "ERR too long");
		return;
	}
	memcpy(fm.ussd_text, p, strlen(p) + 1);
	ctl_reply(c, "OK");
}

static void
ctl_csq(struct client *c, char *p)
{
	int	v;

	if (parse_int(next_word(&p), 0, 99, &v) == -1) {
		ctl_reply(c, "ERR usage: CSQ rssi");
		return;
	}
	fm.rssi = v;
	ctl_reply(c, "OK");
}

static void
ctl_creg(struct client *c, char *p)
{
	int	v;

	if (parse_int(next_word(&p), 0, 5, &v) == -1) {
		ctl_reply(c, "ERR usage: CREG stat");
		return;
	}
	fm.creg_stat = v;
	ctl_reply(c, "OK");
}

/* The answer is flushed here: the loop ends before it would write it. */
static void
ctl_quit(struct client *c, char *p)
{
	(void)p;
	ctl_reply(c, "OK");
	ctl_write(c);
	fm_quit = 1;
}

static void
ctl_command(struct client *c, char *line)
{
	char	*p = line, *cmd;
	size_t	 i;

	trace("ctl< ", line, strlen(line));
	if ((cmd = next_word(&p)) == NULL) {
		ctl_reply(c, "ERR empty command");
		return;
	}
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++) {
		if (strcmp(cmd, ctl_cmds[i].name) == 0) {
			ctl_cmds[i].fn(c, p);
			return;
		}
	}
	ctl_reply(c, "ERR unknown command %s", cmd);
}

static void
cleanup(void)
{
	size_t	i;

	if (fm.link != NULL && fm.master != -1)
		unlink(fm.link);
	if (fm.control != NULL && fm.listenfd != -1)
		unlink(fm.control);
	for (i = 0; i < FM_CLIENTS; i++)
		if (fm.clients[i].fd != -1)
			ctl_close(&fm.clients[i]);
}

static void
loop(void)
{
	struct pollfd	 pfd[2 + FM_CLIENTS];
	struct client	*cl[FM_CLIENTS];
	uint8_t		 tmp[4096];
	int64_t		 now, due;
	ssize_t		 n;
	size_t		 i, np, nc, k;
	int		 timeout;

	while (!fm_quit) {
		np = 0;
		pfd[np].fd = fm.listenfd;
		pfd[np++].events = POLLIN;
		pfd[np].fd = fm.master;
		pfd[np++].events = fm.master == -1 ? 0 :
		    (short)(POLLIN | (fm.out.len > 0 ? POLLOUT : 0));
		for (i = 0, nc = 0; i < FM_CLIENTS; i++) {
			if (fm.clients[i].fd == -1)
				continue;
			cl[nc++] = &fm.clients[i];
			pfd[np].fd = fm.clients[i].fd;
			pfd[np++].events = (short)(POLLIN |
			    (fm.clients[i].out.len > 0 ? POLLOUT : 0));
		}
		timeout = -1;
		now = now_ms();
		due = 0;
		if (fm.ussd_due != 0)
			due = fm.ussd_due;
		if (fm.hanging && fm.hang_until != 0 &&
		    (due == 0 || fm.hang_until < due))
			due = fm.hang_until;
		if (due != 0)
			timeout = due <= now ? 0 : (int)(due - now);
		if (poll(pfd, np, timeout) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}

		now = now_ms();
		if (fm.hanging && fm.hang_until != 0 && now >= fm.hang_until) {
			fm.hanging = 0;
			vlog("hang over");
			urc_flush();
		}
		if (fm.ussd_due != 0 && now >= fm.ussd_due)
			ussd_fire();

		if (pfd[0].revents & POLLIN)
			ctl_accept();
		if (fm.master != -1 && (pfd[1].revents & POLLIN)) {
			n = read(fm.master, tmp, sizeof(tmp));
			for (k = 0; n > 0 && k < (size_t)n; k++)
				at_feed(tmp[k]);
		}
		if (fm.master != -1 && fm.out.len > 0) {
			n = write(fm.master, fm.out.data, fm.out.len);
			if (n > 0)
				buf_drop(&fm.out, (size_t)n);
		}
		for (i = 0; i < nc; i++) {
			if (cl[i]->fd != -1 &&
			    (pfd[2 + i].revents & (POLLIN | POLLHUP)))
				ctl_read(cl[i]);
			if (cl[i]->fd != -1 && cl[i]->out.len > 0)
				ctl_write(cl[i]);
		}
	}
}

/* Parses the options, opens the pty and the control socket, and runs. */
int
main(int argc, char *argv[])
{
	struct sigaction	sa;
	size_t			i;
	int			ch;

	fm_start = now_ms();
	fm.master = fm.slave = fm.listenfd = -1;
	for (i = 0; i < FM_CLIENTS; i++)
		fm.clients[i].fd = -1;
	while ((ch = getopt(argc, argv, "c:l:t:v")) != -1) {
		switch (ch) {
		case 'c':
			fm.control = optarg;
			break;
		case 'l':
			fm.link = optarg;
			break;
		case 't':
			if ((fm_stamps = fopen(optarg, "a")) == NULL)
				die("%s", optarg);
			break;
		case 'v':
			fm.verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (fm.link == NULL || fm.control == NULL || optind != argc)
		usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	fm.echo = 1;
	fm.rssi = 20;
	fm.creg_stat = 1;
	fm.cnmi[0] = 0;
	fm.cnmi[1] = 1;
	fm.cnmi[3] = 2;
	memcpy(fm.smsc, FM_SMSC, sizeof(FM_SMSC));
	memcpy(fm.ussd_text, FM_USSD_DEFAULT, sizeof(FM_USSD_DEFAULT));
	fm.mr = 0;
	fm.ref = (int)(getpid() % 200);

	pty_open();
	ctl_listen();
	loop();
	vlog("exiting");
	cleanup();
	return 0;
}
