; The primes below 1000 by the sieve of Eratosthenes: one `out` per prime.
; Byte 0x8000 + i of memory is set once i is known to be composite.

        li   r10, 1000          ; N
        li   r11, 0x4000
        add  r11, r11, r11      ; sieve base 0x8000 (li sign-extends 16 bits)
        li   r6, 1
        li   r1, 2              ; i
outer:  sltu r2, r1, r10        ; i < N ?
        beq  r2, r0, done
        add  r3, r11, r1
        ldb  r4, 0(r3)
        bne  r4, r0, next       ; composite
        out  r1
        mul  r5, r1, r1         ; j = i * i
mark:   sltu r2, r5, r10        ; j < N ?
        beq  r2, r0, next
        add  r3, r11, r5
        stb  r6, 0(r3)
        add  r5, r5, r1         ; j += i
        jmp  mark
next:   addi r1, r1, 1
        jmp  outer
done:   halt
