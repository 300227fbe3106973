set terminal pngcairo size 1200,450 font ',10'
set output 'figures/q1-sum-or-mean-of-the-buffered-gradients-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'open-questions: Q1: sum or mean of the buffered gradients: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sum', 'curves/aggregation=mean-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'mean'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sum', 'curves/aggregation=mean-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'mean'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/q1-sum-or-mean-of-the-buffered-gradients-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'open-questions: Q1: sum or mean of the buffered gradients: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'sum', 'curves/aggregation=mean-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'mean'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'sum', 'curves/aggregation=mean-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'mean'
unset multiplot
