/*
 * tinbao: an SMS hotline gateway for school safety.
 *
 * This is the one shared header.  It holds the types every module sees (an
 * incoming SMS, the configuration, the store handle, the handler table), then
 * one prototype section per source file.  Modules that own an outside library
 * (modem.c owns libGammu, store*.c own SQLite) keep that library's types out
 * of this file: the rest of the code only sees our own structs.
 */
#ifndef TINBAO_H
#define TINBAO_H

#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define TINBAO_VERSION	"0.1.0"

/* Largest text we accept for one message: 50 parts of 153 septets, in UTF-8. */
#define TEXT_MAX	(50 * 160 * 4)
#define NUMBER_MAX	64

struct event_base;
struct event;
struct store;
struct classifier;
struct carrier_table;
struct msgctx;

/* ---------------------------------------------------------------- types */

/* One numbered migration, generated from sql/NNN_*.sql (build/sqlgen.c). */
struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

enum alert_charset {
	CHARSET_AUTO = 0,
	CHARSET_GSM7,
	CHARSET_UCS2,
};

/* Vietnamese carriers, for a SIM pool's on-net routing (carrier.c). */
enum carrier {
	CARRIER_ANY = 0,	/* unknown number, or a SIM for any */
	CARRIER_VIETTEL,
	CARRIER_VINAPHONE,
	CARRIER_MOBIFONE,
	CARRIER_VIETNAMOBILE,
	CARRIER_GMOBILE,
	CARRIER_MAX
};

/*
 * Most modems of a SIM pool: [gammu] .. [gammu7], each with its [modem] ..
 * [modem7] (SPEC section 3, "Several modems").
 */
#define MODEM_MAX	8

/*
 * One modem of the pool: its [gammuN] (handed to libGammu as it is; a few
 * facts kept) and tinbao's own [modemN] settings.
 */
struct modem_conf {
	int		 num;		/* N of [gammuN]; 0 for [gammu] */
	char		*device;	/* resolved against dir when relative */
	char		*model;
	char		*connection;
	int		 carrier;	/* enum carrier */
	int		 send;		/* 0/1 */
	int		 receive;	/* 0/1 */
	char		*balance_ussd;	/* or NULL: no credit check */
};

/* The parsed configuration file (SPEC section 3).  Paths are absolute. */
struct config {
	char		*path;		/* the file itself */
	char		*dir;		/* its folder, for relative paths */

	/* [gammu]: handed to libGammu as it is; we only keep a few facts. */
	int		 has_gammu;
	char		*gammu_device;	/* resolved against dir when relative */
	char		*gammu_model;
	char		*gammu_connection;

	/* [tinbao] */
	char		*database;
	char		*keyfile;
	char		*district;
	enum alert_charset alert_charset;
	int		 poll_interval;		/* seconds between inbox scans */
	int		 multipart_timeout;	/* seconds to wait for parts */
	int		 send_timeout;		/* seconds for a send status */
	int		 send_interval;		/* seconds between two sends */
	char		*digest_time;		/* "HH:MM", local */
	char		*balance_ussd;		/* e.g. "*101#", or NULL */
	int		 balance_interval;	/* seconds between checks */
	int		 balance_threshold;	/* VND; alarm below */
	int		 modem_alarm_after;	/* seconds down before alarm */
	int		 retention;		/* seconds; purge of numbers */
	int		 log_verbose;		/* 0 info, 1 debug */
	char		*carriers;		/* prefix file, or NULL */

	/* The modems, [gammu] first, in the order of N; nmodems 0: none. */
	struct modem_conf modems[MODEM_MAX];
	int		 nmodems;

	/* [http] */
	char		*http_listen;
	char		*http_trusted_proxy;	/* X-Forwarded-For from it */
	int		 http_secure_cookie;	/* HTTP_SECURE_* */
	char		*http_metrics_token_file; /* detail of /healthz, /metrics */

	/* [kannel] */
	int		 has_kannel;
	char		*kannel_sendsms_url;
	char		*kannel_username;
	char		*kannel_password_file;
	char		*kannel_from;
	char		*kannel_dlr_url;
	char		*kannel_secret_file;	/* token= on /kannel/ */

	/* [ussd] */
	char		*ussd_secret_file;

	/* [escalation] */
	int		 ack_timeout;		/* seconds */
	int		 incident_window;	/* seconds; 0: no incidents */
	int		 incident_update;	/* seconds between updates */

	/* [triage] (triage.c) */
	int		 notify_interval;	/* seconds between two notices */
	char		*office_hours;		/* "07:00-17:00 Mon-Sat" */
	int		 untriaged_timeout;	/* seconds of office time */

	/* [report]: the semesters as MM-DD, the small-count threshold */
	char		*report_hk1_start;
	char		*report_hk1_end;
	char		*report_hk2_start;
	char		*report_hk2_end;
	int		 report_suppress;

	/* [broadcast] */
	char		*broadcast_quiet_hours;	/* "HH:MM-HH:MM", local */
	char		*broadcast_hotline;	/* the number pupils text */

	/* [plans] */
	char		*plans_deadline;	/* MM-DD, e.g. 02-05 */
};

#define HTTP_SECURE_AUTO	0	/* Secure when the proxy says https */
#define HTTP_SECURE_YES		1
#define HTTP_SECURE_NO		2

/* The reporter-privacy keys, derived from the key file (crypto.c). */
struct secret {
	unsigned char	 enc[32];	/* secretbox key for numbers */
	unsigned char	 mac[32];	/* keyed hash of numbers and dedup keys */
};

/* One physical part of an incoming SMS, as the modem gave it. */
struct sms_part {
	int		 partno;	/* 1-based; 1 for a single SMS */
	char		*text;		/* valid UTF-8, NUL-terminated */
	int64_t		 smsc_time;	/* this part's SMSC time, or 0 */
};

#define SMS_F_FLASH		0x01	/* class 0 */
#define SMS_F_BINARY		0x02	/* 8-bit data, text holds hex */
#define SMS_F_INCOMPLETE	0x04	/* released after multipart_timeout */

/*
 * An incoming SMS after linking: one logical message, with the parts that
 * were found.  The modem worker fills it; the main loop stores it and then
 * confirms the token so that the worker deletes it from the phone.
 */
struct sms_in {
	uint64_t	 token;		/* the worker's handle, for the confirm */
	char		 sender[NUMBER_MAX];	/* E.164 when it is a phone number */
	char		 smsc[NUMBER_MAX];
	int64_t		 smsc_time;	/* UNIX time given by the SMSC, or 0 */
	int		 concat_ref;	/* UDH reference, -1 when single */
	int		 parts_total;	/* 1 when single */
	int		 nparts;
	struct sms_part	*parts;		/* sorted by partno */
	int		 flags;		/* SMS_F_* */
	const char	*transport;	/* "sms", later "kannel", "ussd" */
	/*
	 * Set only by a menu transport (ussd.c): the answers the reporter
	 * chose, which h_report prefers over the classifier.  NULL / 0 / ""
	 * for an SMS.  Not carried over IPC (the modem never sets them).
	 */
	const char	*menu_category;	/* a category of SPEC section 5 */
	int		 menu_urgent;	/* "happening now" answered yes */
	char		 menu_school[16];	/* "" when none */
};

/* One handler: handlers/h_*.c, listed in handlers/handlers.c. */
struct handler {
	const char	*name;
	int		(*match)(const struct msgctx *);	/* 0/1 */
	int		(*handle)(struct msgctx *);		/* 0/-1 */
};

/* An outgoing SMS handed to the modem worker. */
struct sms_out {
	int64_t		 id;		/* outbox row */
	char		 number[NUMBER_MAX];
	char		*text;		/* UTF-8 */
	int		 charset;	/* enum alert_charset */
};

/* The router's state: what it needs to store and dispatch (router.c). */
struct router {
	struct store		*store;
	const struct secret	*secret;
	const struct config	*conf;
	const struct classifier	*classifier;
	struct status		*status;	/* counters; NULL: none */
	struct outbox		*outbox;	/* kicked after a commit */
};

struct router_result {
	int64_t		 message_id;
	int		 duplicate;
	int		 joined;
	char		 case_code[8];
};

/* What the classifier says of a report (handlers/classification.c). */
struct classification {
	const char	*category;
	int		 urgent;
	int		 many;		/* several pupils affected */
	double		 confidence;	/* 0..1: how sure of the category */
	char		 school[16];	/* "" when none */
	char		 matched[1024];	/* JSON list of matched phrases */
};

/*
 * Texts sent to pupils (SPEC section 4, issue 12).  A reply never repeats
 * the report, always names 113 (police) and 111 (child protection), 111
 * first for the categories that say so (category_is_111_first), and tells
 * the pupil that their number is kept secret.  Each is ONE SMS: unaccented
 * Vietnamese in the GSM 7-bit alphabet (no [ ] { } | ^ ~ \ `), at most 160
 * characters with the longest (6-character) case code in every %s;
 * tests/unit/test_replies.c counts the parts with handler_sms_parts().
 * Accented, the acknowledgement took two UCS-2 parts (70 per SMS).
 */
#define REPLY_ACK	"Da nhan tin bao. Ma ho so: %s. So cua em duoc giu " \
	"bi mat. Nhan them: %s <noi dung>. Khan cap goi 113 (cong an), 111 " \
	"(bao ve tre em)."
#define REPLY_ACK_111	"Da nhan tin bao. Ma ho so: %s. So cua em duoc " \
	"giu bi mat. Goi ngay 111 (bao ve tre em, mien phi) hoac 113 (cong " \
	"an). Nhan them: %s <noi dung>."
/* HD also tells pupils that KC <CASE> makes their report urgent (triage). */
#define REPLY_HELP	"Duong day an toan truong hoc: nhan su viec de bao, " \
	"khong can ghi ten, so duoc giu bi mat. Can gap: nhan KC <ma ho so>. " \
	"Khan cap goi 113 (cong an), 111 (tre em)."

/* An SMS command (handlers/smscmd.c, SPEC section 4). */
enum smscmd_type {
	SMSCMD_NONE = 0,	/* free text: a report */
	SMSCMD_NHAN,		/* responder: acknowledge */
	SMSCMD_TL,		/* responder: reply to the reporter */
	SMSCMD_XONG,		/* responder: close */
	SMSCMD_TT,		/* responder: summary */
	SMSCMD_STOP,
	SMSCMD_START,
	SMSCMD_HELP,
	SMSCMD_FOLLOWUP,	/* <CASE> text */
	SMSCMD_CATEGORY,	/* teacher: <CODE> [KC] text */
	SMSCMD_BADCODE,		/* teacher: a code that is none ("ZZ") */
	SMSCMD_KC,		/* reporter: KC <CASE> / GAP <CASE> */
};

struct smscmd {
	enum smscmd_type type;
	char		 code[8];	/* the case code, canonical */
	char		 pin[12];	/* "" when none was given */
	const char	*rest;		/* text after the command words */
	const char	*rest_after_pin; /* the same, after a PIN */
	const char	*category;	/* SMSCMD_CATEGORY */
	int		 urgent;	/* KC given */
	int		 code_first;	/* "4EUQ nhan": the code came first */
	const char	*followup;	/* code_first: the text after the code */
};

/*
 * Abuse control: each reporter has a token bucket of REPORTER_BUCKET
 * replies, refilled one every REPORTER_REFILL seconds.  A reporter whose
 * bucket is empty is still heard (every message is stored and put on a
 * case) but gets no reply and triggers no new alert.
 */
#define REPORTER_BUCKET		5.0
#define REPORTER_REFILL		120.0
/* Identical texts from one reporter within this window are one case. */
#define REPORTER_REPEAT_WINDOW	3600

/* More texts to pupils, under the rules above REPLY_ACK. */
#define REPLY_START	"Da bat lai tin nhan tra loi. So cua em duoc giu " \
	"bi mat. Khan cap goi 113 (cong an), 111 (bao ve tre em)."
#define REPLY_FOLLOWUP	"Da nhan tin nhan them cho ho so %s. So cua em " \
	"duoc giu bi mat. Khan cap goi 113 (cong an), 111 (bao ve tre em)."
#define REPLY_FOLLOWUP_111 "Da nhan tin nhan them cho ho so %s. So cua " \
	"em duoc giu bi mat. Khan cap goi 111 (bao ve tre em), 113 (cong an)."
#define REPLY_CLOSED	"Ho so %s da duoc xu ly xong. Cam on em da bao " \
	"tin, so cua em duoc giu bi mat. Khan cap goi 113 (cong an), 111 " \
	"(bao ve tre em)."
#define REPLY_CLOSED_111 "Ho so %s da duoc xu ly xong. Cam on em da bao " \
	"tin, so cua em duoc giu bi mat. Khan cap goi 111 (bao ve tre em), " \
	"113 (cong an)."

/*
 * One way out for SMS (outbox.c): each modem of a SIM pool, Kannel.  The
 * outbox hands a message to a transport whose is_ready says 1 (outbox.c
 * says which); the transport reports the outcome, at once or later, with
 * outbox_sent.
 */
struct transport {
	const char	*name;
	int		(*is_ready)(void *);			/* 0/1 */
	void		(*send)(void *, const struct sms_out *);
	int		 fallback;	/* only while no other one is ready */
};

/* One transport as the outbox sees it, for /metrics and status. */
struct outbox_tstat {
	char		 label[16];	/* modem, modem1, ..., kannel */
	int		 carrier;	/* enum carrier */
	int		 ready;		/* the link is up */
	int		 in_rotation;	/* ready and not held out */
	char		 why_out[64];	/* "" or why it is out of rotation */
	int		 queue;		/* messages handed over, not done */
	uint64_t	 sent;
	uint64_t	 failed;
	uint64_t	 onnet;		/* sent to its own carrier's numbers */
};

/* A growable write buffer, or a bounded reader (ipc.c). */
struct ibuf {
	unsigned char		*buf;
	const unsigned char	*rbuf;
	size_t			 len;
	size_t			 cap;
	size_t			 rpos;
};

/* Frame types between the main loop and the modem worker. */
enum ipc_type {
	IPC_RECV = 1,	/* worker -> main: an incoming SMS (struct sms_in) */
	IPC_STATE,	/* worker -> main: link state and last error */
	IPC_SENT,	/* worker -> main: outcome of an IPC_SEND */
	IPC_CONFIRM,	/* main -> worker: committed (delete) or not */
	IPC_SEND,	/* main -> worker: send an SMS */
	IPC_STOP,	/* main -> worker: finish and exit */
	IPC_DLR,	/* worker -> main: a delivery report */
	IPC_HEALTH,	/* worker -> main: signal, registration, operator */
	IPC_USSD,	/* worker -> main: the reply to the credit check */
	IPC_MAX
};
#define IPC_FRAME_MAX	(1024 * 1024)

/* Link states of the modem worker. */
enum modem_state {
	MODEM_S_DOWN = 0,	/* not connected, will retry */
	MODEM_S_CONNECTING,
	MODEM_S_UP,
	MODEM_S_STOPPED,
};

/* Outcome of a send. */
#define SEND_OK		0
#define SEND_TEMPFAIL	1	/* retry later */
#define SEND_PERMFAIL	2	/* give up */

/* One modem of the pool as the gateway knows it (server.c fills it). */
struct modem_status {
	char			 name[16];	/* modem, modem1, ... */
	int			 carrier;	/* enum carrier */
	int			 slot;		/* outbox transport, -1: no send */
	enum modem_state	 state;
	char			 detail[256];
	int			 signal_dbm;
	int			 signal_pct;	/* -1 unknown */
	int			 registration;
	char			 operator_name[96];
	long long		 credit;	/* VND, -1 unknown */
	char			 credit_valid[32];
	uint64_t		 received;
};

/* What the gateway knows of itself, for /healthz and /metrics (server.c). */
struct status {
	struct store		*store;
	enum modem_state	 modem_state;
	char			 modem_detail[256];
	uint64_t		 sms_in;
	uint64_t		 kannel_in;
	uint64_t		 ussd_in;
	uint64_t		 sms_dup;
	int			 kannel_up;
	int			 kannel_unreachable;	/* probe: port closed */
	int			 has_modem;
	int			 has_kannel;
	uint64_t		 store_errors;
	int			 store_errors_recent;	/* since last commit */
	char			 store_detail[96];	/* why, when failing */
	uint64_t		 escalations;
	uint64_t		 http_requests;
	int			 signal_dbm;
	int			 signal_pct;	/* -1 unknown */
	int			 registration;	/* GSM_NetworkInfo_State, 0 unknown */
	char			 operator_name[96];
	long long		 credit;	/* VND, -1 unknown */
	char			 credit_valid[32];
	char			 ussd_reply[256];
	/* The modems one by one (the fields above: the first, or any up). */
	struct modem_status	 modems[MODEM_MAX];
	int			 nmodems;
	struct outbox		*outbox;	/* per transport counts */
};

#define STORE_METRIC_CASES	1
#define STORE_METRIC_OUTBOX	2

/* Rows as the store takes and gives them (store.c). */
struct store_message {
	const char	*direction;	/* "in" or "out" */
	const char	*transport;
	int64_t		 reporter_id;
	int64_t		 contact_id;
	int64_t		 case_id;
	const char	*text;
	int		 flags;
	int		 concat_ref;
	int		 parts_total;
	int		 parts_have;
	int64_t		 smsc_time;
	int64_t		 created_at;
};

struct store_case {
	char		 code[8];	/* filled by store_case_add */
	const char	*category;
	int		 urgent;
	char		 school[16];
	const char	*matched;	/* JSON list */
	const char	*source;
	int64_t		 reporter_id;
	int64_t		 contact_id;	/* a registered sender */
	const char	*text;
	int64_t		 created_at;
	double		 confidence;	/* 0..1 (classify.h) */
};

struct store_caserow {
	int64_t		 id;
	char		 code[8];
	char		 status[16];
	char		 category[24];
	int		 urgent;
	char		 school[16];
	char		*matched;
	char		 source[16];
	char		*text;
	char		 alias[24];
	int64_t		 created_at;
	int64_t		 updated_at;
	int64_t		 reporter_id;
	int64_t		 contact_id;
	int64_t		 ack_contact_id;
	int		 esc_step;
	int64_t		 esc_at;	/* 0 when none */
	char		 outcome[256];
	char		 assigned[64];	/* a user's name; "" nobody */
	char		 excluded[16];	/* invalid, duplicate, merged; "" */
	char		 duplicate_of[8]; /* the other case's code; "" */
	int64_t		 shared_at;	/* shared with its commune; 0 not */
	double		 confidence;	/* 0..1; -1 unknown (before 010) */
	char		 triage[16];	/* untriaged, triaged */
};

/* A registered number (SPEC section 6). */
struct contact {
	int64_t		 id;
	char		 name[128];
	char		 phone[NUMBER_MAX];
	char		 role[24];	/* police, ..., commune_committee */
	char		 school[16];	/* "" when none */
	char		 commune[128];	/* "" for district-wide */
	int		 level;		/* escalation rung 1..3 */
	int		 has_pin;
	unsigned char	 pin_mac[32];
};

struct school {
	char		 code[16];
	char		 name[160];
	char		 commune[128];
	char		 level[8];
	char		 aliases[512];
};

/* What a handler is given for one incoming message, inside a transaction. */
struct msgctx {
	struct store		*store;
	const struct secret	*secret;
	const struct config	*conf;
	const struct sms_in	*sms;
	const char		*text;		/* the parts joined */
	int64_t			 message_id;
	int64_t			 reporter_id;	/* 0 for a registered contact */
	char			 alias[16];	/* the reporter's alias */
	int			 silent;	/* the reporter sent STOP */
	int			 is_contact;	/* a registered number */
	struct contact		 contact;
	struct smscmd		 cmd;		/* the text parsed */
	int64_t			 now;
	const struct classifier	*classifier;	/* NULL: none loaded */
	/* filled by the handler */
	char			 case_code[8];
};

/* Outbox priorities: lower goes first. */
#define PRIO_ALERT	0
#define PRIO_REPLY	10
#define PRIO_ACK	20
#define PRIO_NOTICE	25	/* the commune committee's notices */
#define PRIO_DIGEST	30
#define PRIO_BROADCAST	40	/* awareness messages: after everything */

struct store_outmsg {
	int64_t		 id;
	int64_t		 case_id;
	int64_t		 reporter_id;	/* a reporter: number sealed */
	const char	*number;	/* or a registered contact */
	int64_t		 contact_id;
	const char	*text;
	char		*owned;		/* text, from store_outbox_take */
	const char	*kind;		/* ack, help, alert, reply, operator */
	int		 priority;
	int		 charset;
	int		 attempts;
	int64_t		 created_at;
	char		 numbuf[NUMBER_MAX];	/* filled by store_outbox_take */
	char		 kindbuf[16];
};

/* modem.c: the only user of libGammu */
struct modem;
struct modem_cb {
	void	(*recv)(struct sms_in *, void *);
	void	(*sent)(int64_t, int, int, int, const char *, void *);
	void	(*parts)(int64_t, const int *, int, void *);	/* refs */
	void	(*state)(enum modem_state, const char *, void *);
	void	(*dlr)(int, int, void *);
	void	(*health)(int, int, int, const char *, void *);
	void	(*ussd)(const char *, void *);
	void	*arg;
};

/* kannel.c: the only file that knows Kannel's protocol */
struct kannel;

/* ussd.c: the USSD menu (SPEC section 9) */
#define USSD_SCREEN_MAX	182	/* characters on a USSD screen, with prefix */
#define USSD_DESC_MAX	480	/* bytes of a description */
enum ussd_kind {
	USSD_K_SCREEN = 0,	/* screen holds the next "CON "/"END " */
	USSD_K_REPORT,		/* complete: category, school, text, now */
	USSD_K_LOOKUP,		/* complete: code */
};
struct ussd_reply {
	enum ussd_kind	 kind;
	char		 screen[USSD_SCREEN_MAX * 2];
	const char	*category;
	char		 school[16];
	char		 description[USSD_DESC_MAX + 1];
	int		 now;
	char		 code[8];
};
struct ussd_sessions;
/*
 * What the menu's school step asks (ussd_step): known(code, name, size,
 * arg) says whether the directory has a school code (1 yes, 0 no, -1
 * cannot tell: taken as yes) and, when name is not NULL, writes its name;
 * the classifier (NULL: codes only) reads a school's name as typed.
 */
struct ussd_dir {
	const struct classifier	*classifier;
	int			(*known)(const char *, char *, size_t,
				    void *);
	void			*arg;
};

/* http.c: the only user of evhttp */
struct http;
struct ussd;
struct evhttp_request;
struct evbuffer;
typedef void (*http_handler)(void *, struct evhttp_request *);

/* form.c: x-www-form-urlencoded bodies and query strings */
#define FORM_F_UTF8	0x01	/* every key and value valid UTF-8, no NUL */
struct form_field {
	char		*key;
	char		*value;		/* NUL-terminated, may hold NULs */
	size_t		 len;		/* of value */
};
struct form {
	struct form_field *fields;
	size_t		 n;
};

/*
 * h_selfesc.c's replies to KC <CASE>.  Each is ONE SMS of GSM-7 (unaccented, at most 160 characters with a
 * 6-character code), names 113 and 111 and says the number is kept secret,
 * like the other replies to pupils (REPLY_*, tests/unit/test_triage.c).
 */
#define REPLY_KC_DONE	"Ho so %s da chuyen thanh KHAN CAP, can bo duoc bao " \
	"ngay. So cua em duoc giu bi mat. Nguy hiem ngay: goi 113 (cong an), " \
	"111 (bao ve tre em)."
#define REPLY_KC_ALREADY	"Ho so %s da la khan cap, can bo dang xu ly. So cua " \
	"em duoc giu bi mat. Nguy hiem ngay: goi 113 (cong an), 111 (bao ve " \
	"tre em)."
#define REPLY_KC_CLOSED	"Ho so %s da dong. Neu van con chuyen, hay nhan tin " \
	"bao moi. So cua em duoc giu bi mat. Goi 113 (cong an), 111 (bao ve " \
	"tre em)."
#define REPLY_KC_REFUSED	"Chi so da gui tin bao %s moi yeu cau khan cap " \
	"duoc. So cua em duoc giu bi mat. Nguy hiem ngay: goi 113 (cong an), " \
	"111."

/* triage.c: the triage net (SPEC section 7: nothing waits unseen) */
#define TRIAGE_NOTICE_MAX	160	/* one SMS of GSM-7 */
struct triage_item {
	char		 code[8];
	char		 category[24];
};

/* office.c: office hours, pure (SPEC section 3 [triage]) */
struct office_hours {
	int		 start;		/* minutes after local midnight */
	int		 end;		/* 1..1440; before start: over midnight */
	unsigned	 days;		/* bit n: struct tm's wday n */
};

/* caseact.c: the actions on a case, one rule each, for SMS, dashboard, API */
enum caseact_type {
	CASEACT_ACK,
	CASEACT_REPLY,
	CASEACT_CLOSE,
	CASEACT_ASSIGN,		/* the Bureau's desk (issue 17) from here */
	CASEACT_NOTE,
	CASEACT_TRIAGE,
	CASEACT_INVALID,
	CASEACT_MERGE,
	CASEACT_REOPEN,
	CASEACT_SHARE,		/* the text with the case's commune accounts */
	CASEACT_NTYPES
};
/* What became of an action; each door maps it to its own answer. */
enum caseact_result {
	CASEACT_ERROR = -1,	/* store error: nothing done */
	CASEACT_DONE = 0,
	CASEACT_ALREADY,	/* ack of an acknowledged case: recorded */
	CASEACT_CLOSED,		/* refused: the case is closed */
	CASEACT_NO_TEXT,	/* refused: no text (reply) or outcome (close) */
	CASEACT_BAD_TEXT,	/* refused: not UTF-8 */
	CASEACT_TOO_LONG,	/* refused: over the action's limits */
	CASEACT_NOBODY,		/* refused: a reply with nobody to answer */
	CASEACT_NOT_CLOSED,	/* refused: reopen of a case not closed */
	CASEACT_NO_USER,	/* refused: assign to no such active user */
	CASEACT_NO_CASE,	/* refused: the other case (merge, duplicate) */
	CASEACT_BAD_VALUE,	/* refused: triage's category, school, urgent */
};
#define CASEACT_REPLY_CHARS	500
#define CASEACT_REPLY_BYTES	1500	/* 500 characters of 3 bytes */
#define CASEACT_OUTCOME_CHARS	200
#define CASEACT_OUTCOME_BYTES	255	/* store_caserow.outcome */
#define CASEACT_NOTE_CHARS	2000
#define CASEACT_NOTE_BYTES	6000
/* One action: who, through which door, with what text. */
struct caseact {
	struct store		*store;
	const struct secret	*secret;
	const struct config	*conf;
	enum caseact_type	 type;
	const char		*actor;		/* user:N, token:N, ROLE:ID */
	int64_t			 contact_id;	/* an SMS command's; else 0 */
	const char		*addr;		/* client address; "" by SMS */
	const char		*text;		/* the reply, the outcome, the
						   note, the reason, the user
						   assigned, the case merged
						   into */
	const char		*other;		/* invalid: duplicate of */
	const char		*category;	/* triage; NULL: as it is */
	const char		*school;	/* triage; NULL as it is,
						   "none": no school */
	int			 urgent;	/* triage; -1: as it is */
	int64_t			 now;
};

/* store.c */
/* Which cases a list shows; NULL or -1 or 0: any. */
struct case_filter {
	const char	*status;
	const char	*category;
	const char	*school;	/* "": cases with no school */
	int		 urgent;	/* -1 any, 0, 1 */
	int64_t		 from;		/* created_at >= from */
	int64_t		 to;		/* created_at < to; 0: no bound */
	const char	*commune;	/* the school's commune */
	int		 level;		/* 0 any; else esc_step >= level */
	const char	*assigned;	/* a user's name; "": nobody */
	const char	*triage;	/* untriaged, triaged */
	const char	*text;		/* free text over report and notes */
	int		 offset;
	int		 limit;		/* 0: 50; -1: all */
	int		 oldest_first;
};
/* One line of a case's timeline (store_case_timeline). */
struct timeline_item {
	int64_t		 at;
	const char	*source;	/* event, in, out */
	const char	*type;		/* event type, transport or SMS kind */
	const char	*detail;	/* event detail or message text */
	const char	*status;	/* an SMS's state; "" for events */
	const char	*who;		/* sender or recipient; "" for events */
};

/* store_web.c */
struct web_user {
	int64_t		 id;
	char		 name[64];
	char		 role[16];	/* bureau, admin, commune */
	char		 pw_hash[128];	/* crypto_pwhash_STRBYTES */
	int		 disabled;
	char		 commune[128];	/* a commune account's; else "" */
};

/* store_api.c: API tokens and the whole directory */
struct api_token {
	int64_t		 id;
	char		 name[64];
	char		 role[16];	/* bureau, admin */
	int64_t		 created_at;
	int64_t		 used_at;	/* 0: never */
	int		 revoked;
};

/* store_triage.c: the triage table (sql/005_triage.sql) */
struct triage_row {
	int64_t		 case_id;
	char		 state[16];	/* untriaged, triaged */
	int64_t		 since;
	int64_t		 due_at;	/* 0: none */
	int64_t		 notified_at;	/* 0: not yet */
	char		 staff_accused[96];	/* "" no */
	char		 triaged_by[64];
	int64_t		 triaged_at;
	char		 how[16];
};

/* store_stats.c: counts for `tinbao stats` (no message text) */
#define STATS_BY_SCHOOL		0x01
#define STATS_BY_CATEGORY	0x02
#define STATS_BY_MONTH		0x04
struct stats_row {
	char		 school[16];	/* "" when none or not asked for */
	char		 category[64];	/* longer ones are cut */
	char		 month[8];	/* YYYY-MM, local time */
	int		 has_school;
	int		 has_category;
	int		 has_month;
	int64_t		 cases;
	int64_t		 urgent;
};

/* outbox.c */
struct outbox;

/*
 * What the dashboard (web*.c) and the API (api*.c) work with; server.c
 * fills it once and both keep a pointer.
 */
struct httpctx {
	struct event_base	*base;
	struct store		*store;
	const struct config	*conf;
	const struct secret	*secret;
	struct outbox		*outbox;	/* kick it after queueing */
	struct status		*status;
};

/* web.c: the Bureau's dashboard */
struct web;

/* api.c: the JSON API at /api/v1/ (SPEC section 9) */
#define API_TOKEN_PREFIX	"tb_"
#define API_TOKEN_LEN		(3 + 43)	/* prefix, 32 bytes base64url */
#define API_NAME_MAX		63
struct api;

/* casefilter.c: the case list's filters, for the dashboard and the API */
enum casefilter_bad {
	CASEFILTER_OK = 0,
	CASEFILTER_STATUS,
	CASEFILTER_CATEGORY,
	CASEFILTER_SCHOOL,
	CASEFILTER_URGENT,
	CASEFILTER_FROM,
	CASEFILTER_TO,
	CASEFILTER_RANGE,	/* from is after to */
	CASEFILTER_COMMUNE,
	CASEFILTER_LEVEL,
	CASEFILTER_ASSIGNED,
	CASEFILTER_TRIAGE,
	CASEFILTER_TEXT,
};
#define CASEFILTER_TEXT_MAX	200	/* bytes of q */

/* stats.c: the counts behind `tinbao stats`, the dashboard and the API */
#define STATS_NKEYS		3
#define STATS_HIDDEN		"x"	/* a hidden count */
struct stats_key {
	const char	*name;
	int		 bit;		/* STATS_BY_* */
};
/* The groups read from the store, sorted by the keys in the order asked. */
struct stats_set {
	struct stats_row	*rows;
	size_t			 n;
	size_t			 cap;
	int64_t			 total;
	const struct stats_key	*keys[STATS_NKEYS];
	int			 nkeys;
	int			 by;		/* STATS_BY_* of the keys */
	int64_t			 suppress;	/* hide counts below; 0 none */
	unsigned char		*hide;		/* 2 per row: cases, urgent */
	int			 mask;		/* keys compared by stats_cmp */
	const char		*commune;	/* only its schools; NULL all */
};
/*
 * Any table of counts to suppress: n rows of nkeys key values and ncols
 * counts, column 0 the cases and the others parts of them (stats.c).
 */
struct stats_grid {
	size_t		 n;
	int		 nkeys;
	int		 ncols;
	const char	*(*key)(const void *, size_t, int);	/* NULL: none */
	int64_t		 (*cell)(const void *, size_t, int);
	const void	*arg;
	int64_t		 suppress;	/* hide counts below; 0 none */
	unsigned char	*hide;		/* ncols per row, the caller frees */
	int		 mask;		/* keys compared while grouping */
};
struct json_t;

/* directory.c: schools and contacts, parsed, checked and written */
enum import_kind {
	IMPORT_SCHOOLS,
	IMPORT_CONTACTS,
};
struct import_entry {
	int		 line;		/* where its row began */
	struct school	 school;	/* IMPORT_SCHOOLS */
	struct contact	 contact;	/* IMPORT_CONTACTS: no pin_mac yet */
	char		 pin[9];	/* in clear until written, "" none */
};
struct import_file {
	enum import_kind	 kind;
	struct import_entry	*entries;	/* the valid rows */
	size_t			 n;
	int			 errors;
	/* one number in two roles: "number\trole (line), role (line)\n" */
	char			 two_roles[1024];
	int			 ntwo_roles;
};
/* One directory row, checked as the CSV import checks it. */
#define IMPORT_SCHOOL_FIELDS	5	/* code, name, commune, level, aliases */
#define IMPORT_CONTACT_FIELDS	7	/* name, phone, role, school, commune,
					   level, pin */

/* casecode.c */
#define CASECODE_ALPHABET	"ACDEFGHJKMNPQRTUVWXY34679"

/* sdnotify.c: systemd's READY/WATCHDOG/STOPPING datagrams */
struct sdnotify;

/* dirgap.c: a gap of the directory (SPEC section 6): shown by `tinbao
 * import`, the dashboard's directory page and /healthz, never an error. */
enum dirgap_kind {
	DIRGAP_NO_POLICE,	/* subject: commune; detail: its schools */
	DIRGAP_NO_PRINCIPAL,	/* subject: school code; detail: its name */
	DIRGAP_TWO_ROLES,	/* subject: number; detail: "role, role" */
};
struct dirgap {
	enum dirgap_kind kind;
	char		 subject[160];
	char		 detail[256];
};
/* meta key: "number\troles" lines of the last contacts import */
#define DIRGAP_META_TWO_ROLES	"directory_two_roles"

/* handlers/pinlock.c: wrong PINs, lockout (SPEC section 4) */
#define PINLOCK_FAILURES	5	/* wrong PINs ... */
#define PINLOCK_WINDOW		(15 * 60)	/* ... within this lock ... */
#define PINLOCK_TIME		(15 * 60)	/* ... for this long */
#define PINLOCK_ANSWERED	3	/* wrong PINs answered per window */

/* ---------------------------------------------------------- prototypes */

/* modem.c */
extern const struct transport modem_transport;
struct modem *modem_start(struct event_base *, const struct config *,
	    const struct modem_conf *, const struct modem_cb *);
const char *modem_name(const struct modem *);
void	 modem_confirm(struct modem *, uint64_t, int);
void	 modem_request_stop(struct modem *);
void	 modem_free(struct modem *, int);
int	 modem_watchdog(struct modem *);
const char *modem_state_name(enum modem_state);

/* ipc.c */
void	 ibuf_init(struct ibuf *);
void	 ibuf_free(struct ibuf *);
void	 ibuf_put_u32(struct ibuf *, uint32_t);
void	 ibuf_put_i64(struct ibuf *, int64_t);
void	 ibuf_put_str(struct ibuf *, const char *);
void	 ibuf_reader(struct ibuf *, const unsigned char *, size_t);
int	 ibuf_get_u32(struct ibuf *, uint32_t *);
int	 ibuf_get_i64(struct ibuf *, int64_t *);
int	 ibuf_get_str(struct ibuf *, char **, size_t);
int	 ibuf_get_strbuf(struct ibuf *, char *, size_t);
int	 ipc_write(int, uint32_t, const struct ibuf *);
int	 ipc_peek(const unsigned char *, size_t, uint32_t *, size_t *);
void	 ipc_pack_sms(struct ibuf *, const struct sms_in *);
int	 ipc_unpack_sms(struct ibuf *, struct sms_in *);
void	 sms_in_free(struct sms_in *);
char	*sms_in_text(const struct sms_in *);

/* kannel.c */
extern const struct transport kannel_transport;
struct kannel *kannel_new(struct event_base *, const struct config *,
	    struct router *, struct status *);
void	 kannel_free(struct kannel *);
void	 kannel_set_outbox(struct kannel *, struct outbox *);
void	 kannel_probe(struct kannel *);
int	 kannel_parse_mo(const char *, const unsigned char *, size_t,
	    struct sms_in *, const char **);
void	 kannel_serve(void *, struct evhttp_request *);

/* ussd.c */
int	 ussd_step(const char *, const struct ussd_dir *,
	    struct ussd_reply *);
int	 ussd_format_done(char *, size_t, const char *, const char *);
struct ussd_sessions *ussd_sessions_new(void);
void	 ussd_sessions_free(struct ussd_sessions *);
int	 ussd_request(struct ussd_sessions *, const char *, const char *,
	    time_t, const struct ussd_dir *, struct ussd_reply *);
void	 ussd_session_done(struct ussd_sessions *, const char *, const char *);
struct ussd *ussd_new(const struct config *, struct router *);
void	 ussd_free(struct ussd *);
void	 ussd_serve(void *, struct evhttp_request *);

/* http.c */
struct http *http_start(struct event_base *, const char *, struct status *);
void	 http_mount(struct http *, const char *, int, http_handler, void *);
void	 http_set_readers(struct http *, const char *, const char *);
void	 http_free(struct http *);
void	 http_reply_text(struct evhttp_request *, int, const char *,
	    struct evbuffer *);

/* httpconn.c: the listener's connections: cap, deadlines, accept back-off */
struct httpconn;
struct evhttp;
struct evhttp_bound_socket;
struct httpconn *httpconn_new(struct event_base *, struct evhttp *,
	    struct evhttp_bound_socket *);
void	 httpconn_request(struct httpconn *, struct evhttp_request *);
void	 httpconn_free(struct httpconn *);
void	 httpconn_client_addr(struct evhttp_request *, const char *, char *,
	    size_t);

/* form.c */
int	 form_parse(struct form *, const char *, size_t, size_t, size_t, int,
	    const char **);
int	 form_parse_str(struct form *, const char *, size_t, size_t, int,
	    const char **);
const char *form_get(const struct form *, const char *, size_t *);
size_t	 form_count(const struct form *, const char *);
int	 form_copy(const struct form *, const char *, char *, size_t);
void	 form_free(struct form *);
char	*form_utf16be_decode(const unsigned char *, size_t);

/* credit.c */
int	 credit_parse(const char *, long long *, char *, size_t);

/* carrier.c: Vietnamese prefixes -> carrier */
const char *carrier_name(int);
int	 carrier_from_name(const char *);
const struct carrier_table *carrier_table_default(void);
struct carrier_table *carrier_table_load(const char *, FILE *);
void	 carrier_table_free(struct carrier_table *);
int	 carrier_of(const struct carrier_table *, const char *);

/* router.c */
void	 router_init(struct router *, struct store *, const struct secret *,
	    const struct config *);
int	 router_receive(struct router *, const struct sms_in *, int64_t,
	    struct router_result *);
void	 router_tally(struct router *, const char *, int, int, int);

/* handlers/handlers.c */
extern const struct handler *handlers[];
const struct handler *handler_find(const struct msgctx *);
int	 handler_reply(struct msgctx *, int64_t, const char *, int,
	    const char *);
int	 handler_to_reporter(struct msgctx *, int64_t, int64_t, const char *,
	    int, const char *);
int	 handler_to_contact(struct msgctx *, const struct contact *, int64_t,
	    const char *, int, const char *);
int	 handler_is_responder(const struct msgctx *);
int	 handler_fit(char *, size_t, const char *, const char *, const char *,
	    size_t);
int	 handler_sms_parts(const char *);

/* handlers/smscmd.c */
enum smscmd_type smscmd_parse(const char *, struct smscmd *);

/* handlers/h_report.c */
extern const struct handler handler_report;

/* handlers/classification.c */
void	 report_classify(const struct msgctx *, struct classification *);
struct classifier *classification_load(struct store *);
void	 classification_free(struct classifier *);
int	 cmd_classify(struct config *, int, char **);

/* handlers/accused.c: does a report name school staff as the one who hurts */
int	 accused_is_staff(const char *, char *, size_t);

/* handlers/incident.c: one incident, one alert */
int	 incident_join(struct store *, const struct config *, int64_t,
	    const char *, const char *, int64_t);
int	 incident_updates(struct store *, const struct config *, int64_t);
int	 incident_split(struct store *, const struct config *, int64_t,
	    int64_t);

/* handlers/pinlock.c */
int	 pinlock_is_locked(struct msgctx *);
int	 pinlock_wrong(struct msgctx *, const char *);

/* handlers/h_staff.c: what registered numbers get when nothing else fits */
int	 staff_is_alerted(const struct msgctx *);
void	 staff_help(const struct msgctx *, const char *, char *, size_t);
int	 staff_reply_help(struct msgctx *, const char *);

/* handlers/route.c */
int	 route_alert(struct store *, const struct config *, int64_t, int,
	    int64_t);
int	 route_escalate(struct store *, const struct config *, int64_t);
int	 route_alarm(struct store *, const char *, int64_t);
int	 route_format_alert(char *, size_t, const struct store_caserow *,
	    const char *, const char *, int, int);

/* handlers/digest.c */
int	 route_digest(struct store *, const struct config *, int64_t);

/* triage.c */
int	 triage_check_hours(const char *, char *, size_t);
int	 triage_tick(struct store *, const struct config *, int64_t);
int	 triage_format_notice(char *, size_t, const struct triage_item *,
	    size_t, size_t);
int	 triage_make_urgent(struct store *, const struct config *,
	    const struct store_caserow *, const char *, int64_t);
int	 triage_case(struct store *, const struct config *,
	    const struct store_caserow *, const char *, int, const char *,
	    int64_t);

/* office.c */
int	 office_parse(const char *, struct office_hours *, char *, size_t);
int	 office_parse_daily(const char *, struct office_hours *, char *,
	    size_t);
int	 office_is_open(const struct office_hours *, int64_t);
int64_t	 office_closes(const struct office_hours *, int64_t);
int64_t	 office_add(const struct office_hours *, int64_t, int64_t);

/* caseact.c */
int	 caseact_find(const char *);
const char *caseact_name(enum caseact_type);
const char *caseact_result_str(int);
int	 caseact_check(enum caseact_type, const char *);
int	 caseact_apply(const struct caseact *, const struct store_caserow *);
int	 caseact_run(const struct caseact *, const struct store_caserow *);
const char *caseact_text_name(enum caseact_type);

/* store_desk.c: assignment, notes, exclusion, reopening, needs attention */
enum attention_part {
	ATTENTION_URGENT_UNACKED,
	ATTENTION_UNTRIAGED,
	ATTENTION_MINE,
	ATTENTION_NPARTS
};
int	 store_case_assign(struct store *, int64_t, const char *, int64_t);
int	 store_note_add(struct store *, int64_t, const char *, const char *,
	    int64_t);
int	 store_case_exclude(struct store *, int64_t, const char *, int64_t,
	    const char *, int64_t);
int	 store_case_reopen(struct store *, int64_t, int64_t);
int	 store_case_share(struct store *, int64_t, int64_t);
int	 store_case_commune(struct store *, int64_t, char *, size_t);
int	 store_attention(struct store *, const char *,
	    int (*)(int, const struct store_caserow *, void *), void *);
int	 store_attention_count(struct store *, const char *);
int	 store_fts_refresh(struct store *);
char	*store_fts_query(const char *);

/*
 * store.c: owns the SQLite connection (store*.c are the only SQLite users;
 * what they share is in store.h)
 */
struct store *store_open(const char *, int);
void	 store_close(struct store *);
int	 store_migrate(struct store *, int *, int *);
int	 store_check_version(struct store *);
int	 store_schema_version(void);
int	 store_begin(struct store *);
int	 store_commit(struct store *);
void	 store_rollback(struct store *);
int	 store_batch_begin(struct store *);
int	 store_batch_alive(struct store *);
int	 store_batch_commit(struct store *);
void	 store_batch_rollback(struct store *);
int64_t	 store_part_seen(struct store *, const unsigned char[32]);
int64_t	 store_reporter_get(struct store *, const struct secret *,
	    const char *, char *, size_t, int *);
int64_t	 store_reporter_lookup(struct store *, const struct secret *,
	    const char *, char *, size_t, int *);
int	 store_reporter_number(struct store *, const struct secret *, int64_t,
	    char *, size_t, char *, size_t, int *);
int64_t	 store_message_add(struct store *, const struct store_message *);
int64_t	 store_message_find_incomplete(struct store *, int64_t, int64_t, int,
	    int, int, int64_t);
int	 store_message_set_case(struct store *, int64_t, int64_t);
int	 store_message_get(struct store *, int64_t, int64_t *, int *, int *);
int	 store_part_add(struct store *, int64_t, int, const unsigned char[32],
	    const char *);
char	*store_message_rejoin(struct store *, int64_t, int64_t, int, int,
	    int *);
int64_t	 store_case_add(struct store *, struct store_case *);
int	 store_case_set_text(struct store *, int64_t, const char *, int64_t);
int	 store_case_set_class(struct store *, int64_t, const char *, int,
	    const char *, const char *, int64_t);
int	 store_case_set_confidence(struct store *, int64_t, double);
int	 store_event_add(struct store *, int64_t, int64_t, const char *,
	    const char *);
int64_t	 store_outbox_add(struct store *, const struct store_outmsg *);
int	 store_outbox_take(struct store *, int64_t, struct store_outmsg *);
int	 store_outbox_take_upto(struct store *, int64_t, int,
	    struct store_outmsg *);
int	 store_outbox_done(struct store *, int64_t, const char *, const char *,
	    int, int, int64_t);
int	 store_outbox_retry(struct store *, int64_t, const char *, int64_t);
int	 store_outbox_recover(struct store *, int64_t);
int	 store_outbox_recover_set(struct store *, const int64_t *, int);

/* store_parts.c: each part's reference, delivery reports per part */
int	 store_outbox_parts_add(struct store *, int64_t, const char *,
	    const int *, int, int64_t);
int	 store_outbox_part_delivery(struct store *, const char *, int, int,
	    int64_t *, int *, int *);

/* store_incident.c: incidents (sql/008_pool.sql) */
int64_t	 store_incident_find(struct store *, const char *, const char *,
	    int64_t, int64_t);
int	 store_incident_join(struct store *, int64_t, int64_t);
int	 store_incident_split(struct store *, int64_t, int64_t *);
int	 store_incident_due(struct store *, int64_t,
	    int (*)(int64_t, int, void *), void *);
int	 store_incident_told(struct store *, int64_t, int64_t);
int	 store_incident_alerted(struct store *, int64_t,
	    int (*)(const struct contact *, void *), void *);
int	 store_outbox_pending(struct store *);
int	 store_case_get(struct store *, const char *, struct store_caserow *);
int	 store_contact_by_phone(struct store *, const char *, struct contact *);
int	 store_contact_by_id(struct store *, int64_t, struct contact *);
int	 store_case_by_id(struct store *, int64_t, struct store_caserow *);
int	 store_case_ack(struct store *, int64_t, int64_t, int64_t);
int	 store_case_close(struct store *, int64_t, const char *, int64_t,
	    int64_t);
int	 store_case_set_esc(struct store *, int64_t, int, int64_t);
int	 store_case_esc_advance(struct store *, int64_t, int, int, int64_t);
int	 store_case_esc_due(struct store *, int64_t, int64_t *, int);
int64_t	 store_case_recent(struct store *, int64_t, const char *, int64_t);
int	 store_reporter_take(struct store *, int64_t, int64_t, double, double);
int	 store_reporter_set_silent(struct store *, int64_t, int);
int	 store_route_recipients(struct store *, int, const char *,
	    const char *, int, int (*)(const struct contact *, void *), void *);
int	 store_case_alerted(struct store *, int64_t, const char *,
	    int (*)(const struct contact *, void *), void *);
int64_t	 store_outbox_delivery(struct store *, int, int, const char *,
	    int64_t, int64_t *);
int64_t	 store_outbox_delivery_id(struct store *, int64_t, int, const char *,
	    int64_t, int64_t *);
int	 store_meta_get(struct store *, const char *, char *, size_t);
int	 store_meta_set(struct store *, const char *, const char *);
int	 store_contacts_by_role(struct store *, const char *, int,
	    int (*)(const struct contact *, void *), void *);
int	 store_digest_cases(struct store *, int64_t, const char *,
	    int (*)(const char *, const char *, void *), void *);
int	 store_purge_numbers(struct store *, int64_t);
int	 store_backup(struct store *, const char *);
int	 store_metric_groups(struct store *, int, int (*)(const char *,
	    const char *, int64_t, void *), void *);
int	 store_contact_upsert(struct store *, const struct contact *, int64_t);
int	 store_school_upsert(struct store *, const struct school *);
int	 store_school_get(struct store *, const char *, struct school *);
int	 store_keyword_list(struct store *, int (*)(const char *,
	    const char *, double, const char *, void *), void *);
int	 store_school_list(struct store *,
	    int (*)(const struct school *, void *), void *);
void	 store_caserow_free(struct store_caserow *);
int	 store_case_list(struct store *, const char *, int64_t,
	    int (*)(const struct store_caserow *, void *), void *);
int	 store_case_search(struct store *, const struct case_filter *,
	    int (*)(const struct store_caserow *, void *), void *, int64_t *);
int	 store_case_timeline(struct store *, int64_t,
	    int (*)(const struct timeline_item *, void *), void *);
int	 store_event_list(struct store *, int64_t,
	    int (*)(int64_t, const char *, const char *, void *), void *);

/* store_fault.c: the start-up check, retry now after an outage */
int	 store_check_start(struct store *, const char *);
int	 store_outbox_retry_now(struct store *, int64_t);

/* store_web.c: the audit log, dashboard users and sessions */
int	 store_audit(struct store *, const char *, const char *, int64_t,
	    const char *, const char *);
int	 store_user_set_commune(struct store *, const char *, const char *);
int	 store_user_put(struct store *, const char *, const char *,
	    const char *, int, int64_t);
int	 store_user_get(struct store *, const char *, struct web_user *);
int	 store_session_add(struct store *, const unsigned char[32], int64_t,
	    const char *, int64_t, int64_t);
int	 store_session_get(struct store *, const unsigned char[32], int64_t,
	    struct web_user *, char *, size_t, int64_t *, int64_t *);
int	 store_session_touch(struct store *, const unsigned char[32], int64_t,
	    int64_t);
int	 store_session_end(struct store *, const unsigned char *, int64_t);
int	 store_user_sessions_end(struct store *, const char *);
int	 store_user_set_disabled(struct store *, const char *, int);
int	 store_user_list(struct store *, int64_t, int (*)(const char *,
	    const char *, int, int64_t, int, void *), void *);
int	 store_audit_list(struct store *, int, int, int (*)(int64_t,
	    const char *, const char *, const char *, const char *,
	    const char *, void *), void *);

/* store_api.c */
int	 store_token_add(struct store *, const char *, const char *,
	    const unsigned char[32], int64_t);
int	 store_token_find(struct store *, const unsigned char[32],
	    struct api_token *);
int	 store_token_used(struct store *, int64_t, int64_t);
int	 store_token_revoke(struct store *, const char *, int *);
int	 store_token_list(struct store *,
	    int (*)(const struct api_token *, void *), void *);
int	 store_contact_list(struct store *,
	    int (*)(const struct contact *, void *), void *);

/* store_triage.c */
int	 store_triage_get(struct store *, int64_t, struct triage_row *);
int	 store_triage_unchecked(struct store *, int64_t *, int);
int	 store_triage_set_checked(struct store *, int64_t, const char *,
	    int64_t);
int	 store_triage_due(struct store *, int64_t, int64_t *, int);
int	 store_triage_clear_due(struct store *, int64_t);
int	 store_triage_pending(struct store *, struct triage_item *, int,
	    int *);
int	 store_triage_set_notified(struct store *, const char *, int64_t);
int	 store_triage_set(struct store *, int64_t, const char *, const char *,
	    const struct store_caserow *, const char *, int, int64_t);
int	 store_triage_queue(struct store *, int (*)(const struct
	    store_caserow *, const struct triage_row *, void *), void *);

/* store_responders.c: PIN lockout, alerted contacts, directory gaps */
int	 store_pin_failure_add(struct store *, int64_t, int64_t, int);
int	 store_pin_failures(struct store *, int64_t, int64_t, int *);
int	 store_pin_lock(struct store *, int64_t, int64_t, int64_t);
int64_t	 store_pin_locked_until(struct store *, int64_t, int64_t);
int	 store_contact_alerted(struct store *, int64_t, int64_t);
int	 store_contact_sent_since(struct store *, int64_t, const char *,
	    int64_t);
int	 store_commune_police(struct store *, const char *, int);
int	 store_directory_gaps(struct store *,
	    int (*)(const struct dirgap *, void *), void *);

/* store_stats.c */
int	 store_stats_groups(struct store *, int64_t, int64_t, int, const char *,
	    int (*)(const struct stats_row *, void *), void *);

/* build/sqlgen.c (generated from sql/) */
extern const struct migration migrations[];
extern const size_t nmigrations;

/* outbox.c */
struct outbox *outbox_new(struct event_base *, struct store *,
	    const struct secret *, int);
void	 outbox_delivery(struct outbox *, int, int);
void	 outbox_delivery_on(struct outbox *, const char *, int, int);
void	 outbox_parts(struct outbox *, int64_t, const char *, const int *,
	    int);
void	 outbox_delivery_id(struct outbox *, int64_t, int, int);
void	 outbox_free(struct outbox *);
int	 outbox_add_transport(struct outbox *, const struct transport *,
	    void *);
void	 outbox_set_label(struct outbox *, int, const char *, int);
void	 outbox_set_carriers(struct outbox *, const struct carrier_table *);
void	 outbox_hold(struct outbox *, int, const char *);
int	 outbox_ntransports(const struct outbox *);
int	 outbox_tstat(struct outbox *, int, struct outbox_tstat *);
void	 outbox_stop(struct outbox *);
int64_t	 outbox_inflight(const struct outbox *);
int	 outbox_recover(struct outbox *);
void	 outbox_kick(struct outbox *);
void	 outbox_received(struct outbox *);
void	 outbox_sent(struct outbox *, int64_t, int, int, int, const char *);

/* web.c */
struct web *web_new(struct httpctx *);
void	 web_serve(void *, struct evhttp_request *);
void	 web_free(struct web *);

/* api.c */
struct api *api_new(struct httpctx *);
void	 api_serve(void *, struct evhttp_request *);
void	 api_free(struct api *);
void	 api_token_hash(const struct secret *, const char *,
	    unsigned char[32]);
int	 api_token_is_wellformed(const char *);
int	 api_name_is_valid(const char *);
size_t	 api_b64url(const unsigned char *, size_t, char *, size_t);
const char *api_bearer(const char *);
int	 api_json_depth(const char *, size_t);

/* cases.c: a case as JSON (the CLI's --json and the API) */
/* json_dumps flag (jansson.h): a confidence of 0.57 printed 0.57 */
#define CASE_JSON_REAL	JSON_REAL_PRECISION(6)
struct json_t *case_json(const struct store_caserow *);
struct json_t *json_text(const char *);

/* casefilter.c */
int	 casefilter_parse(struct case_filter *,
	    const char *(*)(void *, const char *), void *);

/* stats.c */
extern const struct stats_key stats_keys[STATS_NKEYS];
int	 stats_parse_day(const char *, int64_t *, int64_t *);
int	 stats_parse_by(const char *, struct stats_set *);
int	 stats_parse_suppress(const char *, int64_t *);
void	 stats_init(struct stats_set *);
int	 stats_load(struct stats_set *, struct store *, int64_t, int64_t);
void	 stats_free(struct stats_set *);
const char *stats_value(const struct stats_row *, const struct stats_key *);
int64_t	 stats_cell(const struct stats_set *, size_t, int);
int	 stats_is_hidden(const struct stats_set *, size_t, int);
void	 stats_count(const struct stats_set *, size_t, int, char *, size_t);
size_t	 stats_width(const char *);
void	 stats_write_csv(const struct stats_set *, FILE *);
struct json_t *stats_json(const struct stats_set *);
void	 stats_grid_suppress(struct stats_grid *);

/* dirgap.c */
void	 dirgap_format(const struct dirgap *, char *, size_t);

/* directory.c */
int	 import_parse(enum import_kind, const char *, size_t,
	    void (*)(void *, int, const char *), void *, struct import_file *);
void	 import_file_free(struct import_file *);
int	 import_store(struct store *, const struct secret *,
	    struct import_file *, int, void (*)(void *, int, const char *),
	    void *);
int	 import_school_row(struct store *, char *[IMPORT_SCHOOL_FIELDS],
	    char *, size_t);
int	 import_contact_row(struct store *, const struct secret *,
	    char *[IMPORT_CONTACT_FIELDS], char *, size_t);

/* server.c */
int	 server_run(struct config *);

/* pool.c: the SIM pool, modem by modem, for /healthz, /metrics, the page */
void	 pool_health(const struct status *, struct evbuffer *);
void	 pool_metrics(const struct status *, struct evbuffer *);
int	 pool_modem_stat(const struct status *, int, struct outbox_tstat *);

/* cmd_db.c */
int	 cmd_db(struct config *, int, char **);
int	 cmd_purge(struct config *, int, char **);
int	 cmd_backup(struct config *, int, char **);

/* cmd_cases.c */
int	 cmd_reports(struct config *, int, char **);
int	 cmd_show(struct config *, int, char **);
int	 cmd_send(struct config *, int, char **);

/* cmd_inject.c */
int	 cmd_inject(struct config *, int, char **);

/* cmd_import.c */
int	 cmd_import(struct config *, int, char **);

/* cmd_setup.c */
int	 cmd_setup(struct config *, int, char **);

/* audit.c: refusals aggregated per source and minute */
struct audit;
struct audit *audit_new(struct event_base *, struct store *);
int	 audit_refusal(struct audit *, const char *, const char *,
	    const char *, const char *, int64_t);
void	 audit_flush(struct audit *, int64_t);
void	 audit_free(struct audit *);

/* secretfile.c: secret files and the database, refused when open to others */
int	 secretfile_read(const char *, const char *, char *, size_t);
int	 secretfile_check_db(const char *);

/* pwcheck.c: Argon2id checks on worker threads */
#define PWCHECK_OK	0
#define PWCHECK_WRONG	1
#define PWCHECK_GONE	2	/* shutting down: the request is gone */
struct pwcheck;
typedef void (*pwcheck_cb)(int, void *);
struct pwcheck *pwcheck_new(struct event_base *);
int	 pwcheck_submit(struct pwcheck *, const char *, const char *,
	    pwcheck_cb, void *);
void	 pwcheck_free(struct pwcheck *);

/* authlimit.c: the login throttle */
struct authlimit;
struct authlimit *authlimit_new(void);
int	 authlimit_blocked(struct authlimit *, const char *, int,
	    const char *, int64_t);
void	 authlimit_failed(struct authlimit *, const char *, int, const char *,
	    int64_t);
void	 authlimit_free(struct authlimit *);

/* cmd_user.c */
int	 cmd_user(struct config *, int, char **);
int	 user_password_ok(const char *);

/* cmd_token.c */
int	 cmd_token(struct config *, int, char **);

/* cmd_status.c */
int	 cmd_status(struct config *, int, char **);

/* ---- the reporting regime (SPEC section 11): report.c, report_xlsx.c,
 * store_report.c, store_plans.c, plans.c, store_broadcast.c, broadcast.c,
 * handlers/commune.c, cmd_report.c */
/* store_plans.c, plans.c: the schools' plans and models */
struct plan {
	char		 school[16];
	char		 name[128];
	char		 commune[128];
	char		 year[10];	/* "2025-2026" */
	int64_t		 received_at;	/* 0: not received */
	char		 form[256];	/* the form of awareness work */
	char		 models[64];	/* camera,gate,zalo,custom */
	char		 other[256];	/* the custom model, named */
	int64_t		 reminded_at;	/* 0: never */
};

/* store_report.c: the cases behind `tinbao report` (no text, no number) */
struct report_case {
	char		 school[16];	/* "" when none */
	char		 school_name[128];
	char		 commune[128];	/* the school's; "" when none */
	char		 category[32];
	int		 urgent;
	int		 acked;		/* acknowledged, or closed */
	int		 closed;
	int64_t		 created_at;
	int64_t		 ack_at;	/* first acknowledgement, 0 none */
};
int	 store_report_cases(struct store *, int64_t, int64_t,
	    int (*)(const struct report_case *, void *), void *);
int	 store_report_schools(struct store *,
	    int (*)(const char *, const char *, const char *, void *), void *);
int	 store_commune_cases(struct store *, const char *, int64_t, int64_t,
	    int (*)(const char *, const char *, const char *, void *), void *);

/* handlers/commune.c: the commune People's Committee's notices */
int	 commune_notice_urgent(struct store *, const struct config *, int64_t,
	    int64_t);
int	 commune_tick(struct store *, const struct config *, int64_t);

/* report.c: the periodic report upward (SPEC section 11) */
#define REPORT_NCOLS	4	/* cases, urgent, acknowledged, closed */
enum report_kind {
	REPORT_BY_CATEGORY = 0,
	REPORT_BY_COMMUNE,
	REPORT_BY_SCHOOL,
	REPORT_BY_SCHOOL_CATEGORY,
	REPORT_NSECTIONS,
};
struct report_row {
	char		 key[128];	/* category code, commune, school code */
	char		 key2[32];	/* the category, in school x category */
	char		 name[192];	/* what the reader sees */
	char		 commune[128];	/* a school's commune */
	int64_t		 n[REPORT_NCOLS];
	int64_t		 prev;		/* cases in the previous period */
	int64_t		*delays;	/* seconds to the first NHAN */
	size_t		 ndelays, capdelays;
	int64_t		 median;	/* -1: nothing acknowledged */
};
struct report_table {
	struct report_row	*rows;
	size_t			 n, cap;
	unsigned char		*hide;		/* REPORT_NCOLS per row */
	unsigned char		*hide_prev;	/* ncols 1 per row */
};
struct report {
	char			 district[128];
	char			 period[64];	/* "Tháng 01/2026", ... */
	char			 from[11], to[11];	/* YYYY-MM-DD, both in */
	char			 prev_from[11], prev_to[11];
	char			 date[11];	/* the report's date */
	int64_t			 t_from, t_to, p_from, p_to;	/* [from, to) */
	int64_t			 suppress;
	struct report_row	 total;		/* district-wide, never hidden */
	struct report_table	 sec[REPORT_NSECTIONS];
	char			 plans_year[10];	/* of the period's end */
	int64_t			 plans_deadline;	/* first second late */
	struct plan		*plans;		/* every school's, by code */
	size_t			 nplans, capplans;
};
#define REPORT_NSHOWN	7	/* the counts, median, previous, change */
extern const char report_css[];
extern const char *const report_cols[REPORT_NSHOWN];
int	 report_nlead(enum report_kind);
const char *report_lead_header(enum report_kind, int);
const char *report_lead(enum report_kind, const struct report_row *, int);
void	 report_dmy(const char *, char *, size_t);
int	 report_check_mmdd(const char *, char *, size_t);
int	 report_period(const struct config *, const char *, const char *,
	    const char *, struct report *, char *, size_t);
int	 report_load(struct report *, struct store *);
void	 report_free(struct report *);
const char *report_section_title(enum report_kind);
void	 report_cell(const struct report *, enum report_kind, size_t, int,
	    char *, size_t);
void	 report_write_csv(const struct report *, FILE *);
void	 report_write_html(const struct report *, FILE *, int);
#define REPORT_PLAN_COLS	6
extern const char *const report_plan_cols[REPORT_PLAN_COLS];
void	 report_plan_cell(const struct report *, size_t, int, char *, size_t);

/* store_broadcast.c, broadcast.c: awareness messages (SPEC section 11) */
struct broadcast {
	int64_t		 id;
	const char	*target;	/* group:G, role:R, role:R/commune */
	const char	*text;
	int		 recipients;
	int		 skipped;	/* numbers that sent STOP */
	int		 parts;		/* SMS per message */
	int64_t		 send_at;
	const char	*created_by;
	int64_t		 created_at;
	const char	*status;	/* pending, queued, rejected */
	const char	*approved_by;	/* NULL: none (the CLI's) */
	const char	*group;		/* what the recipients are from */
	const char	*role;
	const char	*commune;
};
int	 store_broadcast_get(struct store *, int64_t,
	    int (*)(const struct broadcast *, const int64_t[4], void *),
	    void *);
int	 store_broadcast_decide(struct store *, int64_t, const char *,
	    const char *, const struct broadcast *);
int	 store_group_clear(struct store *, const char *);
int	 store_group_add(struct store *, const char *, const char *,
	    const char *);
int	 store_group_members(struct store *, const char *,
	    int (*)(const char *, void *), void *);
int64_t	 store_broadcast_add(struct store *, const struct broadcast *);
int	 store_broadcast_link(struct store *, int64_t, int64_t, int64_t);
int	 store_broadcast_list(struct store *, int (*)(const struct broadcast *,
	    const int64_t[4], void *), void *);
int	 store_broadcast_defer(struct store *, int64_t);
int	 store_broadcast_cancel(struct store *, const char *);
struct broadcast_plan {
	char		**phones;	/* recipients, STOP numbers left out */
	size_t		 n, cap;
	int		 skipped;
};
int	 broadcast_check_quiet(const char *, char *, size_t);
int64_t	 broadcast_quiet_end(const char *, int64_t);
int	 broadcast_template(const char *, const char *, char *, size_t);
void	 broadcast_templates_print(FILE *, const char *);
const char *broadcast_template_name(size_t);
int	 broadcast_import_groups(struct store *, const char *, size_t,
	    void (*)(void *, int, const char *), void *);
int	 broadcast_plan(struct store *, const struct secret *, const char *,
	    const char *, const char *, struct broadcast_plan *);
void	 broadcast_plan_free(struct broadcast_plan *);
int64_t	 broadcast_queue(struct store *, struct broadcast *,
	    const struct broadcast_plan *);
int	 broadcast_tick(struct store *, const struct config *, int64_t);
int	 broadcast_stop(struct store *, const char *);
int	 cmd_broadcast(struct config *, int, char **);
int	 cmd_import_groups(struct config *, const char *);

int	 store_plans_list(struct store *, const char *,
	    int (*)(const struct plan *, void *), void *);
int	 store_plan_set(struct store *, const struct plan *, int64_t);
int	 store_plan_reminded(struct store *, const char *, const char *,
	    int64_t);
int	 plans_year(int64_t, char *, size_t);
int64_t	 plans_deadline(const struct config *, const char *);
int	 plans_is_late(const struct config *, const struct plan *, int64_t);
const char *plans_model_vi(const char *);
extern const char *const plans_model_codes[];
int	 plans_tick(struct store *, const struct config *, int64_t);
int	 cmd_plan(struct config *, int, char **);

/* report_xlsx.c: the report as a workbook (libxlsxwriter) */
int	 report_write_xlsx(const struct report *, const char *);

/* cmd_report.c */
int	 cmd_report(struct config *, int, char **);

/* cmd_stats.c */
int	 cmd_stats(struct config *, int, char **);

/* cmd_triage.c */
int	 cmd_triage(struct config *, int, char **);

/* cmd_incident.c */
int	 cmd_incident(struct config *, int, char **);

/* config.c */
int	 config_load(const char *, struct config *, FILE *);
void	 config_free(struct config *);
int	 config_parse_duration(const char *, int *);
const char *config_default_path(void);

/* log.c */
void	log_init(int, const char *);
void	log_setverbose(int);
size_t	log_escape(char *, size_t, const char *);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

/* xmalloc.c */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
size_t	 strlcpy_checked(char *, const char *, size_t);

/* text.c */
char	*utf8_sanitize(const char *, size_t);
int	 utf8_is_valid(const char *, size_t);
size_t	 utf8_to_utf16be(const char *, unsigned char *, size_t);
int	 text_is_blank(const char *);
size_t	 text_unaccent(const char *, char *, size_t, int);
void	 text_gsm7_safe(char *);
void	 time_iso8601(int64_t, char *, size_t);
int64_t	 time_schedule(int64_t);

/* crypto.c */
int	 secret_init(void);
int	 secret_create(const char *);
int	 secret_load(const char *, struct secret *);
int	 number_seal(const struct secret *, const char *, unsigned char **,
	    size_t *);
int	 number_open(const struct secret *, const unsigned char *, size_t,
	    char *, size_t);
void	 number_hash(const struct secret *, const char *, unsigned char[32]);
void	 number_alias(const unsigned char[32], char *, size_t);
void	 secret_mac(const struct secret *, const void *, size_t,
	    unsigned char[32]);
void	 pin_mac(const struct secret *, const char *, const char *,
	    unsigned char[32]);
int	 pin_check(const struct secret *, const char *, const char *,
	    const unsigned char[32]);

/* phone.c */
int	 phone_normalize(const char *, char *, size_t);
int	 phone_is_number(const char *);

/* casecode.c */
int	 casecode_generate(char *, size_t, int);
int	 casecode_is_valid(const char *);
int	 casecode_normalize(const char *, char *, size_t);

/* sdnotify.c */
struct sdnotify *sdnotify_open(void);
int	 sdnotify_send(struct sdnotify *, const char *);
unsigned long long sdnotify_watchdog_usec(void);
void	 sdnotify_close(struct sdnotify *);

/* crashpoint.c */
void	 crashpoint(const char *);

#endif /* TINBAO_H */
