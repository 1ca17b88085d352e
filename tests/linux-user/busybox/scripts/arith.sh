# Shell arithmetic: 64-bit values, signed division and remainder, shifts,
# bit operations, comparisons, bases, and the ternary operator.
echo $(( 2147483647 + 1 ))
echo $(( -2147483648 - 1 ))
echo $(( 9223372036854775807 ))
echo $(( 4294967296 * 4294967295 ))
echo $(( 1 << 40 )) $(( 1 << 62 )) $(( -1 >> 3 ))
echo $(( -17 / 5 )) $(( -17 % 5 )) $(( 17 / -5 )) $(( 17 % -5 ))
echo $(( 123456789012 / 1000 )) $(( 123456789012 % 1000 ))
echo $(( 0x7f & 0x0f )) $(( 0x70 | 0x0f )) $(( 0xff ^ 0x0f )) $(( ~5 ))
echo $(( 010 )) $(( 0x10 )) $(( 2#1011 )) $(( 36#zz ))
echo $(( 3 < 5 )) $(( 3 > 5 )) $(( 5 == 5 )) $(( 5 != 5 )) $(( !0 ))
echo $(( 7 > 3 ? 100 : 200 )) $(( 0 && 1 )) $(( 0 || 3 ))
x=5
x=$(( x * x + 1 )); echo $x
: $(( x += 10 )) $(( x <<= 2 )); echo $x
i=0 sum=0
while [ $i -lt 1000 ]; do
    sum=$(( (sum * 31 + i) % 1000000007 ))
    i=$(( i + 1 ))
done
echo "hash=$sum"
n=1 f=1
while [ $n -le 20 ]; do f=$((f * n)); n=$((n + 1)); done
echo "20!=$f"
