/* Spins until gdb interrupts it. */
volatile unsigned long spins;

int main(void)
{
    for (;;)
        spins++;
}
