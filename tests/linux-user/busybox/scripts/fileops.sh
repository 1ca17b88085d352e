# File operations, all inside out/: redirections, mkdir, cp, mv, ln, rm,
# chmod, touch, test operators, and listings of the result.
set -e
cd out
mkdir -p a/b/c
echo first > a/f1
echo second >> a/f1
cat ../words.txt > a/b/words
cp a/f1 a/b/c/f1copy
cp -r a acopy
mv acopy/f1 acopy/moved
ln -s ../a/f1 acopy/link
ln a/b/words a/b/hardlink
chmod 600 a/f1
chmod 751 a/b
touch -d '2001-02-03 04:05:06' a/f1 a/b/words
rm a/b/c/f1copy
rmdir a/b/c
for f in a/f1 a/b/words acopy/link acopy/moved nope; do
    printf '%s:' "$f"
    [ -e "$f" ] && printf ' exists'
    [ -f "$f" ] && printf ' file'
    [ -L "$f" ] && printf ' link'
    [ -s "$f" ] && printf ' nonempty'
    [ -r "$f" ] && printf ' readable'
    echo
done
ls -R
# Not ls -l: the times of what this script created are the time of the run.
find . | sort | while read -r f; do stat -c '%n %A %h %s' "$f"; done
cat acopy/link
wc -l < a/b/hardlink
stat -c '%n %s %h %a' a/f1 a/b/words a/b/hardlink
exec 3> fd3.txt
echo "through fd 3" >&3
exec 3>&-
cat fd3.txt
{ echo grouped; echo output; } > grouped.txt 2>&1
cat grouped.txt
