#!/usr/bin/env python3
"""The programs of tests/linux-user/run-progs.py (its PROGRAMS list, the
same arguments, environment and stdin), each run natively, recorded with
`mimic-i386 -rr record,file=F`, and replayed with
`mimic-i386 -rr replay,file=F`: the recording's stdout and exit status
must equal the native run's, and the replay's the recording's (stdout,
stderr and exit status; a recorded death by a signal dies by the same
signal).  The replay runs with no stdin, another environment and an
emptied working directory: everything it prints must come from the log.

    tests/replay/run-rr-progs.py [--build DIR] [--keep] [PROGRAM...]

The programs are tests/linux-user's ($BUILD/tests/linux-user/, built by
tests/linux-user/linux-user.mk); BUILD is --build, $RR_BUILD,
$LINUX_USER_BUILD or "build".  A program whose process ends by execve
(ENDS_AT_EXEC: the recording follows one process) is recorded and
compared with the native run as the others, and its replay is checked
with `verify` up to the execve.  Each run has a timeout of 60 s and the
suite a budget of $RR_BUDGET seconds (default 170).  Ends with
"N passed, N failed[, N skipped]" (busybox missing is a skip).
"""

import importlib.util
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LU = os.path.join(ROOT, "tests", "linux-user")
sys.path.insert(0, LU)
import harness                                   # noqa: E402

_spec = importlib.util.spec_from_file_location("run_progs", os.path.join(LU, "run-progs.py"))
run_progs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_progs)

TIMEOUT = 60
# The suite's budget in seconds (inside run-suites.py's 300): programs not
# reached when it is spent fail, as in tests/linux-user.
BUDGET = harness.env_number("RR_BUDGET", 170)

# Programs whose recorded process ends by execve (the recording follows
# one process): the recording must still match the native run, and the
# replay, checked silently (verify), must match up to the execve and say
# that the recording ends there.
ENDS_AT_EXEC = {"forkexec"}
EXEC_END = b"runs another one here (execve): the recording ends"

# The replay's environment: not the recorded one, so that a replay that
# read the host's environment instead of the recorded stack would show.
REPLAY_ENVIRONMENT = {"PATH": "/nonexistent", "MIMIC_TEST_WORD": "replay sees this if wrong"}


def same_run(expected, got, what):
    """Lines saying how got differs from expected (status, stdout and,
    for a replay, stderr); empty when identical."""
    lines = []
    if got.error or got.timed_out or got.status != expected.status:
        lines.append("status: expected %s, %s %s" % (expected.status_text(), what,
                                                     got.status_text()))
    streams = [("stdout", expected.stdout, got.stdout)]
    if what == "replay":
        streams.append(("stderr", expected.stderr, got.stderr))
    for name, a, b in streams:
        if a != b and not b:
            lines.append("%s: empty, expected %d bytes" % (name, len(a)))
        elif a != b:
            lines.append("%s differs (expected %d bytes, %s %d):" % (name, len(a), what, len(b)))
            lines += harness.stdout_diff(a, b)
    if lines and got.stderr and what != "replay":
        lines.append("stderr of the %s:" % what)
        lines += ["  " + l for l in harness.show_bytes(got.stderr).splitlines()[:20]]
    return lines


def main():
    ap = harness.common_arguments("Record and replay tests/linux-user's i386 programs.")
    args = ap.parse_args()
    build = args.build or os.environ.get("RR_BUILD") or harness.build_dir()
    mimic = os.path.abspath(os.path.join(build, "mimic-i386"))
    progs_dir = os.path.abspath(os.path.join(build, "tests", "linux-user"))
    tally = harness.Tally("rr-progs")

    programs = run_progs.PROGRAMS
    if args.only:
        unknown = set(args.only) - {p.name for p in programs}
        if unknown:
            raise SystemExit("unknown program(s): %s" % " ".join(sorted(unknown)))
        programs = [p for p in programs if p.name in args.only]
    if not os.access(mimic, os.X_OK):
        tally.fail("mimic-i386", ["%s is not built (make %s)" % (mimic, harness.make_target(mimic))])
        return tally.finish()

    ref = harness.reference_emulator()
    budget = harness.Budget()
    budget.deadline = min(budget.deadline, time.monotonic() + BUDGET)
    scratch = tempfile.mkdtemp(prefix="mimic-rr-progs-")
    stdin_path = os.path.join(scratch, "stdin.txt")
    with open(stdin_path, "w") as f:
        f.write(run_progs.stdin_text())
    try:
        for prog in programs:
            name = prog.name
            binary = os.path.join(progs_dir, prog.binary)
            if not os.path.isfile(binary):
                tally.fail(name, ["%s is not built (make %s)"
                                  % (binary, harness.make_target(binary))])
                continue
            if prog.needs_busybox and not os.path.isfile(run_progs.BUSYBOX):
                tally.skip(name, "needs %s (busybox-static:i386)" % run_progs.BUSYBOX)
                continue
            if budget.spent():
                tally.fail(name, ["not run: the suite's time budget (RR_BUDGET) was spent"])
                continue
            argv = [binary] + [a.format(progs=progs_dir, busybox=run_progs.BUSYBOX)
                               for a in prog.args]
            workdir = os.path.join(scratch, name)
            stdin = stdin_path if prog.stdin else None
            log = os.path.join(scratch, name + ".rr")

            run_progs.empty_directory(workdir)
            native = harness.run(ref.argv(argv), cwd=workdir, env=run_progs.ENVIRONMENT,
                                 stdin_path=stdin)
            if native.timed_out or native.error:
                tally.fail(name, ["the native run failed: %s" % native.status_text()])
                continue
            # fp-sse2 on an emulated CPU without SSE2 says so with the
            # same status natively never gives; the recording is compared
            # with the native run all the same.
            run_progs.empty_directory(workdir)
            rec_cmd = [mimic, "-rr", "record,file=" + log] + argv
            rec = harness.run(rec_cmd, cwd=workdir, env=run_progs.ENVIRONMENT,
                              stdin_path=stdin, timeout=min(TIMEOUT, max(1.0, budget.left())))
            diff = same_run(native, rec, "record")
            if diff:
                tally.fail(name, ["record: " + harness.describe_command(
                    harness.NATIVE, rec_cmd, workdir, stdin)] + diff)
                continue
            run_progs.empty_directory(workdir)
            if name in ENDS_AT_EXEC:
                rep_cmd = [mimic, "-rr", "replay,file=" + log + ",verify"]
                rep = harness.run(rep_cmd, cwd=workdir, env=REPLAY_ENVIRONMENT,
                                  timeout=min(TIMEOUT, max(1.0, budget.left())))
                diff = []
                if rep.error or rep.timed_out or rep.status != 0 or rep.stdout:
                    diff.append("verify: expected status 0 and no output, got %s, %d bytes"
                                % (rep.status_text(), len(rep.stdout)))
                if EXEC_END not in rep.stderr:
                    diff.append("verify did not end at the execve: "
                                + harness.show_bytes(rep.stderr)[:400])
                if diff:
                    tally.fail(name, ["replay: " + harness.describe_command(
                        harness.NATIVE, rep_cmd, workdir)] + diff)
                else:
                    tally.ok(name)
                continue
            rep_cmd = [mimic, "-rr", "replay,file=" + log]
            rep = harness.run(rep_cmd, cwd=workdir, env=REPLAY_ENVIRONMENT,
                              timeout=min(TIMEOUT, max(1.0, budget.left())))
            diff = same_run(rec, rep, "replay")
            if diff:
                tally.fail(name, ["replay: " + harness.describe_command(
                    harness.NATIVE, rep_cmd, workdir)] + diff)
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
