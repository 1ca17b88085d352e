#!/usr/bin/env python3
"""The C program suite: the i386 programs of tests/linux-user/progs/,
built by tests/linux-user/linux-user.mk with gcc -m32 into
$LINUX_USER_BUILD/tests/linux-user/, each run natively and under every
emulator configuration; stdout and exit status must be identical (see
harness.py for the common rules).

    tests/linux-user/run-progs.py [--emu CMD]... [--build DIR] [--keep] [PROGRAM...]

Every run starts in an empty scratch directory of its own program (the
same directory for the native and the emulated runs, emptied between
them), with the environment below and, on stdin, a generated text file.
"""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness                                   # noqa: E402

BUSYBOX = os.environ.get("BUSYBOX", "/bin/busybox")


class Program:
    def __init__(self, name, binary=None, args=(), needs_busybox=False, stdin=False,
                 needs_cpu=None):
        self.name = name
        self.binary = binary or name
        self.args = list(args)
        self.needs_busybox = needs_busybox
        self.stdin = stdin
        self.needs_cpu = needs_cpu      # a CPUID feature, as cpu-features names it


# {progs} is the directory of the built programs, {busybox} the busybox binary.
PROGRAMS = [
    Program("libc-dynamic", args=["alpha", "two words", "", "--last"], stdin=True),
    Program("libc-static", args=["alpha", "two words", "", "--last"], stdin=True),
    Program("libc-static-pie", args=["alpha", "two words", "", "--last"], stdin=True),
    Program("threads"),
    Program("signals"),
    Program("faults"),
    Program("forkexec", args=["{busybox}", "{progs}/exec-target"], needs_busybox=True),
    Program("smc"),
    Program("fpmath-x87"),
    Program("fpmath-sse", needs_cpu="sse2"),
]

ENVIRONMENT = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "MIMIC_TEST_WORD": "hello world"}


def stdin_text():
    """200 lines from a fixed linear congruential sequence."""
    x = 20240601
    lines = []
    for i in range(200):
        x = (x * 1103515245 + 12345) % (1 << 31)
        lines.append("line %d: %d %s\n" % (i, x, "word" * (x % 7)))
    return "".join(lines)


def lacks_feature(emu, feature, progs_dir, cache):
    """Whether emu's CPUID says it lacks feature, from cpu-features.  When
    the probe itself fails, the answer is no: the program runs, and fails
    or passes on its own merits."""
    if emu.label not in cache:
        res = harness.run(emu.argv([os.path.join(progs_dir, "cpu-features")]), timeout=30)
        features = None
        if res.status == 0:
            features = {}
            for line in res.stdout.decode(errors="replace").split():
                name, _, value = line.partition("=")
                features[name] = value == "1"
        cache[emu.label] = features
    features = cache[emu.label]
    return features is not None and not features.get(feature, False)


def empty_directory(path):
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)


def main():
    ap = harness.common_arguments("Run the i386 C test programs natively and emulated.")
    args = ap.parse_args()
    build = args.build or harness.build_dir()
    progs_dir = os.path.abspath(os.path.join(build, "tests", "linux-user"))
    tally = harness.Tally("progs")

    programs = PROGRAMS
    if args.only:
        unknown = set(args.only) - {p.name for p in PROGRAMS}
        if unknown:
            raise SystemExit("unknown program(s): %s" % " ".join(sorted(unknown)))
        programs = [p for p in PROGRAMS if p.name in args.only]

    emus = harness.check_emulators(tally, harness.emulators_from(args.emu, build))
    if not emus:
        return tally.finish()
    ref = harness.reference_emulator()
    budget = harness.Budget()
    features = {}
    scratch = tempfile.mkdtemp(prefix="mimic-progs-")
    stdin_path = os.path.join(scratch, "stdin.txt")
    with open(stdin_path, "w") as f:
        f.write(stdin_text())
    try:
        for prog in programs:
            binary = os.path.join(progs_dir, prog.binary)
            if not os.path.isfile(binary):
                for emu in emus:
                    tally.fail("%s [%s]" % (prog.name, emu.label),
                               ["%s is not built (make %s)"
                                % (binary, harness.make_target(binary))])
                continue
            if prog.needs_busybox and not os.path.isfile(BUSYBOX):
                for emu in emus:
                    tally.skip("%s [%s]" % (prog.name, emu.label),
                               "needs %s (busybox-static:i386)" % BUSYBOX)
                continue
            argv = [binary] + [a.format(progs=progs_dir, busybox=BUSYBOX) for a in prog.args]
            workdir = os.path.join(scratch, prog.name)
            stdin = stdin_path if prog.stdin else None

            empty_directory(workdir)
            expected = harness.run(ref.argv(argv), cwd=workdir, env=ENVIRONMENT,
                                   stdin_path=stdin)
            if expected.timed_out or expected.error:
                for emu in emus:
                    tally.fail("%s [%s]" % (prog.name, emu.label),
                               ["the reference run failed: %s" % expected.status_text()])
                continue
            for emu in emus:
                name = "%s [%s]" % (prog.name, emu.label)
                if prog.needs_cpu and lacks_feature(emu, prog.needs_cpu, progs_dir, features):
                    tally.skip(name, "the emulated CPU does not advertise %s (CPUID, as "
                                     "cpu-features reports it)" % prog.needs_cpu)
                    continue
                if budget.spent():
                    tally.fail(name, ["not run: the suite's time budget (LINUX_USER_BUDGET) "
                                      "was spent"])
                    continue
                empty_directory(workdir)
                timeout = max(1.0, min(harness.emulated_timeout(expected), budget.left()))
                got = harness.run(emu.argv(argv), cwd=workdir, env=ENVIRONMENT,
                                  stdin_path=stdin, timeout=timeout)
                diff = harness.compare(expected, got)
                if diff:
                    tally.fail(name, ["command: " + harness.describe_command(
                        emu, argv, workdir, stdin)] + diff)
                else:
                    tally.ok(name)
    finally:
        if args.keep:
            print("kept the scratch directory %s" % scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
