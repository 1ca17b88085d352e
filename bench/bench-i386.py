#!/usr/bin/env python3
"""i386 guest benchmarks: the same 32-bit programs timed natively (the host
runs i386 code), under mimic-i386 on each backend, and under Debian's
qemu-i386.  bench/run-bench runs this and puts its report (Markdown, on
stdout) into docs/PERFORMANCE.md; progress goes to stderr.

    bench/bench-i386.py --mimic build/mimic-i386 [--busybox /bin/busybox]
                        [--size-mb 50] [--repeat 3] [--budget 300]
                        [--data build/bench/i386-input.txt]
                        [--kernels DIR] [--fp-rounds 40] [--only TEXT] [--no-rr]

Workloads, on a generated text file of --size-mb MB:
  - busybox sha256sum FILE        (32-bit integer arithmetic, rotates)
  - busybox gzip -9 -c FILE       (LZ77 matching and Huffman coding)
and the floating-point kernels of bench/i386/fpkernel.c (a double matrix
multiply, a float SAXPY, a double dot product; --fp-rounds rounds), built
by bench.mk next to the driver ($BUILD/bench/, or --kernels DIR):
  - fp-sse2                       (-O2 -msse2 -mfpmath=sse)
  - fp-x87                        (-O2 -mfpmath=387)
Each workload also runs under mimic-i386 with `-icount shift=0`, with
`-rr record,file=F` and with `-rr replay,file=F` (issue 7), timed and
checked the same way, for a second table: each mode over plain mimic-i386
(x86-64 backend), and the log's size, per CPU second of the record run
and per 10^9 guest instructions (`mimic-rr info`).  A mode that fails is
"failed" in its cell and explained under the tables; --no-rr leaves the
table out.
fp-sse2 exits with status 77 when CPUID does not advertise SSE2; that
runner is then reported as "not run (SSE2 not advertised)".

Each (workload, runner) pair runs up to --repeat times and the best CPU
time (user + system of the process and its children, from wait4) is
kept; once a pair has used --budget seconds it stops repeating.  Every
run's output must be byte-identical to the native run's (its SHA-256 is
compared), otherwise the pair is reported as wrong instead of timed: a
fast wrong answer is not a figure.

The input is deterministic: a vocabulary from SplitMix64 with a fixed
seed, then words drawn by Python's Mersenne Twister (random.Random with a
fixed seed, stable across CPython versions for choices()), line lengths
from the same generator.  It is written once and reused while its size
matches.
"""

import argparse
import hashlib
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile

MASK64 = (1 << 64) - 1
SEED = 0x6d696d6963


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def make_input(path, size):
    """Writes size bytes of word text to path (deterministic)."""
    state = SEED
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    vocabulary = []
    for _ in range(8000):
        state, r = splitmix64(state)
        length = 2 + r % 9
        word = ""
        for _ in range(length):
            r >>= 4
            word += letters[r % 26]
        vocabulary.append(word)
    rng = random.Random(SEED)
    tmp = path + ".tmp"
    written = 0
    with open(tmp, "w") as f:
        while written < size:
            line = " ".join(rng.choices(vocabulary, k=8 + rng.randrange(8))) + "\n"
            if written + len(line) > size:
                line = line[:size - written - 1] + "\n"
            f.write(line)
            written += len(line)
    os.replace(tmp, path)


def timed_run(argv, stdout_path):
    """Runs argv with stdout to a file; returns (cpu seconds, status)."""
    with open(stdout_path, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read()
        proc.stderr.close()
    return usage.ru_utime + usage.ru_stime, proc.returncode, err


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fmt_seconds(t):
    return "%.2f s" % t if t is not None else "—"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return "%.1fx" % (a / b)


def main():
    ap = argparse.ArgumentParser(description="Time i386 programs natively, under mimic-i386 "
                                             "and under qemu-i386.")
    ap.add_argument("--mimic", required=True, help="the mimic-i386 binary")
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("--qemu", default="qemu-i386")
    ap.add_argument("--size-mb", type=float, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--budget", type=float, default=300,
                    help="CPU seconds after which a pair stops repeating")
    ap.add_argument("--data", default=None, help="where to keep the generated input")
    ap.add_argument("--kernels", default=None,
                    help="directory of fp-sse2 and fp-x87 (default: BUILD/bench)")
    ap.add_argument("--fp-rounds", type=int, default=40,
                    help="rounds of the floating-point kernels")
    ap.add_argument("--only", default=None,
                    help="time only the workloads whose name contains this text")
    ap.add_argument("--no-rr", action="store_true",
                    help="leave out the icount/record/replay timings")
    args = ap.parse_args()

    def say(text):
        print(text, file=sys.stderr, flush=True)

    mimic = os.path.abspath(args.mimic)
    if not os.access(mimic, os.X_OK):
        print("bench-i386: %s is not built" % args.mimic, file=sys.stderr)
        return 1
    if not os.path.isfile(args.busybox):
        print("bench-i386: %s is missing (make deps installs busybox-static:i386)"
              % args.busybox, file=sys.stderr)
        return 1
    size = int(args.size_mb * 1000 * 1000)
    data = args.data or os.path.join(os.path.dirname(mimic), "bench", "i386-input.txt")
    os.makedirs(os.path.dirname(os.path.abspath(data)), exist_ok=True)
    if not os.path.isfile(data) or os.path.getsize(data) != size:
        say("bench-i386: generating %s (%d bytes)" % (data, size))
        make_input(data, size)
    data_digest = file_sha256(data)

    runners = [("native", []),
               ("mimic x86-64", [mimic]),
               ("mimic interp", [mimic, "-accel", "tcg,jit=off"])]
    qemu = shutil.which(args.qemu)
    if qemu:
        runners.append(("qemu-i386", [qemu]))
    workloads = [("busybox sha256sum", [args.busybox, "sha256sum", data]),
                 ("busybox gzip -9", [args.busybox, "gzip", "-9", "-c", data])]
    kernels = args.kernels or os.path.join(os.path.dirname(mimic), "bench")
    missing_kernels = []
    for kname in ("fp-sse2", "fp-x87"):
        kpath = os.path.join(kernels, kname)
        if os.access(kpath, os.X_OK):
            workloads.append((kname + " kernel", [kpath, str(args.fp_rounds)]))
        else:
            missing_kernels.append(kpath)
    if args.only:
        workloads = [w for w in workloads if args.only in w[0]]

    results = {}            # (workload, runner) -> (best seconds, runs) or an error text
    logs = {}               # workload -> (log bytes, instructions or None)
    scratch = tempfile.mkdtemp(prefix="mimic-bench-")

    def measure(wname, rname, argv, reference):
        """Times argv up to --repeat times; returns (best or an error
        text, runs, the native output's digest)."""
        out = os.path.join(scratch, "out")
        best, runs, spent = None, 0, 0.0
        while runs < args.repeat and (runs == 0 or spent < args.budget):
            say("bench-i386: %s: %s (run %d)" % (wname, rname, runs + 1))
            seconds, status, err = timed_run(argv, out)
            digest = file_sha256(out)
            runs += 1
            spent += seconds
            if status == 77 and wname.startswith("fp-sse2"):
                best = "not run (SSE2 not advertised)"
                break
            if status != 0:
                best = "failed: %s, exit status %d" % (
                    " ".join(shlex.quote(a) for a in argv),
                    status) + (": " + err.decode(errors="replace").strip()[:200]
                               if err else "")
                break
            if reference is None:
                reference = digest
            elif digest != reference:
                best = "wrong output (SHA-256 %s, native %s)" % (digest[:16],
                                                                   reference[:16])
                break
            best = seconds if best is None else min(best, seconds)
        return best, runs, reference

    try:
        for wname, wargs in workloads:
            reference = None
            for rname, prefix in runners:
                best, runs, reference = measure(wname, rname, prefix + wargs, reference)
                results[(wname, rname)] = (best, runs)
            if args.no_rr:
                continue
            # Deterministic execution and record/replay (issue 7): the
            # replay runs the log the last record run wrote.
            log = os.path.join(scratch, "bench.rr")
            for rname, argv in rr_modes(mimic, wargs, log):
                if rname == "replay" and not os.path.isfile(log):
                    results[(wname, rname)] = ("failed: no log (the record run failed)", 0)
                    continue
                best, runs, reference = measure(wname, rname, argv, reference)
                results[(wname, rname)] = (best, runs)
                if rname == "record" and isinstance(best, float) and os.path.isfile(log):
                    logs[wname] = (os.path.getsize(log), log_instructions(mimic, log))
            if os.path.exists(log):
                os.remove(log)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    def seconds_of(w, r):
        v = results.get((w, r), (None, 0))[0]
        return v if isinstance(v, float) else None

    print("## i386 guest: mimic vs native and vs QEMU")
    print()
    print("Debian's static busybox (busybox-static:i386) on a %s MB generated text file "
          "(SHA-256 `%s`), timed natively, under `mimic-i386` with the x86-64 backend "
          "and with the IR interpreter (`-accel tcg,jit=off`), and under Debian's "
          "`qemu-i386` (%s).  Times are the best CPU time (user + system) of up to %d "
          "runs; each run's output was checked against the native run's."
          % (("%g" % args.size_mb), data_digest[:16], qemu_version(qemu),
             args.repeat))
    print()
    names = [r for r, _ in runners]
    print("| workload | " + " | ".join(names) + " | mimic/native | mimic/QEMU | "
          "interp/native |")
    print("| --- | " + " | ".join("---:" for _ in names) + " | ---: | ---: | ---: |")
    notes = []
    for wname, _ in workloads:
        cells = []
        for rname in names:
            best, runs = results.get((wname, rname), (None, 0))
            if isinstance(best, float):
                cells.append(fmt_seconds(best))
            elif best.startswith("not run"):
                cells.append("not run")
                notes.append("- %s under %s: %s" % (wname, rname, best))
            else:
                cells.append("failed")
                notes.append("- %s under %s: %s" % (wname, rname, best))
        native = seconds_of(wname, "native")
        jit = seconds_of(wname, "mimic x86-64")
        interp = seconds_of(wname, "mimic interp")
        q = seconds_of(wname, "qemu-i386")
        print("| %s | %s | %s | %s | %s |" % (wname, " | ".join(cells), fmt_ratio(jit, native),
                                             fmt_ratio(jit, q), fmt_ratio(interp, native)))
    print()
    print("The floating-point kernels (bench/i386/fpkernel.c, %d rounds: a 96x96 double "
          "matrix multiply, a float SAXPY and a double dot product over 64 Ki elements) "
          "are one source built static `-O2 -msse2 -mfpmath=sse` (fp-sse2) and "
          "`-O2 -mfpmath=387` (fp-x87); their output (checksums printed with %%a) was "
          "checked like the others." % args.fp_rounds)
    print()
    print("mimic/native and mimic/QEMU are the x86-64 backend's time over the other's "
          "(lower is better; below 1.0x mimic/QEMU means faster than QEMU).")
    if not args.no_rr:
        print()
        print_rr_table(workloads, results, logs, notes)
    for path in missing_kernels:
        notes.append("- %s is not built (make bench builds it)" % path)
    if notes:
        print()
        print("Not timed:")
        print()
        print("\n".join(notes))
    return 0


RR_MODES = ["icount", "record", "replay"]


def rr_modes(mimic, wargs, log):
    """(name, argv) of the record/replay runs of one workload, in order:
    the replay reads the log the record run wrote."""
    return [("icount", [mimic, "-icount", "shift=0"] + wargs),
            ("record", [mimic, "-rr", "record,file=" + log] + wargs),
            ("replay", [mimic, "-rr", "replay,file=" + log])]


def log_instructions(mimic, log):
    """The recording's instruction count from `mimic-rr info`, or None."""
    tool = os.path.join(os.path.dirname(mimic), "mimic-rr")
    try:
        out = subprocess.run([tool, "info", log], capture_output=True, text=True,
                             timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        if line.startswith("last instruction count: "):
            try:
                return int(line.split(":", 1)[1])
            except ValueError:
                return None
    return None


def fmt_ratio2(a, b):
    """A ratio near 1 (the overheads), with the precision their aims need."""
    if a is None or b is None or b == 0:
        return "—"
    return "%.2fx" % (a / b)


def fmt_size(n):
    if n is None:
        return "—"
    for unit, scale in (("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return "%.1f %s" % (n / scale, unit)
    return "%d B" % n


def print_rr_table(workloads, results, logs, notes):
    """The record/replay table: each mode's time over plain mimic-i386
    (x86-64 backend), and the log's size."""
    print("### Deterministic execution, record and replay")
    print()
    print("Each workload under `mimic-i386 -icount shift=0`, `-rr record,file=F` and "
          "`-rr replay,file=F` (x86-64 backend), as the best CPU time of the same runs "
          "and checked the same way (a replay's output too); the ratios are over plain "
          "`mimic-i386`.  Log rate: the log's bytes per CPU second of the record run, "
          "and per 10^9 guest instructions (from `mimic-rr info`).  Aim (issue 7): "
          "icount <= 1.05x, record and replay <= 1.2x.")
    print()
    print("| workload | mimic x86-64 | icount | record | replay | icount/plain | "
          "record/plain | replay/plain | log size | log per s | log per 1e9 insns |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for wname, _ in workloads:
        plain = results.get((wname, "mimic x86-64"), (None, 0))[0]
        plain = plain if isinstance(plain, float) else None
        cells, ratios = [], []
        for mode in RR_MODES:
            best = results.get((wname, mode), (None, 0))[0]
            if isinstance(best, float):
                cells.append(fmt_seconds(best))
                ratios.append(fmt_ratio2(best, plain))
            else:
                text = "not run" if best and best.startswith("not run") else "failed"
                cells.append(text)
                ratios.append("—")
                notes.append("- %s under %s: %s" % (wname, mode, best or "not run"))
        size, insns = logs.get(wname, (None, None))
        record = results.get((wname, "record"), (None, 0))[0]
        rate = fmt_size(size / record) + "/s" if size and isinstance(record, float) \
            and record > 0 else "—"
        per_insn = fmt_size(size * 1e9 / insns) if size and insns else "—"
        print("| %s | %s | %s | %s | %s | %s | %s |" % (
            wname, fmt_seconds(plain), " | ".join(cells), " | ".join(ratios),
            fmt_size(size), rate, per_insn))


def qemu_version(qemu):
    if not qemu:
        return "not installed"
    try:
        out = subprocess.run([qemu, "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0].strip()
    except (OSError, IndexError):
        return "unknown version"


if __name__ == "__main__":
    sys.exit(main())
