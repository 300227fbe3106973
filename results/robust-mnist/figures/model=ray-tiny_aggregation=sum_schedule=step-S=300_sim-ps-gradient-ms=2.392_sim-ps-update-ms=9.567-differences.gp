set terminal pngcairo size 600,450 font ',10'
set output 'figures/model=ray-tiny_aggregation=sum_schedule=step-S=300_sim-ps-gradient-ms=2.392_sim-ps-update-ms=9.567-differences.png'
set datafile separator ','
set grid
set key top left
set xlabel 'virtual time (s)'
set multiplot layout 1,1 title 'robust-mnist: Robustness: hybrid - async, model=ray-tiny, aggregation=sum, schedule=step:S=300, sim-ps-gradient-ms=2.392, sim-ps-update-ms=9.567: hybrid minus each mode (band: paired 95% CI over seeds)'
set ylabel 'hybrid - async, test accuracy (points)'
plot 'curves/model=ray-tiny_aggregation=sum_schedule=step-S=300_sim-ps-gradient-ms=2.392_sim-ps-update-ms=9.567-hybrid-minus-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.25 noborder title '95% CI (paired by seed)', 'curves/model=ray-tiny_aggregation=sum_schedule=step-S=300_sim-ps-gradient-ms=2.392_sim-ps-update-ms=9.567-hybrid-minus-async.csv' every ::1 using 1:3 with linespoints lw 2 pt 7 ps 0.5 pi 4 lc rgb '#2ca02c' title 'hybrid - async, mean of seeds', 0 with lines dt 2 lw 1.5 lc rgb 'black' title 'no difference'
unset multiplot
set terminal svg size 600,450 dynamic font ',10'
set output 'figures/model=ray-tiny_aggregation=sum_schedule=step-S=300_sim-ps-gradient-ms=2.392_sim-ps-update-ms=9.567-differences.svg'
set datafile separator ','
set grid
set key top left
set xlabel 'virtual time (s)'
set multiplot layout 1,1 title 'robust-mnist: Robustness: hybrid - async, model=ray-tiny, aggregation=sum, schedule=step:S=300, sim-ps-gradient-ms=2.392, sim-ps-update-ms=9.567: hybrid minus each mode (band: paired 95% CI over seeds)'
set ylabel 'hybrid - async, test accuracy (points)'
plot 'curves/model=ray-tiny_aggregation=sum_schedule=step-S=300_sim-ps-gradient-ms=2.392_sim-ps-update-ms=9.567-hybrid-minus-async.csv' every ::1 using 1:4:5 with filledcurves fc rgb '#2ca02c' fs transparent solid 0.25 noborder title '95% CI (paired by seed)', 'curves/model=ray-tiny_aggregation=sum_schedule=step-S=300_sim-ps-gradient-ms=2.392_sim-ps-update-ms=9.567-hybrid-minus-async.csv' every ::1 using 1:3 with linespoints lw 2 pt 7 ps 0.5 pi 4 lc rgb '#2ca02c' title 'hybrid - async, mean of seeds', 0 with lines dt 2 lw 1.5 lc rgb 'black' title 'no difference'
unset multiplot
