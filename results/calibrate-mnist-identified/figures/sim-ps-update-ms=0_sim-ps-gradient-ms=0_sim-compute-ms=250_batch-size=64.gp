set terminal pngcairo size 1200,450 font ',10'
set output 'figures/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set multiplot layout 1,2 title 'calibrate-mnist-identified: Calibration grid, sim-ps-update-ms=0, sim-ps-gradient-ms=0, sim-compute-ms=250, batch-size=64 (mean of seeds, band: 95% CI)'
set ylabel 'test accuracy (%)'
set key bottom right
plot 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-sync.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#1f77b4' fs transparent solid 0.18 noborder notitle, 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#d62728' fs transparent solid 0.18 noborder notitle, 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-sync.csv' every ::1 using 1:3 with linespoints lw 4 dt 1 pt 5 ps 0.8 pi 4 lc rgb '#1f77b4' title 'sync', 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-async.csv' every ::1 using 1:3 with linespoints lw 2.5 dt 2 pt 9 ps 0.8 pi 4 lc rgb '#d62728' title 'async'
set ylabel 'test loss'
set key top right
plot 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-sync.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#1f77b4' fs transparent solid 0.18 noborder notitle, 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-async.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#d62728' fs transparent solid 0.18 noborder notitle, 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-sync.csv' every ::1 using 1:6 with linespoints lw 4 dt 1 pt 5 ps 0.8 pi 4 lc rgb '#1f77b4' title 'sync', 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-async.csv' every ::1 using 1:6 with linespoints lw 2.5 dt 2 pt 9 ps 0.8 pi 4 lc rgb '#d62728' title 'async'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set multiplot layout 1,2 title 'calibrate-mnist-identified: Calibration grid, sim-ps-update-ms=0, sim-ps-gradient-ms=0, sim-compute-ms=250, batch-size=64 (mean of seeds, band: 95% CI)'
set ylabel 'test accuracy (%)'
set key bottom right
plot 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-sync.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#1f77b4' fs transparent solid 0.18 noborder notitle, 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#d62728' fs transparent solid 0.18 noborder notitle, 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-sync.csv' every ::1 using 1:3 with linespoints lw 4 dt 1 pt 5 ps 0.8 pi 4 lc rgb '#1f77b4' title 'sync', 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-async.csv' every ::1 using 1:3 with linespoints lw 2.5 dt 2 pt 9 ps 0.8 pi 4 lc rgb '#d62728' title 'async'
set ylabel 'test loss'
set key top right
plot 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-sync.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#1f77b4' fs transparent solid 0.18 noborder notitle, 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-async.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#d62728' fs transparent solid 0.18 noborder notitle, 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-sync.csv' every ::1 using 1:6 with linespoints lw 4 dt 1 pt 5 ps 0.8 pi 4 lc rgb '#1f77b4' title 'sync', 'curves/sim-ps-update-ms=0_sim-ps-gradient-ms=0_sim-compute-ms=250_batch-size=64-async.csv' every ::1 using 1:6 with linespoints lw 2.5 dt 2 pt 9 ps 0.8 pi 4 lc rgb '#d62728' title 'async'
unset multiplot
