# Modem health and the SIM's credit, against the fake AT modem: signal,
# registration and operator reach /healthz and /metrics; a USSD credit
# reply below the threshold alarms the admins (once); a hung modem does not
# stop the gateway from serving HTTP; a modem gone longer than
# modem_alarm_after alarms the admins, once per outage.
. tests/regress/lib.sh
setup
directory
fakemodem_setup
sed -i "s|^\[tinbao\]|[tinbao]\nbalance_ussd = *101#\nbalance_threshold = 20000\nmodem_alarm_after = 8s|" "$CONF"
fm CSQ 20 > /dev/null
fm USSD "TK chinh: 12.500d, HSD: 31/12/2026. Nap the de nhan uu dai." > /dev/null

WAIT=30 start
addr=$(http_addr)
WAIT=30 wait_for "health known" sh -c "curl -s http://$addr/healthz | grep -q '^signal '"
h=$(curl -s "http://$addr/healthz")
check "signal in healthz ($h)" sh -c "printf %s \"\$1\" | grep -q '^signal -7[0-9] dBm'" _ "$h"
check "network in healthz" sh -c "printf %s \"\$1\" | grep -q '^network home, operator '" _ "$h"
WAIT=40 wait_for "credit read" sh -c "curl -s http://$addr/healthz | grep -q '^credit 12500 VND valid until 31/12/2026'"
# tinbao status: the operator's view of the same.
sed -i "s|^listen = .*|listen = $addr|" "$CONF"
st=$(tb status)
eq "status exit" "$?" "0"
check "status shows the credit ($st)" sh -c "printf %s \"\$1\" | grep -q 'credit 12500 VND'" _ "$st"
check "status shows the last reply" sh -c "printf %s \"\$1\" | grep -q '^last credit reply: TK chinh'" _ "$st"
m=$(curl -s "http://$addr/metrics")
check "credit metric" sh -c "printf '%s\n' \"\$1\" | grep -qx 'tinbao_sim_credit_vnd 12500'" _ "$m"
check "registered metric" sh -c "printf '%s\n' \"\$1\" | grep -qx 'tinbao_modem_registered 1'" _ "$m"
WAIT=20 wait_count "credit alarm to the admin" "SELECT 1 FROM outbox WHERE kind='alarm' AND number='+84911100013' AND text LIKE '%12500%'" 1
eq "only the admin" "$(count "SELECT 1 FROM outbox WHERE kind='alarm'")" "1"
eq "the last reply kept" "$(sql "SELECT v FROM meta WHERE k='ussd_last'")" "TK chinh: 12.500d, HSD: 31/12/2026. Nap the de nhan uu dai."

# A hung modem: HTTP keeps answering at once.
fm HANG 0 > /dev/null
sleep 2
eq "healthz while hung" "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://$addr/healthz")" "200"
eq "metrics while hung" "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://$addr/metrics")" "200"
fm RESUME > /dev/null

# Gone for longer than modem_alarm_after: one alarm.
fm UNPLUG > /dev/null
WAIT=90 wait_count "modem alarm" "SELECT 1 FROM outbox WHERE kind='alarm' AND text LIKE '%mat ket noi modem%'" 1
eq "healthz 503 while gone" "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://$addr/healthz")" "503"
sleep 3
eq "one alarm per outage" "$(count "SELECT 1 FROM outbox WHERE kind='alarm' AND text LIKE '%mat ket noi modem%'")" "1"
fm REPLUG > /dev/null
WAIT=60 wait_for "modem back" sh -c "curl -s http://$addr/healthz | grep -q '^ok'"
WAIT=30 wait_count "the alarm leaves once the modem is back" "SELECT 1 FROM outbox WHERE kind='alarm' AND status='sent'" 2
finish
