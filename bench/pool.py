#!/usr/bin/env python3
"""bench/pool.py: figures of a SIM-pool run from the fake modems' own records.

    pool.py DIR NMODEMS

DIR holds m0 .. m(N-1): each a fake modem's stamps file (m<i>/stamps, from
fakemodem -t) and its decoded sends (m<i>/sent, `fmctl SENTDECODED`).  A
sent SMS is matched to its OUT stamp by (recipient, message reference) on
its modem.  Acknowledgements name the case ("Ma ho so: CODE") and go to the
reporter, whose IN stamp starts the case; alerts name it too ("NHAN CODE").
Prints: the burst time (first report stored -> last alert of the last case
on the wire), p50/p90 of per-case "all responders alerted", SMS and parts
per report, the on-net share (by bench/carriers.txt's table, the same one
the gateway used).  With incidents, a joined report has no alerts of its
own: the "+N tin bao nua ve CODE" updates are counted, and the burst ends
with the last alert or update.
"""
import re
import sys

d, n = sys.argv[1], int(sys.argv[2])
carriers_file = sys.argv[3] if len(sys.argv) > 3 else None

builtin = {
    "viettel": "86 96 97 98 32 33 34 35 36 37 38 39",
    "vinaphone": "88 91 94 81 82 83 84 85 87",
    "mobifone": "89 90 93 70 76 77 78 79",
    "vietnamobile": "92 56 58", "gmobile": "99 59"}
table = {p: c for c, ps in builtin.items() for p in ps.split()}
if carriers_file:
    for line in open(carriers_file):
        line = line.split("#")[0].split(";")[0].split()
        if len(line) == 2:
            p = line[0]
            p = p[3:] if p.startswith("+84") else p[1:] if p.startswith("0") else p
            table[p] = line[1].lower()


def carrier(num):
    nat = num[3:] if num.startswith("+84") else num
    best = ""
    for p in table:
        if nat.startswith(p) and len(p) > len(best):
            best = p
    return table[best] if best else "any"


ins = {}          # reporter -> first IN usec
first_in = None
sends = []        # (usec, to, text, modem, udh)
for i in range(n):
    outs = {}
    for line in open(f"{d}/m{i}/stamps"):
        f = line.split()
        if f[0] == "IN":
            t = int(f[1])
            ins.setdefault(f[3], t)
            first_in = t if first_in is None else min(first_in, t)
        elif f[0] == "OUT" and f[2] != "-1":    # OUT usec mr to
            outs[(f[3], f[2])] = int(f[1])
    mc = open(f"{d}/m{i}/carrier").read().strip()
    for line in open(f"{d}/m{i}/sent"):
        f = line.split()
        if not f or f[0] != "TO" or "MR" not in f:
            continue
        to, udh = f[1], f[5]
        text = bytes.fromhex(f[f.index("TEXT") + 1]).decode("utf-8", "replace")
        mr = f[f.index("MR") + 1]
        t = outs.get((to, mr))
        if t is not None:
            sends.append((t, to, text, mc, udh))

case_of_reporter, alerts = {}, {}
parts = msgs = onnet = updates = last_update = 0
for t, to, text, mc, udh in sends:
    parts += 1
    if udh == "-" or udh.endswith("01"):
        msgs += 1
        if mc != "any" and carrier(to) == mc:
            onnet += 1
    m = re.search(r"Ma ho so: ([A-Z0-9]+)", text)
    if m:
        case_of_reporter[m.group(1)] = to
        continue
    m = re.search(r"NHAN ([A-Z0-9]+)", text)
    if m:
        alerts.setdefault(m.group(1), []).append(t)
        continue
    m = re.search(r"tin bao nua ve ([A-Z0-9]+)", text)
    if m:   # an incident's update: the responders told of joined reports
        updates += 1
        last_update = max(last_update, t)

per_case, last = [], 0
for code, ts in alerts.items():
    rep = case_of_reporter.get(code)
    if rep is None or rep not in ins:
        continue
    per_case.append((max(ts) - ins[rep]) / 1000.0)
    last = max(last, max(ts))
per_case.sort()
last = max(last, last_update)


def pct(v, p):
    if not v:
        return float("nan")
    return v[min(len(v) - 1, int(len(v) * p + 0.999) - 1)]


reports = len(ins)
print(f"modems={n} reports={reports} cases_alerted={len(per_case)} "
      f"burst_ms={(last - first_in) / 1000.0:.0f} "
      f"case_p50_ms={pct(per_case, 0.5):.0f} case_p90_ms={pct(per_case, 0.9):.0f} "
      f"updates={updates} sms={msgs} parts={parts} parts_per_report={parts / max(reports, 1):.2f} "
      f"onnet={onnet} onnet_share={onnet / max(msgs, 1):.2f}")
