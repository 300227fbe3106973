set terminal pngcairo size 1200,450 font ',10'
set output 'figures/scale-points-workers-x-server-shards-lr-0-25-n-u-2-ms-k-staleness.png'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'sharding-mnist: Scale points: workers x server shards, lr = 0.25 / N, U = 2 ms: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400, lr=0.000625, servers=1', 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400, lr=0.000625, servers=2', 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400, lr=0.000625, servers=4', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000, lr=0.00025, servers=1', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000, lr=0.00025, servers=2', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000, lr=0.00025, servers=4'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400, lr=0.000625, servers=1', 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400, lr=0.000625, servers=2', 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400, lr=0.000625, servers=4', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000, lr=0.00025, servers=1', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000, lr=0.00025, servers=2', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000, lr=0.00025, servers=4'
unset multiplot
set terminal svg size 1200,450 dynamic font ',10'
set output 'figures/scale-points-workers-x-server-shards-lr-0-25-n-u-2-ms-k-staleness.svg'
set datafile separator ','
set grid
set xlabel 'virtual time (s)'
set key bottom right
set multiplot layout 1,2 title 'sharding-mnist: Scale points: workers x server shards, lr = 0.25 / N, U = 2 ms: hybrid, mean of seeds'
set ylabel 'K (gradients per update)'
plot 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400, lr=0.000625, servers=1', 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400, lr=0.000625, servers=2', 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=400, lr=0.000625, servers=4', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=1-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000, lr=0.00025, servers=1', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=2-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000, lr=0.00025, servers=2', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=4-hybrid.csv' every ::1 using 1:10 with lines lw 2 title 'workers=1000, lr=0.00025, servers=4'
set key top right
set ylabel 'mean staleness of gradients received'
plot 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400, lr=0.000625, servers=1', 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400, lr=0.000625, servers=2', 'curves/sim-ps-update-ms=2_workers=400_lr=0.000625_servers=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=400, lr=0.000625, servers=4', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=1-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000, lr=0.00025, servers=1', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=2-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000, lr=0.00025, servers=2', 'curves/sim-ps-update-ms=2_workers=1000_lr=0.00025_servers=4-hybrid.csv' every ::1 using 1:11 with lines lw 2 title 'workers=1000, lr=0.00025, servers=4'
unset multiplot
