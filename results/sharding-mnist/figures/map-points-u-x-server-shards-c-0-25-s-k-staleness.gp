set terminal pngcairo size 1200,450 font ',10'
set output 'figures/map-points-u-x-server-shards-c-0-25-s-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'sharding-mnist: Map points: U x server shards, C = 0.25 s: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=20, servers=1', 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=20, servers=2', 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=20, servers=4', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=40, servers=1', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=40, servers=2', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=40, servers=4'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=20, servers=1', 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=20, servers=2', 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=20, servers=4', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=40, servers=1', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=40, servers=2', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=40, servers=4'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/map-points-u-x-server-shards-c-0-25-s-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'sharding-mnist: Map points: U x server shards, C = 0.25 s: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=20, servers=1', 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=20, servers=2', 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=20, servers=4', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=40, servers=1', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=40, servers=2', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-ps-update-ms=40, servers=4'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=20, servers=1', 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=20, servers=2', 'curves/sim-compute-ms=250_sim-ps-update-ms=20_servers=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=20, servers=4', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=40, servers=1', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=40, servers=2', 'curves/sim-compute-ms=250_sim-ps-update-ms=40_servers=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-ps-update-ms=40, servers=4'
unset multiplot
