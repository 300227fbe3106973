set terminal pngcairo size 1200,450 font ',10'
set output 'figures/workers-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'scale-mnist: Workers: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=25', 'curves/workers=100-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=100', 'curves/workers=400-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400', 'curves/workers=1000-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=25', 'curves/workers=100-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=100', 'curves/workers=400-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400', 'curves/workers=1000-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/workers-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'scale-mnist: Workers: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/base-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=25', 'curves/workers=100-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=100', 'curves/workers=400-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400', 'curves/workers=1000-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/base-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=25', 'curves/workers=100-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=100', 'curves/workers=400-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400', 'curves/workers=1000-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000'
unset multiplot
