#!/bin/sh
# Runs each libFuzzer harness for $1 seconds on its seed corpus (copied, so
# the committed seeds stay as they are); fails on a crash, a leak or an
# input that takes over 25 s (libFuzzer's own limit is 20 minutes, and a
# hang would otherwise outlast -max_total_time, which is checked only
# between inputs).
t=$1; shift
fail=0; pass=0
for f in "$@"; do
	name=$(basename "$f" | sed 's/^fuzz_//')
	seeds=tests/fuzz/corpus_$name
	work=build-fuzz/corpus/$name
	mkdir -p "$work"
	[ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	if "$f" -max_total_time="$t" -timeout=25 -rss_limit_mb=2048 -artifact_prefix=build-fuzz/ \
	    $dict "$work" > "build-fuzz/$name.log" 2>&1; then
		echo "fuzz $name: ok ($(grep -c . "build-fuzz/$name.log") log lines, $(ls "$work" | wc -l) corpus files)"
		pass=$((pass + 1))
	else
		echo "fuzz $name: FAILED"; tail -n 30 "build-fuzz/$name.log"
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
