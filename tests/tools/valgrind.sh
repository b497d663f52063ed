#!/bin/sh
# Runs tinbao under valgrind (memcheck, leaks): a drop-in for $TINBAO in the
# regress tests.  Errors go to $VG_LOG_DIR, one file per process; the
# valgrind target fails when any file is not empty.
exec valgrind -q --error-exitcode=97 --leak-check=full \
    --errors-for-leak-kinds=definite \
    --log-file="${VG_LOG_DIR:-/tmp}/vg.%p.log" "$TINBAO_REAL" "$@"
