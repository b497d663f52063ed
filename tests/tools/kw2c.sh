#!/bin/sh
# Turns handlers/keywords.txt into a C string, classifier_builtin_keywords,
# so that `tinbao classify` works without any file beside the binary.
set -e
echo '/* Generated from handlers/keywords.txt by tests/tools/kw2c.sh; do not edit. */'
echo '#include <stdio.h>'
echo '#include "classify.h"'
echo 'const char classifier_builtin_keywords[] ='
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$@"
printf '\t"";\n'
