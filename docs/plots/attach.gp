# attach.gp - attach latency against N: netd against Debian's CNI reference plugins
load "common.gp"
set output "../img/perf-attach.svg"
set title "Attach one container when N are attached (median, ms; log scales)"
set xlabel "containers attached N"
set ylabel "ms per attach"
set logscale xy
set xrange [7:1400]
set yrange [1:200]
set xtics ("10" 10, "100" 100, "1000" 1000)
set ytics ("1" 1, "2" 2, "5" 5, "10" 10, "20" 20, "50" 50, "100" 100, "200" 200)
plot "attach.dat" using 1:5 with linespoints ls 3 title "CNI bridge + host-local + portmap", \
     "attach.dat" using 1:4 with linespoints ls 4 title "CNI bridge + host-local", \
     "attach.dat" using 1:3 with linespoints ls 2 title "netd p95", \
     "attach.dat" using 1:2 with linespoints ls 1 title "netd median"
