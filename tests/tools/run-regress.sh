#!/bin/sh
# Runs every tests/regress/t_*.sh against $TINBAO, or only those named in
# $T (make regress T="t_http t_ussd"); prints one summary line.
if [ -n "$T" ]; then
	set -- $(for n in $T; do echo "tests/regress/$n.sh"; done)
else
	set -- tests/regress/t_*.sh
fi
pass=0; fail=0
for t in "$@"; do
	if sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "regress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
