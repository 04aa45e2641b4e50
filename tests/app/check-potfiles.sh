#!/bin/sh
# Every source or UI file with translatable strings is listed in po/POTFILES.in,
# every listed file exists (xgettext fails on a missing one) and is listed once.
top=${1:?source root}
status=0
list="$top/po/POTFILES.in"
for f in $(grep -v '^#' "$list"); do
  [ -f "$top/$f" ] || { echo "po/POTFILES.in lists $f, which does not exist"; status=1; }
done
for f in $(grep -v '^#' "$list" | sort | uniq -d); do
  echo "po/POTFILES.in lists $f more than once"; status=1
done
for f in $(cd "$top" && grep -l -E '(^|[^a-zA-Z_])N?_ ?\("' src/app/*.c src/cli/*.c src/nn/*.c \
                                 src/lightcurve/*.c 2>/dev/null) \
         $(cd "$top" && grep -l 'translatable="yes"' data/ui/*.ui 2>/dev/null); do
  grep -qx "$f" "$list" || { echo "$f has translatable strings but is not in po/POTFILES.in"; status=1; }
done
exit $status
