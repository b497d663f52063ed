#!/bin/sh
# Runs every tests/regress/t_*.sh against $TINBAO; prints one summary line.
pass=0; fail=0
for t in tests/regress/t_*.sh; do
	if sh "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "regress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
