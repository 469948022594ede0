# attach-publish.gp - attach with one published port when A containers are attached
load "common.gp"
set output "../img/perf-attach-publish.svg"
set title "Attach + publish one container when A are attached (median, ms; log y)"
set xlabel "containers attached A"
set ylabel "ms per attach + publish"
set logscale y
set xrange [0:320]
set yrange [1:300]
set ytics ("1" 1, "2" 2, "5" 5, "10" 10, "20" 20, "50" 50, "100" 100, "200" 200)
plot "attach-publish.dat" using 1:3 with linespoints ls 3 title "CNI bridge + host-local + portmap", \
     "attach-publish.dat" using 1:2 with linespoints ls 1 title "netd"
