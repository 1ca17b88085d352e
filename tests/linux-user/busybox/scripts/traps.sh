# Traps and signals between shell processes, background jobs and wait.
trap 'echo "exit trap, status $?"' EXIT
trap 'echo "got USR1"' USR1
trap 'echo "got USR2"' USR2
kill -USR1 $$
kill -s USR2 $$
echo "after kills"

( exit 5 ) &
wait $!
echo "background status=$?"

sleep 5 &
pid=$!
kill -TERM $pid
wait $pid
echo "killed sleeper status=$?"

sh -c 'trap "echo child got TERM; exit 9" TERM; kill -TERM $$; echo "child goes on"'
echo "child status=$?"

trap - USR1
( kill -USR1 $$ ) 2>/dev/null
echo "not reached: the default action of USR1 ends this shell"
