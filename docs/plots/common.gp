# common.gp - settings shared by the performance plots (loaded by each *.gp)
set terminal svg size 720,460 font "sans,12" background rgb "white"
set grid ytics mytics lc rgb "#dddddd" lw 1
set border 3
set tics nomirror
set key below center horizontal maxrows 2 box
set bmargin 7
set datafile separator "\t"
set style line 1 lc rgb "#1f77b4" lw 2 pt 7 ps 1.0
set style line 2 lc rgb "#1f77b4" lw 1 dt 2 pt 6 ps 1.0
set style line 3 lc rgb "#d62728" lw 2 pt 5 ps 1.0
set style line 4 lc rgb "#ff7f0e" lw 2 pt 9 ps 1.0
set style line 5 lc rgb "#2ca02c" lw 2 pt 13 ps 1.0
