set terminal pngcairo size 1200,450 font ',10'
set output 'figures/table-4-step-size-batch-32-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'paper-synthetic: Table 4: step size (batch 32): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/schedule=step-S=100-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '1/lr', 'curves/schedule=step-S=300-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '3/lr', 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '5/lr', 'curves/schedule=step-S=700-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '7/lr', 'curves/schedule=step-S=1000-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '10/lr'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/schedule=step-S=100-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '1/lr', 'curves/schedule=step-S=300-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '3/lr', 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '5/lr', 'curves/schedule=step-S=700-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '7/lr', 'curves/schedule=step-S=1000-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '10/lr'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/table-4-step-size-batch-32-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'time (s)'
set key bottom right
set multiplot layout 1,2 title 'paper-synthetic: Table 4: step size (batch 32): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/schedule=step-S=100-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '1/lr', 'curves/schedule=step-S=300-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '3/lr', 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '5/lr', 'curves/schedule=step-S=700-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '7/lr', 'curves/schedule=step-S=1000-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '10/lr'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/schedule=step-S=100-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '1/lr', 'curves/schedule=step-S=300-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '3/lr', 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '5/lr', 'curves/schedule=step-S=700-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '7/lr', 'curves/schedule=step-S=1000-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '10/lr'
unset multiplot
