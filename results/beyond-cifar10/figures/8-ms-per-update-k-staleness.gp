set terminal pngcairo size 1200,450 font ',10'
set output 'figures/8-ms-per-update-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'beyond-cifar10: 8 ms per update: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-ps-update-ms=8_schedule=step-S=300-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'step S=300', 'curves/sim-ps-update-ms=8_schedule=step-S=500-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'step S=500', 'curves/sim-ps-update-ms=8_schedule=adaptive-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'adaptive'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-ps-update-ms=8_schedule=step-S=300-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'step S=300', 'curves/sim-ps-update-ms=8_schedule=step-S=500-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'step S=500', 'curves/sim-ps-update-ms=8_schedule=adaptive-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'adaptive'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/8-ms-per-update-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'beyond-cifar10: 8 ms per update: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-ps-update-ms=8_schedule=step-S=300-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'step S=300', 'curves/sim-ps-update-ms=8_schedule=step-S=500-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'step S=500', 'curves/sim-ps-update-ms=8_schedule=adaptive-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'adaptive'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-ps-update-ms=8_schedule=step-S=300-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'step S=300', 'curves/sim-ps-update-ms=8_schedule=step-S=500-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'step S=500', 'curves/sim-ps-update-ms=8_schedule=adaptive-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'adaptive'
unset multiplot
