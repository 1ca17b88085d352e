#!/usr/bin/env python3
"""The error-handling suite: mimic-i386 given something it cannot run.

    tests/linux-user/run-errors.py [--emu CMD]... [--build DIR] [--keep] [CASE...]

Each case must end with exactly one line on stderr that starts with
"<emulator name>: error: " (for mimic-i386, "mimic-i386: error: "),
nothing on stdout, and exit status 1: a user error, never a crash, a
hang or a usage screen.  The bad inputs are made here from files the
build already has: a text file, an empty file, a directory, an x86-64
ELF, cut-down and patched copies of an i386 program, a program whose
interpreter does not exist, and bad command-line options.

Unlike the other suites there is no native reference: what Linux does
with these files (ENOEXEC and friends) is not a message.  Running this
suite with EMU=qemu-i386 fails, since QEMU words its errors differently;
that is how the suite shows it can fail.
"""

import os
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness                                   # noqa: E402


def patched(data, offset, fmt, value):
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def write(path, data, mode=0o755):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


def host_elf64():
    """An x86-64 ELF executable of the host (e.g. /bin/true)."""
    for candidate in ("/bin/true", "/usr/bin/true", sys.executable):
        try:
            with open(candidate, "rb") as f:
                head = f.read(5)
        except OSError:
            continue
        if head[:4] == b"\x7fELF" and head[4] == 2:
            return candidate
    return None


def make_cases(scratch, progs_dir):
    """[(name, emulator arguments or None when the input is missing, why)]"""
    static = os.path.join(progs_dir, "libc-static")
    dynamic = os.path.join(progs_dir, "libc-dynamic")
    cases = []

    def file_case(name, path, what):
        cases.append((name, [path], what))

    file_case("missing-file", os.path.join(scratch, "does-not-exist"), "no such file")
    file_case("directory", scratch, "a directory")
    file_case("not-elf", write(os.path.join(scratch, "text"), b"hello, world\n" * 10),
              "a text file")
    file_case("script-with-missing-interpreter",
              write(os.path.join(scratch, "nosuch.sh"), b"#!/nonexistent/shell\necho hi\n"),
              "a #! script whose interpreter does not exist")
    file_case("empty-file", write(os.path.join(scratch, "empty"), b""), "an empty file")
    file_case("three-byte-file", write(os.path.join(scratch, "elfish"), b"\x7fEL"),
              "three bytes of an ELF magic")
    elf64 = host_elf64()
    if elf64:
        file_case("elf64-x86-64", elf64, "a 64-bit x86-64 ELF")
    else:
        cases.append(("elf64-x86-64", None, "no x86-64 ELF found on the host"))

    if os.path.isfile(static):
        with open(static, "rb") as f:
            data = f.read()
        file_case("truncated-header", write(os.path.join(scratch, "trunc40"), data[:40]),
                  "the first 40 bytes of an i386 ELF (header cut)")
        file_case("truncated-program-headers",
                  write(os.path.join(scratch, "trunc60"), data[:60]),
                  "an ELF header whose program headers are past the end of the file")
        file_case("truncated-segments", write(os.path.join(scratch, "trunc2k"), data[:2048]),
                  "an i386 ELF cut inside its first loadable segment")
        file_case("wrong-machine",
                  write(os.path.join(scratch, "arm"), patched(data, 18, "<H", 40)),
                  "an i386 ELF with e_machine changed to ARM")
        file_case("big-endian", write(os.path.join(scratch, "msb"), patched(data, 5, "B", 2)),
                  "an i386 ELF marked big-endian")
        file_case("relocatable-object",
                  write(os.path.join(scratch, "rel"), patched(data, 16, "<H", 1)),
                  "an i386 ELF of type ET_REL")
        file_case("bad-program-header-size",
                  write(os.path.join(scratch, "phentsize"), patched(data, 42, "<H", 7)),
                  "an i386 ELF with e_phentsize 7")
        file_case("program-headers-out-of-file",
                  write(os.path.join(scratch, "phoff"), patched(data, 28, "<I", 0x7ffffff0)),
                  "an i386 ELF with e_phoff far past the end of the file")
    else:
        for name in ("truncated-header", "truncated-program-headers", "truncated-segments",
                     "wrong-machine", "big-endian", "relocatable-object",
                     "bad-program-header-size", "program-headers-out-of-file"):
            cases.append((name, None, "%s is not built" % static))

    if os.path.isfile(dynamic):
        with open(dynamic, "rb") as f:
            data = f.read()
        interp = b"/lib/ld-linux.so.2\0"
        if interp in data:
            fake = b"/nonexistent/ld.so\0"     # the same length
            file_case("missing-interpreter",
                      write(os.path.join(scratch, "nointerp"), data.replace(interp, fake, 1)),
                      "a dynamic i386 ELF whose PT_INTERP does not exist")
        else:
            cases.append(("missing-interpreter", None, "no /lib/ld-linux.so.2 in %s" % dynamic))
    else:
        cases.append(("missing-interpreter", None, "%s is not built" % dynamic))

    program = static if os.path.isfile(static) else os.path.join(scratch, "text")
    cases.append(("unknown-option", ["-no-such-option", program], "an unknown option"))
    cases.append(("option-missing-value", ["-accel"], "-accel without a value"))
    cases.append(("bad-accel-value", ["-accel", "tcg,jit=perhaps", program],
                  "-accel tcg,jit=perhaps"))
    cases.append(("unknown-accelerator", ["-accel", "kvm", program], "-accel kvm"))
    cases.append(("bad-icount-shift", ["-icount", "shift=11", program], "-icount shift=11"))
    cases.append(("bad-icount-key", ["-icount", "sleep=on", program], "-icount sleep=on"))
    cases.append(("bad-gdb-disconnect", ["-g", "1234,disconnect=later", program],
                  "-g 1234,disconnect=later"))
    cases.append(("no-program", [], "no program at all"))
    return cases


def check(tally, name, emu, argv, scratch):
    # A user error is reported at once: 10 s is generous, and keeps a suite
    # of hangs inside run-suites' limit.
    res = harness.run(emu.argv(argv), cwd=scratch, env={"PATH": "/usr/bin:/bin"}, timeout=10)
    prefix = "%s: error: " % emu.program_name()
    lines = res.stderr.decode("utf-8", "replace").splitlines()
    problems = []
    if res.error or res.timed_out or res.status != 1:
        problems.append("status: expected exit status 1, got %s" % res.status_text())
    if len(lines) != 1 or not res.stderr.endswith(b"\n"):
        problems.append("stderr: expected exactly one line, got %d" % len(lines))
    if not lines or not lines[0].startswith(prefix):
        problems.append("stderr: expected a line starting with %r" % prefix)
    if res.stdout:
        problems.append("stdout: expected nothing, got %d bytes" % len(res.stdout))
    if problems:
        problems.insert(0, "command: " + harness.describe_command(emu, argv))
        problems.append("stderr was:")
        problems += ["  " + l for l in harness.show_bytes(res.stderr).splitlines()[:10]]
        if res.stdout:
            problems.append("stdout was:")
            problems += ["  " + l for l in harness.show_bytes(res.stdout).splitlines()[:10]]
        tally.fail(name, problems)
    else:
        tally.ok("%s  (%s)" % (name, lines[0]))


def main():
    ap = harness.common_arguments("Check mimic-i386's one-line errors for bad input.")
    args = ap.parse_args()
    build = args.build or harness.build_dir()
    progs_dir = os.path.abspath(os.path.join(build, "tests", "linux-user"))
    tally = harness.Tally("errors")
    emus = harness.check_emulators(tally, harness.emulators_from(args.emu, build))
    if not emus:
        return tally.finish()

    scratch = tempfile.mkdtemp(prefix="mimic-errors-")
    try:
        cases = make_cases(scratch, progs_dir)
        if args.only:
            cases = [c for c in cases if c[0] in args.only]
        for name, argv, what in cases:
            for emu in emus:
                label = "%s [%s]" % (name, emu.label)
                if argv is None:
                    tally.fail(label, ["cannot make the input: %s" % what])
                else:
                    check(tally, label, emu, argv, scratch)
    finally:
        if args.keep:
            print("kept the scratch directory %s" % scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
