/*
 * exec-target: the program forkexec runs with execve, to show that an
 * i386 program started by an emulated i386 program gets its arguments
 * and environment, and that its exit status reaches the parent.
 *
 *   exec-target STATUS [ARG...]    prints its arguments and the
 *                                  MIMIC_EXEC_* environment variables,
 *                                  then exits with STATUS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    printf("exec-target: argc=%d", argc);
    for (int i = 1; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "MIMIC_EXEC_", 11) == 0)
            printf("exec-target: env %s\n", *e);
    /* What it inherited across exec: the working directory and open fds. */
    char cwd[4096];
    printf("exec-target: cwd ends in /%s\n",
           getcwd(cwd, sizeof(cwd)) ? strrchr(cwd, '/') + 1 : "?");
    printf("exec-target: fd 5 open: %s\n", lseek(5, 0, SEEK_CUR) >= 0 ? "yes" : "no");
    return argc > 1 ? atoi(argv[1]) : 0;
}
