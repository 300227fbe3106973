set terminal pngcairo size 1200,450 font ',10'
set output 'figures/table-5-delay-sigma-batch-32-s-500-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'paper-synthetic: Table 5: delay sigma (batch 32, S = 500): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '0.25', 'curves/delay-scale=0.5-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '0.5', 'curves/delay-scale=0.75-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '0.75', 'curves/delay-scale=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '1', 'curves/delay-scale=1.25-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '1.25'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '0.25', 'curves/delay-scale=0.5-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '0.5', 'curves/delay-scale=0.75-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '0.75', 'curves/delay-scale=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '1', 'curves/delay-scale=1.25-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '1.25'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/table-5-delay-sigma-batch-32-s-500-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'paper-synthetic: Table 5: delay sigma (batch 32, S = 500): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '0.25', 'curves/delay-scale=0.5-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '0.5', 'curves/delay-scale=0.75-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '0.75', 'curves/delay-scale=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '1', 'curves/delay-scale=1.25-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '1.25'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '0.25', 'curves/delay-scale=0.5-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '0.5', 'curves/delay-scale=0.75-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '0.75', 'curves/delay-scale=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '1', 'curves/delay-scale=1.25-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '1.25'
unset multiplot
