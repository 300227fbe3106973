set terminal pngcairo size 1200,450 font ',10'
set output 'figures/table-3-batch-size-s-500-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'paper-synthetic: Table 3: batch size (S = 500): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/batch-size=8-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '8', 'curves/batch-size=16-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '16', 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '32', 'curves/batch-size=64-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '64', 'curves/batch-size=128-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '128'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/batch-size=8-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '8', 'curves/batch-size=16-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '16', 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '32', 'curves/batch-size=64-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '64', 'curves/batch-size=128-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '128'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/table-3-batch-size-s-500-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'paper-synthetic: Table 3: batch size (S = 500): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/batch-size=8-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '8', 'curves/batch-size=16-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '16', 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '32', 'curves/batch-size=64-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '64', 'curves/batch-size=128-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '128'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/batch-size=8-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '8', 'curves/batch-size=16-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '16', 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '32', 'curves/batch-size=64-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '64', 'curves/batch-size=128-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '128'
unset multiplot
