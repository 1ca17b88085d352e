#!/usr/bin/env python3
"""Assembler for the toy ISA (docs/toy-isa.md): source -> raw memory image.

    python3 toyasm.py SOURCE -o IMAGE

The image starts at guest address 0 and is loaded there by mimic-toy.
Syntax, one statement per line; ';' or '#' starts a comment:

    label:                      defines label (may share a line)
    li   rd, imm                imm: decimal, 0x hex, or a label
    lui  rd, imm
    add  rd, rs, rt             also sub mul and or xor sltu
    addi rd, rs, imm            also shli shri
    ld   rd, imm(rs)            also ldb st stb
    beq  rd, rs, target         also bne: pc-relative, target is a label
    jmp  target
    jal  rd, target
    jr   rs
    out  rd
    raise imm
    halt
    .org ADDR                   continue at ADDR (zero fill)
    .word VALUE                 a raw 32-bit little-endian word
"""

import argparse
import re
import struct
import sys

OPCODES = {
    "halt": 0x00, "li": 0x01, "lui": 0x02, "add": 0x03, "addi": 0x04,
    "sub": 0x05, "mul": 0x06, "and": 0x07, "or": 0x08, "xor": 0x09,
    "shli": 0x0a, "shri": 0x0b, "sltu": 0x0c, "ld": 0x0d, "ldb": 0x0e,
    "st": 0x0f, "stb": 0x10, "beq": 0x11, "bne": 0x12, "jmp": 0x13,
    "jal": 0x14, "jr": 0x15, "out": 0x16, "raise": 0x17,
}
# operand shapes: r = register, i = immediate, m = imm(rs), t = branch target
SHAPES = {
    "halt": "", "li": "ri", "lui": "ri", "addi": "rri", "shli": "rri",
    "shri": "rri", "ld": "rm", "ldb": "rm", "st": "rm", "stb": "rm",
    "beq": "rrt", "bne": "rrt", "jmp": "t", "jal": "rt", "jr": "s",
    "out": "r", "raise": "i",
}
for _op in ("add", "sub", "mul", "and", "or", "xor", "sltu"):
    SHAPES[_op] = "rrr"

MEM_SIZE = 0x10000


class AsmError(Exception):
    pass


def parse_reg(text):
    m = re.fullmatch(r"r(\d+)", text.strip().lower())
    if not m or int(m.group(1)) > 15:
        raise AsmError(f"bad register '{text.strip()}'")
    return int(m.group(1))


def parse_value(text, labels):
    text = text.strip()
    if text in labels:
        return labels[text]
    try:
        return int(text, 0)
    except ValueError:
        raise AsmError(f"bad value '{text}'") from None


def imm16(value):
    if not -0x8000 <= value <= 0xffff:
        raise AsmError(f"immediate {value} does not fit 16 bits")
    return value & 0xffff


def encode(op, rd, rs, imm):
    return OPCODES[op] | rd << 8 | rs << 12 | imm16(imm) << 16


def statements(source):
    """Yields (line number, label or None, mnemonic or None, operand text)."""
    for n, line in enumerate(source.splitlines(), 1):
        line = re.split(r"[;#]", line, 1)[0].strip()
        label = None
        m = re.match(r"([A-Za-z_.][\w.]*)\s*:", line)
        if m:
            label, line = m.group(1), line[m.end():].strip()
        if not line:
            yield n, label, None, ""
            continue
        parts = line.split(None, 1)
        yield n, label, parts[0].lower(), parts[1] if len(parts) > 1 else ""


def assemble(source):
    # Pass 1: label addresses.
    labels, pc = {}, 0
    for n, label, mn, ops in statements(source):
        try:
            if label:
                if label in labels:
                    raise AsmError(f"label '{label}' defined twice")
                labels[label] = pc
            if mn == ".org":
                pc = parse_value(ops, {})
            elif mn is not None:
                pc += 4
        except AsmError as e:
            raise AsmError(f"line {n}: {e}") from None
    # Pass 2: code.
    image, pc = bytearray(), 0
    for n, _label, mn, ops in statements(source):
        if mn is None:
            continue
        try:
            if mn == ".org":
                pc = parse_value(ops, {})
                continue
            if mn == ".word":
                word = parse_value(ops, labels) & 0xffffffff
            else:
                word = encode_insn(mn, ops, labels, pc)
            if pc + 4 > MEM_SIZE:
                raise AsmError("program does not fit the 64 KiB memory")
            if len(image) < pc + 4:
                image.extend(b"\0" * (pc + 4 - len(image)))
            image[pc:pc + 4] = struct.pack("<I", word)
            pc += 4
        except AsmError as e:
            raise AsmError(f"line {n}: {e}") from None
    return bytes(image)


def encode_insn(mn, ops, labels, pc):
    if mn not in SHAPES:
        raise AsmError(f"unknown instruction '{mn}'")
    shape = SHAPES[mn]
    args = [a.strip() for a in ops.split(",")] if ops.strip() else []
    if len(args) != len(shape):
        raise AsmError(f"'{mn}' takes {len(shape)} operand(s)")
    rd = rs = imm = 0
    regs = []
    for kind, arg in zip(shape, args):
        if kind == "r":
            regs.append(parse_reg(arg))
        elif kind == "s":
            rs = parse_reg(arg)
        elif kind == "i":
            imm = parse_value(arg, labels)
        elif kind == "t":
            imm = parse_value(arg, labels) - pc
        elif kind == "m":
            m = re.fullmatch(r"(.*)\((\s*r\d+\s*)\)", arg)
            if not m:
                raise AsmError(f"expected imm(rs), not '{arg}'")
            imm = parse_value(m.group(1) or "0", labels)
            rs = parse_reg(m.group(2))
    if shape == "rrr":
        rd, rs, imm = regs
    elif regs:
        rd = regs[0]
        if len(regs) > 1:
            rs = regs[1]
    return encode(mn, rd, rs, imm)


def main():
    ap = argparse.ArgumentParser(description="Assembles toy-ISA source.")
    ap.add_argument("source")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    try:
        with open(args.source) as f:
            image = assemble(f.read())
    except (OSError, AsmError) as e:
        sys.exit(f"toyasm: error: {args.source}: {e}")
    with open(args.output, "wb") as f:
        f.write(image)


if __name__ == "__main__":
    main()
