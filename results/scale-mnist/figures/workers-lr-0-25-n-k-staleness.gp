set terminal pngcairo size 1200,450 font ',10'
set output 'figures/workers-lr-0-25-n-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'scale-mnist: Workers, lr = 0.25 / N: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=25, lr=0.01', 'curves/workers=100_lr=0.0025-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=100, lr=0.0025', 'curves/workers=400_lr=0.000625-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400, lr=0.000625', 'curves/workers=1000_lr=0.00025-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000, lr=0.00025'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=25, lr=0.01', 'curves/workers=100_lr=0.0025-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=100, lr=0.0025', 'curves/workers=400_lr=0.000625-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400, lr=0.000625', 'curves/workers=1000_lr=0.00025-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000, lr=0.00025'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/workers-lr-0-25-n-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'scale-mnist: Workers, lr = 0.25 / N: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=25, lr=0.01', 'curves/workers=100_lr=0.0025-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=100, lr=0.0025', 'curves/workers=400_lr=0.000625-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400, lr=0.000625', 'curves/workers=1000_lr=0.00025-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000, lr=0.00025'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=25, lr=0.01', 'curves/workers=100_lr=0.0025-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=100, lr=0.0025', 'curves/workers=400_lr=0.000625-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400, lr=0.000625', 'curves/workers=1000_lr=0.00025-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000, lr=0.00025'
unset multiplot
