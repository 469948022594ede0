#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - every test: install deps, build with -Werror + ASan/UBSan, make check, one summary
#
# Usage: sudo bash tests/run.sh     (root: the integration tests make network namespaces)
# The last line is "N passed, N failed, N skipped". NETD_TEST_MUST_RUN=1 (CI) turns skips
# into failures.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${NETD_TEST_BUILDDIR:-$top/build-tests}
jobs=$(nproc 2>/dev/null || echo 2)

bash "$top/tests/deps.sh" || exit 1
(cd "$top" && ./autogen.sh >/dev/null 2>&1) || { echo "autogen failed"; exit 1; }
mkdir -p "$build"
cd "$build" || exit 1
if ! "$top/configure" --enable-werror --enable-sanitizers >configure.out 2>&1; then
    tail -n 30 configure.out
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
if ! make -j"$jobs" >make.out 2>&1; then
    grep -E 'error|warning' make.out | head -n 40
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
make -j"$jobs" check >check.out 2>&1
check_rc=$?

passed=0 failed=0 skipped=0
failed_logs=()
while IFS= read -r trs; do
    res=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
    case "$res" in
    PASS | XFAIL) passed=$((passed + 1)) ;;
    SKIP) skipped=$((skipped + 1)) ;;
    *)
        failed=$((failed + 1))
        failed_logs+=("${trs%.trs}.log")
        ;;
    esac
done < <(find "$build/tests" -name '*.trs' | sort)

for log in "${failed_logs[@]}"; do
    echo "======== FAILED: ${log#"$build"/} ========"
    tail -n 80 "$log"
done
if [ $((passed + failed + skipped)) = 0 ]; then
    tail -n 40 check.out
    failed=1
fi
[ "$check_rc" = 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
