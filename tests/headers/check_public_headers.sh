#!/bin/sh
# The installed headers (include/yibao) hold no compiler extension and no
# implementation details: no `__int128`, no `detail::`; the umbrella
# yibao.hpp includes every public C++ header (issue #11 item 6).
# Usage: check_public_headers.sh SOURCE_DIR
set -eu
dir="$1/include/yibao"
status=0
if grep -nE '__int128|detail::|namespace detail' "$dir"/*.hpp "$dir"/*.h; then
  echo "error: __int128 or detail:: in an installed header (above)" >&2
  status=1
fi
for h in "$dir"/*.hpp; do
  name=$(basename "$h")
  [ "$name" = yibao.hpp ] && continue
  if ! grep -q "#include \"yibao/$name\"" "$dir/yibao.hpp"; then
    echo "error: yibao.hpp does not include yibao/$name" >&2
    status=1
  fi
done
exit $status
