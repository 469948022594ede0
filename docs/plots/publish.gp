# publish.gp - publishing one more port when N are published: netd against CNI portmap
load "common.gp"
set output "../img/perf-publish.svg"
set title "Publish one more port when N are published (median, ms; log scales)"
set xlabel "ports published N"
set ylabel "ms per operation"
set logscale xy
set xrange [7:14000]
set yrange [0.2:1000]
set xtics ("10" 10, "100" 100, "1000" 1000, "10000" 10000)
set ytics ("0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000)
plot "publish.dat" using 1:4 with linespoints ls 3 title "CNI portmap ADD (one mapping)", \
     "publish.dat" using 1:3 with linespoints ls 2 title "netd unpublish", \
     "publish.dat" using 1:2 with linespoints ls 1 title "netd publish"
