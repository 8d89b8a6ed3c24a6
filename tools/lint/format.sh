#!/usr/bin/env bash
# format.sh --check | --fix: clang-format over every tracked C++ file (.clang-format at the root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
format=${MP_CLANG_FORMAT:-clang-format-16}
mode=${1:---check}
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' | grep -v '^tests/lint/fixtures/')
case $mode in
  --check) "$format" --dry-run --Werror "${files[@]}" && echo "clang-format: ${#files[@]} files clean" ;;
  --fix) "$format" -i "${files[@]}" && echo "clang-format: ${#files[@]} files formatted" ;;
  *) echo "usage: $0 --check|--fix" >&2; exit 2 ;;
esac
