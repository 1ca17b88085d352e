# Loops and arithmetic in busybox ash: while/until/for, nested loops,
# break/continue, and a recursive function through command substitution
# (each level a forked subshell).
fib() {
    if [ "$1" -lt 2 ]; then
        echo "$1"
    else
        echo $(( $(fib $(($1 - 1))) + $(fib $(($1 - 2))) ))
    fi
}

i=0
while [ $i -le 8 ]; do
    printf '%s ' "$(fib $i)"
    i=$((i + 1))
done
echo

# Iterative Fibonacci far past 32 bits (ash arithmetic is 64-bit).
a=0 b=1 n=0
until [ $n -ge 90 ]; do
    t=$((a + b)); a=$b; b=$t; n=$((n + 1))
done
echo "fib90=$a"

# Primes below 200 with nested loops, break and continue.
primes=""
for n in $(seq 2 200); do
    d=2
    while [ $((d * d)) -le $n ]; do
        [ $((n % d)) -eq 0 ] && continue 2
        d=$((d + 1))
    done
    primes="$primes $n"
done
echo "primes:$primes"

for w in alpha beta gamma delta; do
    case $w in
        a*) echo "$w starts with a" ;;
        *t*) echo "$w has a t" ;;
        *) echo "$w: other" ;;
    esac
    [ "$w" = gamma ] && break
done

# A loop over lines of a file, counting and summing.
count=0 total=0
while read -r n; do
    count=$((count + 1))
    total=$((total + n))
done < nums.txt
echo "count=$count total=$total"

# Collatz lengths: arithmetic-heavy, no forks.
best=0 bestn=0
for n in $(seq 1 120); do
    x=$n steps=0
    while [ $x -ne 1 ]; do
        if [ $((x % 2)) -eq 0 ]; then x=$((x / 2)); else x=$((3 * x + 1)); fi
        steps=$((steps + 1))
    done
    if [ $steps -gt $best ]; then best=$steps bestn=$n; fi
done
echo "longest collatz up to 120: n=$bestn steps=$best"
