set terminal pngcairo size 1200,450 font ',10'
set output 'figures/table-2-cifar-10-fitted-profile-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'paper-cifar10-fitted: Table 2: CIFAR-10 (fitted profile): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/schedule=step-S=300_batch-size=32-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '(300,32)', 'curves/schedule=step-S=300_batch-size=64-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '(300,64)', 'curves/schedule=step-S=500_batch-size=32-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '(500,32)', 'curves/schedule=step-S=500_batch-size=64-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '(500,64)'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/schedule=step-S=300_batch-size=32-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '(300,32)', 'curves/schedule=step-S=300_batch-size=64-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '(300,64)', 'curves/schedule=step-S=500_batch-size=32-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '(500,32)', 'curves/schedule=step-S=500_batch-size=64-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '(500,64)'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/table-2-cifar-10-fitted-profile-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'paper-cifar10-fitted: Table 2: CIFAR-10 (fitted profile): hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/schedule=step-S=300_batch-size=32-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '(300,32)', 'curves/schedule=step-S=300_batch-size=64-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '(300,64)', 'curves/schedule=step-S=500_batch-size=32-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '(500,32)', 'curves/schedule=step-S=500_batch-size=64-hybrid.csv' every ::1 using 1:10 with lines lw 2 title '(500,64)'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/schedule=step-S=300_batch-size=32-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '(300,32)', 'curves/schedule=step-S=300_batch-size=64-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '(300,64)', 'curves/schedule=step-S=500_batch-size=32-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '(500,32)', 'curves/schedule=step-S=500_batch-size=64-hybrid.csv' every ::1 using 1:11 with lines lw 2 title '(500,64)'
unset multiplot
