/* Faults on a null pointer: gdb sees SIGSEGV, then the process dies of it. */
int *volatile ptr;

int main(void)
{
    return *ptr;
}
