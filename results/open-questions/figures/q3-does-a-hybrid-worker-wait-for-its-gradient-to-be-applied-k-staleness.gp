set terminal pngcairo size 1200,450 font ',10'
set output 'figures/q3-does-a-hybrid-worker-wait-for-its-gradient-to-be-applied-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'open-questions: Q3: does a hybrid worker wait for its gradient to be applied?: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'no (K-batch-async)', 'curves/wait=applied-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'yes (K-sync)'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'no (K-batch-async)', 'curves/wait=applied-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'yes (K-sync)'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/q3-does-a-hybrid-worker-wait-for-its-gradient-to-be-applied-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'open-questions: Q3: does a hybrid worker wait for its gradient to be applied?: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'no (K-batch-async)', 'curves/wait=applied-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'yes (K-sync)'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'no (K-batch-async)', 'curves/wait=applied-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'yes (K-sync)'
unset multiplot
