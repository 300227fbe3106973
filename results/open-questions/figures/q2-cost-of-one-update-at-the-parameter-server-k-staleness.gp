set terminal pngcairo size 1200,450 font ',10'
set output 'figures/q2-cost-of-one-update-at-the-parameter-server-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'open-questions: Q2: cost of one update at the parameter server: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '0 ms', 'curves/sim-ps-update-ms=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '2 ms', 'curves/sim-ps-update-ms=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '4 ms', 'curves/sim-ps-update-ms=8-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '8 ms'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '0 ms', 'curves/sim-ps-update-ms=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '2 ms', 'curves/sim-ps-update-ms=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '4 ms', 'curves/sim-ps-update-ms=8-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '8 ms'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/q2-cost-of-one-update-at-the-parameter-server-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'open-questions: Q2: cost of one update at the parameter server: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '0 ms', 'curves/sim-ps-update-ms=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '2 ms', 'curves/sim-ps-update-ms=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '4 ms', 'curves/sim-ps-update-ms=8-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '8 ms'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '0 ms', 'curves/sim-ps-update-ms=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '2 ms', 'curves/sim-ps-update-ms=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '4 ms', 'curves/sim-ps-update-ms=8-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '8 ms'
unset multiplot
