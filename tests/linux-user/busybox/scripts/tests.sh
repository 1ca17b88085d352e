# test and [ : numbers, strings, files, and combinations.
t() { if "$@"; then echo "true : $*"; else echo "false: $*"; fi; }
t [ 3 -lt 5 ]
t [ 5 -le 4 ]
t [ -7 -gt -8 ]
t [ 10 -ge 10 -a 2 -ne 3 ]
t [ 1 -eq 2 -o 2 -eq 2 ]
t [ abc = abc ]
t [ abc != abd ]
t [ abc \< abd ]
t [ -z "" ]
t [ -n "" ]
t [ ! -n "" ]
t test -f words.txt
t test -d tree
t test -d words.txt
t test -e nonexistent
t test -x tree/d3/eta.sh
t test -x tree/d3/zeta.c
t test -s tree/d2/empty
t test -L tree/link-to-alpha
t test -h tree/readme.txt
t test tree/d3/zeta.c -nt tree/readme.txt
t test tree/d3/zeta.c -ot tree/readme.txt
t test words.txt -ef words.txt
t [ "(" 1 -eq 1 ")" -a "(" 2 -eq 3 -o 4 -eq 4 ")" ]
[ 2 -gt 1 ] && [ 3 -gt 2 ] && echo "chain ok"
[ 99 -lt 9 ] || echo "or-branch"
test 2>/dev/null 5 -bogus 6; echo "bad operator status=$?"
