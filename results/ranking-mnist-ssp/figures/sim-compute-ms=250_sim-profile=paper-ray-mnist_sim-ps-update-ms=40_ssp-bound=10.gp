set terminal pngcairo size 1200,450 font ',10'
set output 'figures/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set multiplot layout 1,2 title 'ranking-mnist-ssp: Saturated: U = 40 ms, C = 0.25 s, ssp-bound=10 (mean of seeds, band: 95% CI)'
set ylabel 'test accuracy (%)'
set key bottom right
plot 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10-ssp.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#7f7f7f' fs transparent solid 0.18 noborder notitle, 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10-ssp.csv' every ::1 using 1:3 with linespoints lw 2 dt 5 pt 3 ps 0.6 pi 4 lc rgb '#7f7f7f' title 'ssp'
set ylabel 'test loss'
set key top right
plot 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10-ssp.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#7f7f7f' fs transparent solid 0.18 noborder notitle, 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10-ssp.csv' every ::1 using 1:6 with linespoints lw 2 dt 5 pt 3 ps 0.6 pi 4 lc rgb '#7f7f7f' title 'ssp'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set multiplot layout 1,2 title 'ranking-mnist-ssp: Saturated: U = 40 ms, C = 0.25 s, ssp-bound=10 (mean of seeds, band: 95% CI)'
set ylabel 'test accuracy (%)'
set key bottom right
plot 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10-ssp.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#7f7f7f' fs transparent solid 0.18 noborder notitle, 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10-ssp.csv' every ::1 using 1:3 with linespoints lw 2 dt 5 pt 3 ps 0.6 pi 4 lc rgb '#7f7f7f' title 'ssp'
set ylabel 'test loss'
set key top right
plot 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10-ssp.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#7f7f7f' fs transparent solid 0.18 noborder notitle, 'curves/sim-compute-ms=250_sim-profile=paper-ray-mnist_sim-ps-update-ms=40_ssp-bound=10-ssp.csv' every ::1 using 1:6 with linespoints lw 2 dt 5 pt 3 ps 0.6 pi 4 lc rgb '#7f7f7f' title 'ssp'
unset multiplot
