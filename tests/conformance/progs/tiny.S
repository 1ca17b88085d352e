/*
 * A tiny static i386 program for trace comparison: arithmetic with
 * every status flag, a loop, shifts, string ops, a call and a write and
 * exit system call (results the same natively and in mimic).  It sets
 * its own stack first: the initial ESP depends on the environment.
 */
    .text
    .globl _start
_start:
    mov $stack_top, %esp
    xor %eax, %eax
    mov $0x7fffffff, %ebx
    mov $25, %ecx
1:  add %ecx, %eax
    imul $0x9e3779b1, %eax, %eax
    rol $5, %eax
    xor %eax, %ebx
    sub $0x1234, %ebx
    adc %ecx, %ebx
    shr $3, %ebx
    sar %cl, %ebx
    bsf %eax, %edx
    neg %edx
    sbb %edx, %edx
    test %eax, %ebx
    daa
    loop 1b
    push %eax
    push %ebx
    call sum
    add $8, %esp
    cld
    mov $msg, %esi
    mov $buf, %edi
    mov $msglen, %ecx
    rep movsb
    std
    cld
    mov $4, %eax             /* write(1, buf, msglen) */
    mov $1, %ebx
    mov $buf, %ecx
    mov $msglen, %edx
    int $0x80
    mov $1, %eax             /* exit(0) */
    xor %ebx, %ebx
    int $0x80

sum:
    mov 4(%esp), %eax
    add 8(%esp), %eax
    setc %dl
    ret

    .data
msg: .ascii "tiny: hello\n"
    .set msglen, . - msg

    .bss
buf: .space 64
    .balign 16
    .space 4096
stack_top:
