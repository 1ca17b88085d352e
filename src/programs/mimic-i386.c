/*
 * mimic-i386: runs a 32-bit x86 Linux program (static, static-pie, or
 * dynamic through its PT_INTERP) on the host.
 *
 *   mimic-i386 [options] PROGRAM [ARGS...]      (mimic-i386 -h lists them)
 *
 * The exit status is the program's; a program killed by a signal kills
 * mimic-i386 with the same signal.  Everything is in the library
 * (src/linux-user/).
 */
#include "linux-user/linux-user.h"
#include "util/error.h"

extern char **environ;

int main(int argc, char **argv)
{
    util_set_progname("mimic-i386");
    LinuxUserOptions opts;
    linux_user_parse_options(&opts, argc, argv);
    return linux_user_run(&opts, argc, argv, environ);
}
