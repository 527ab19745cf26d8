#!/usr/bin/env bash
# Fails when git tracks a compiled program (ELF, Mach-O, PE): `go build` in a
# package's folder leaves one beside the sources, and two were committed so.
set -euo pipefail
bad=0
while IFS= read -r -d '' f; do
	[ -f "$f" ] || continue
	magic=$(head -c4 "$f" | od -An -tx1 | tr -d ' \n')
	case "$magic" in
	7f454c46 | cffaedfe | cefaedfe | feedfacf | feedface | 4d5a*)
		echo "a compiled program is tracked: $f (git rm --cached it, and add it to .gitignore)"
		bad=1
		;;
	esac
done < <(git ls-files -z)
exit $bad
