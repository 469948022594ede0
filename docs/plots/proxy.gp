# proxy.gp - the userland proxy: each path as a ratio to the direct path (1.0)
load "common.gp"
set output "../img/perf-proxy.svg"
set title "Throughput as a ratio to the direct path (1.0 = host to container address)"
set ylabel "x direct"
set yrange [0:1.4]
set ytics 0.2
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb "#444444"
set boxwidth 0.9
set xtics scale 0
plot "proxy.dat" using 2:xtic(1) lc rgb "#7f7f7f" title "kernel DNAT (no proxy)", \
     "" using 3 lc rgb "#d62728" title "docker-proxy", \
     "" using 4 lc rgb "#1f77b4" title "netd-proxy", \
     1.0 with lines lc rgb "#000000" dt 2 lw 1 title "direct"
