#!/bin/sh
# Run the plugin's tests (unit tests, and integration tests with the real
# openstack CLI when it is installed) with Debian's system Python, then print
# a summary line: "N passed, N failed" (", N skipped" when some were).
# Exit status: 0 when all tests passed, 1 otherwise.
#
# The integration tests use the installed plugin: run ./install.sh first.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
cd "$HERE" || exit 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Stream the output while keeping it (and unittest's status) for the summary.
{
    PYTHONDONTWRITEBYTECODE=1 "$PY" -m unittest discover -s tests -v 2>&1
    echo $? >"$tmp/status"
} | tee "$tmp/output"
status=$(cat "$tmp/status")

"$PY" - "$tmp/output" "$status" <<'PYEOF'
import re
import sys

text = open(sys.argv[1], encoding='utf-8', errors='replace').read()
status = int(sys.argv[2])
ran = re.findall(r'^Ran (\d+) tests? in ', text, re.M)
final = re.findall(r'^(OK|FAILED)(?: \((.*)\))?\s*$', text, re.M)
if not ran or not final:
    print('test.sh: could not read the unittest summary', file=sys.stderr)
    print('0 passed, 1 failed')
    sys.exit(1)
ran = int(ran[-1])
counts = {}
for item in (final[-1][1] or '').split(','):
    if '=' in item:
        key, value = item.split('=')
        counts[key.strip()] = int(value)
# A test with several failing subtests is reported once per subtest: count
# distinct tests ("FAIL: test_x (module.Class.test_x) (params)").
failed_ids = set(re.findall(r'^(?:FAIL|ERROR): (\S+(?: \([^()]*\))?)', text,
                            re.M))
failed = len(failed_ids) + counts.get('unexpected successes', 0)
if failed == 0 and status != 0:
    failed = 1
skipped = counts.get('skipped', 0)
passed = max(0, ran - failed - skipped)
summary = '%d passed, %d failed' % (passed, failed)
if skipped:
    summary += ', %d skipped' % skipped
print(summary)
sys.exit(1 if failed or status != 0 or ran == 0 else 0)
PYEOF
