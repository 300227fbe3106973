set terminal pngcairo size 1200,450 font ',10'
set output 'figures/saturated-u-20-ms-c-0-25-s-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'ranking-mnist-syncswitch: Saturated: U = 20 ms, C = 0.25 s: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=20_schedule=list-seconds-0=25-20.3125=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=list:seconds,0=25,20.3125=1'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=20_schedule=list-seconds-0=25-20.3125=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=list:seconds,0=25,20.3125=1'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/saturated-u-20-ms-c-0-25-s-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'ranking-mnist-syncswitch: Saturated: U = 20 ms, C = 0.25 s: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=20_schedule=list-seconds-0=25-20.3125=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'schedule=list:seconds,0=25,20.3125=1'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=20_schedule=list-seconds-0=25-20.3125=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'schedule=list:seconds,0=25,20.3125=1'
unset multiplot
