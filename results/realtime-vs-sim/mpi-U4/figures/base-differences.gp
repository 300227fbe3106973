set terminal pngcairo size 600,450 font ',10'
set output 'figures/base-differences.png'
set datafile separator ','
set grid
set key top left
set xlabel 'time (s)'
set multiplot layout 1,1 title 'compare: hybrid minus each mode (band: paired 95% CI over seeds)'
set ylabel 'hybrid - async, test accuracy (points)'
plot 'curves/base-hybrid-minus-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.25 noborder title '95% CI (paired by seed)', 'curves/base-hybrid-minus-async.csv' every ::1 using 1:3 with linespoints lw 2 pt 7 ps 0.5 pi 4 lc rgb '#2ca02c' title 'hybrid - async, mean of seeds', 0 with lines dt 2 lw 1.5 lc rgb 'black' title 'no difference'
unset multiplot
set terminal svg size 600,450 dynamic font ',10'
set output 'figures/base-differences.svg'
set datafile separator ','
set grid
set key top left
set xlabel 'time (s)'
set multiplot layout 1,1 title 'compare: hybrid minus each mode (band: paired 95% CI over seeds)'
set ylabel 'hybrid - async, test accuracy (points)'
plot 'curves/base-hybrid-minus-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.25 noborder title '95% CI (paired by seed)', 'curves/base-hybrid-minus-async.csv' every ::1 using 1:3 with linespoints lw 2 pt 7 ps 0.5 pi 4 lc rgb '#2ca02c' title 'hybrid - async, mean of seeds', 0 with lines dt 2 lw 1.5 lc rgb 'black' title 'no difference'
unset multiplot
