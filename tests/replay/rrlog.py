"""A small reader and writer of mimic's replay logs (format version 2,
docs/replay-format.md), written from that page alone, for tests that
edit a recording: read every event, change one, write the log back.

    import rrlog
    log = rrlog.read("a.rr")            # rrlog.Log: header, events, frames
    ev = log.events[5]                  # rrlog.Event(kind, tid, icount, payload)
    sc = rrlog.Syscall.parse(ev.payload)
    rrlog.write("b.rr", log.header_bytes, log.events)

The reader checks what the format promises (magic, version, lengths,
CRCs, that events fit their frames, the fixed payload sizes) and raises
rrlog.LogError with one line naming the frame and its offset; it never
reads more than one frame's data into memory beyond the events kept.
A file that ends inside a frame reads as its complete frames with
Log.truncated set, as mimic's reader does.

The writer frames events the way the recorder does: a frame ends after
each CHECKPOINT event (the recorder flushes there), once it holds
FRAME_BYTES or more, and at the end.
"""

import struct
import zlib

MAGIC = b"MIMICRR\0"
VERSION = 2
FRAME_MAGIC = 0x4D465252
FRAME_BYTES = 1 << 20
PAYLOAD_MAX = 64 << 20
STRING_MAX = 1 << 20
HEADER_MAX = (3 << 20) + 48
RAW_MAX = (65 << 20) + 17
EVENT_HEAD = struct.Struct("<BIQI")     # kind, tid, icount, payload length

SYSCALL, RANDOM, NONDET, SIGNAL, SWITCH, CHECKPOINT, EXIT, STACK = range(1, 9)
NAMES = {SYSCALL: "syscall", RANDOM: "random", NONDET: "nondet", SIGNAL: "signal",
         SWITCH: "switch", CHECKPOINT: "checkpoint", EXIT: "exit", STACK: "stack"}
# Payload lengths of the kinds that have one size.
FIXED = {NONDET: 20, SIGNAL: 132, SWITCH: 4, EXIT: 5}


class LogError(Exception):
    """A log that is not a valid version 2 replay log; str() is one line."""


class Event:
    __slots__ = ("kind", "tid", "icount", "payload")

    def __init__(self, kind, tid, icount, payload):
        self.kind, self.tid, self.icount, self.payload = kind, tid, icount, payload

    def name(self):
        return NAMES.get(self.kind, "?")

    def pack(self):
        return EVENT_HEAD.pack(self.kind, self.tid, self.icount, len(self.payload)) + self.payload

    def __repr__(self):
        return "Event(%s tid=%d icount=%d len=%d)" % (self.name(), self.tid, self.icount,
                                                      len(self.payload))


class Syscall:
    """A SYSCALL payload: nr, args (6), result, out_hash (None when the
    call has none) and pieces, a list of [addr, bytearray]."""
    HEAD = struct.Struct("<I6QQBQI")        # 73 bytes

    def __init__(self, nr, args, result, out_hash, pieces):
        self.nr, self.args, self.result = nr, list(args), result
        self.out_hash, self.pieces = out_hash, pieces

    @classmethod
    def parse(cls, payload):
        if len(payload) < cls.HEAD.size:
            raise LogError("syscall payload of %d bytes, shorter than 73" % len(payload))
        f = cls.HEAD.unpack_from(payload, 0)
        nr, args, result, has_out, out_hash, count = f[0], f[1:7], f[7], f[8], f[9], f[10]
        if has_out > 1 or (not has_out and out_hash):
            raise LogError("syscall event's output hash flag is %d with hash %#x"
                           % (has_out, out_hash))
        pos, pieces = cls.HEAD.size, []
        for _ in range(count):
            if pos + 12 > len(payload):
                raise LogError("syscall event's pieces run past its payload")
            addr, n = struct.unpack_from("<QI", payload, pos)
            pos += 12
            if pos + n > len(payload):
                raise LogError("syscall event's pieces run past its payload")
            pieces.append([addr, bytearray(payload[pos:pos + n])])
            pos += n
        if pos != len(payload):
            raise LogError("syscall event's pieces do not end at its payload's end")
        return cls(nr, args, result, out_hash if has_out else None, pieces)

    def pack(self):
        out = self.HEAD.pack(self.nr, *self.args, self.result,
                             0 if self.out_hash is None else 1, self.out_hash or 0,
                             len(self.pieces))
        for addr, data in self.pieces:
            out += struct.pack("<QI", addr, len(data)) + bytes(data)
        return out


class Checkpoint:
    HEAD = struct.Struct("<QQQI")            # pc, cpu_hash, mem_hash, regs_len

    def __init__(self, pc, cpu_hash, mem_hash, regs):
        self.pc, self.cpu_hash, self.mem_hash, self.regs = pc, cpu_hash, mem_hash, regs

    @classmethod
    def parse(cls, payload):
        if len(payload) < cls.HEAD.size:
            raise LogError("checkpoint payload of %d bytes, shorter than 28" % len(payload))
        pc, cpu, mem, n = cls.HEAD.unpack_from(payload, 0)
        if n > 4096 or cls.HEAD.size + n != len(payload):
            raise LogError("checkpoint event's register image does not end at its "
                           "payload's end")
        return cls(pc, cpu, mem, bytes(payload[cls.HEAD.size:]))

    def pack(self):
        return self.HEAD.pack(self.pc, self.cpu_hash, self.mem_hash, len(self.regs)) + self.regs


def parse_exit(payload):
    """(killed, code) of an EXIT payload."""
    killed, code = struct.unpack("<BI", payload)
    return killed, code


def pack_exit(killed, code):
    return struct.pack("<BI", killed, code)


class Log:
    def __init__(self):
        self.header = {}          # version, mimic_version, target, cmdline, config_hash, interval
        self.header_bytes = b""
        self.events = []
        self.frames = []          # per frame: (offset, number of events)
        self.truncated = False


def _string(data, pos, end, what):
    if pos + 4 > end:
        raise LogError("header: %s runs past the header's end" % what)
    n = struct.unpack_from("<I", data, pos)[0]
    if n > STRING_MAX or pos + 4 + n > end:
        raise LogError("header: %s of %d bytes runs past the header's end" % (what, n))
    return data[pos + 4:pos + 4 + n].decode("utf-8", "replace"), pos + 4 + n


def parse_header(data):
    """(header dict, its length) from the start of a log file's bytes."""
    if len(data) < 16:
        raise LogError("truncated header")
    if data[:8] != MAGIC:
        raise LogError("not a replay log (bad magic)")
    version, total = struct.unpack_from("<II", data, 8)
    if version != VERSION:
        raise LogError("replay log format version %d, this reader reads version %d"
                       % (version, VERSION))
    if total < 16 + 12 + 16 + 4 or total > HEADER_MAX:
        raise LogError("header length %d out of range" % total)
    if len(data) < total:
        raise LogError("truncated header")
    if zlib.crc32(data[:total - 4]) != struct.unpack_from("<I", data, total - 4)[0]:
        raise LogError("header CRC mismatch (corrupted)")
    h = {"version": version}
    pos, end = 16, total - 4
    for key in ("mimic_version", "target", "cmdline"):
        h[key], pos = _string(data, pos, end, key)
    if pos + 16 != end:
        raise LogError("header: the strings and hashes do not fill the header")
    h["config_hash"], h["interval"] = struct.unpack_from("<QQ", data, pos)
    return h, total


def _check_stack(payload):
    if len(payload) < 28:
        raise LogError("stack payload of %d bytes, shorter than 28" % len(payload))
    path_len = struct.unpack_from("<I", payload, 20)[0]
    if path_len > 4096 or 28 + path_len > len(payload):
        raise LogError("stack event's path runs past its payload")
    n = struct.unpack_from("<I", payload, 24 + path_len)[0]
    if 28 + path_len + n != len(payload):
        raise LogError("stack event's stack bytes do not end at its payload's end")


def _events(raw, where, out):
    pos, index = 0, 0
    while pos < len(raw):
        if pos + EVENT_HEAD.size > len(raw):
            raise LogError("%s: event %d: its head runs past the end of its frame"
                           % (where, index))
        kind, tid, icount, n = EVENT_HEAD.unpack_from(raw, pos)
        pos += EVENT_HEAD.size
        if kind not in NAMES:
            raise LogError("%s: event %d: unknown kind %d" % (where, index, kind))
        if n > PAYLOAD_MAX or pos + n > len(raw):
            raise LogError("%s: event %d: payload runs past the end of its frame"
                           % (where, index))
        if kind in FIXED and n != FIXED[kind]:
            raise LogError("%s: event %d: a %s payload of %d bytes, not %d"
                           % (where, index, NAMES[kind], n, FIXED[kind]))
        payload = bytes(raw[pos:pos + n])
        pos += n
        try:
            if kind == SYSCALL:
                Syscall.parse(payload)
            elif kind == CHECKPOINT:
                Checkpoint.parse(payload)
            elif kind == EXIT and payload[0] > 1:
                raise LogError("exit event's flag is %d" % payload[0])
            elif kind == STACK:
                _check_stack(payload)
        except LogError as e:
            raise LogError("%s: event %d: %s" % (where, index, e)) from None
        out.append(Event(kind, tid, icount, payload))
        index += 1
    return index


def read(path):
    """The Log in path; LogError for anything that is not a valid log."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise LogError("%s: %s" % (path, e.strerror)) from None
    log = Log()
    log.header, hl = parse_header(data)
    log.header_bytes = data[:hl]
    pos = hl
    while pos < len(data):
        where = "frame %d at offset %d" % (len(log.frames), pos)
        if pos + 16 > len(data):
            log.truncated = True
            break
        magic, rlen, clen, crc = struct.unpack_from("<IIII", data, pos)
        if magic != FRAME_MAGIC:
            raise LogError("%s: bad frame magic" % where)
        if rlen == 0 or rlen > RAW_MAX:
            raise LogError("%s: raw length %d out of range" % (where, rlen))
        if clen > rlen + rlen // 1000 + 64:
            raise LogError("%s: compressed length %d too large for %d raw bytes"
                           % (where, clen, rlen))
        if pos + 16 + clen > len(data):
            log.truncated = True
            break
        d = zlib.decompressobj()
        try:
            raw = d.decompress(data[pos + 16:pos + 16 + clen], rlen)
            if len(raw) < rlen:
                raw += d.flush(rlen - len(raw))
        except zlib.error:
            raise LogError("%s: data does not inflate (corrupted)" % where) from None
        if len(raw) != rlen or not d.eof or d.unconsumed_tail:
            raise LogError("%s: data does not inflate to its raw length" % where)
        if zlib.crc32(raw) != crc:
            raise LogError("%s: CRC mismatch (corrupted)" % where)
        n = _events(raw, where, log.events)
        log.frames.append((pos, n))
        pos += 16 + clen
    return log


def frame(raw):
    z = zlib.compress(raw)
    return struct.pack("<IIII", FRAME_MAGIC, len(raw), len(z), zlib.crc32(raw)) + z


def framing(events):
    """The events split into frames as the recorder splits them: lists
    of events, each ending at a CHECKPOINT, at FRAME_BYTES, or at the end."""
    frames, cur, size = [], [], 0
    for ev in events:
        cur.append(ev)
        size += EVENT_HEAD.size + len(ev.payload)
        if ev.kind == CHECKPOINT or size >= FRAME_BYTES:
            frames.append(cur)
            cur, size = [], 0
    if cur:
        frames.append(cur)
    return frames


def write(path, header_bytes, events):
    """Writes a log: header_bytes as they are, then events framed as the
    recorder frames them.  Returns the number of frames."""
    frames = framing(events)
    with open(path, "wb") as f:
        f.write(header_bytes)
        for evs in frames:
            f.write(frame(b"".join(ev.pack() for ev in evs)))
    return len(frames)
