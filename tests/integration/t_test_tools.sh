#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The guard scripts/check runs after setup, before the first test: it names
# a package of tests/packages that is not installed, a package whose tool
# is missing, and a package a test asks for with `need` that is listed
# nowhere; on this tree, after setup, it finds nothing to name.
. "$(dirname "$0")/lib.sh"
T=$W/tree
mkdir -p "$T/scripts" "$T/tests/integration" "$T/tests/distro" "$T/debian"
cp "$TOP/scripts/test-tools" "$TOP/scripts/lib.sh" "$T/scripts/"
cp "$TOP/debian/control" "$T/debian/"
touch "$T/tests/integration/t_a.sh" "$T/tests/distro/t_b.sh"
# guard: what the guard prints and its exit status
guard() { "$T/scripts/test-tools" 2>&1; echo "exit $?"; }
expect_eq "this tree, after setup: nothing missing" "exit 0" "$("$TOP/scripts/test-tools" 2>&1; echo "exit $?")"
echo "bash bash t_x" > "$T/tests/packages"
echo "rnf-no-such-package rnf-no-such-tool t_y" >> "$T/tests/packages"
expect_eq "a package not installed is named" "test-tools: package rnf-no-such-package is not installed after setup (needed by: t_y)
exit 1" "$(guard)"
echo "bash rnf-no-such-tool t_x" > "$T/tests/packages"
expect_eq "a package whose tool is missing is named" "test-tools: package bash is installed but rnf-no-such-tool is missing (needed by: t_x)
exit 1" "$(guard)"
echo "bash bash t_x" > "$T/tests/packages"
printf 'need bash\nneed rnf-unlisted rsyslog\n' > "$T/tests/integration/t_z.sh"
expect_eq "a package a test needs but no list has is named" "test-tools: package rnf-unlisted, which a test needs, is listed neither in tests/packages nor in debian/control's Build-Depends
exit 1" "$(guard)"
exit $FAILED
