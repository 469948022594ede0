#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# render.sh - redraw docs/img/*.svg from the graphviz sources docs/img/*.dot
# (Debian: apt-get install graphviz). CI does not render: commit the SVGs with the sources.
# The performance plots (perf-*.svg) come from docs/plots/render.sh.
set -eu
cd "$(dirname "$0")"
command -v dot >/dev/null || { echo "render.sh: dot not found (apt-get install graphviz)" >&2; exit 1; }
for src in *.dot; do
    dot -Tsvg "$src" -o "${src%.dot}.svg"
    echo "rendered: ${src%.dot}.svg"
done
