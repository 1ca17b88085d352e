#!/usr/bin/env python3
"""The gdb suite: Debian's real gdb drives mimic-i386's stub (-g).

Each scenario runs gdb in batch mode against `mimic-i386 -g PORT PROG`
on both backends and checks gdb's output for what the program's known
state says (patterns in order), the guest's own output, and, for the
scenarios marked `native`, that the lines it selects are the same as when
gdb runs the same program natively under ptrace (started with `starti`,
so both runs begin at the first instruction): the reference for
stepping, registers and memory.

    tests/gdb/run-gdb.py [SCENARIO...]        BUILD=build dir

The last line is the tally "N passed, N failed".
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time

BUILD = os.environ.get('BUILD', 'build')
EMU = os.path.join(BUILD, 'mimic-i386')
PROGS = os.path.join(BUILD, 'tests', 'gdb')
BACKENDS = [('x86-64', []), ('interp', ['-accel', 'tcg,jit=off'])]
TIMEOUT = 60

# Lines compared with the native run: values gdb prints, pc positions.
VALUES = r'^(\$\d+ = .*|eip .*|eflags .*|ecx .*|eax .*|=> 0x[0-9a-f]+ .*)$'

WATCH_LINES = (r'^(Old value = .*|New value = .*|Value = .*|Hardware .*watchpoint \d+: .*|'
               r'\$\d+ = .*)$')

SCENARIOS = [
    {
        'name': 'break-continue',
        'prog': 'basic',
        'cmds': ['break square', 'continue', 'print x', 'continue', 'print x',
                 'continue', 'print x', 'delete', 'continue'],
        'expect': [r'Breakpoint 1, square \(x=0\) at .*basic\.c', r'\$1 = 0',
                   r'Breakpoint 1, square \(x=1\)', r'\$2 = 1',
                   r'Breakpoint 1, square \(x=2\)', r'\$3 = 2',
                   r'exited with code 03'],
        'output': 'syscall\ncounter=10 local=7 v=42 buffer=hello, world\n',
    },
    {
        'name': 'step-next-finish',
        'prog': 'basic',
        'cmds': ['break main', 'continue', 'next', 'next', 'step', 'bt', 'finish',
                 'next', 'next', 'next', 'print local', 'print counter', 'kill'],
        'expect': [r'Breakpoint 1, main \(\) at', r'square \(x=0\) at .*basic\.c',
                   r'#1 .* main \(\) at', r'Value returned is \$\d+ = 0',
                   r'\$\d+ = 7'],
        'native': True,
    },
    {
        # One instruction per stepi, every iteration of REP MOVSB and the
        # INT 0x80 of write() included: the pc and ECX after each, as
        # gdb sees them natively.
        'name': 'stepi-exact',
        'prog': 'basic',
        'cmds': ['break copy', 'continue'] +
                ['stepi', 'print/x $pc', 'print (unsigned)$ecx < 100 ? $ecx : -1'] * 20 +
                ['break write', 'continue'] + ['stepi', 'print/x $pc', 'print $eax'] * 12 +
                ['kill'],
        'expect': [r'Breakpoint 1, .*copy'],
        'native': True,
    },
    {
        'name': 'registers-memory',
        'prog': 'basic',
        'cmds': ['break getval', 'continue', 'info registers eip eflags cs ss ds es fs gs',
                 'print $eax', 'print/x $fctrl', 'print/x $mxcsr', 'print $ftag',
                 'x/16xb &buffer', 'print buffer', 'print counter', 'kill'],
        'expect': [r'Breakpoint 1, .*getval', r'hello, world', r'\$\d+ = 10'],
        'native': True,
        'compare': r'^(\$\d+ = .*|eip .*|eflags .*|cs .*|ss .*|ds .*|es .*|fs .*|gs .*|'
                   r'0x[0-9a-f]+ <buffer.*)$',
    },
    {
        # Exact watchpoints: the same hits, values and stop lines as
        # gdb gets natively from the CPU's debug registers.
        'name': 'watch',
        'prog': 'basic',
        'cmds': ['break touch', 'continue', 'watch watched'] +
                ['continue', 'print/x $pc'] * 5 + ['kill'],
        'expect': [r'Hardware watchpoint 2: watched', r'Old value = 0', r'New value = 1',
                   r'New value = 2', r'New value = 3', r'New value = 4'],
        'native': True,
        'compare': WATCH_LINES,
    },
    {
        'name': 'rwatch',
        'prog': 'basic',
        'cmds': ['break touch', 'continue', 'rwatch watched'] +
                ['continue', 'print/x $pc'] * 6 + ['kill'],
        'expect': [r'Hardware read watchpoint 2: watched', r'Value = 4',
                   r'Hardware read watchpoint 2: watched', r'Value = 4'],
        'native': True,
        'compare': WATCH_LINES,
    },
    {
        'name': 'awatch',
        'prog': 'basic',
        'cmds': ['break touch', 'continue', 'awatch watched'] +
                ['continue', 'print/x $pc'] * 8 + ['kill'],
        'expect': [r'Hardware access \(read/write\) watchpoint 2: watched',
                   r'New value = 1', r'New value = 4', r'Value = 4'],
        'native': True,
        'compare': WATCH_LINES,
    },
    {
        'name': 'set-var',
        'prog': 'basic',
        'cmds': ['break main', 'continue', 'set var counter = 100', 'continue'],
        'expect': [r'exited with code 01'],
        'output': 'syscall\ncounter=105 local=7 v=42 buffer=hello, world\n',
    },
    {
        'name': 'set-eax',
        'prog': 'basic',
        'cmds': ['break getval', 'continue', 'finish', 'set $eax = 99', 'continue'],
        'expect': [r'Value returned is \$\d+ = 42', r'exited with code 03'],
        'output': 'syscall\ncounter=10 local=7 v=99 buffer=hello, world\n',
    },
    {
        'name': 'interrupt',
        'prog': 'busy',
        'cmds': ['continue', 'print spins > 0', 'info threads', 'kill'],
        'interrupt': 1.5,
        'expect': [r'Program received signal SIGINT', r'\$1 = 1', r'\* 1 +Thread'],
    },
    {
        'name': 'detach-reattach',
        'prog': 'busy',
        'cmds': ['continue', 'set var spins = 0', 'detach'],
        'interrupt': 1.0,
        'again': ['print spins > 0', 'kill'],
        'expect': [r'Program received signal SIGINT', r'detached\]'],
        'expect_again': [r'\$1 = 1'],
    },
    {
        # With disconnect=stop the guest waits for the next gdb: spins
        # does not move while nobody is attached.
        'name': 'detach-stop',
        'prog': 'busy',
        'gopts': ',disconnect=stop',
        'cmds': ['continue', 'set var spins = 0', 'detach'],
        'interrupt': 1.0,
        'again': ['print spins', 'kill'],
        'expect': [r'Program received signal SIGINT', r'detached\]'],
        'expect_again': [r'\$1 = 0'],
    },
    {
        # A step onto a faulting instruction reports the signal, at the
        # same place as natively.
        'name': 'step-fault',
        'prog': 'crash',
        'cmds': ['break main', 'continue'] + ['stepi', 'print/x $pc'] * 4 + ['kill'],
        'expect': [r'Program received signal SIGSEGV'],
        'native': True,
        'compare': r'^(\$\d+ = .*|Program received signal .*)$',
    },
    {
        'name': 'threads',
        'prog': 'threads',
        'cmds': ['break worker', 'continue', 'continue', 'continue', 'info threads',
                 'delete', 'continue'],
        'expect': [r'Breakpoint 1, worker', r'Breakpoint 1, worker', r'Breakpoint 1, worker',
                   r'(?s)\s1 +Thread.*\s2 +Thread.*\s3 +Thread', r'exited normally'],
        'output': 'joined\n',
    },
    {
        'name': 'smc-breakpoint',
        'prog': 'smc',
        'cmds': ['break *0x30000000', 'continue', 'print/x $pc', 'x/2xb 0x30000000',
                 'continue', 'x/5xb 0x30000000', 'delete', 'continue'],
        'expect': [r'Breakpoint 1, 0x30000000', r'\$1 = 0x30000000',
                   r'0x30000000:\s+0xb8\s+0x0b', r'Breakpoint 1, 0x30000000',
                   r'0x30000000:\s+0xb8\s+0x16\s+0x00\s+0x00\s+0x00', r'exited normally'],
        'output': 'a=11 b=22\n',
    },
    {
        'name': 'signal-exit',
        'prog': 'crash',
        'cmds': ['continue', 'print/x $pc', 'continue'],
        'expect': [r'Program received signal SIGSEGV', r'Program terminated with signal SIGSEGV'],
    },
    {
        'name': 'monitor',
        'prog': 'basic',
        'cmds': ['monitor help', 'monitor icount', 'stepi', 'stepi', 'monitor icount',
                 'monitor info registers', 'monitor x 0x8048000 4', 'kill'],
        'expect': [r'icount', r'^0$', r'^2$', r'eip +0x', r'08048000: 7f 45 4c 46'],
    },
]


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def gdb_argv(prog, cmds, remote):
    argv = ['gdb', '-q', '-batch', '-nx', '-ex', 'set confirm off',
            '-ex', 'set pagination off', '-ex', 'set width 0']
    argv += ['-ex', remote] if remote else ['-ex', 'starti']
    for c in cmds:
        argv += ['-ex', c]
    return argv + [prog]


def wait_listening(emu):
    """mimic prints 'waiting for gdb' once it listens."""
    line = emu.stderr.readline()
    return b'waiting for gdb' in line


def run_remote(sc, prog, opts):
    port = free_port()
    emu = subprocess.Popen([EMU, *opts, '-g', str(port) + sc.get('gopts', ''), prog],
                           stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    if not wait_listening(emu):
        emu.kill()
        return None, '', '', 'mimic did not listen'
    gdb = subprocess.Popen(gdb_argv(prog, sc['cmds'], f'target remote :{port}'),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if 'interrupt' in sc:
        time.sleep(sc['interrupt'])
        gdb.send_signal(signal.SIGINT)
    try:
        out = gdb.communicate(timeout=TIMEOUT)[0].decode(errors='replace')
    except subprocess.TimeoutExpired:
        gdb.kill()
        emu.kill()
        return None, '', '', 'gdb timed out'
    out2 = ''
    if 'again' in sc:
        time.sleep(0.3)
        gdb2 = subprocess.Popen(gdb_argv(prog, sc['again'], f'target remote :{port}'),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        time.sleep(1.0)
        try:
            out2 = gdb2.communicate(timeout=TIMEOUT)[0].decode(errors='replace')
        except subprocess.TimeoutExpired:
            gdb2.kill()
            emu.kill()
            return None, '', '', 'the second gdb timed out'
    try:
        emu_out = emu.communicate(timeout=TIMEOUT)[0].decode(errors='replace')
    except subprocess.TimeoutExpired:
        emu.kill()
        return None, '', '', 'mimic did not end'
    return out, out2, emu_out, None


def run_native(sc, prog):
    r = subprocess.run(gdb_argv(prog, sc['cmds'], None), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
    return r.stdout.decode(errors='replace')


def in_order(patterns, text):
    pos = 0
    for p in patterns:
        m = re.compile(p, re.M).search(text, pos)
        if not m:
            return p
        pos = m.end()
    return None


def selected(text, pattern):
    # Stack addresses differ between runs (the environment): registers
    # that hold them are not compared.
    rx = re.compile(pattern)
    return [l for l in text.splitlines() if rx.match(l)]


def check(sc, backend, opts):
    prog = os.path.join(PROGS, sc['prog'])
    out, out2, emu_out, err = run_remote(sc, prog, opts)
    if err:
        return err, out or ''
    missing = in_order(sc['expect'], out)
    if missing:
        return f'missing in gdb output: {missing}', out
    if 'expect_again' in sc:
        missing = in_order(sc['expect_again'], out2)
        if missing:
            return f'missing in the second gdb\'s output: {missing}', out2
    if 'output' in sc and emu_out != sc['output']:
        return f'guest output {emu_out!r}, want {sc["output"]!r}', out
    if sc.get('native'):
        ref = run_native(sc, prog)
        pattern = sc.get('compare', VALUES)
        a, b = selected(ref, pattern), selected(out, pattern)
        if a != b:
            for i in range(max(len(a), len(b))):
                x = a[i] if i < len(a) else '<none>'
                y = b[i] if i < len(b) else '<none>'
                if x != y:
                    return f'differs from native at line {i}: native {x!r}, mimic {y!r}', out
        if not a:
            return 'no lines to compare with native', ref
    return None, out


def main():
    names = sys.argv[1:]
    passed = failed = 0
    for sc in SCENARIOS:
        if names and sc['name'] not in names:
            continue
        for backend, opts in BACKENDS:
            why, out = check(sc, backend, opts)
            if why is None:
                print(f'ok   {sc["name"]} {backend}')
                passed += 1
            else:
                print(f'FAIL {sc["name"]} {backend}: {why}')
                for line in out.splitlines()[-15:]:
                    print('    ' + line)
                failed += 1
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
