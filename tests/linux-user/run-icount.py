#!/usr/bin/env python3
"""-icount shift=N: the guest's clocks as a function of its instructions.

    tests/linux-user/run-icount.py          LINUX_USER_BUILD=build dir

progs/icount.c reads RDTSC across a block of 12 instructions and the
clocks across a loop.  For every shift and on both backends (and one
instruction per block) the output must be: RDTSC 12 << N exactly; the
loop's clock differences the same on every run and mode, and exactly
2^N times those of shift 0 (the loop's instruction count, whatever it is,
times 2^N ns); the resolution 2^N ns; the real-time clock still a date.
Every mode gives the same output at a shift.  The last line is the tally.
"""
import os
import re
import subprocess
import sys

BUILD = os.environ.get("LINUX_USER_BUILD", "build")
EMU = os.path.join(BUILD, "mimic-i386")
PROG = os.path.join(BUILD, "tests", "linux-user", "icount")
MODES = [("x86-64", []), ("interp", ["-accel", "tcg,jit=off"]),
         ("one-insn-per-tb", ["-one-insn-per-tb"])]


def run(shift, opts):
    r = subprocess.run([EMU, *opts, "-icount", f"shift={shift}", PROG],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return r.returncode, r.stdout.decode(errors="replace")


def values(out):
    nums = {}
    for line in out.splitlines():
        m = re.match(r"(.*): (-?\d+)", line)
        if m:
            nums[m.group(1)] = int(m.group(2))
    return nums


def main():
    passed = failed = 0
    base = None          # shift 0's values, from its first mode
    for shift in (0, 3, 7):
        first = None     # this shift's output, from its first mode
        for name, opts in MODES:
            rc, out = run(shift, opts)
            v = values(out)
            problems = []
            if rc != 0:
                problems.append(f"exit status {rc}")
            if v.get("rdtsc over 12 instructions") != 12 << shift:
                problems.append(f"rdtsc {v.get('rdtsc over 12 instructions')}, want {12 << shift}")
            if v.get("resolution") != 1 << shift:
                problems.append(f"resolution {v.get('resolution')}, want {1 << shift}")
            if v.get("realtime after 2020") != 1:
                problems.append("the real-time clock is not a date")
            if base is None:
                base = v
            mono = v.get("monotonic across the loop")
            if mono is None or mono <= 0 or mono != base.get("monotonic across the loop", 0) << shift:
                problems.append(f"monotonic {mono}, want shift 0's "
                                f"{base.get('monotonic across the loop')} << {shift}")
            if first is None:
                first = out
            elif out != first:
                problems.append("output differs from the first mode's at this shift")
            if problems:
                print(f"FAIL shift={shift} {name}: " + "; ".join(problems))
                for line in out.splitlines():
                    print("    " + line)
                failed += 1
            else:
                print(f"ok   shift={shift} {name}")
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
