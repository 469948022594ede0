#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# render.sh - redraw docs/img/perf-*.svg from the data in docs/plots/*.dat with gnuplot
# (Debian: apt-get install gnuplot-nox). The values come from the tables of
# docs/performance.md; change both together. CI does not render: commit the SVGs.
set -eu
cd "$(dirname "$0")"
command -v gnuplot >/dev/null || { echo "render.sh: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
for gp in attach.gp publish.gp attach-publish.gp proxy.gp; do
    gnuplot "$gp"
done
echo "rendered: $(ls ../img/perf-*.svg | tr '\n' ' ')"
