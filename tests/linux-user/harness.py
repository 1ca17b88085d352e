"""Shared machinery of the linux-user test suites (run-busybox.py,
run-progs.py, run-errors.py).

The reference for every i386 program is the same binary run natively:
the x86-64 host executes 32-bit code, so "what the guest should print" is
whatever the real CPU and kernel print for the same program, arguments,
input files, working directory and environment.  A suite runs each case
once natively, then once under each emulator configuration, and compares
stdout and exit status byte for byte.  Expected output is therefore never
stored in the tree: it is regenerated from the hardware on every run, so
it cannot drift from what Linux really does.

Emulator configurations come from, in order:
  - --emu CMD (repeatable): each CMD is one emulator command line, split
    like a shell would ("qemu-i386", "build/mimic-i386 -accel tcg,jit=off");
  - the EMU environment variable: one command, or several separated by
    ';' (make check-linux-user EMU=qemu-i386);
  - by default, both backends of $LINUX_USER_BUILD/mimic-i386 (the build
    directory, "build" unless the Makefile says otherwise): the x86-64
    code generator ("jit") and the IR interpreter ("interp").
"EMU=env" runs the "emulated" side natively through env(1): a check that
the cases themselves are deterministic.

If the host cannot run i386 code (a kernel without IA32 emulation), the
reference falls back to qemu-i386 and says so; REF=qemu forces that.

Every run happens in its own session, so a hung guest and all its
children are killed, and has a timeout: an emulated run gets 500 times
what the native run took, at least 30 s (the interpreter under
AddressSanitizer on a loaded 2-core machine needs about 10 s for the
slowest shell loop) and at most LINUX_USER_TIMEOUT seconds (default 60).  A suite also has a budget, LINUX_USER_BUDGET
seconds (default 240, inside the 300 s tests/run-suites.py allows): once
spent, the cases not run yet are counted as failed, so that an emulator
that hangs everywhere still gets a complete, honest tally.  Results are
printed as one line per test, details on failure, and the tally
"N passed, N failed[, N skipped]" last, which tests/run-suites.py counts.
"""

import argparse
import difflib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Emulator:
    """One way of running an i386 program: a label and an argv prefix."""

    def __init__(self, label, prefix):
        self.label = label
        self.prefix = list(prefix)
        # Runs happen in other directories and with PATH set for the
        # guest: find the emulator now, from here and our own PATH.
        if self.prefix:
            exe = self.prefix[0]
            found = exe if os.sep in exe else shutil.which(exe)
            if found:
                self.prefix[0] = os.path.abspath(found)

    def argv(self, program_argv):
        return self.prefix + list(program_argv)

    def program_name(self):
        """The emulator's own name, as it would start an error message."""
        return os.path.basename(self.prefix[0]) if self.prefix else ""


NATIVE = Emulator("native", [])


class Result:
    def __init__(self, status, stdout, stderr, timed_out=False, error=None, seconds=0.0):
        self.status = status        # exit status, or -N when killed by signal N
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out
        self.error = error          # could not start at all (OSError text)
        self.seconds = seconds      # wall time the run took

    def status_text(self):
        if self.error:
            return "could not start: %s" % self.error
        if self.timed_out:
            return "timed out after %.0f s" % self.seconds
        if self.status < 0:
            try:
                return "killed by %s" % signal.Signals(-self.status).name
            except ValueError:
                return "killed by signal %d" % -self.status
        return "exit status %d" % self.status


def env_number(name, default):
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return float(default)


def timeout_seconds():
    return env_number("LINUX_USER_TIMEOUT", 60)


def emulated_timeout(reference):
    """The timeout of an emulated run whose reference run is reference."""
    return min(timeout_seconds(), max(30.0, 500 * reference.seconds))


class Budget:
    """The suite's time budget (LINUX_USER_BUDGET seconds)."""

    def __init__(self):
        self.deadline = time.monotonic() + env_number("LINUX_USER_BUDGET", 240)

    def spent(self):
        return time.monotonic() >= self.deadline

    def left(self):
        return max(0.0, self.deadline - time.monotonic())


# The runs under way, so that a suite stopped by a signal can take their
# sessions down with it: they are not in the suite's process group, so
# nothing else would.
_active = set()
_active_lock = threading.Lock()


def _stop_active_runs(signo, frame):
    with _active_lock:
        for proc in list(_active):
            kill_session(proc)
    os._exit(128 + signo)


def install_cleanup():
    """Kills the sessions of the runs under way when the suite is stopped."""
    for signo in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signo, _stop_active_runs)


def run(argv, cwd=None, env=None, stdin_path=None, timeout=None):
    """Runs argv to completion in a new session; returns a Result."""
    if timeout is None:
        timeout = timeout_seconds()
    start = time.monotonic()
    stdin = subprocess.DEVNULL
    if stdin_path is not None:
        stdin = open(stdin_path, "rb")
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    except OSError as e:
        return Result(None, b"", b"", error=e.strerror or str(e))
    finally:
        if stdin_path is not None:
            stdin.close()
    with _active_lock:
        _active.add(proc)
    try:
        out, err = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_session(proc)
        try:
            out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            # A process that left the session holds the pipes: give up on
            # its output rather than wait for it.
            proc.kill()
            for pipe in (proc.stdout, proc.stderr):
                pipe.close()
            proc.wait()
            out, err = b"", b""
        timed_out = True
    # Children the guest left behind (background jobs) go with the session.
    kill_session(proc)
    with _active_lock:
        _active.discard(proc)
    return Result(proc.returncode, out, err, timed_out=timed_out,
                  seconds=time.monotonic() - start)


def kill_session(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def build_dir():
    return os.environ.get("LINUX_USER_BUILD", "build")


def default_emulators(build):
    mimic = os.path.join(build, "mimic-i386")
    return [Emulator("jit", [mimic]),
            Emulator("interp", [mimic, "-accel", "tcg,jit=off"])]


def emulators_from(args_emu, build):
    """The emulator configurations to test, from --emu or EMU or the default."""
    commands = list(args_emu or [])
    if not commands and os.environ.get("EMU", "").strip():
        commands = [c for c in os.environ["EMU"].split(";") if c.strip()]
    if not commands:
        return default_emulators(build)
    emus = []
    for cmd in commands:
        words = shlex.split(cmd)
        emus.append(Emulator(" ".join(words), words))
    return emus


def missing_emulator(emu):
    """Why emu cannot run at all, or None."""
    exe = emu.prefix[0]
    if os.sep not in exe:
        return "%s is not installed" % exe
    if not os.path.isfile(exe):
        return "%s is not built (make %s)" % (exe, make_target(exe))
    if not os.access(exe, os.X_OK):
        return "%s is not executable" % exe
    return None


def make_target(path):
    """path as a make target: relative to the top of the tree when inside it."""
    path = os.path.abspath(path)
    if path.startswith(ROOT + os.sep):
        return os.path.relpath(path, ROOT)
    return path


def native_runs_i386():
    """Whether the host kernel runs 32-bit x86 programs itself."""
    probe = "/bin/busybox"
    if not os.path.exists(probe):
        return True     # nothing to probe with; the suites say what is missing
    res = run([probe, "true"], timeout=20)
    return res.error is None and res.status == 0


def reference_emulator():
    """NATIVE, or qemu-i386 when the host cannot run i386 code (or REF=qemu)."""
    if os.environ.get("REF") == "qemu" or not native_runs_i386():
        print("note: reference runs use qemu-i386 (the host does not run i386 code "
              "natively, or REF=qemu)")
        return Emulator("qemu-i386", ["qemu-i386"])
    return NATIVE


class Tally:
    def __init__(self, suite):
        self.suite = suite
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def ok(self, name):
        self.passed += 1
        print("PASS %s" % name, flush=True)

    def fail(self, name, details):
        self.failed += 1
        print("FAIL %s" % name)
        for line in details:
            print("    " + line)
        sys.stdout.flush()

    def skip(self, name, why):
        self.skipped += 1
        print("SKIP %s: %s" % (name, why), flush=True)

    def finish(self):
        text = "%s: %d passed, %d failed" % (self.suite, self.passed, self.failed)
        if self.skipped:
            text += ", %d skipped" % self.skipped
        print(text, flush=True)
        return 1 if self.failed else 0


def show_bytes(data, limit=1200):
    text = data.decode("utf-8", "replace")
    if len(text) > limit:
        text = text[:limit] + "... (%d bytes in all)" % len(data)
    return text


def compare(expected, got, what="stdout"):
    """Lines describing how got differs from the reference run expected
    (exit status and stdout); an empty list when they are identical."""
    lines = []
    if got.error or got.timed_out or got.status != expected.status:
        lines.append("status: expected %s, got %s"
                     % (expected.status_text(), got.status_text()))
    if got.stdout != expected.stdout:
        lines.append("%s differs (expected %d bytes, got %d):"
                     % (what, len(expected.stdout), len(got.stdout)))
        lines += stdout_diff(expected.stdout, got.stdout)
    if lines and got.stderr:
        lines.append("stderr of the emulated run:")
        lines += ["  " + l for l in show_bytes(got.stderr).splitlines()[:20]]
    return lines


def stdout_diff(expected, got, context=2, limit=40):
    """A short unified diff (or a byte offset, for binary output)."""
    try:
        exp_text = expected.decode("utf-8")
        got_text = got.decode("utf-8")
    except UnicodeDecodeError:
        n = next((i for i in range(min(len(expected), len(got)))
                  if expected[i] != got[i]), min(len(expected), len(got)))
        return ["  first difference at byte %d" % n]
    diff = list(difflib.unified_diff(exp_text.splitlines(), got_text.splitlines(),
                                     "native", "emulated", n=context, lineterm=""))
    shown = ["  " + l for l in diff[:limit]]
    if len(diff) > limit:
        shown.append("  ... (%d more diff lines)" % (len(diff) - limit))
    return shown


def describe_command(emu, argv, cwd=None, stdin_path=None):
    text = " ".join(shlex.quote(a) for a in emu.argv(argv))
    if stdin_path:
        text += " < " + shlex.quote(os.path.relpath(stdin_path, cwd or os.getcwd()))
    if cwd:
        text = "(cd %s && %s)" % (shlex.quote(cwd), text)
    return text


def common_arguments(description):
    install_cleanup()
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--emu", action="append", metavar="CMD",
                    help="emulator command line to test (repeatable; default: "
                         "both backends of BUILD/mimic-i386, or $EMU)")
    ap.add_argument("--build", default=None,
                    help="build directory (default $LINUX_USER_BUILD or build)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the scratch directory and say where it is")
    ap.add_argument("only", nargs="*", metavar="CASE",
                    help="run only these cases (default: all)")
    return ap


def check_emulators(tally, emus):
    """Counts one failure for each emulator that cannot run; returns the rest."""
    usable = []
    for emu in emus:
        why = missing_emulator(emu)
        if why:
            tally.fail("[%s]" % emu.label, ["cannot test: %s" % why])
        else:
            usable.append(emu)
    return usable
