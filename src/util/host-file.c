/*
 * mimic's own files, numbered out of the guest's way (util/host-file.h).
 */
#include "util/host-file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The first number of mimic's range: the upper half of the descriptor
 * limit, at most 1000.  A guest allocates from the bottom, so it meets
 * mimic's files only when it already has that many open. */
static int high_floor(void)
{
    struct rlimit rl;
    rlim_t cur = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        cur = rl.rlim_cur;
    rlim_t floor = cur / 2;
    return (int)(floor > 1000 ? 1000 : floor < 3 ? 3 : floor);
}

int host_fd_move_high(int fd)
{
    int hi = fcntl(fd, F_DUPFD_CLOEXEC, high_floor());
    if (hi < 0) {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        return fd;
    }
    close(fd);
    return hi;
}

FILE *host_fopen(const char *path, const char *mode)
{
    int flags;
    switch (mode[0]) {
    case 'r':
        flags = O_RDONLY;
        break;
    case 'w':
        flags = O_WRONLY | O_CREAT | O_TRUNC;
        break;
    case 'a':
        flags = O_WRONLY | O_CREAT | O_APPEND;
        break;
    default:
        errno = EINVAL;
        return NULL;
    }
    int fd = open(path, flags | O_CLOEXEC, 0666);
    if (fd < 0)
        return NULL;
    fd = host_fd_move_high(fd);
    FILE *f = fdopen(fd, mode);
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}
