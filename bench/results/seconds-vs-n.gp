set terminal pngcairo noenhanced size 1400,600 font ',10'
set output 'seconds-vs-n.png'
set logscale xy
set xlabel 'resources (N)'
set ylabel 'median wall seconds'
set key top left
set grid
set multiplot layout 1,2
set title 'terraform apply (Ansible: playbook), RTT 0'
plot 'seconds-vs-n.dat' index 0 using 1:2 with linespoints lw 2 title 'apim provider, local', \
  'seconds-vs-n.dat' index 1 using 1:2 with linespoints lw 2 title 'floor (no-op provider), local', \
  'seconds-vs-n.dat' index 2 using 1:2 with linespoints lw 2 title 'Ansible, local', \
  'seconds-vs-n.dat' index 3 using 1:2 with linespoints lw 2 title 'apim provider, ssh', \
  'seconds-vs-n.dat' index 4 using 1:2 with linespoints lw 2 title 'floor (no-op provider), ssh', \
  'seconds-vs-n.dat' index 5 using 1:2 with linespoints lw 2 title 'Ansible, ssh'
set title 'terraform plan (Ansible: --check --diff), RTT 0'
plot 'seconds-vs-n.dat' index 6 using 1:2 with linespoints lw 2 title 'apim provider, local', \
  'seconds-vs-n.dat' index 7 using 1:2 with linespoints lw 2 title 'floor (no-op provider), local', \
  'seconds-vs-n.dat' index 8 using 1:2 with linespoints lw 2 title 'Ansible, local', \
  'seconds-vs-n.dat' index 9 using 1:2 with linespoints lw 2 title 'apim provider, ssh', \
  'seconds-vs-n.dat' index 10 using 1:2 with linespoints lw 2 title 'floor (no-op provider), ssh', \
  'seconds-vs-n.dat' index 11 using 1:2 with linespoints lw 2 title 'Ansible, ssh'
unset multiplot
