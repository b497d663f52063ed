/*
 * tinbao: unit tests for config.c.
 *
 * Each test writes a configuration into a temporary file under /tmp (removed
 * afterwards), loads it with the problems captured through open_memstream,
 * and compares the values or the exact error lines.  In expected error text
 * "@" stands for the temporary file's path.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tinbao.h"

#define TINBAO_MIN	"[tinbao]\ndatabase = db\nkeyfile = key\n"

static void	 write_file(const char *, const char *, size_t);
static int	 load_len(const char *, size_t, struct config *, char **,
		    char *, size_t);
static int	 load(const char *, struct config *, char **, char *, size_t);
static char	*subst(const char *, const char *);
static void	 expect_errors(const char *, const char *);
static void	 expect_ok(const char *, struct config *);

/* Writes len bytes of text to path, or fails the test. */
static void
write_file(const char *path, const char *text, size_t len)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Loads len bytes of text from a new temporary file; fills its path. */
static int
load_len(const char *text, size_t len, struct config *conf, char **errs,
    char *path, size_t pathlen)
{
	FILE	*ef;
	size_t	 errlen;
	int	 fd, rc;

	assert_true(strlcpy_checked(path, "/tmp/tinbao-test-XXXXXX",
	    pathlen) < pathlen);
	assert_true((fd = mkstemp(path)) != -1);
	close(fd);
	write_file(path, text, len);
	assert_non_null(ef = open_memstream(errs, &errlen));
	rc = config_load(path, conf, ef);
	assert_int_equal(fclose(ef), 0);
	assert_int_equal(unlink(path), 0);
	return (rc);
}

/* Loads a NUL-terminated text; see load_len(). */
static int
load(const char *text, struct config *conf, char **errs, char *path,
    size_t pathlen)
{
	return (load_len(text, strlen(text), conf, errs, path, pathlen));
}

/* Returns a copy of tmpl with each "@" replaced by path. */
static char *
subst(const char *tmpl, const char *path)
{
	char		*out;
	size_t		 n = 0, len = strlen(tmpl) + 1;
	const char	*p;

	for (p = tmpl; *p != '\0'; p++)
		if (*p == '@')
			len += strlen(path);
	out = xmalloc(len);
	for (p = tmpl; *p != '\0'; p++) {
		if (*p == '@') {
			memcpy(out + n, path, strlen(path));
			n += strlen(path);
		} else
			out[n++] = *p;
	}
	out[n] = '\0';
	return (out);
}

/* Loads text, expects failure with exactly the expected error lines. */
static void
expect_errors(const char *text, const char *expected)
{
	struct config	 conf;
	char		 path[64], *errs, *want;

	assert_int_equal(load(text, &conf, &errs, path, sizeof(path)), -1);
	want = subst(expected, path);
	assert_string_equal(errs, want);
	/* a failed load leaves nothing behind */
	assert_null(conf.path);
	assert_null(conf.database);
	free(want);
	free(errs);
}

/* Loads text and expects success with no output. */
static void
expect_ok(const char *text, struct config *conf)
{
	char	 path[64], *errs;

	assert_int_equal(load(text, conf, &errs, path, sizeof(path)), 0);
	assert_string_equal(errs, "");
	free(errs);
}

/* SPEC section 3's example, every section, with its trailing comments. */
static void
test_spec_example(void **state)
{
	struct config	 conf;

	(void)state;
	expect_ok(
	    "[gammu]\n"
	    "device = /dev/serial/by-id/usb-HUAWEI_E3531-if00-port0\n"
	    "connection = at\n"
	    "; model = dummy + connection = none + device = DIR  -> the "
	    "simulated phone\n"
	    "\n"
	    "[tinbao]\n"
	    "database = /var/lib/tinbao/tinbao.db\n"
	    "keyfile  = /var/lib/tinbao/secret.key\n"
	    "district = Thủ Thừa\n"
	    "; outgoing SMS alphabet: auto (GSM-7 when the text allows it), "
	    "gsm7 (fold\n"
	    "; Vietnamese to unaccented letters), ucs2\n"
	    "alert_charset = gsm7\n"
	    "\n"
	    "[http]\n"
	    "listen = 127.0.0.1:8080\n"
	    "\n"
	    "[kannel]                      ; optional second transport\n"
	    "sendsms_url = http://127.0.0.1:13013/cgi-bin/sendsms\n"
	    "username = tinbao\n"
	    "password_file = /etc/tinbao/kannel.pass\n"
	    "from = 9999                   ; sender number or short code for "
	    "outgoing SMS\n"
	    "dlr_url = http://127.0.0.1:8080/kannel/dlr   ; how Kannel "
	    "reaches tinbao back\n"
	    "\n"
	    "[ussd]\n"
	    "secret_file = /etc/tinbao/ussd.secret   ; the aggregator must "
	    "present it\n"
	    "\n"
	    "[escalation]\n"
	    "ack_timeout = 10m\n", &conf);

	assert_true(conf.path[0] == '/');
	assert_string_equal(conf.dir, "/tmp");
	assert_int_equal(conf.has_gammu, 1);
	assert_string_equal(conf.gammu_device,
	    "/dev/serial/by-id/usb-HUAWEI_E3531-if00-port0");
	assert_string_equal(conf.gammu_connection, "at");
	assert_null(conf.gammu_model);
	assert_string_equal(conf.database, "/var/lib/tinbao/tinbao.db");
	assert_string_equal(conf.keyfile, "/var/lib/tinbao/secret.key");
	assert_string_equal(conf.district, "Thủ Thừa");
	assert_int_equal(conf.alert_charset, CHARSET_GSM7);
	assert_string_equal(conf.http_listen, "127.0.0.1:8080");
	assert_int_equal(conf.has_kannel, 1);
	assert_string_equal(conf.kannel_sendsms_url,
	    "http://127.0.0.1:13013/cgi-bin/sendsms");
	assert_string_equal(conf.kannel_username, "tinbao");
	assert_string_equal(conf.kannel_password_file,
	    "/etc/tinbao/kannel.pass");
	assert_string_equal(conf.kannel_from, "9999");
	assert_string_equal(conf.kannel_dlr_url,
	    "http://127.0.0.1:8080/kannel/dlr");
	assert_string_equal(conf.ussd_secret_file, "/etc/tinbao/ussd.secret");
	assert_int_equal(conf.ack_timeout, 600);
	config_free(&conf);
}

/* The smallest file gets every default. */
static void
test_defaults(void **state)
{
	struct config	 conf;

	(void)state;
	expect_ok(TINBAO_MIN, &conf);
	assert_int_equal(conf.has_gammu, 0);
	assert_null(conf.gammu_device);
	assert_int_equal(conf.has_kannel, 0);
	assert_null(conf.http_listen);
	assert_null(conf.district);
	assert_null(conf.ussd_secret_file);
	assert_int_equal(conf.alert_charset, CHARSET_GSM7);
	assert_int_equal(conf.poll_interval, 5);
	assert_int_equal(conf.multipart_timeout, 600);
	assert_int_equal(conf.send_timeout, 30);
	assert_int_equal(conf.log_verbose, 0);
	assert_int_equal(conf.ack_timeout, 600);
	config_free(&conf);
}

/* Every [tinbao] key set, names and enum values in any case. */
static void
test_tinbao_keys(void **state)
{
	struct config	 conf;

	(void)state;
	expect_ok(TINBAO_MIN
	    "ALERT_CHARSET = UCS2\n"
	    "poll_interval = 1s\n"
	    "multipart_timeout = 1d\n"
	    "send_timeout = 2m\n"
	    "log_level = debug\n"
	    "[escalation]\n"
	    "ack_timeout = 2h\n", &conf);
	assert_int_equal(conf.alert_charset, CHARSET_UCS2);
	assert_int_equal(conf.poll_interval, 1);
	assert_int_equal(conf.multipart_timeout, 86400);
	assert_int_equal(conf.send_timeout, 120);
	assert_int_equal(conf.log_verbose, 1);
	assert_int_equal(conf.ack_timeout, 7200);
	config_free(&conf);

	expect_ok(TINBAO_MIN "alert_charset = auto\n", &conf);
	assert_int_equal(conf.alert_charset, CHARSET_AUTO);
	config_free(&conf);
}

/* Relative paths come from the config file's folder, not the cwd. */
static void
test_relative_paths(void **state)
{
	static const char	 text[] =
	    "[gammu]\n"
	    "model = dummy\n"
	    "device = run/phone\n"
	    "connection = none\n"
	    "[tinbao]\n"
	    "database = ./var//tinbao.db\n"
	    "keyfile = secret.key\n"
	    "[kannel]\n"
	    "sendsms_url = http://127.0.0.1:13013/cgi-bin/sendsms\n"
	    "password_file = ../kannel.pass\n"
	    "[ussd]\n"
	    "secret_file = /etc/tinbao/ussd.secret\n";
	struct config	 conf;
	char		 dir[64], file[128], want[256], *cwd, *errs;
	FILE		*ef;
	size_t		 errlen;

	(void)state;
	assert_true(strlcpy_checked(dir, "/tmp/tinbao-test-XXXXXX",
	    sizeof(dir)) < sizeof(dir));
	assert_non_null(mkdtemp(dir));
	assert_true(snprintf(file, sizeof(file), "%s/tinbao.conf", dir) <
	    (int)sizeof(file));
	write_file(file, text, strlen(text));

	/* load it by a relative name from inside its folder */
	assert_non_null(cwd = getcwd(NULL, 0));
	assert_int_equal(chdir(dir), 0);
	assert_non_null(ef = open_memstream(&errs, &errlen));
	assert_int_equal(config_load("./tinbao.conf", &conf, ef), 0);
	fclose(ef);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	assert_string_equal(errs, "");
	free(errs);

	assert_string_equal(conf.path, file);
	assert_string_equal(conf.dir, dir);
	snprintf(want, sizeof(want), "%s/run/phone", dir);
	assert_string_equal(conf.gammu_device, want);
	assert_string_equal(conf.gammu_model, "dummy");
	assert_string_equal(conf.gammu_connection, "none");
	snprintf(want, sizeof(want), "%s/var/tinbao.db", dir);
	assert_string_equal(conf.database, want);
	snprintf(want, sizeof(want), "%s/secret.key", dir);
	assert_string_equal(conf.keyfile, want);
	snprintf(want, sizeof(want), "%s/../kannel.pass", dir);
	assert_string_equal(conf.kannel_password_file, want);
	assert_string_equal(conf.ussd_secret_file, "/etc/tinbao/ussd.secret");
	config_free(&conf);

	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A proxy command or a Bluetooth address is not a path to resolve. */
static void
test_gammu_device_not_path(void **state)
{
	struct config	 conf;

	(void)state;
	expect_ok("[gammu]\ndevice = ssh root@router /usr/bin/gw\n"
	    "connection = proxyat\n" TINBAO_MIN, &conf);
	assert_string_equal(conf.gammu_device, "ssh root@router /usr/bin/gw");
	config_free(&conf);

	expect_ok("[gammu]\nconnection = blueat\n"
	    "device = 00:11:22:33:44:55\n" TINBAO_MIN, &conf);
	assert_string_equal(conf.gammu_device, "00:11:22:33:44:55");
	config_free(&conf);
}

/* [gammu] may be left out; its keys are case-insensitive like a gammurc. */
static void
test_gammu_optional(void **state)
{
	struct config	 conf;

	(void)state;
	expect_ok(TINBAO_MIN
	    "[kannel]\nsendsms_url = http://kannel:13013/cgi-bin/sendsms\n",
	    &conf);
	assert_int_equal(conf.has_gammu, 0);
	assert_null(conf.gammu_device);
	assert_null(conf.gammu_connection);
	assert_int_equal(conf.has_kannel, 1);
	config_free(&conf);

	expect_ok("[Gammu]\n"
	    "Device = /dev/ttyUSB0\n"
	    "Connection = at\n"
	    "Model = dummy\n"
	    "SynchronizeTime = yes\n"
	    "LogFile = /tmp/gammu.log\n"
	    "LogFormat = textalldate\n"
	    "Use_Locking = no\n"
	    "GammuLoc = /usr/share/locale\n"
	    "GammuCoding = utf8\n"
	    "Features = NO_ATOBEX\n"
	    "StartInfo = false\n"
	    "Reminder = calendar\n"
	    "atgen_setCNMI = 1,2,0,0,0\n"
	    "Name = modem\n"
	    "DataFormat = text\n"
	    "DataPath = /usr/share/gammu\n"
	    "UsePhoneDB = 1\n"
	    TINBAO_MIN, &conf);
	assert_int_equal(conf.has_gammu, 1);
	assert_string_equal(conf.gammu_device, "/dev/ttyUSB0");
	assert_string_equal(conf.gammu_connection, "at");
	assert_string_equal(conf.gammu_model, "dummy");
	config_free(&conf);

	/* even an empty [gammu] counts as present */
	expect_ok("[gammu]\n" TINBAO_MIN, &conf);
	assert_int_equal(conf.has_gammu, 1);
	assert_null(conf.gammu_device);
	config_free(&conf);
}

/* port is gammurc's old name of device; setting both is a duplicate. */
static void
test_port_alias(void **state)
{
	struct config	 conf;

	(void)state;
	expect_ok("[gammu]\nport = /dev/ttyACM0\nconnection = at\n"
	    TINBAO_MIN, &conf);
	assert_string_equal(conf.gammu_device, "/dev/ttyACM0");
	config_free(&conf);

	expect_ok("[gammu]\nport = run/phone\nmodel = dummy\n"
	    "connection = none\n" TINBAO_MIN, &conf);
	assert_string_equal(conf.gammu_device, "/tmp/run/phone");
	config_free(&conf);

	expect_errors("[gammu]\ndevice = /dev/a\nport = /dev/b\n" TINBAO_MIN,
	    "@:3: duplicate key \"port\" (another name for \"device\", "
	    "first set on line 2)\n");
	expect_errors("[gammu]\nport = /dev/a\nDevice = /dev/b\n" TINBAO_MIN,
	    "@:3: duplicate key \"device\" (first set on line 2)\n");
}

/* BOM, CRLF, quotes and what is (not) a trailing comment. */
static void
test_syntax_details(void **state)
{
	struct config	 conf;

	(void)state;
	expect_ok("\xef\xbb\xbf; a comment\r\n"
	    "# another comment\r\n"
	    "  [tinbao]\t; indented header\r\n"
	    "database = \"my db;1.db\"   ; the quotes keep the ;\r\n"
	    "\tkeyfile=key#1 # only a # after a blank starts a comment\r\n"
	    "district = \"  Thủ Thừa  \"\r\n"
	    "[kannel]\r\n"
	    "sendsms_url = http://k/send?a=1;b=2#frag\r\n", &conf);
	assert_string_equal(conf.database, "/tmp/my db;1.db");
	assert_string_equal(conf.keyfile, "/tmp/key#1");
	assert_string_equal(conf.district, "  Thủ Thừa  ");
	assert_string_equal(conf.kannel_sendsms_url,
	    "http://k/send?a=1;b=2#frag");
	config_free(&conf);
}

/* Lines the parser cannot make sense of, each with its line number. */
static void
test_err_syntax(void **state)
{
	char	*text, *p;
	size_t	 len;

	(void)state;
	expect_errors(
	    "database = a\n"
	    "[tinbao]\n"
	    "just some words\n"
	    "= value\n"
	    "database = \"a\n"
	    "keyfile = \"a\" b\n"
	    "district =\n"
	    "district =   ; a comment only\n"
	    "[http\n"
	    "[http] listen = 1.2.3.4:80\n"
	    "[ ]\n",
	    "@:1: key \"database\" outside any section\n"
	    "@:3: expected \"key = value\" or \"[section]\"\n"
	    "@:4: missing key before \"=\"\n"
	    "@:5: database: missing closing quote\n"
	    "@:6: keyfile: unexpected text after closing quote\n"
	    "@:7: district: empty value (leave the line out to keep the "
	    "default)\n"
	    "@:8: district: empty value (leave the line out to keep the "
	    "default)\n"
	    "@:9: missing \"]\" after section name\n"
	    "@:10: unexpected text after \"]\"\n"
	    "@:11: empty section name\n"
	    "@: missing required key \"database\" in [tinbao]\n"
	    "@: missing required key \"keyfile\" in [tinbao]\n");

	/* a line of 4096 bytes is fine, 4097 is not */
	len = strlen(TINBAO_MIN) + 2 * 4098 + 64;
	text = xmalloc(len);
	p = text + snprintf(text, len, "%s", TINBAO_MIN);
	memset(p, ';', 4096);
	p += 4096;
	*p++ = '\n';
	memset(p, ';', 4097);
	p += 4097;
	*p++ = '\n';
	*p = '\0';
	expect_errors(text, "@:5: line longer than 4096 bytes\n");
	free(text);
}

/* A NUL byte inside a line is refused. */
static void
test_err_nul(void **state)
{
	static const char	 text[] = TINBAO_MIN "district = a\0b\n";
	struct config		 conf;
	char			 path[64], *errs, *want;

	(void)state;
	assert_int_equal(load_len(text, sizeof(text) - 1, &conf, &errs, path,
	    sizeof(path)), -1);
	want = subst("@:4: NUL byte in line\n", path);
	assert_string_equal(errs, want);
	free(want);
	free(errs);
}

/* Unknown sections, with a hint when a known one is close. */
static void
test_err_unknown_section(void **state)
{
	(void)state;
	expect_errors(TINBAO_MIN
	    "[tinbo]\n"
	    "whatever = 1\n"
	    "[gammu9]\n"
	    "[foo]\n"
	    "[HTTP]\n"
	    "listen = 127.0.0.1:8080\n"
	    "[tinbao]\n"
	    "district = x\n",
	    "@:4: unknown section [tinbo] (did you mean [tinbao]?)\n"
	    "@:6: section [gammu9]: modems are [gammu], [gammu1] .. [gammu7]\n"
	    "@:7: unknown section [foo]\n"
	    "@:10: duplicate section [tinbao] (first on line 1)\n");
}

/*
 * A SIM pool: [gammu], [gammu1], [gammu2] with their [modemN]; the first
 * modem inherits [tinbao] balance_ussd; defaults send = receive = yes,
 * carrier any; the modems packed in the order of N.
 */
static void
test_modems(void **state)
{
	struct config	 conf;

	(void)state;
	expect_ok(TINBAO_MIN
	    "balance_ussd = *101#\n"
	    "[gammu]\n"
	    "device = /dev/ttyUSB0\n"
	    "connection = at\n"
	    "[modem]\n"
	    "carrier = viettel\n"
	    "[gammu2]\n"
	    "device = modem2\n"
	    "connection = at\n"
	    "[modem2]\n"
	    "carrier = Mobifone\n"
	    "send = no\n"
	    "balance_ussd = *102#\n"
	    "[gammu1]\n"
	    "device = /dev/ttyUSB1\n"
	    "connection = at\n", &conf);
	assert_int_equal(conf.nmodems, 3);
	assert_int_equal(conf.has_gammu, 1);
	assert_int_equal(conf.modems[0].num, 0);
	assert_string_equal(conf.modems[0].device, "/dev/ttyUSB0");
	assert_int_equal(conf.modems[0].carrier, CARRIER_VIETTEL);
	assert_string_equal(conf.modems[0].balance_ussd, "*101#");
	assert_int_equal(conf.modems[1].num, 1);
	assert_string_equal(conf.modems[1].device, "/dev/ttyUSB1");
	assert_int_equal(conf.modems[1].carrier, CARRIER_ANY);
	assert_int_equal(conf.modems[1].send, 1);
	assert_int_equal(conf.modems[1].receive, 1);
	assert_null(conf.modems[1].balance_ussd);
	assert_int_equal(conf.modems[2].num, 2);
	assert_non_null(strstr(conf.modems[2].device, "/modem2"));
	assert_true(conf.modems[2].device[0] == '/');
	assert_int_equal(conf.modems[2].carrier, CARRIER_MOBIFONE);
	assert_int_equal(conf.modems[2].send, 0);
	assert_string_equal(conf.modems[2].balance_ussd, "*102#");
	/* The single-modem fields stay [gammu]'s. */
	assert_string_equal(conf.gammu_device, "/dev/ttyUSB0");
	config_free(&conf);

	/* Only a numbered modem: fine, and the first of the pool. */
	expect_ok(TINBAO_MIN "[gammu3]\ndevice = /dev/x\n", &conf);
	assert_int_equal(conf.nmodems, 1);
	assert_int_equal(conf.modems[0].num, 3);
	config_free(&conf);
}

/* Mistakes in modem sections are errors, each on its line. */
static void
test_err_modems(void **state)
{
	(void)state;
	expect_errors(TINBAO_MIN
	    "[gammu]\n"
	    "device = /dev/ttyUSB0\n"
	    "[modem]\n"
	    "carrier = telstra\n"
	    "speed = 9600\n"
	    "[modem2]\n"
	    "send = maybe\n"
	    "[gammu1]\n"
	    "device = /dev/ttyUSB1\n"
	    "[gammu1]\n"
	    "[modem01]\n"
	    "[gammu8]\n",
	    "@:7: carrier: \"telstra\" is not one of: any, viettel, "
	    "vinaphone, mobifone, vietnamobile, gmobile\n"
	    "@:8: unknown key \"speed\" in [modem] (did you mean \"send\"?)\n"
	    "@:10: send: \"maybe\" is not a boolean (expected yes or no)\n"
	    "@:13: duplicate section [gammu1] (first on line 11)\n"
	    "@:14: section [modem01]: modems are [modem], [modem1] .. "
	    "[modem7]\n"
	    "@:15: section [gammu8]: modems are [gammu], [gammu1] .. "
	    "[gammu7]\n"
	    "@:9: [modem2] has no [gammu2] section\n");
}

/* Unknown keys: a close key, a key of another section, no hint. */
static void
test_err_unknown_key(void **state)
{
	(void)state;
	expect_errors(
	    "[tinbao]\n"
	    "databse = a\n"
	    "keyfile = b\n"
	    "listen = 127.0.0.1:8080\n"
	    "frobnicate = 1\n"
	    "[gammu]\n"
	    "devise = /dev/ttyUSB0\n"
	    "baudrate = 115200\n",
	    "@:2: unknown key \"databse\" in [tinbao] (did you mean "
	    "\"database\"?)\n"
	    "@:4: unknown key \"listen\" in [tinbao] (it belongs in "
	    "[http])\n"
	    "@:5: unknown key \"frobnicate\" in [tinbao]\n"
	    "@:7: unknown key \"devise\" in [gammu] (did you mean "
	    "\"device\"?)\n"
	    "@:8: unknown key \"baudrate\" in [gammu]\n"
	    "@: missing required key \"database\" in [tinbao]\n");
}

/* Durations without a unit, out of range, zero, overflowing. */
static void
test_err_duration(void **state)
{
	(void)state;
	expect_errors(TINBAO_MIN
	    "poll_interval = 10\n"
	    "multipart_timeout = 99999999999s\n"
	    "send_timeout = 0s\n"
	    "[escalation]\n"
	    "ack_timeout = 10 m\n",
	    "@:4: poll_interval: \"10\" is not a duration (expected a whole "
	    "number and a unit s, m, h or d, e.g. 30s or 10m)\n"
	    "@:5: multipart_timeout: 99999999999s is out of range (1s to "
	    "1d)\n"
	    "@:6: send_timeout: 0s is out of range (1s to 10m)\n"
	    "@:8: ack_timeout: \"10 m\" is not a duration (expected a whole "
	    "number and a unit s, m, h or d, e.g. 30s or 10m)\n");
	expect_errors(TINBAO_MIN "poll_interval = 61m\n",
	    "@:4: poll_interval: 61m is out of range (1s to 1h)\n");
}

/* Enum and boolean values outside their lists. */
static void
test_err_enum(void **state)
{
	(void)state;
	expect_errors(TINBAO_MIN
	    "alert_charset = utf8\n"
	    "log_level = trace\n"
	    "[gammu]\n"
	    "logformat = verbose\n"
	    "synchronizetime = maybe\n",
	    "@:4: alert_charset: \"utf8\" is not one of: auto, gsm7, ucs2\n"
	    "@:5: log_level: \"trace\" is not one of: info, debug\n"
	    "@:7: logformat: \"verbose\" is not one of: nothing, text, "
	    "textall, textalldate, errors, errorsdate, binary\n"
	    "@:8: synchronizetime: \"maybe\" is not a boolean (expected yes "
	    "or no)\n");
}

/* A key set twice is an error, even when the first value was bad. */
static void
test_err_duplicate_key(void **state)
{
	(void)state;
	expect_errors(TINBAO_MIN
	    "database = other.db\n"
	    "poll_interval = 5\n"
	    "POLL_INTERVAL = 5s\n",
	    "@:4: duplicate key \"database\" (first set on line 2)\n"
	    "@:5: poll_interval: \"5\" is not a duration (expected a whole "
	    "number and a unit s, m, h or d, e.g. 30s or 10m)\n"
	    "@:6: duplicate key \"poll_interval\" (first set on line 5)\n");
}

/* Required keys: [tinbao]'s always, [kannel]'s when it is present. */
static void
test_err_missing_required(void **state)
{
	(void)state;
	expect_errors("",
	    "@: missing required key \"database\" in [tinbao]\n"
	    "@: missing required key \"keyfile\" in [tinbao]\n");
	expect_errors("[tinbao]\ndatabase = db\n[kannel]\nusername = u\n",
	    "@: missing required key \"keyfile\" in [tinbao]\n"
	    "@: missing required key \"sendsms_url\" in [kannel]\n");
}

/* Invalid UTF-8: stray byte, overlong form, surrogate, cut sequence. */
static void
test_err_utf8(void **state)
{
	(void)state;
	expect_errors(TINBAO_MIN
	    "district = Th\xff\n"
	    "district = \xc0\xaf\n"
	    "district = \xed\xa0\x80\n"
	    "district = Th\xe1\xbb\n"
	    "district = \xf4\x90\x80\x80\n",
	    "@:4: invalid UTF-8 at byte 14\n"
	    "@:5: invalid UTF-8 at byte 12\n"
	    "@:6: invalid UTF-8 at byte 12\n"
	    "@:7: invalid UTF-8 at byte 14\n"
	    "@:8: invalid UTF-8 at byte 12\n");
}

/* [http] listen: host and port both needed, IPv6 in brackets. */
static void
test_listen(void **state)
{
	static const char *good[] = {
		"127.0.0.1:8080", "0.0.0.0:1", "localhost:65535",
		"[::1]:8080", "[::]:80", "gw.example.org:443",
	};
	static const struct {
		const char	*value;
		const char	*error;
	} bad[] = {
		{ "8080", "\"8080\" is not host:port (e.g. 127.0.0.1:8080 or "
		    "[::1]:8080)" },
		{ ":8080", "\":8080\" is not host:port (e.g. 127.0.0.1:8080 "
		    "or [::1]:8080)" },
		{ "host:65536", "port \"65536\" is not a number from 0 "
		    "(any free port) to "
		    "65535" },
		{ "host:99999999999999999999", "port \"99999999999999999999\" "
		    "is not a number from 0 "
		    "(any free port) to 65535" },
		{ "host:http", "port \"http\" is not a number from 0 "
		    "(any free port) to "
		    "65535" },
		{ "host:", "port \"\" is not a number from 0 "
		    "(any free port) to 65535" },
		{ "::1:8080", "\"::1:8080\": put an IPv6 address in brackets, "
		    "e.g. [::1]:8080" },
		{ "[]:80", "\"[]:80\" is not host:port (e.g. 127.0.0.1:8080 "
		    "or [::1]:8080)" },
		{ "[::1]8080", "\"[::1]8080\" is not host:port (e.g. "
		    "127.0.0.1:8080 or [::1]:8080)" },
		{ "\"my host:80\"", "\"my host:80\": space in host" },
	};
	struct config	 conf;
	char		 text[256], want[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), TINBAO_MIN "[http]\nlisten = %s\n",
		    good[i]);
		expect_ok(text, &conf);
		assert_string_equal(conf.http_listen, good[i]);
		config_free(&conf);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), TINBAO_MIN "[http]\nlisten = %s\n",
		    bad[i].value);
		snprintf(want, sizeof(want), "@:5: listen: %s\n", bad[i].error);
		expect_errors(text, want);
	}
}

/* Kannel URLs must be plain http:// with a host. */
static void
test_err_url(void **state)
{
	(void)state;
	expect_errors(TINBAO_MIN
	    "[kannel]\n"
	    "sendsms_url = https://kannel/cgi-bin/sendsms\n"
	    "dlr_url = http://\n",
	    "@:5: sendsms_url: \"https://kannel/cgi-bin/sendsms\" is not an "
	    "http:// URL\n"
	    "@:6: dlr_url: \"http://\" is not an http:// URL\n");
}

/* Many problems in one file: all of them, in order, file-level last. */
static void
test_err_many(void **state)
{
	(void)state;
	expect_errors(
	    "[gammu]\n"
	    "device = /dev/ttyUSB0\n"
	    "conection = at\n"
	    "[tinbao]\n"
	    "database = /var/lib/tinbao/tinbao.db\n"
	    "alert_charset = latin1\n"
	    "district = Th\xe1\n"
	    "poll_interval = 30\n"
	    "[htp]\n"
	    "listen = 8080\n"
	    "[http]\n"
	    "listen = 8080\n"
	    "[kannel]\n"
	    "from = 9999\n",
	    "@:3: unknown key \"conection\" in [gammu] (did you mean "
	    "\"connection\"?)\n"
	    "@:6: alert_charset: \"latin1\" is not one of: auto, gsm7, "
	    "ucs2\n"
	    "@:7: invalid UTF-8 at byte 14\n"
	    "@:8: poll_interval: \"30\" is not a duration (expected a whole "
	    "number and a unit s, m, h or d, e.g. 30s or 10m)\n"
	    "@:9: unknown section [htp] (did you mean [http]?)\n"
	    "@:12: listen: \"8080\" is not host:port (e.g. 127.0.0.1:8080 or "
	    "[::1]:8080)\n"
	    "@: missing required key \"keyfile\" in [tinbao]\n"
	    "@: missing required key \"sendsms_url\" in [kannel]\n");
}

/* A missing file is one file-level line; NULL errf prints nothing. */
static void
test_err_open(void **state)
{
	struct config	 conf;
	char		*errs;
	FILE		*ef;
	size_t		 errlen;
	const char	*path = "/tmp/tinbao-test-missing/none.conf";

	(void)state;
	assert_non_null(ef = open_memstream(&errs, &errlen));
	assert_int_equal(config_load(path, &conf, ef), -1);
	fclose(ef);
	assert_string_equal(errs, "/tmp/tinbao-test-missing/none.conf: "
	    "cannot open: No such file or directory\n");
	free(errs);
	assert_null(conf.path);

	assert_int_equal(config_load(path, &conf, NULL), -1);
	assert_null(conf.path);
}

/* The duration parser on its own. */
static void
test_parse_duration(void **state)
{
	static const struct {
		const char	*s;
		int		 secs;
	} good[] = {
		{ "1s", 1 }, { "5s", 5 }, { "10m", 600 }, { "2h", 7200 },
		{ "1d", 86400 }, { "007s", 7 }, { "90m", 5400 },
		{ "0s", 0 }, { "0d", 0 },
		{ "2147483647s", INT_MAX }, { "24855d", 24855 * 86400 },
	};
	static const struct {
		const char	*s;
		int		 err;
	} bad[] = {
		{ "", EINVAL }, { "10", EINVAL }, { "s", EINVAL },
		{ "-5s", EINVAL }, { "+5s", EINVAL }, { " 5s", EINVAL },
		{ "5s ", EINVAL }, { "5 s", EINVAL }, { "5S", EINVAL },
		{ "5ms", EINVAL }, { "1h30m", EINVAL }, { "1.5h", EINVAL },
		{ "5x", EINVAL }, { "0x10s", EINVAL },
		{ "2147483648s", ERANGE }, { "24856d", ERANGE },
		{ "35791395m", ERANGE }, { "596524h", ERANGE },
		{ "99999999999999999999999s", ERANGE },
	};
	size_t	 i;
	int	 secs;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		secs = -1;
		assert_int_equal(config_parse_duration(good[i].s, &secs), 0);
		assert_int_equal(secs, good[i].secs);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		secs = -7;
		errno = 0;
		assert_int_equal(config_parse_duration(bad[i].s, &secs), -1);
		assert_int_equal(errno, bad[i].err);
		assert_int_equal(secs, -7);
	}
}

/* $TINBAO_CONF wins when set and not empty. */
static void
test_default_path(void **state)
{
	(void)state;
	assert_int_equal(unsetenv("TINBAO_CONF"), 0);
	assert_string_equal(config_default_path(), "/etc/tinbao/tinbao.conf");
	assert_int_equal(setenv("TINBAO_CONF", "", 1), 0);
	assert_string_equal(config_default_path(), "/etc/tinbao/tinbao.conf");
	assert_int_equal(setenv("TINBAO_CONF", "/srv/t.conf", 1), 0);
	assert_string_equal(config_default_path(), "/srv/t.conf");
	assert_int_equal(unsetenv("TINBAO_CONF"), 0);
}

/* config_free() zeroes the struct and may be called again. */
static void
test_free_twice(void **state)
{
	struct config	 conf, zero;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	expect_ok("[gammu]\ndevice = /dev/x\n" TINBAO_MIN
	    "district = d\n[http]\nlisten = h:1\n", &conf);
	config_free(&conf);
	assert_memory_equal(&conf, &zero, sizeof(conf));
	config_free(&conf);
	assert_memory_equal(&conf, &zero, sizeof(conf));
}

/* The shipped example file is valid (run from the source tree). */
static void
test_example_file(void **state)
{
	static const char	*path = "deploy/tinbao.conf.example";
	struct config		 conf;
	char			*errs;
	FILE			*ef;
	size_t			 errlen;

	(void)state;
	if (access(path, R_OK) == -1)
		skip();
	assert_non_null(ef = open_memstream(&errs, &errlen));
	assert_int_equal(config_load(path, &conf, ef), 0);
	fclose(ef);
	assert_string_equal(errs, "");
	free(errs);
	assert_int_equal(conf.has_gammu, 1);
	assert_int_equal(conf.has_kannel, 1);
	assert_non_null(conf.http_listen);
	config_free(&conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_tinbao_keys),
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_gammu_device_not_path),
		cmocka_unit_test(test_gammu_optional),
		cmocka_unit_test(test_port_alias),
		cmocka_unit_test(test_syntax_details),
		cmocka_unit_test(test_err_syntax),
		cmocka_unit_test(test_err_nul),
		cmocka_unit_test(test_err_unknown_section),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_modems),
		cmocka_unit_test(test_err_modems),
		cmocka_unit_test(test_err_duration),
		cmocka_unit_test(test_err_enum),
		cmocka_unit_test(test_err_duplicate_key),
		cmocka_unit_test(test_err_missing_required),
		cmocka_unit_test(test_err_utf8),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_err_url),
		cmocka_unit_test(test_err_many),
		cmocka_unit_test(test_err_open),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_free_twice),
		cmocka_unit_test(test_example_file),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
