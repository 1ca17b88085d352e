#!/usr/bin/env python3
"""Record and replay with mimic-i386, end to end (issue 7): the programs
of tests/replay/progs/, built by tests/replay/replay-tests.mk into
$RR_BUILD/tests/replay/ (RR_BUILD, or LINUX_USER_BUILD, or "build").

    tests/replay/run-rr.py [--build DIR] [--keep] [GROUP...]

Groups (each prints one line per check):
  inputs    a program that reads /dev/urandom, getrandom, the clocks, its
            pids, uname, the working directory, a file and the
            environment, and appends to the file.  Recorded with the file
            holding "first" and RR_TEST_VALUE=one; then the file and the
            environment change, and the replay must still print exactly
            what the recording printed (stdout, stderr, exit status) and
            leave the file as it was changed; `verify` replays silently
            and prints its summary; QEMU's -icount ...,rr= spelling too.
  threads   threads4 (4 threads, a bounded queue, condition variables, a
            barrier; its output order depends on the schedule): recorded
            once, replayed 10 times, each replay's stdout identical to
            the recording's.  Three recordings are compared for a note
            (not a check: threads may or may not interleave differently).
  diverge   a changed binary: diverge-write recorded, replayed with
            diverge-write-variant, whose data differ only in the
            multiplier of one step.  Which line first differs is found
            by running both builds natively; the replay must stop with
            the divergence line at exactly the instruction count of that
            line's write(2) event in `mimic-rr dump` of the recording,
            after reproducing the lines before it.  diverge-reg: a
            changed register with no system call nearby, recorded with
            checkpoint=1000: the divergence is reported at the first
            checkpoints after the change and names ESI with both values.
  cutshort  ticker recorded with checkpoint=100000 and killed (SIGKILL)
            after it printed 5 lines: the replay exits 0 with the "cut
            short" line, its stdout a prefix of the recording's holding
            at least 4 lines.
  errors    a bad -rr option, a missing log and a corrupt one: one line
            "mimic-i386: error: ...", exit status 1.

Every run has a timeout of 60 s (a replay that hangs is a failed check)
and the suite a budget of $RR_BUDGET seconds (default 170).  Ends
with "N passed, N failed".
"""

import argparse
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "linux-user"))
import harness                                   # noqa: E402

TIMEOUT = 60            # seconds for any one record or replay
# Seconds for the whole suite (inside run-suites.py's 300): once spent,
# the runs not made yet fail at once, so a replayer that hangs
# everywhere still ends the suite in time with an honest tally.
BUDGET = harness.env_number("RR_BUDGET", 170)
DIVERGENCE = re.compile(r"^mimic-i386: replay: divergence at instruction (\d+) of thread (\d+)")
VERIFIED = re.compile(r"^mimic-i386: replay: verified: (\d+) checkpoints, (\d+) events, "
                      r"(\d+) instructions$")
CUT_SHORT = re.compile(r"^mimic-i386: replay: the recording ends here \(cut short\): "
                       r"(\d+) events replayed$")
DUMP_LINE = re.compile(r"^icount=(\d+) tid=(\d+) (\w+)(.*)$")


class Skipped(Exception):
    """A group cannot go on: its prerequisite failed (already counted)."""


class Suite:
    def __init__(self, build, scratch):
        self.mimic = os.path.abspath(os.path.join(build, "mimic-i386"))
        self.rr = os.path.abspath(os.path.join(build, "mimic-rr"))
        self.progs = os.path.abspath(os.path.join(build, "tests", "replay"))
        self.scratch = scratch
        self.tally = harness.Tally("rr")
        self.deadline = time.monotonic() + BUDGET

    def time_left(self):
        return min(TIMEOUT, self.deadline - time.monotonic())

    def prog(self, name):
        return os.path.join(self.progs, name)

    def check(self, name, ok, details=()):
        if ok:
            self.tally.ok(name)
        else:
            self.tally.fail(name, list(details))
        return ok

    def require(self, name, ok, details=()):
        """A check the rest of its group depends on."""
        if not self.check(name, ok, details):
            raise Skipped()

    def run(self, argv, cwd=None, env=None):
        if self.time_left() <= 0:
            return harness.Result(None, b"", b"", error="not run: the suite's time budget "
                                  "(RR_BUDGET=%g s) was spent" % BUDGET)
        return harness.run(argv, cwd=cwd, env=env, timeout=self.time_left())

    def record(self, log, argv, cwd=None, env=None, options=""):
        return self.run([self.mimic, "-rr", "record,file=" + log + options] + argv,
                        cwd=cwd, env=env)

    def replay(self, log, prog=None, cwd=None, env=None, options=""):
        return self.run([self.mimic, "-rr", "replay,file=" + log + options]
                        + ([prog] if prog else []), cwd=cwd, env=env)

    def dump(self, log):
        """The events of `mimic-rr dump log` as (icount, tid, kind, rest)."""
        res = self.run([self.rr, "dump", log])
        self.require("%s: mimic-rr dump" % os.path.basename(log),
                     res.status == 0 and not res.timed_out, describe(res))
        events = []
        for line in res.stdout.decode(errors="replace").splitlines():
            m = DUMP_LINE.match(line)
            if m:
                events.append((int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)))
        return events

    def workdir(self, name):
        path = os.path.join(self.scratch, name)
        if os.path.exists(path):
            shutil.rmtree(path)
        os.makedirs(path)
        return path


def describe(res, what="run"):
    lines = ["%s: %s" % (what, res.status_text())]
    if res.stdout:
        lines.append("stdout: " + harness.show_bytes(res.stdout, 400).replace("\n", "\\n"))
    if res.stderr:
        lines.append("stderr: " + harness.show_bytes(res.stderr, 600).replace("\n", "\\n"))
    return lines


def same_run(expected, got, what="replay"):
    """Differences between a replay and the recorded run: exit status,
    stdout and stderr, byte for byte."""
    lines = []
    if got.error or got.timed_out or got.status != expected.status:
        lines.append("status: recorded %s, %s %s" % (expected.status_text(), what,
                                                     got.status_text()))
    for name, a, b in (("stdout", expected.stdout, got.stdout),
                       ("stderr", expected.stderr, got.stderr)):
        if a != b:
            lines.append("%s differs (recorded %d bytes, %s %d):" % (name, len(a), what, len(b)))
            lines += harness.stdout_diff(a, b)
    return lines


def stderr_lines(res):
    return res.stderr.decode(errors="replace").splitlines()


# ---- inputs

def group_inputs(s):
    work = s.workdir("inputs")
    data = os.path.join(work, "data.txt")
    with open(data, "w") as f:
        f.write("first\n")
    log = os.path.join(work, "inputs.rr")
    argv = [s.prog("inputs"), "data.txt"]
    rec_env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": "/nonexistent",
               "RR_TEST_VALUE": "one"}
    rec = s.record(log, argv, cwd=work, env=rec_env)
    s.require("inputs: record runs the program", rec.status in (3, 4) and os.path.isfile(log),
              describe(rec, "record"))
    out = rec.stdout.decode(errors="replace")
    s.check("inputs: recorded run read the file and the environment",
            "contents (6 bytes): first\n" in out and "RR_TEST_VALUE: one\n" in out
            and "environ entries: 4\n" in out, describe(rec, "record"))
    with open(data) as f:
        after_record = f.read()
    s.check("inputs: recorded run appended to the file",
            after_record.startswith("first\nappended at ") and after_record.count("\n") == 2,
            ["data.txt after recording: %r" % after_record])

    # Another world: the file and the environment change; the replay
    # must see the recorded ones anyway, and touch nothing.
    changed = "second run, other contents\n"
    with open(data, "w") as f:
        f.write(changed)
    rep_env = {"RR_TEST_VALUE": "two"}
    rep = s.replay(log, cwd=work, env=rep_env)
    s.check("inputs: replay prints what the recording printed", not same_run(rec, rep),
            same_run(rec, rep))
    with open(data) as f:
        after_replay = f.read()
    s.check("inputs: replay left the file alone", after_replay == changed,
            ["data.txt after replay: %r (expected %r)" % (after_replay, changed)])

    rep = s.replay(log, prog=s.prog("inputs"), cwd=work, env=rep_env)
    s.check("inputs: replay with PROG given", not same_run(rec, rep), same_run(rec, rep))

    # Replay from elsewhere: nothing of the working directory is needed.
    other = s.workdir("inputs-elsewhere")
    rep = s.replay(log, cwd=other, env=rep_env)
    s.check("inputs: replay in another directory", not same_run(rec, rep),
            same_run(rec, rep))

    ver = s.replay(log, cwd=work, env=rep_env, options=",verify")
    lines = stderr_lines(ver)
    s.check("inputs: verify exits 0, prints nothing on stdout and one summary line",
            ver.status == 0 and ver.stdout == b"" and len(lines) == 1
            and VERIFIED.match(lines[0]) is not None, describe(ver, "verify"))
    m = VERIFIED.match(lines[0]) if len(lines) == 1 else None
    s.check("inputs: verify counted events and instructions",
            m is not None and int(m.group(2)) > 0 and int(m.group(3)) > 0,
            describe(ver, "verify"))

    tool = s.run([s.rr, "verify", log], cwd=work)
    lines = stderr_lines(tool)
    s.check("inputs: mimic-rr verify", tool.status == 0 and any(VERIFIED.match(l) for l in lines),
            describe(tool, "mimic-rr verify"))
    info = s.run([s.rr, "info", log])
    text = info.stdout.decode(errors="replace")
    s.check("inputs: mimic-rr info names the target and the command line",
            info.status == 0 and "target: i386" in text.splitlines()
            and "inputs data.txt" in text, describe(info, "mimic-rr info"))
    with open(data) as f:
        s.check("inputs: the file is still unchanged after verify", f.read() == changed)

    # QEMU's spelling, record and replay.
    with open(data, "w") as f:
        f.write("first\n")
    qlog = os.path.join(work, "inputs-qemu.rr")
    qrec = s.run([s.mimic, "-icount", "shift=0,rr=record,rrfile=" + qlog] + argv,
                 cwd=work, env=rec_env)
    s.require("inputs: -icount shift=0,rr=record,rrfile=F records",
            qrec.status in (3, 4) and b"RR_TEST_VALUE: one\n" in qrec.stdout,
            describe(qrec, "record"))
    with open(data, "w") as f:
        f.write(changed)
    qrep = s.run([s.mimic, "-icount", "shift=0,rr=replay,rrfile=" + qlog], cwd=work,
                 env=rep_env)
    s.check("inputs: -icount shift=0,rr=replay,rrfile=F replays", not same_run(qrec, qrep),
            same_run(qrec, qrep))


# ---- threads

def group_threads(s):
    work = s.workdir("threads")
    log = os.path.join(work, "threads4.rr")
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    rec = s.record(log, [s.prog("threads4")], cwd=work, env=env)
    s.require("threads: record threads4", rec.status == 0 and b"total: counter 96000" in rec.stdout,
              describe(rec, "record"))
    for i in range(10):
        rep = s.replay(log, cwd=work, env={})
        s.check("threads: replay %d of 10 identical" % (i + 1), not same_run(rec, rep),
                same_run(rec, rep))
    outputs = [rec.stdout]
    for i in range(2):
        more = s.record(os.path.join(work, "again%d.rr" % i), [s.prog("threads4")], cwd=work,
                        env=env)
        s.check("threads: another recording (%d) runs" % (i + 2), more.status == 0,
                describe(more, "record"))
        outputs.append(more.stdout)
    print("note: threads4's three recordings printed %d different outputs"
          % len(set(outputs)), flush=True)


# ---- diverge

def first_difference(a, b):
    """Index of the first line where a and b differ (native runs)."""
    la, lb = a.splitlines(True), b.splitlines(True)
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return i
    return None if len(la) == len(lb) else min(len(la), len(lb))


def group_diverge_write(s):
    work = s.workdir("diverge-write")
    data = os.path.join(work, "input.bin")
    with open(data, "wb") as f:
        f.write(bytes((i * 37 + 11) & 0xff for i in range(3000)))
    plain, variant = s.prog("diverge-write"), s.prog("diverge-write-variant")
    n_plain = s.run([plain, data], cwd=work)
    n_variant = s.run([variant, data], cwd=work)
    k = first_difference(n_plain.stdout, n_variant.stdout)
    s.require("diverge: the native runs of the two builds differ",
              n_plain.status == 0 and n_variant.status == 0 and k is not None,
              describe(n_plain, "plain") + describe(n_variant, "variant"))
    log = os.path.join(work, "diverge-write.rr")
    rec = s.record(log, [plain, data], cwd=work, env={})
    s.require("diverge: record diverge-write",
              rec.status == 0 and rec.stdout == n_plain.stdout, describe(rec, "record"))
    # Every line is one write(2), so the k-th write event is the first
    # whose bytes the variant changes.
    writes = [e for e in s.dump(log) if e[2] == "syscall" and " nr=4 " in e[3] + " "]
    s.require("diverge: the dump shows one write event per line",
              len(writes) == len(n_plain.stdout.splitlines()),
              ["write events: %d, lines: %d" % (len(writes), len(n_plain.stdout.splitlines()))])
    want_icount, want_tid = writes[k][0], writes[k][1]

    same = s.replay(log, prog=plain, cwd=work)
    s.check("diverge: replay with the same binary does not diverge", not same_run(rec, same),
            same_run(rec, same))

    rep = s.replay(log, prog=variant, cwd=work)
    hits = [DIVERGENCE.match(l) for l in stderr_lines(rep)]
    hits = [h for h in hits if h]
    s.check("diverge: the changed binary diverges (exit 1, the divergence line)",
            rep.status == 1 and len(hits) == 1, describe(rep, "replay"))
    if hits:
        got = (int(hits[0].group(1)), int(hits[0].group(2)))
        s.check("diverge: at the write of line %d (instruction %d of thread %d)"
                % (k, want_icount, want_tid), got == (want_icount, want_tid),
                ["reported instruction %d of thread %d" % got])
    expected_out = b"".join(n_plain.stdout.splitlines(True)[:k])
    s.check("diverge: the lines before the divergence were reproduced",
            rep.stdout == expected_out,
            ["stdout %r, expected %r" % (rep.stdout, expected_out)])

    ver = s.replay(log, prog=variant, cwd=work, options=",verify")
    hits = [h for h in map(DIVERGENCE.match, stderr_lines(ver)) if h]
    s.check("diverge: verify reports the same divergence",
            ver.status == 1 and ver.stdout == b"" and len(hits) == 1
            and (int(hits[0].group(1)), int(hits[0].group(2))) == (want_icount, want_tid),
            describe(ver, "verify"))


def group_diverge_reg(s):
    work = s.workdir("diverge-reg")
    plain, variant = s.prog("diverge-reg"), s.prog("diverge-reg-variant")
    log = os.path.join(work, "diverge-reg.rr")
    rec = s.record(log, [plain], cwd=work, env={}, options=",checkpoint=1000")
    s.require("diverge-reg: record with checkpoint=1000",
              rec.status == 0 and rec.stdout == b"before the loop\nesi 11111111 sum 300000\n",
              describe(rec, "record"))
    events = s.dump(log)
    writes = [e for e in events if e[2] == "syscall" and " nr=4 " in e[3] + " "]
    checkpoints = [e for e in events if e[2] == "checkpoint"]
    s.require("diverge-reg: two writes and checkpoints in the dump",
              len(writes) == 2 and len(checkpoints) > 100,
              ["writes %d, checkpoints %d" % (len(writes), len(checkpoints))])
    before, after = writes[0][0], writes[1][0]
    # ESI changes a few instructions after the first write returns (the
    # wrapper's return and the move itself): the first checkpoint after
    # it, or the next if one falls in between, must catch it.
    candidates = [c[0] for c in checkpoints if before < c[0] < after][:2]
    rep = s.replay(log, prog=variant, cwd=work)
    lines = stderr_lines(rep)
    hits = [h for h in map(DIVERGENCE.match, lines) if h]
    s.check("diverge-reg: the changed register diverges (exit 1, the divergence line)",
            rep.status == 1 and len(hits) == 1, describe(rep, "replay"))
    if hits:
        n, tid = int(hits[0].group(1)), int(hits[0].group(2))
        s.check("diverge-reg: at one of the first checkpoints after the change %s"
                % candidates, n in candidates and tid == writes[0][1],
                ["reported instruction %d of thread %d (first write at %d, tid %d)"
                 % (n, tid, before, writes[0][1])])
    s.check("diverge-reg: names esi with both values",
            "  esi: recorded 0x11111111, replayed 0x22222222" in lines, lines[:10])
    s.check("diverge-reg: reproduced the output before the loop",
            rep.stdout == b"before the loop\n", ["stdout %r" % rep.stdout])


def group_diverge(s):
    for group in (group_diverge_write, group_diverge_reg):
        try:
            group(s)
        except Skipped:
            pass


# ---- cutshort

def group_cutshort(s, lines_before_kill=5):
    work = s.workdir("cutshort")
    log = os.path.join(work, "ticker.rr")
    argv = [s.mimic, "-rr", "record,file=%s,checkpoint=100000" % log, s.prog("ticker")]
    proc = subprocess.Popen(argv, cwd=work, env={}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    out = b""
    deadline = time.monotonic() + max(0.0, s.time_left())
    try:
        while out.count(b"\n") < lines_before_kill and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
    finally:
        harness.kill_session(proc)
    out += proc.stdout.read()
    proc.stdout.close()
    proc.wait()
    printed = out.count(b"\n")
    s.require("cutshort: the recorder printed %d lines before SIGKILL" % lines_before_kill,
              printed >= lines_before_kill and proc.returncode == -signal.SIGKILL
              and os.path.isfile(log),
              ["lines %d, status %s, log %s" % (printed, proc.returncode,
                                                "exists" if os.path.isfile(log) else "missing")])
    rep = s.replay(log, cwd=work, env={})
    lines = stderr_lines(rep)
    m = [h for h in map(CUT_SHORT.match, lines) if h]
    s.check("cutshort: replay exits 0 with the cut short line",
            rep.status == 0 and len(m) == 1, describe(rep, "replay"))
    s.check("cutshort: replay's stdout is a prefix of the recording's",
            out.startswith(rep.stdout),
            ["replay stdout %r" % rep.stdout[:300], "recorded %r" % out[:300]])
    got = rep.stdout.count(b"\n")
    s.check("cutshort: at least %d lines replayed" % (lines_before_kill - 1),
            got >= lines_before_kill - 1, ["replayed %d lines" % got])
    if m:
        s.check("cutshort: the events replayed include the lines' writes",
                int(m[0].group(1)) >= got, ["%s events, %d lines" % (m[0].group(1), got)])


# ---- errors

def group_errors(s):
    work = s.workdir("errors")
    garbage = os.path.join(work, "garbage.rr")
    with open(garbage, "wb") as f:
        f.write(b"this is not a replay log, only text\n" * 4)
    short = os.path.join(work, "short.rr")
    with open(short, "wb") as f:
        f.write(b"MIMICRR\0\x01\x00")
    cases = [
        ("bad -rr mode", ["-rr", "sideways,file=x.rr", s.prog("inputs")]),
        ("-rr record without file=", ["-rr", "record", s.prog("inputs")]),
        ("bad -rr suboption", ["-rr", "replay,file=x.rr,colour=blue"]),
        ("missing log", ["-rr", "replay,file=" + os.path.join(work, "missing.rr")]),
        ("not a log", ["-rr", "replay,file=" + garbage]),
        ("log cut inside its header", ["-rr", "replay,file=" + short]),
    ]
    for name, args in cases:
        res = s.run([s.mimic] + args, cwd=work, env={})
        lines = stderr_lines(res)
        s.check("errors: " + name, res.status == 1 and len(lines) == 1
                and lines[0].startswith("mimic-i386: error: ") and res.stdout == b"",
                describe(res))


GROUPS = [("inputs", group_inputs), ("threads", group_threads), ("diverge", group_diverge),
          ("cutshort", group_cutshort), ("errors", group_errors)]


def main():
    harness.install_cleanup()
    ap = argparse.ArgumentParser(description="Record and replay i386 programs with mimic-i386.")
    ap.add_argument("--build", default=None,
                    help="build directory (default $RR_BUILD, $LINUX_USER_BUILD or build)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    ap.add_argument("only", nargs="*", metavar="GROUP",
                    help="run only these groups (%s)" % ", ".join(g for g, _ in GROUPS))
    args = ap.parse_args()
    build = args.build or os.environ.get("RR_BUILD") or harness.build_dir()
    unknown = set(args.only) - {g for g, _ in GROUPS}
    if unknown:
        raise SystemExit("unknown group(s): %s" % " ".join(sorted(unknown)))
    scratch = tempfile.mkdtemp(prefix="mimic-rr-")
    s = Suite(build, scratch)
    try:
        missing = [p for p in (s.mimic, s.rr) if not os.access(p, os.X_OK)]
        missing += [s.prog(p) for p in ("inputs", "threads4", "diverge-write",
                                         "diverge-write-variant", "diverge-reg",
                                         "diverge-reg-variant", "ticker")
                    if not os.path.isfile(s.prog(p))]
        if missing:
            s.tally.fail("prerequisites", ["%s is not built (make %s)"
                                           % (p, harness.make_target(p)) for p in missing])
            return s.tally.finish()
        for name, group in GROUPS:
            if args.only and name not in args.only:
                continue
            try:
                group(s)
            except Skipped:
                pass
    finally:
        if args.keep:
            print("kept the scratch directory %s" % scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return s.tally.finish()


if __name__ == "__main__":
    sys.exit(main())
