#!/usr/bin/env python3
"""Reverse execution in a replay: Debian's gdb against mimic-i386
-rr replay -g, with gdb's own `record full` on the host as the reference.

progs/reverse.c is recorded once (mimic-i386 -rr record); each scenario
replays it under gdb on both backends, runs to a point in main's loop,
goes backwards and forwards (reverse-stepi, reverse-nexti, reverse-step,
reverse-next, reverse-finish, reverse-continue to breakpoints), and
compares the values gdb prints with the same commands run natively,
where gdb records the program from main on and executes backwards
itself.  Neither side goes back past main (where the native history
begins).  A reverse watchpoint and going back across threads that were made and
ended are checked against the values the programs must have (gdb's
record full cannot serve there, see WATCH), and a last
scenario goes back past the start of the recording: gdb must say "No
more reverse-execution history".

    tests/gdb/run-gdb-reverse.py [SCENARIO...]     BUILD=build dir

The last line is the tally "N passed, N failed".
"""
import difflib
import os
import re
import socket
import subprocess
import sys
import tempfile

BUILD = os.environ.get('BUILD', 'build')
EMU = os.path.join(BUILD, 'mimic-i386')
PROGS = os.path.join(BUILD, 'tests', 'gdb')
PROG = os.path.join(PROGS, 'reverse')
BACKENDS = [('x86-64', []), ('interp', ['-accel', 'tcg,jit=off'])]
TIMEOUT = 120

VALUES = (r'^(\$\d+ = .*|Old value = .*|New value = .*|'
          r'Hardware watchpoint \d+: .*|Run till exit.*|#0 .*)$')

START = ['break main', 'continue']
SCENARIOS = [
    {
        'name': 'reverse-continue-breakpoint',
        'cmds': ['break tick', 'continue', 'continue', 'continue', 'print counter', 'print i',
                 'reverse-continue', 'print counter', 'print i', 'print $pc == tick',
                 'reverse-continue', 'print i', 'print counter',
                 'continue', 'print i', 'continue', 'print i', 'print counter'],
    },
    {
        'name': 'reverse-stepi',
        'cmds': ['break tick if i == 4', 'continue'] + ['stepi'] * 7 +
                ['print/x $pc', 'print counter'] +
                ['reverse-stepi', 'print/x $pc', 'print $esp - $ebp', 'print/x $eax'] * 5 +
                ['reverse-nexti', 'print/x $pc'] * 2 + ['stepi', 'print/x $pc'],
    },
    {
        'name': 'reverse-next-step-finish',
        'cmds': ['break tick if i == 5', 'continue', 'next', 'next', 'print counter',
                 'reverse-next', 'print counter', 'step', 'bt 1', 'reverse-finish',
                 'print counter', 'finish', 'next', 'next', 'reverse-step', 'bt 1',
                 'print counter', 'print watched'],
    },
]
# gdb's record full on the host loses software watchpoints when going
# backwards (it runs back to the start of its history), so the reference
# for a reverse watchpoint is the program itself: `watched` is written in
# tick(3) and tick(6) before tick(8), counter is the sum of squares.
WATCH = {
    'name': 'reverse-watch',
    'cmds': START + ['delete', 'break tick if i == 8', 'continue', 'print watched', 'delete',
                     'watch watched', 'reverse-continue', 'print watched', 'print i',
                     'print counter', 'reverse-continue', 'print watched', 'print i',
                     'continue', 'print watched', 'continue', 'print watched'],
    'expect': [r'\$1 = 6', r'Old value = 6', r'New value = 3', r'tick \(i=6\)',
               r'\$2 = 3', r'\$3 = 6', r'\$4 = 91', r'Old value = 3', r'New value = 0',
               r'tick \(i=3\)', r'\$5 = 0', r'\$6 = 3', r'Old value = 0', r'New value = 3',
               r'\$7 = 3', r'Old value = 3', r'New value = 6', r'\$8 = 6'],
}
# Across threads made and ended (progs/reverse-threads.c): going back
# from thread 3 into thread 2, which has ended, and forwards again.
THREADS = {
    'name': 'reverse-threads',
    'prog': 'reverse-threads',
    'cmds': ['break work if id == 3 && k == 1', 'continue', 'print shared', 'delete',
             'break work', 'reverse-continue', 'print shared', 'print id', 'print k',
             'reverse-continue', 'print shared', 'print id', 'print k',
             'reverse-continue', 'print shared', 'print id', 'print k',
             'continue', 'print shared', 'continue', 'print shared', 'print id',
             'continue', 'print shared', 'print id', 'print k'],
    'expect': [r'\$1 = 1206', r'\$2 = 906', r'\$3 = 3', r'\$4 = 0',
               r'\$5 = 704', r'\$6 = 2', r'\$7 = 2', r'\$8 = 503', r'\$9 = 2', r'\$10 = 1',
               r'\$11 = 704', r'\$12 = 906', r'\$13 = 3', r'\$14 = 1206', r'\$15 = 3',
               r'\$16 = 1'],
}
# Past the start: only mimic's recording starts at the first instruction.
BEGIN = {
    'name': 'reverse-past-start',
    'cmds': ['break tick if i == 2', 'continue', 'delete', 'reverse-continue',
             'print/x $pc', 'stepi', 'reverse-stepi', 'reverse-stepi', 'print counter',
             'break square', 'continue', 'print x'],
    'expect': [r'No more reverse-execution history', r'\$1 = 0x[0-9a-f]+',
               r'No more reverse-execution history', r'\$2 = 0', r'Breakpoint \d+, square \(x=1\)',
               r'\$3 = 1'],
}


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def gdb_argv(cmds, remote, prog=PROG):
    argv = ['gdb', '-q', '-batch', '-nx', '-ex', 'set confirm off',
            '-ex', 'set pagination off', '-ex', 'set width 0']
    if remote:
        argv += ['-ex', remote]
    else:
        argv += ['-ex', 'break main', '-ex', 'run', '-ex', 'delete',
                 '-ex', 'set record full insn-number-max unlimited', '-ex', 'record full']
    for c in cmds:
        argv += ['-ex', c]
    return argv + ['-ex', 'kill', prog]


def run_replay(log, cmds, opts, prog=PROG):
    port = free_port()
    # A snapshot every 30000 instructions: going back uses several of
    # them, and the first one.
    emu = subprocess.Popen([EMU, *opts, '-rr', 'replay,file=' + log + ',snapshot=30000',
                            '-g', str(port)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if b'waiting for gdb' not in emu.stderr.readline():
        emu.kill()
        return None, 'mimic did not listen'
    gdb = subprocess.Popen(gdb_argv(cmds, f'target remote :{port}', prog),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out = gdb.communicate(timeout=TIMEOUT)[0].decode(errors='replace')
    except subprocess.TimeoutExpired:
        gdb.kill()
        emu.kill()
        return None, 'gdb timed out'
    try:
        err = emu.communicate(timeout=TIMEOUT)[1].decode(errors='replace')
    except subprocess.TimeoutExpired:
        emu.kill()
        return None, 'mimic did not end'
    if 'divergence' in err:
        return None, 'the replay diverged: ' + err.strip()
    return out, None


def run_native(cmds):
    r = subprocess.run(gdb_argv(cmds, None), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
    return r.stdout.decode(errors='replace')


def selected(text):
    rx = re.compile(VALUES)
    return [re.sub(r' 0x[0-9a-f]+ in ', ' ', l) for l in text.splitlines() if rx.match(l)]


def in_order(patterns, text):
    pos = 0
    for p in patterns:
        m = re.compile(p, re.M).search(text, pos)
        if not m:
            return p
        pos = m.end()
    return None


def main():
    only = set(sys.argv[1:])
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        logs = {}
        for name in ('reverse', 'reverse-threads'):
            log = os.path.join(tmp, name + '.rr')
            rec = subprocess.run([EMU, '-rr', 'record,file=' + log + ',checkpoint=20000',
                                  os.path.join(PROGS, name)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
            if rec.returncode != 0:
                failed += 1
                print(f'FAIL record {name}: status {rec.returncode}: '
                      f'{rec.stderr.decode(errors="replace")}')
            logs[name] = log
        for sc in SCENARIOS + [WATCH, THREADS, BEGIN]:
            if only and sc['name'] not in only:
                continue
            prog = os.path.join(PROGS, sc.get('prog', 'reverse'))
            log = logs[sc.get('prog', 'reverse')]
            own = 'expect' in sc
            native = None if own else selected(run_native(sc['cmds']))
            cmds = sc['cmds'] if own else START + ['delete'] + sc['cmds']
            if sc is THREADS:
                cmds = START + ['delete'] + sc['cmds']
            for backend, opts in BACKENDS:
                out, err = run_replay(log, cmds, opts, prog)
                name = f'{sc["name"]} {backend}'
                if err:
                    failed += 1
                    print(f'FAIL {name}: {err}')
                    continue
                if own:
                    missing = in_order(sc['expect'], out)
                    problem = f'missing in gdb output: {missing}' if missing else None
                else:
                    got = selected(out)
                    problem = None
                    if not native or len(native) < 4:
                        problem = 'the native reference printed too little'
                    elif got != native:
                        problem = 'values differ from gdb record full on the host'
                if problem:
                    failed += 1
                    print(f'FAIL {name}: {problem}')
                    if not own:
                        for l in difflib.unified_diff(native or [], selected(out), 'native',
                                                      'mimic', lineterm='', n=1):
                            print('    ' + l)
                    else:
                        print('    ' + '\n    '.join(out.splitlines()[-30:]))
                else:
                    passed += 1
                    print(f'ok   {name}')
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
