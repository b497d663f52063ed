#!/bin/sh
# Turns the numbered migration files into a C table: one string per file,
# in order.  Migration N brings the schema to PRAGMA user_version = N.
set -e
echo '/* Generated from the sql/ migrations by tests/tools/sql2c.sh; do not edit. */'
echo '#include <stddef.h>'
echo '#include "tinbao.h"'
echo 'const struct migration migrations[] = {'
for f in "$@"; do
	base=$(basename "$f")
	num=$(echo "$base" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')
	printf '\t{ .version = %s, .name = "%s", .sql =\n' "$num" "$base"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t    "/' -e 's/$/\\n"/' "$f"
	printf '\t},\n'
done
echo '};'
echo 'const size_t nmigrations = sizeof(migrations) / sizeof(migrations[0]);'
