#!/usr/bin/env python3
"""The busybox suite: Debian's busybox-static:i386 driven through ~100
cases (tests/linux-user/busybox/cases.txt), each run natively and under
every emulator configuration, stdout and exit status compared byte for
byte (see harness.py for the common rules).

    tests/linux-user/run-busybox.py [--emu CMD]... [--build DIR] [--keep] [CASE...]

The inputs are generated from fixed seeds into a scratch directory
(busybox/inputs.py); every run of every case starts in that directory
with an empty out/ and the environment PATH=<inputs>/bin LC_ALL=C.
Cases run LINUX_USER_JOBS at a time (default 2), each worker with its
own copy of the inputs; a case's native and emulated runs all happen in
the same copy, one after the other, and results print in case order.

When /bin/busybox is missing or is not the static i386 build, the suite
is skipped with a message, unless the package archive offers
busybox-static:i386, in which case `make deps` should have installed it
and the suite counts one failure.
"""

import concurrent.futures
import os
import queue
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness                                   # noqa: E402
from busybox import inputs                       # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "busybox", "cases.txt")
SCRIPTS = os.path.join(HERE, "busybox", "scripts")


class Case:
    def __init__(self, name, argv, stdin, line):
        self.name = name
        self.argv = argv
        self.stdin = stdin
        self.line = line


def load_cases(path):
    cases = []
    seen = set()
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            name, sep, command = line.partition(":")
            name = name.strip()
            if not sep or not name or " " in name:
                raise SystemExit("%s:%d: expected 'name: command'" % (path, lineno))
            if name in seen:
                raise SystemExit("%s:%d: case %s defined twice" % (path, lineno, name))
            seen.add(name)
            words = shlex.split(command)
            stdin = None
            if len(words) >= 2 and words[-2] == "<":
                stdin = words[-1]
                words = words[:-2]
            cases.append(Case(name, words, stdin, lineno))
    return cases


def elf_summary(path):
    """(class, machine, has PT_INTERP) of an ELF file, or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(52)
            if len(head) < 52 or head[:4] != b"\x7fELF":
                return None
            elf_class = head[4]
            machine = struct.unpack_from("<H", head, 18)[0]
            if elf_class != 1:
                return (elf_class, machine, False)
            phoff, = struct.unpack_from("<I", head, 28)
            phentsize, phnum = struct.unpack_from("<HH", head, 42)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except OSError:
        return None
    interp = False
    for i in range(phnum):
        if len(table) >= (i + 1) * phentsize:
            p_type, = struct.unpack_from("<I", table, i * phentsize)
            interp = interp or p_type == 3
    return (elf_class, machine, interp)


def archive_offers_busybox():
    """Whether apt would install busybox-static:i386 (so make deps should have)."""
    if shutil.which("apt-cache") is None:
        return False
    try:
        out = subprocess.run(["apt-cache", "policy", "busybox-static:i386"],
                             capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    for line in out.splitlines():
        if line.strip().startswith("Candidate:"):
            return line.split(":", 1)[1].strip() not in ("", "(none)")
    return False


def busybox_problem(path):
    summary = elf_summary(path)
    if summary is None:
        return "%s is missing or not an ELF file" % path
    elf_class, machine, interp = summary
    if elf_class != 1 or machine != 3:
        return "%s is not a 32-bit i386 program (install busybox-static:i386)" % path
    if interp:
        return "%s is dynamically linked, not busybox-static:i386" % path
    return None


def run_case(case, emu, workdir, busybox, timeout=None):
    inputs.reset_output(workdir)
    env = {"PATH": os.path.join(workdir, "bin"), "LC_ALL": "C"}
    stdin = os.path.join(workdir, case.stdin) if case.stdin else None
    argv = emu.argv([busybox] + case.argv)
    return harness.run(argv, cwd=workdir, env=env, stdin_path=stdin, timeout=timeout)


def judge_case(case, ref, emus, workdir, busybox, budget):
    """Runs one case natively and emulated: [(test name, failure lines or [])]."""
    names = ["%s [%s]" % (case.name, emu.label) for emu in emus]
    if budget.spent():
        return [(n, ["not run: the suite's time budget (LINUX_USER_BUDGET) was spent"])
                for n in names]
    expected = run_case(case, ref, workdir, busybox)
    if expected.timed_out or expected.error:
        return [(n, ["the reference run failed: %s" % expected.status_text()]) for n in names]
    verdicts = []
    for name, emu in zip(names, emus):
        if budget.spent():
            verdicts.append((name, ["not run: the suite's time budget (LINUX_USER_BUDGET) "
                                    "was spent"]))
            continue
        timeout = max(1.0, min(harness.emulated_timeout(expected), budget.left()))
        got = run_case(case, emu, workdir, busybox, timeout)
        diff = harness.compare(expected, got)
        if diff:
            stdin = os.path.join(workdir, case.stdin) if case.stdin else None
            diff = ["command: " + harness.describe_command(
                        emu, [busybox] + case.argv, workdir, stdin),
                    "case: %s line %d" % (os.path.relpath(CASES, harness.ROOT),
                                          case.line)] + diff
        verdicts.append((name, diff))
    return verdicts


def main():
    ap = harness.common_arguments("Run the busybox cases natively and emulated.")
    ap.add_argument("--busybox", default=os.environ.get("BUSYBOX", "/bin/busybox"),
                    help="the i386 busybox binary (default /bin/busybox)")
    args = ap.parse_args()
    build = args.build or harness.build_dir()
    tally = harness.Tally("busybox")

    problem = busybox_problem(args.busybox)
    if problem:
        if archive_offers_busybox():
            tally.fail("busybox", [problem, "the archive has busybox-static:i386: "
                                            "run `make deps` to install it"])
        else:
            tally.skip("busybox", problem + "; busybox-static:i386 is not in the "
                                            "package archive either")
        return tally.finish()

    cases = load_cases(CASES)
    if args.only:
        unknown = set(args.only) - {c.name for c in cases}
        if unknown:
            raise SystemExit("unknown case(s): %s" % " ".join(sorted(unknown)))
        cases = [c for c in cases if c.name in args.only]

    emus = harness.check_emulators(tally, harness.emulators_from(args.emu, build))
    if not emus:
        return tally.finish()
    ref = harness.reference_emulator()
    listing = harness.run(ref.argv([args.busybox, "--list"]))
    if listing.status != 0:
        tally.fail("busybox --list", ["the reference run failed: %s" % listing.status_text()])
        return tally.finish()
    applets = listing.stdout.decode().split()

    jobs = max(1, int(harness.env_number("LINUX_USER_JOBS", min(2, os.cpu_count() or 1))))
    budget = harness.Budget()
    scratch = tempfile.mkdtemp(prefix="mimic-busybox-")
    try:
        workdirs = queue.Queue()
        for i in range(jobs):
            workdir = os.path.join(scratch, "in%d" % i)
            inputs.make_inputs(workdir, SCRIPTS, os.path.abspath(args.busybox), applets)
            workdirs.put(workdir)
        print("%d cases, %d emulator configuration(s): %s; %d worker(s); inputs in %s"
              % (len(cases), len(emus), ", ".join(e.label for e in emus), jobs,
                 os.path.join(scratch, "in*")), flush=True)

        def task(case):
            workdir = workdirs.get()
            try:
                return judge_case(case, ref, emus, workdir, args.busybox, budget)
            finally:
                workdirs.put(workdir)

        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(task, case) for case in cases]
            for future in futures:
                for name, failure in future.result():
                    if failure:
                        tally.fail(name, failure)
                    else:
                        tally.ok(name)
    finally:
        if args.keep:
            print("kept the scratch directory %s" % scratch)
        else:
            inputs.make_writable(scratch)
            shutil.rmtree(scratch, ignore_errors=True)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
