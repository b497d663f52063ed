#!/bin/sh
# Runs each cmocka unit test binary given; prints each one's seconds and
# one summary line.
ms() { echo $(($(date +%s%N) / 1000000)); }
pass=0; fail=0
start=$(ms)
for t in "$@"; do
	t0=$(ms)
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
	d=$(($(ms) - t0))
	printf 'time %s: %d.%d s\n' "$(basename "$t")" $((d / 1000)) $((d % 1000 / 100))
done
echo "unit: $pass passed, $fail failed ($((($(ms) - start) / 1000)) s)"
[ "$fail" -eq 0 ]
