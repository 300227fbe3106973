set terminal pngcairo size 1200,450 font ',10'
set output 'figures/fitted-best-point-u-0-c-0-5-s-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'ranking-mnist: Fitted: best point (U = 0, C = 0.5 s): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-profile=paper-ray-mnist_schedule=constant-2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:2', 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:3', 'curves/sim-profile=paper-ray-mnist_schedule=constant-4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:4', 'curves/sim-profile=paper-ray-mnist_schedule=constant-6-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:6', 'curves/sim-profile=paper-ray-mnist_schedule=constant-8-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:8', 'curves/sim-profile=paper-ray-mnist_schedule=step-S=300-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=step:S=300', 'curves/sim-profile=paper-ray-mnist_schedule=step-S=500-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=step:S=500', 'curves/sim-profile=paper-ray-mnist_schedule=adaptive-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=adaptive'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-profile=paper-ray-mnist_schedule=constant-2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:2', 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:3', 'curves/sim-profile=paper-ray-mnist_schedule=constant-4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:4', 'curves/sim-profile=paper-ray-mnist_schedule=constant-6-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:6', 'curves/sim-profile=paper-ray-mnist_schedule=constant-8-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:8', 'curves/sim-profile=paper-ray-mnist_schedule=step-S=300-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=step:S=300', 'curves/sim-profile=paper-ray-mnist_schedule=step-S=500-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=step:S=500', 'curves/sim-profile=paper-ray-mnist_schedule=adaptive-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=adaptive'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/fitted-best-point-u-0-c-0-5-s-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'ranking-mnist: Fitted: best point (U = 0, C = 0.5 s): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-profile=paper-ray-mnist_schedule=constant-2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:2', 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:3', 'curves/sim-profile=paper-ray-mnist_schedule=constant-4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:4', 'curves/sim-profile=paper-ray-mnist_schedule=constant-6-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:6', 'curves/sim-profile=paper-ray-mnist_schedule=constant-8-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=constant:8', 'curves/sim-profile=paper-ray-mnist_schedule=step-S=300-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=step:S=300', 'curves/sim-profile=paper-ray-mnist_schedule=step-S=500-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=step:S=500', 'curves/sim-profile=paper-ray-mnist_schedule=adaptive-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=adaptive'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-profile=paper-ray-mnist_schedule=constant-2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:2', 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:3', 'curves/sim-profile=paper-ray-mnist_schedule=constant-4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:4', 'curves/sim-profile=paper-ray-mnist_schedule=constant-6-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:6', 'curves/sim-profile=paper-ray-mnist_schedule=constant-8-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=constant:8', 'curves/sim-profile=paper-ray-mnist_schedule=step-S=300-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=step:S=300', 'curves/sim-profile=paper-ray-mnist_schedule=step-S=500-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=step:S=500', 'curves/sim-profile=paper-ray-mnist_schedule=adaptive-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=adaptive'
unset multiplot
