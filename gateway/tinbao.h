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
struct store;
struct classifier;

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
	int		 log_verbose;		/* 0 info, 1 debug */

	/* [http] */
	char		*http_listen;

	/* [kannel] */
	int		 has_kannel;
	char		*kannel_sendsms_url;
	char		*kannel_username;
	char		*kannel_password_file;
	char		*kannel_from;
	char		*kannel_dlr_url;

	/* [ussd] */
	char		*ussd_secret_file;

	/* [escalation] */
	int		 ack_timeout;		/* seconds */
};

/* The reporter-privacy keys, derived from the key file (crypto.c). */
struct secret {
	unsigned char	 enc[32];	/* secretbox key for numbers */
	unsigned char	 mac[32];	/* keyed hash of numbers and dedup keys */
};

/* One physical part of an incoming SMS, as the modem gave it. */
struct sms_part {
	int		 partno;	/* 1-based; 1 for a single SMS */
	char		*text;		/* valid UTF-8, NUL-terminated */
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
	int64_t			 now;
	/* filled by the handler */
	char			 case_code[8];
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

/* ---------------------------------------------------------- prototypes */

/* build/sqlgen.c (generated from sql/) */
extern const struct migration migrations[];
extern const size_t nmigrations;

/* log.c */
void	log_init(int, const char *);
void	log_setverbose(int);
int	log_getverbose(void);
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

/* config.c */
int	 config_load(const char *, struct config *, FILE *);
void	 config_free(struct config *);
int	 config_parse_duration(const char *, int *);
const char *config_default_path(void);

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

/* phone.c */
int	 phone_normalize(const char *, char *, size_t);
int	 phone_is_number(const char *);

/* casecode.c */
#define CASECODE_ALPHABET	"ACDEFGHJKMNPQRTUVWXY34679"
int	 casecode_generate(char *, size_t, int);
int	 casecode_is_valid(const char *);
int	 casecode_normalize(const char *, char *, size_t);

/* text.c */
char	*utf8_sanitize(const char *, size_t);
int	 utf8_is_valid(const char *, size_t);
size_t	 utf8_to_utf16be(const char *, unsigned char *, size_t);
int	 text_is_blank(const char *);

/* crashpoint.c */
void	 crashpoint(const char *);

/* store.c: owns the SQLite connection (store*.c are the only SQLite users) */
struct store *store_open(const char *, int);
void	 store_close(struct store *);
int	 store_migrate(struct store *, int *, int *);
int	 store_check_version(struct store *);
int	 store_schema_version(void);
void	*store_sqlite(struct store *);
int	 store_begin(struct store *);
int	 store_commit(struct store *);
void	 store_rollback(struct store *);

/* handlers/handlers.c */
extern const struct handler *handlers[];
const struct handler *handler_find(const struct msgctx *);

#endif /* TINBAO_H */
