/*
 * For tests/conformance/run-flagmask.py: instructions that leave flags or
 * a register undefined (Intel SDM), each followed by a NOP whose record
 * (the state after it) the test alters, and the same with an instruction
 * that defines them.  Only the exit system call.
 */
    .text
    .globl _start
_start:
    mov $stack_top, %esp
    mov $0x0f, %eax
    mov $0x01, %ebx
    and %ebx, %eax           /* AF undefined */
    nop
    add %ebx, %eax           /* AF defined again */
    nop
    xor %eax, %eax
    bsf %eax, %edx           /* zero source: EDX undefined */
    nop
    mov $1, %edx             /* EDX defined again */
    nop
    fldpi
    nop
    mov $1, %eax             /* exit(0) */
    xor %ebx, %ebx
    int $0x80

    .bss
    .balign 16
    .space 1024
stack_top:
