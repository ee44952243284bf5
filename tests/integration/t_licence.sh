#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The licence: LICENSE is the Apache License 2.0 as Debian ships it; every
# source, script, configuration and SQL file carries the SPDX line in its
# first two lines; debian/copyright is machine-readable (DEP-5) and says
# Apache-2.0 (lintian checks it too, tests/distro); libnetfilter_log, whose
# headers are GPL-2-only, is neither a build dependency nor included by any
# object of the build (the compiler's dependency files).
. "$(dirname "$0")/lib.sh"
cd "$TOP"
# the tracked files, not a build's output
git rev-parse --is-inside-work-tree > /dev/null 2>&1 || { notok "needs a git checkout (git ls-files)"; exit 1; }
if cmp -s LICENSE /usr/share/common-licenses/Apache-2.0; then ok "LICENSE is the Apache License 2.0"; else
	notok "LICENSE is the Apache License 2.0"
fi

# the files that must carry the line: all but data, documents and
# Debian's packaging metadata
needs_spdx() {
	case $1 in
	*.md | *.txt | *.hex | *.json | tests/fuzz/regress/* | LICENSE) return 1 ;;
	debian/changelog | debian/control | debian/copyright | debian/source/format | debian/*.docs | \
		debian/*.examples | debian/README.Debian) return 1 ;;
	esac
}
missing=$(scripts/source-files | while IFS= read -r -d '' f; do
	needs_spdx "$f" || continue
	head -n 2 "$f" | grep -q "SPDX-License-Identifier: Apache-2.0" || echo "$f"
done)
count=$(scripts/source-files | while IFS= read -r -d '' f; do needs_spdx "$f" && echo; done | wc -l)
if [ -z "$missing" ] && [ "$count" -gt 150 ]; then ok "each of the $count source, script, configuration and SQL files has its SPDX line"; else
	notok "each source, script, configuration and SQL file has its SPDX line ($count files)"
	echo "$missing" | sed 's/^/#   without: /'
fi

got=$(sed -n '1p; /^Files: \*$/,/^$/p' debian/copyright)
want="Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Files: *
Copyright: 2026 rsyslog-netfilter maintainers
License: Apache-2.0"
if [ "$got" = "$want" ] && grep -qx "License: Apache-2.0" debian/copyright &&
	grep -q '/usr/share/common-licenses/Apache-2.0' debian/copyright; then
	ok "debian/copyright: DEP-5, every file Apache-2.0"
else
	notok "debian/copyright: DEP-5, every file Apache-2.0"
	diff <(echo "$want") <(echo "$got") | sed 's/^/#   /'
fi

deps=$(find plugins -path '*/.deps/*' -name '*.P*o' -size +0 | wc -l)
pulled=$(find plugins -path '*/.deps/*' -name '*.P*o' -exec grep -l "libnetfilter_log" {} + 2> /dev/null)
if [ "$deps" -gt 10 ] && [ -z "$pulled" ] && ! grep -q "netfilter-log" debian/control &&
	! grep -q "libnetfilter_log" configure.ac Makefile.am; then
	ok "libnetfilter_log is neither a build dependency nor included ($deps dependency files read)"
else
	notok "libnetfilter_log is neither a build dependency nor included ($deps dependency files read)"
	echo "$pulled" | sed 's/^/#   includes it: /'
fi
exit $FAILED
