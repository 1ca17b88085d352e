# Functions: arguments, $#, $@ vs $*, shift, local variables, return
# codes, recursion through globals, getopts, set -e in a subshell.
show_args() {
    echo "count=$#"
    for a in "$@"; do echo "  arg=[$a]"; done
    echo "  star=[$*]"
}
show_args "$@"
show_args one "two  spaces" "" three

counter=0
bump() {
    local step=${1:-1}
    counter=$((counter + step))
    return $((counter % 5))
}
bump; echo "after bump: counter=$counter status=$?"
bump 3; echo "after bump 3: counter=$counter status=$?"
bump 7; s=$?; echo "after bump 7: counter=$counter status=$s"

scope() {
    local x=inner
    echo "inside: x=$x"
}
x=outer
scope
echo "outside: x=$x"

hanoi_moves=0
hanoi() {
    [ "$1" -eq 0 ] && return 0
    local n=$1 from=$2 to=$3 via=$4
    hanoi $((n - 1)) "$from" "$via" "$to"
    hanoi_moves=$((hanoi_moves + 1))
    [ $n -ge 4 ] && echo "move disk $n from $from to $to"
    hanoi $((n - 1)) "$via" "$to" "$from"
}
hanoi 6 A C B
echo "hanoi moves=$hanoi_moves"

parse() {
    OPTIND=1
    while getopts "ab:c" opt "$@"; do
        case $opt in
            a) echo "option a" ;;
            b) echo "option b=$OPTARG" ;;
            c) echo "option c" ;;
            *) echo "bad option" ;;
        esac
    done
    shift $((OPTIND - 1))
    echo "rest: $*"
}
parse -a -b value -c file1 file2
parse -x -a 2>/dev/null

( set -e; echo "before false"; false; echo "not reached" )
echo "subshell status=$?"

pipeline_fn() { while read -r l; do echo "<$l>"; done; }
printf 'x\ny\nz\n' | pipeline_fn
exit 3
