set terminal pngcairo size 1200,450 font ',10'
set output 'figures/sim-profile=paper-ray-mnist_schedule=constant-3-differences.png'
set datafile separator ','
set grid
set key top left
set xlabel 'virtual time (s)'
set multiplot layout 1,2 title 'ranking-mnist: Fitted: best point (U = 0, C = 0.5 s), schedule=constant:3: hybrid minus each mode (band: paired 95% CI over seeds)'
set ylabel 'hybrid - async, test accuracy (points)'
plot 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid-minus-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.25 noborder title '95% CI (paired by seed)', 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid-minus-async.csv' every ::1 using 1:3 with linespoints lw 2 pt 7 ps 0.5 pi 4 lc rgb '#2ca02c' title 'hybrid - async, mean of seeds', 0 with lines dt 2 lw 1.5 lc rgb 'black' title 'no difference'
set ylabel 'hybrid - sync, test accuracy (points)'
plot 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid-minus-sync.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.25 noborder title '95% CI (paired by seed)', 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid-minus-sync.csv' every ::1 using 1:3 with linespoints lw 2 pt 7 ps 0.5 pi 4 lc rgb '#2ca02c' title 'hybrid - sync, mean of seeds', 0 with lines dt 2 lw 1.5 lc rgb 'black' title 'no difference'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/sim-profile=paper-ray-mnist_schedule=constant-3-differences.svg'
set datafile separator ','
set grid
set key top left
set xlabel 'virtual time (s)'
set multiplot layout 1,2 title 'ranking-mnist: Fitted: best point (U = 0, C = 0.5 s), schedule=constant:3: hybrid minus each mode (band: paired 95% CI over seeds)'
set ylabel 'hybrid - async, test accuracy (points)'
plot 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid-minus-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.25 noborder title '95% CI (paired by seed)', 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid-minus-async.csv' every ::1 using 1:3 with linespoints lw 2 pt 7 ps 0.5 pi 4 lc rgb '#2ca02c' title 'hybrid - async, mean of seeds', 0 with lines dt 2 lw 1.5 lc rgb 'black' title 'no difference'
set ylabel 'hybrid - sync, test accuracy (points)'
plot 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid-minus-sync.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.25 noborder title '95% CI (paired by seed)', 'curves/sim-profile=paper-ray-mnist_schedule=constant-3-hybrid-minus-sync.csv' every ::1 using 1:3 with linespoints lw 2 pt 7 ps 0.5 pi 4 lc rgb '#2ca02c' title 'hybrid - sync, mean of seeds', 0 with lines dt 2 lw 1.5 lc rgb 'black' title 'no difference'
unset multiplot
