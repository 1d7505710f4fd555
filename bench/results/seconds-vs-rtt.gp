set terminal pngcairo noenhanced size 2100,600 font ',10'
set output 'seconds-vs-rtt.png'
set logscale y
set xlabel 'round-trip time (ms)'
set ylabel 'median wall seconds'
set key top left
set grid
set multiplot layout 1,3
set title 'ssh: apply'
plot 'seconds-vs-rtt.dat' index 0 using 1:2 with linespoints lw 2 title 'apim provider, N = 100', \
  'seconds-vs-rtt.dat' index 1 using 1:2 with linespoints lw 2 title 'apim provider, N = 400', \
  'seconds-vs-rtt.dat' index 2 using 1:2 with linespoints lw 2 title 'floor (no-op provider), N = 100', \
  'seconds-vs-rtt.dat' index 3 using 1:2 with linespoints lw 2 title 'floor (no-op provider), N = 400', \
  'seconds-vs-rtt.dat' index 4 using 1:2 with linespoints lw 2 title 'terraform_data, N = 100', \
  'seconds-vs-rtt.dat' index 5 using 1:2 with linespoints lw 2 title 'terraform_data, N = 400', \
  'seconds-vs-rtt.dat' index 6 using 1:2 with linespoints lw 2 title 'Ansible, N = 100', \
  'seconds-vs-rtt.dat' index 7 using 1:2 with linespoints lw 2 title 'Ansible, N = 400'
set title 'ssh: plan'
plot 'seconds-vs-rtt.dat' index 8 using 1:2 with linespoints lw 2 title 'apim provider, N = 100', \
  'seconds-vs-rtt.dat' index 9 using 1:2 with linespoints lw 2 title 'apim provider, N = 400', \
  'seconds-vs-rtt.dat' index 10 using 1:2 with linespoints lw 2 title 'floor (no-op provider), N = 100', \
  'seconds-vs-rtt.dat' index 11 using 1:2 with linespoints lw 2 title 'floor (no-op provider), N = 400', \
  'seconds-vs-rtt.dat' index 12 using 1:2 with linespoints lw 2 title 'terraform_data, N = 100', \
  'seconds-vs-rtt.dat' index 13 using 1:2 with linespoints lw 2 title 'terraform_data, N = 400', \
  'seconds-vs-rtt.dat' index 14 using 1:2 with linespoints lw 2 title 'Ansible, N = 100', \
  'seconds-vs-rtt.dat' index 15 using 1:2 with linespoints lw 2 title 'Ansible, N = 400', \
  'seconds-vs-rtt.dat' index 16 using 1:2 with linespoints lw 2 title 'raw OpenSSH, N = 100', \
  'seconds-vs-rtt.dat' index 17 using 1:2 with linespoints lw 2 title 'raw OpenSSH, N = 400'
set title 'ssh: plan, 10% edited'
plot 'seconds-vs-rtt.dat' index 18 using 1:2 with linespoints lw 2 title 'apim provider, N = 100', \
  'seconds-vs-rtt.dat' index 19 using 1:2 with linespoints lw 2 title 'apim provider, N = 400', \
  'seconds-vs-rtt.dat' index 20 using 1:2 with linespoints lw 2 title 'floor (no-op provider), N = 100', \
  'seconds-vs-rtt.dat' index 21 using 1:2 with linespoints lw 2 title 'floor (no-op provider), N = 400', \
  'seconds-vs-rtt.dat' index 22 using 1:2 with linespoints lw 2 title 'terraform_data, N = 100', \
  'seconds-vs-rtt.dat' index 23 using 1:2 with linespoints lw 2 title 'terraform_data, N = 400', \
  'seconds-vs-rtt.dat' index 24 using 1:2 with linespoints lw 2 title 'Ansible, N = 100', \
  'seconds-vs-rtt.dat' index 25 using 1:2 with linespoints lw 2 title 'Ansible, N = 400', \
  'seconds-vs-rtt.dat' index 26 using 1:2 with linespoints lw 2 title 'raw OpenSSH, N = 100', \
  'seconds-vs-rtt.dat' index 27 using 1:2 with linespoints lw 2 title 'raw OpenSSH, N = 400'
unset multiplot
