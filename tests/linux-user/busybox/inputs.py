"""The input files of the busybox suite, generated from fixed seeds.

    make_inputs(dir)   fills dir with the files listed below

Everything comes from SplitMix64 generators seeded with constants written
here, so the files are the same on every machine and Python version (no
use of the random module, whose algorithms may change).  Timestamps and
permission bits are set explicitly, so `ls -l`, `tar tv`, `diff -u`
headers and `find -newer` see the same values everywhere.

  words.txt    3000 pseudo-words, one per line, with repeats (sort, uniq)
  nums.txt     2000 signed integers, one per line (sort -n, awk)
  table.csv    500 rows "name,int,float" (cut, awk, sort -k)
  text.txt     400 lines of sentences with numbers and tags (sed, grep, tr)
  a.txt b.txt  two versions of a text differing in a few places (diff, cmp)
  bin.dat      48 KiB of pseudo-random bytes (checksums, gzip, od, dd, base64)
  bin2.dat     bin.dat with a few bytes changed (cmp -l)
  tree/        a small directory tree: nested directories, files of several
               sizes, an empty file, a name with a space, a symbolic link
  scripts/     the shell scripts of tests/linux-user/busybox/scripts/
  bin/         one symbolic link per busybox applet -> the busybox binary,
               the only directory in the cases' PATH: every program a case
               starts stays the i386 busybox
  out/         empty: the only place cases write to (see reset_output)
"""

import os
import shutil
import stat

MASK64 = (1 << 64) - 1
BASE_TIME = 1000000000          # 2001-09-09 01:46:40 UTC

SYLLABLES = ["ka", "lo", "mi", "tes", "ra", "qu", "bor", "ne", "xi", "pla",
             "du", "ven", "so", "ti", "gra", "fu", "ze", "wo", "lim", "ho"]
NOUNS = ["cat", "river", "engine", "window", "garden", "signal", "number",
         "thread", "memory", "stone", "cloud", "paper", "kernel", "bridge"]
VERBS = ["runs", "jumps", "reads", "writes", "computes", "sings", "falls",
         "opens", "closes", "turns", "waits", "hashes", "sorts", "finds"]
ADJECTIVES = ["quick", "lazy", "bright", "silent", "heavy", "tiny", "odd",
              "green", "ancient", "rapid", "hollow", "smooth"]


class SplitMix64:
    """Sebastiano Vigna's SplitMix64: tiny, fast, fully specified."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def pick(self, items):
        return items[self.below(len(items))]

    def bytes(self, n):
        out = bytearray()
        while len(out) < n:
            out += self.next().to_bytes(8, "little")
        return bytes(out[:n])


def word(rng):
    return "".join(rng.pick(SYLLABLES) for _ in range(1 + rng.below(3)))


def sentence(rng):
    parts = []
    for _ in range(3 + rng.below(6)):
        r = rng.below(10)
        if r < 3:
            parts.append(rng.pick(NOUNS))
        elif r < 5:
            parts.append(rng.pick(VERBS))
        elif r < 7:
            parts.append(rng.pick(ADJECTIVES))
        elif r < 8:
            parts.append(str(rng.below(100000)))
        elif r < 9:
            parts.append(rng.pick(["foo", "bar", "baz"]) + str(rng.below(50)))
        else:
            parts.append(word(rng) + "ing")
    text = " ".join(parts)
    if rng.below(3) == 0:
        text = text[0].upper() + text[1:]
    return text + rng.pick([".", ".", "!", "?", ",", ""])


def write(path, data, mtime):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)
    os.chmod(path, 0o644)
    os.utime(path, (mtime, mtime))


def make_tree(root, rng):
    """A directory tree with fixed contents, modes and times."""
    files = {
        "readme.txt": "\n".join(sentence(rng) for _ in range(12)) + "\n",
        "d1/alpha.txt": "\n".join(word(rng) for _ in range(900)) + "\n",
        "d1/beta.log": "\n".join(sentence(rng) for _ in range(30)) + "\n",
        "d1/sub/gamma.txt": "needle in a haystack\n" * 5,
        "d1/sub/deeper/delta.dat": rng.bytes(3000),
        "d2/epsilon.txt": "\n".join(str(rng.below(1000)) for _ in range(200)) + "\n",
        "d2/with space.txt": "a file name with a space\n",
        "d2/empty": "",
        "d3/zeta.c": "int main(void) { return 42; }\n",
        "d3/eta.sh": "#!/bin/sh\necho eta\n",
    }
    for i, (rel, data) in enumerate(sorted(files.items())):
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write(path, data, BASE_TIME + 3600 * (i + 1))
    os.chmod(os.path.join(root, "d3/eta.sh"), 0o755)
    link = os.path.join(root, "link-to-alpha")
    os.symlink("d1/alpha.txt", link)
    os.utime(link, (BASE_TIME, BASE_TIME), follow_symlinks=False)
    # Directories last, deepest first, so creating files does not touch them.
    dirs = sorted((d for d, _, _ in os.walk(root)), key=lambda d: -d.count(os.sep))
    for i, d in enumerate(dirs):
        os.chmod(d, 0o755)
        os.utime(d, (BASE_TIME + 86400 + i * 60, BASE_TIME + 86400 + i * 60))


def make_inputs(root, scripts_dir, busybox, applets):
    rng = SplitMix64(0x6d696d6963)
    os.makedirs(root, exist_ok=True)

    words = [word(rng) for _ in range(700)]
    write(os.path.join(root, "words.txt"),
          "".join(rng.pick(words) + "\n" for _ in range(3000)), BASE_TIME)

    write(os.path.join(root, "nums.txt"),
          "".join("%d\n" % (rng.below(200001) - 100000) for _ in range(2000)),
          BASE_TIME + 10)

    rows = []
    for _ in range(500):
        rows.append("%s,%d,%d.%03d\n" % (word(rng), rng.below(100000),
                                         rng.below(2000) - 1000, rng.below(1000)))
    write(os.path.join(root, "table.csv"), "".join(rows), BASE_TIME + 20)

    write(os.path.join(root, "text.txt"),
          "".join(sentence(rng) + "\n" for _ in range(400)), BASE_TIME + 30)

    a_lines = [sentence(rng) for _ in range(120)]
    b_lines = list(a_lines)
    b_lines[5] = "this line was changed"
    del b_lines[40:43]
    b_lines.insert(80, "an inserted line")
    b_lines[-1] = "a different last line"
    write(os.path.join(root, "a.txt"), "".join(l + "\n" for l in a_lines), BASE_TIME + 40)
    write(os.path.join(root, "b.txt"), "".join(l + "\n" for l in b_lines), BASE_TIME + 50)

    data = rng.bytes(48 * 1024)
    write(os.path.join(root, "bin.dat"), data, BASE_TIME + 60)
    changed = bytearray(data)
    for off in (7, 1000, 1001, 30000, len(changed) - 1):
        changed[off] ^= 0x5a
    write(os.path.join(root, "bin2.dat"), bytes(changed), BASE_TIME + 70)

    make_tree(os.path.join(root, "tree"), rng)

    shutil.copytree(scripts_dir, os.path.join(root, "scripts"))
    for name in os.listdir(os.path.join(root, "scripts")):
        path = os.path.join(root, "scripts", name)
        os.chmod(path, 0o755)
        os.utime(path, (BASE_TIME, BASE_TIME))

    bindir = os.path.join(root, "bin")
    os.makedirs(bindir)
    for applet in applets:
        if "/" not in applet and applet != "busybox":
            os.symlink(busybox, os.path.join(bindir, applet))
    os.makedirs(os.path.join(root, "out"))


def reset_output(root):
    """Empties out/ between runs, so each run starts from the same state."""
    out = os.path.join(root, "out")
    if os.path.lexists(out):
        make_writable(out)
        shutil.rmtree(out)
    os.makedirs(out)


def make_writable(path):
    for d, _, _ in os.walk(path):
        try:
            os.chmod(d, os.stat(d).st_mode | stat.S_IRWXU)
        except OSError:
            pass
