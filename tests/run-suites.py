#!/usr/bin/env python3
"""Runs test suites and totals their results: what `make check` calls.

    python3 tests/run-suites.py [--timeout SECONDS] SUITE...

Each SUITE is an executable (a cmocka test program, or a script that
prints its own tally; a *.py or *.sh file that is not executable is run
with python3 or bash).  Its output is streamed as it comes, then one
summary line is printed for it:

    PASS  build/tests/unit/test-util-hash: 6 passed, 0 failed
    FAIL  build/tests/unit/test-ir: 10 passed, 2 failed
    FAIL  tests/linux-user/run: timed out after 300 s (1 failed)

Results are counted from the suite's output:
  - cmocka's "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed
    below:" lines (summed, since a program may run several groups);
  - or a suite's own "N passed, N failed" line (the last one wins; it may
    be followed by ", N skipped" and preceded by one word and a colon).
A suite that crashes, times out, or exits non-zero with no failure
counted counts as one more failure; so does a suite that exits 0 but
reports nothing, since a suite that ran no test proves nothing.

The very last line printed is the total, "N passed, N failed" (with
", N skipped" when any were), and the exit status is 1 if anything
failed.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import threading

CMOCKA_PASSED = re.compile(r"\[  PASSED  \] (\d+) test\(s\)\.")
CMOCKA_FAILED = re.compile(r"\[  FAILED  \] (\d+) test\(s\), listed below:")
CMOCKA_SKIPPED = re.compile(r"\[  SKIPPED \] (\d+) test\(s\), listed below:")
TALLY = re.compile(
    r"^(?:[\w-]+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$")


class Result:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.note = ""


def count(output):
    """Counts results in a suite's output; None if it reported none."""
    tally = None
    for line in output.splitlines():
        m = TALLY.match(line)
        if m:
            tally = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    if tally:
        return tally
    passed = [int(n) for n in CMOCKA_PASSED.findall(output)]
    failed = [int(n) for n in CMOCKA_FAILED.findall(output)]
    skipped = [int(n) for n in CMOCKA_SKIPPED.findall(output)]
    if passed or failed or skipped:
        return sum(passed), sum(failed), sum(skipped)
    return None


def command_for(suite):
    if os.access(suite, os.X_OK):
        return [os.path.abspath(suite) if os.sep not in suite else suite]
    if suite.endswith(".py"):
        return [sys.executable, suite]
    if suite.endswith(".sh"):
        return ["bash", suite]
    return [suite]


def run_suite(suite, timeout):
    """Runs one suite, streaming its output; returns its Result."""
    res = Result()
    env = dict(os.environ)
    env["CMOCKA_MESSAGE_OUTPUT"] = "STDOUT"   # cmocka's text format
    env.pop("CMOCKA_XML_FILE", None)
    chunks = []
    try:
        proc = subprocess.Popen(command_for(suite), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
    except OSError as e:
        res.failed = 1
        res.note = "cannot run: %s" % e.strerror
        return res

    def pump():
        for raw in iter(lambda: proc.stdout.read1(65536), b""):
            chunks.append(raw)
            sys.stdout.buffer.write(raw)
            sys.stdout.buffer.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    # Background children of the suite may hold the pipe open: give the
    # reader a moment, then stop listening.
    reader.join(timeout=10)
    output = b"".join(chunks).decode("utf-8", "replace")
    if output and not output.endswith("\n"):
        sys.stdout.write("\n")

    counted = count(output)
    if counted:
        res.passed, res.failed, res.skipped = counted
    rc = proc.returncode
    if timed_out:
        res.failed += 1
        res.note = "timed out after %g s" % timeout
    elif rc < 0:
        res.failed += 1
        res.note = "killed by %s" % signal.Signals(-rc).name
    elif rc != 0 and res.failed == 0:
        res.failed += 1
        res.note = "exit status %d" % rc
    elif counted is None:
        res.failed += 1
        res.note = "reported no results"
    return res


def tally_text(passed, failed, skipped):
    text = "%d passed, %d failed" % (passed, failed)
    if skipped:
        text += ", %d skipped" % skipped
    return text


def main():
    ap = argparse.ArgumentParser(description="Run test suites and total the results.")
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds each suite may run (default 300)")
    ap.add_argument("suites", nargs="*", metavar="SUITE")
    args = ap.parse_args()

    total = Result()
    summary = []
    for suite in args.suites:
        print("=== %s" % suite, flush=True)
        res = run_suite(suite, args.timeout)
        status = "PASS" if res.failed == 0 else "FAIL"
        line = "%s  %s: %s" % (status, suite, tally_text(res.passed, res.failed, res.skipped))
        if res.note:
            line += " (%s)" % res.note
        print(line, flush=True)
        summary.append(line)
        total.passed += res.passed
        total.failed += res.failed
        total.skipped += res.skipped

    if summary:
        print("\n=== summary")
        for line in summary:
            print(line)
    print(tally_text(total.passed, total.failed, total.skipped), flush=True)
    return 1 if total.failed else 0


if __name__ == "__main__":
    sys.exit(main())
