#!/bin/sh
# tinbao: structure checks run by `make check-structure` (and `make test`).
#
#   sh tests/tools/check-literals.sh [ROOT]
#
# 1. No .c file under gateway/ and handlers/ writes a category code as a
#    string literal ("sexual_abuse") outside the category table,
#    handlers/category.c: the others read the table (issue 13).  Comment
#    lines (starting with `*`, `/*` or `//`) are not looked at.
# 2. No function in those files is longer than 120 lines, counted from the
#    line after its opening `{` in column 0 to its closing `}` in column 0
#    (the house style puts both there; a function's name is on the line
#    that starts with it and an open parenthesis, above the `{`).
#
# Prints each problem as FILE:LINE: ... and exits 1 when there is one.

ROOT=${1:-.}
cd "$ROOT" || exit 2

CATEGORIES='bullying|violence|drugs|sexual_abuse|self_harm|traffic|fire|theft|health|other'

LITERAL_ALLOW=''
LENGTH_ALLOW=''
MAXLEN=120

fail=0

for f in gateway/*.c handlers/*.c; do
	[ "$f" = handlers/category.c ] && continue
	case " $LITERAL_ALLOW " in *" $f "*) continue ;; esac
	out=$(grep -nE "\"($CATEGORIES)\"" "$f" |
	    grep -vE '^[0-9]+:[[:space:]]*(\*|/\*|//)')
	if [ -n "$out" ]; then
		printf '%s\n' "$out" | sed "s|^|$f:|; s|\$|  <- a category code: read handlers/category.c|"
		fail=1
	fi
done

for f in gateway/*.c handlers/*.c; do
	awk -v file="$f" -v max="$MAXLEN" -v allow=" $LENGTH_ALLOW " '
	/^[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/ {
		name = $0
		sub(/[ \t]*\(.*/, "", name)
	}
	/^\{/ { start = NR; inside = 1; next }
	/^\}/ && inside {
		n = NR - start - 1
		if (n > max && index(allow, " " name " ") == 0) {
			printf "%s:%d: %s is %d lines long (at most %d)\n",
			    file, start, name, n, max
			bad = 1
		}
		inside = 0
	}
	END { exit bad }
	' "$f" || fail=1
done

if [ $fail -ne 0 ]; then
	echo "check-structure: FAILED" >&2
	exit 1
fi
echo "check-structure: ok (category literals only in handlers/category.c," \
    "functions at most $MAXLEN lines)"
