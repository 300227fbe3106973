set terminal pngcairo size 1200,450 font ',10'
set output 'figures/base.png'
set datafile separator ','
set grid
set xlabel 'time (s)'
set multiplot layout 1,2 title 'compare (mean of seeds, band: 95% CI)'
set ylabel 'test accuracy (%)'
set key bottom right
plot 'curves/base-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#d62728' fs transparent solid 0.18 noborder notitle, 'curves/base-hybrid.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.18 noborder notitle, 'curves/base-async.csv' every ::1 using 1:3 with linespoints lw 2.5 dt 2 pt 9 ps 0.8 pi 4 lc rgb '#d62728' title 'async', 'curves/base-hybrid.csv' every ::1 using 1:3 with linespoints lw 1.5 dt 4 pt 7 ps 0.6 pi 4 lc rgb '#2ca02c' title 'hybrid'
set ylabel 'test loss'
set key top right
plot 'curves/base-async.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#d62728' fs transparent solid 0.18 noborder notitle, 'curves/base-hybrid.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.18 noborder notitle, 'curves/base-async.csv' every ::1 using 1:6 with linespoints lw 2.5 dt 2 pt 9 ps 0.8 pi 4 lc rgb '#d62728' title 'async', 'curves/base-hybrid.csv' every ::1 using 1:6 with linespoints lw 1.5 dt 4 pt 7 ps 0.6 pi 4 lc rgb '#2ca02c' title 'hybrid'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/base.svg'
set datafile separator ','
set grid
set xlabel 'time (s)'
set multiplot layout 1,2 title 'compare (mean of seeds, band: 95% CI)'
set ylabel 'test accuracy (%)'
set key bottom right
plot 'curves/base-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#d62728' fs transparent solid 0.18 noborder notitle, 'curves/base-hybrid.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.18 noborder notitle, 'curves/base-async.csv' every ::1 using 1:3 with linespoints lw 2.5 dt 2 pt 9 ps 0.8 pi 4 lc rgb '#d62728' title 'async', 'curves/base-hybrid.csv' every ::1 using 1:3 with linespoints lw 1.5 dt 4 pt 7 ps 0.6 pi 4 lc rgb '#2ca02c' title 'hybrid'
set ylabel 'test loss'
set key top right
plot 'curves/base-async.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#d62728' fs transparent solid 0.18 noborder notitle, 'curves/base-hybrid.csv' every ::1 using 1:7:8 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.18 noborder notitle, 'curves/base-async.csv' every ::1 using 1:6 with linespoints lw 2.5 dt 2 pt 9 ps 0.8 pi 4 lc rgb '#d62728' title 'async', 'curves/base-hybrid.csv' every ::1 using 1:6 with linespoints lw 1.5 dt 4 pt 7 ps 0.6 pi 4 lc rgb '#2ca02c' title 'hybrid'
unset multiplot
