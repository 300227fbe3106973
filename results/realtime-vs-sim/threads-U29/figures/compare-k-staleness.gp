set terminal pngcairo size 1200,450 font ',10'
set output 'figures/compare-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'compare: compare: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'all'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'all'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/compare-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'compare: compare: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'all'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'all'
unset multiplot
