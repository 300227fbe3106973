set terminal pngcairo size 1200,450 font ',10'
set output 'figures/network-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'network-mnist: Network: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-latency-ms=1_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=1, sim-bandwidth=1250', 'curves/sim-latency-ms=1_sim-bandwidth=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=1, sim-bandwidth=1', 'curves/sim-latency-ms=10_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=10, sim-bandwidth=1250', 'curves/sim-latency-ms=10_sim-bandwidth=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=10, sim-bandwidth=1', 'curves/sim-latency-ms=50_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=50, sim-bandwidth=1250', 'curves/sim-latency-ms=50_sim-bandwidth=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=50, sim-bandwidth=1'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-latency-ms=1_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=1, sim-bandwidth=1250', 'curves/sim-latency-ms=1_sim-bandwidth=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=1, sim-bandwidth=1', 'curves/sim-latency-ms=10_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=10, sim-bandwidth=1250', 'curves/sim-latency-ms=10_sim-bandwidth=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=10, sim-bandwidth=1', 'curves/sim-latency-ms=50_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=50, sim-bandwidth=1250', 'curves/sim-latency-ms=50_sim-bandwidth=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=50, sim-bandwidth=1'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/network-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'network-mnist: Network: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-latency-ms=1_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=1, sim-bandwidth=1250', 'curves/sim-latency-ms=1_sim-bandwidth=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=1, sim-bandwidth=1', 'curves/sim-latency-ms=10_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=10, sim-bandwidth=1250', 'curves/sim-latency-ms=10_sim-bandwidth=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=10, sim-bandwidth=1', 'curves/sim-latency-ms=50_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=50, sim-bandwidth=1250', 'curves/sim-latency-ms=50_sim-bandwidth=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sim-latency-ms=50, sim-bandwidth=1'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-latency-ms=1_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=1, sim-bandwidth=1250', 'curves/sim-latency-ms=1_sim-bandwidth=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=1, sim-bandwidth=1', 'curves/sim-latency-ms=10_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=10, sim-bandwidth=1250', 'curves/sim-latency-ms=10_sim-bandwidth=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=10, sim-bandwidth=1', 'curves/sim-latency-ms=50_sim-bandwidth=1250-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=50, sim-bandwidth=1250', 'curves/sim-latency-ms=50_sim-bandwidth=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sim-latency-ms=50, sim-bandwidth=1'
unset multiplot
