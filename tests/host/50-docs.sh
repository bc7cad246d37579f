#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The docs stay true: docs/FIELDS.md is what `make docs` generates now; every
# file README's layout names exists; relative links in README.md and docs/
# resolve; README's alert example is a Falco alert.
. tests/e2e/lib/tap.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if scripts/gen-fields-doc - >"$tmp/FIELDS.md" 2>"$tmp/err" && cmp -s "$tmp/FIELDS.md" docs/FIELDS.md; then
	tap_ok "docs/FIELDS.md is up to date with shrike --list and --list-args ($(sed '/^## How evt.arg/q' docs/FIELDS.md | grep -c '^| `') fields)"
else
	tap_fail "docs/FIELDS.md is up to date with shrike --list (run make docs)" \
		"$(cat "$tmp/err"; diff docs/FIELDS.md "$tmp/FIELDS.md" | head -6)"
fi

python3 - >"$tmp/layout" 2>&1 <<'PY'
import glob, os, re
block = open("README.md").read().split("## Layout", 1)[1].split("```")[1]
missing = []
where = "."
for line in block.splitlines():
    if not line.strip():
        continue
    first = line.split()[0]
    if not line.startswith(" ") and first.endswith("/"):
        where = first.rstrip("/")
    if first == "Kbuild,":
        names = ["Kbuild", "Makefile"]
    else:
        names = re.findall(r"(?<![\w/.*-])([\w*.-]+\.(?:c|h|md|yaml|conf)|[\w-]+/)(?=[\s,:)]|$)", line)
    if where == "scripts":
        # "deps, kver, vm (QEMU harness), ...": each name a script
        text = re.sub(r"\([^)]*\)", "", line if line.startswith(" ") else line.split(None, 1)[1])
        names += [w.strip() for w in text.split(",") if w.strip()]
    for n in names:
        if not any(glob.glob(c) for c in (n, os.path.join(where, n), os.path.join(where, "uapi", n))):
            missing.append("%s (in %s/)" % (n, where))
print("\n".join(missing))
PY
tap_is "$(cat "$tmp/layout")" "" "every file and directory README's layout names exists"

python3 - README.md docs/*.md >"$tmp/links" 2>&1 <<'PY'
import os, re, sys
bad = []
for path in sys.argv[1:]:
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", open(path).read()):
        if re.match(r"^[a-z]+:", target):
            continue
        if not os.path.exists(os.path.join(os.path.dirname(path), target)):
            bad.append("%s: %s" % (path, target))
print("\n".join(bad))
PY
tap_is "$(cat "$tmp/links")" "" "relative links in README.md and docs/*.md resolve"

python3 - >"$tmp/alert" 2>&1 <<'PY'
import json
text = open("README.md").read()
block = text.split("```json", 1)[1].split("```", 1)[0]
a = json.loads(block)
keys = {"time", "rule", "priority", "source", "hostname", "output", "output_fields", "tags"}
assert keys <= set(a), keys - set(a)
f = a["output_fields"]
assert f["container.type"] == "lxc" and f["user.name"] and f["user.uid"] == 1000, f
PY
tap_is "$(cat "$tmp/alert")" "" "README's alert example is a Falco alert of a container user"
tap_done
