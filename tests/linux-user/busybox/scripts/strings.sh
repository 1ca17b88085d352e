# Parameter expansion, IFS splitting, here-documents, read, printf.
path=/usr/local/lib/libthing.so.1.2.3
echo "${path#*/}"
echo "${path##*/}"
echo "${path%.*}"
echo "${path%%.*}"
echo "length=${#path}"
echo "${path:5:9}"
echo "${path/lib/LIB}"
echo "${path//lib/LIB}"
unset nothing
echo "default=${nothing:-fallback} assign=${nothing:=assigned} now=$nothing"
empty=""
echo "alt=${empty:+set}${path:+set}"

IFS=: read -r a b c <<END
one:two:three:four
END
echo "a=$a b=$b c=$c"

old_ifs=$IFS
IFS=,
set -- $(echo "x,y,,z")
echo "fields=$# second=$2 third=[$3]"
IFS=$old_ifs

cat <<EOT
here-doc with expansion: $((6 * 7)) ${path##*.}
  indented line
EOT
cat <<'EOT'
quoted here-doc: $path $((1+1)) stays literal
EOT

while IFS=, read -r name num frac; do
    printf '%-12s|%8d|%10s|\n' "$name" "$num" "$frac"
done <<EOF2
$(head -n 12 table.csv)
EOF2

s="The Quick Brown Fox"
upper=$(echo "$s" | tr a-z A-Z)
echo "$upper"
set -- $s
echo "words=$# last=$4"
printf '%s\n' "$@" | sort
printf '[%5.2f] [%-6s] [%06d] [%x] [%o]\n' 3.14159 ab 42 255 8
echo "$(printf '%s-' a b c)end"
