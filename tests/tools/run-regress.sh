#!/bin/sh
# Runs every tests/regress/t_*.sh against $TINBAO, or only those named in
# $T (make regress T="t_http t_ussd"), one after the other; prints each
# scenario's seconds ("time t_x: 12.3 s", so that CI's log shows where the
# time goes) and one summary line.
if [ -n "$T" ]; then
	set -- $(for n in $T; do echo "tests/regress/$n.sh"; done)
else
	set -- tests/regress/t_*.sh
fi
ms() { echo $(($(date +%s%N) / 1000000)); }
pass=0; fail=0
start=$(ms)
for t in "$@"; do
	t0=$(ms)
	if sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	d=$(($(ms) - t0))
	printf 'time %s: %d.%d s\n' "$(basename "$t" .sh)" $((d / 1000)) $((d % 1000 / 100))
done
echo "regress: $pass passed, $fail failed ($((($(ms) - start) / 1000)) s)"
[ "$fail" -eq 0 ]
