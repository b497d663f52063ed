/*
 * tinbao benchmarks: the floor, what libGammu itself needs to take one SMS
 * off an AT modem and send one back.
 *
 *	bench_floor GAMMURC COUNT TO
 *
 * Connects with the gammurc's [gammu] section (the fake AT modem in
 * bench/run.sh), then COUNT times: waits for +CMTI (pumping GSM_ReadDevice
 * every 50 ms, as tinbao's worker does, with a full scan every second in
 * case a notification is lost), reads the first message, deletes it, and
 * sends one 150-character GSM-7 SMS to TO, waiting for its +CMGS status.
 * No database, no classification, no queue: anything a real gateway adds
 * comes on top of this.  The times are taken on the modem's side (the
 * fake modem's -t stamps), not here; this program only prints errors.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gammu.h>

static volatile int	hint;
static volatile int	sent;

static void
sms_cb(GSM_StateMachine *sm, GSM_SMSMessage *sms, void *arg)
{
	(void)sm;
	(void)sms;
	(void)arg;
	hint = 1;
}

static void
send_cb(GSM_StateMachine *sm, int status, int mr, void *arg)
{
	(void)sm;
	(void)mr;
	(void)arg;
	sent = status == 0 ? 1 : -1;
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads and deletes one message of the inbox; 0 when there was one. */
static int
take_one(GSM_StateMachine *sm)
{
	GSM_MultiSMSMessage	msg;

	memset(&msg, 0, sizeof(msg));
	msg.SMS[0].Folder = 0;
	msg.SMS[0].Location = 0;
	if (GSM_GetNextSMS(sm, &msg, TRUE) != ERR_NONE || msg.Number < 1)
		return -1;
	msg.SMS[0].Folder = 0;
	(void)GSM_DeleteSMS(sm, &msg.SMS[0]);
	return 0;
}

static int
send_one(GSM_StateMachine *sm, const char *to)
{
	static const char	 text[] =
	    "NHAN K7QX KHAN: bao luc/vu khi tai THCS My Phu (xa My Phu), "
	    "bao luc 09:41. Hoc sinh bi chan danh o nha xe. Tra loi: "
	    "K7QX OK de nhan xu ly. 113";
	GSM_SMSMessage		 sms;
	long long		 until;

	memset(&sms, 0, sizeof(sms));
	GSM_SetDefaultSMSData(&sms);
	sms.PDU = SMS_Submit;
	sms.Coding = SMS_Coding_Default_No_Compression;
	sms.Class = -1;
	sms.SMSC.Location = 1;
	EncodeUnicode(sms.Number, to, strlen(to));
	EncodeUnicode(sms.Text, text, strlen(text));
	sent = 0;
	if (GSM_SendSMS(sm, &sms) != ERR_NONE)
		return -1;
	until = now_ms() + 30000;
	while (sent == 0 && now_ms() < until)
		GSM_ReadDevice(sm, TRUE);
	return sent == 1 ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	GSM_StateMachine	*sm;
	INI_Section		*ini = NULL;
	GSM_Error		 err;
	long long		 next_scan;
	int			 n, i;

	if (argc != 4 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: bench_floor GAMMURC COUNT TO\n");
		return 2;
	}
	GSM_InitLocales(NULL);
	sm = GSM_AllocStateMachine();
	if (GSM_FindGammuRC(&ini, argv[1]) != ERR_NONE ||
	    GSM_ReadConfig(ini, GSM_GetConfig(sm, 0), 0) != ERR_NONE) {
		fprintf(stderr, "bench_floor: cannot read %s\n", argv[1]);
		return 1;
	}
	GSM_SetConfigNum(sm, 1);
	if ((err = GSM_InitConnection(sm, 1)) != ERR_NONE) {
		fprintf(stderr, "bench_floor: init: %s\n", GSM_ErrorString(err));
		return 1;
	}
	GSM_SetIncomingSMSCallback(sm, sms_cb, NULL);
	GSM_SetSendSMSStatusCallback(sm, send_cb, NULL);
	(void)GSM_SetIncomingSMS(sm, TRUE);
	/* Tell the driver we are ready (bench/run.sh waits for this). */
	printf("ready\n");
	fflush(stdout);

	next_scan = now_ms() + 1000;
	for (i = 0; i < n;) {
		if (!hint && now_ms() < next_scan) {
			poll(NULL, 0, 50);
			GSM_ReadDevice(sm, FALSE);
			continue;
		}
		hint = 0;
		next_scan = now_ms() + 1000;
		while (take_one(sm) == 0) {
			if (send_one(sm, argv[3]) == -1)
				fprintf(stderr, "bench_floor: send failed\n");
			i++;
		}
	}
	GSM_TerminateConnection(sm);
	GSM_FreeStateMachine(sm);
	INI_Free(ini);
	return 0;
}
