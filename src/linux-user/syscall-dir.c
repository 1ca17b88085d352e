/*
 * Directory reading: getdents (141) and getdents64 (220).
 *
 * Both read the host's linux_dirent64 records and rewrite them in the
 * guest's layout.  A guest record is never longer than the host record
 * it comes from (getdents64 records are the same size; the old ones
 * have 32-bit fields and 4-byte alignment), so reading at most as many
 * host bytes as the guest buffer holds never returns more than fits.
 * Should a record still not be delivered (a buffer too short for the
 * longest record, an old-layout overflow), the directory is seeked back
 * to the end of the last record delivered, or to where it was, so the
 * next call starts there as it would on Linux.
 *
 * The old layout keeps the kernel's rules: an inode number over 32 bits
 * is EOVERFLOW (after the records already written, if any), d_off is
 * truncated, and d_type is stored in the record's last byte.
 *
 * Directory positions.  Some file systems hand out positions whose size
 * depends on the caller: ext4 gives a 64-bit process 64-bit hash
 * positions in d_off and a 32-bit one 32-bit hashes, and the C library
 * of a 32-bit program (readdir without large-file support) fails with
 * EOVERFLOW on a d_off that does not fit 32 bits.  So the host call is
 * made the way a 32-bit process makes it: through the kernel's 32-bit
 * system call entry (INT 0x80 with the i386 number of getdents64), which
 * is what makes the kernel treat the caller as 32-bit, into a per-thread
 * buffer below 4 GiB (that entry takes 32-bit pointers).  Positions then
 * are exactly what the guest would get on Linux, and lseek on the
 * directory (the guest's seekdir) reads them back the same way.  Should
 * the host have no 32-bit entry (probed once, in a child), the ordinary
 * call is used.
 */
#include "linux-user/syscall-internal.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Offsets in the host's struct linux_dirent64. */
enum { HD_INO = 0, HD_OFF = 8, HD_RECLEN = 16, HD_TYPE = 18, HD_NAME = 19 };

long dirents_to_guest(const void *hbuf, size_t hlen, void *gbuf, size_t glen,
                      bool old, size_t *consumed, int64_t *last_off)
{
    const uint8_t *h = hbuf;
    uint8_t *g = gbuf;
    size_t hpos = 0, gpos = 0;
    long err = 0;
    while (hpos + HD_NAME <= hlen) {
        uint64_t ino;
        int64_t off;
        uint16_t hreclen;
        memcpy(&ino, h + hpos + HD_INO, 8);
        memcpy(&off, h + hpos + HD_OFF, 8);
        memcpy(&hreclen, h + hpos + HD_RECLEN, 2);
        if (hreclen < HD_NAME + 1 || hpos + hreclen > hlen)
            break;
        uint8_t type = h[hpos + HD_TYPE];
        const char *name = (const char *)h + hpos + HD_NAME;
        size_t namelen = strnlen(name, hreclen - HD_NAME);
        size_t reclen;
        if (old) {
            reclen = (sizeof(GuestDirent) + namelen + 2 + 3) & ~(size_t)3;
            if (ino > UINT32_MAX) {
                err = -EOVERFLOW;
                break;
            }
        } else {
            reclen = (sizeof(GuestDirent64) + namelen + 1 + 7) & ~(size_t)7;
        }
        if (gpos + reclen > glen)
            break;
        uint8_t *rec = g + gpos;
        memset(rec, 0, reclen);
        if (old) {
            GuestDirent d = { (uint32_t)ino, (uint32_t)off, (uint16_t)reclen };
            memcpy(rec, &d, sizeof(d));
            memcpy(rec + sizeof(d), name, namelen);
            rec[reclen - 1] = type;
        } else {
            GuestDirent64 d = { ino, off, (uint16_t)reclen, type };
            memcpy(rec, &d, sizeof(d));
            memcpy(rec + sizeof(d), name, namelen);
        }
        gpos += reclen;
        hpos += hreclen;
        *last_off = off;
    }
    *consumed = hpos;
    if (gpos == 0 && err)
        return err;
    return (long)gpos;
}

/* Longest host record: 19 bytes of header, a 255-byte name, its NUL,
 * aligned to 8.  A buffer at least this long always takes a record. */
#define MAX_HOST_DIRENT 280

/* ---- the host call, as a 32-bit process makes it -------------------- */

#define COMPAT_BUF_SIZE (64u << 10)
#define I386_NR_GETPID 20
#define I386_NR_GETDENTS64 220

static pthread_key_t compat_key;
static pthread_once_t compat_once = PTHREAD_ONCE_INIT;
static bool compat_unavailable;

static void compat_buf_free(void *p)
{
    munmap(p, COMPAT_BUF_SIZE);
}

/* An i386 system call through INT 0x80: the result or -errno. */
static long int80(long nr, long b, long c, long d)
{
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "0"(nr), "b"(b), "c"(c), "d"(d)
                     : "memory", "cc", "r8", "r9", "r10", "r11");
    return ret;
}

/*
 * Whether INT 0x80 reaches the kernel's 32-bit entry.  Linux can be
 * built or booted without it (ia32_emulation=0), and then the
 * instruction faults; a throw-away child process finds out.  It is a
 * clone with no exit signal, so neither the guest nor a guest's
 * wait4(-1) ever sees it.
 */
static bool compat_entry_works(void)
{
    long pid = syscall(SYS_clone, 0L, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        _exit(int80(I386_NR_GETPID, 0, 0, 0) == syscall(SYS_getpid) ? 0 : 1);
    }
    if (pid < 0)
        return false;
    int status;
    while (waitpid((pid_t)pid, &status, __WALL) < 0) {
        if (errno != EINTR)
            return false;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void compat_init(void)
{
    if (!compat_entry_works() || pthread_key_create(&compat_key, compat_buf_free) != 0)
        compat_unavailable = true;
}

/* This thread's buffer below 4 GiB, or NULL. */
static void *compat_buf(void)
{
    pthread_once(&compat_once, compat_init);
    if (compat_unavailable)
        return NULL;
    void *p = pthread_getspecific(compat_key);
    if (!p) {
        p = mmap(NULL, COMPAT_BUF_SIZE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        if (pthread_setspecific(compat_key, p) != 0) {
            munmap(p, COMPAT_BUF_SIZE);
            return NULL;
        }
    }
    return p;
}

/* Up to len bytes of linux_dirent64 records of fd into *buf (the
 * compat buffer or a malloc'd one the caller frees): the count, or -1
 * with errno. */
static long host_getdents64(int fd, size_t len, void **buf, bool *owned)
{
    void *cb = compat_buf();
    if (cb) {
        if (len > COMPAT_BUF_SIZE)
            len = COMPAT_BUF_SIZE;
        long r = int80(I386_NR_GETDENTS64, fd, (long)(uint32_t)(uintptr_t)cb, (long)len);
        if (r != -ENOSYS) {
            *buf = cb;
            *owned = false;
            if (r < 0) {
                errno = (int)-r;
                return -1;
            }
            return r;
        }
        compat_unavailable = true;
    }
    *buf = malloc(len);
    *owned = true;
    if (!*buf) {
        errno = ENOMEM;
        return -1;
    }
    return syscall(SYS_getdents64, fd, *buf, len);
}

static abi_long do_getdents(LinuxThread *t, int fd, uint32_t addr, uint32_t count, bool old)
{
    uint8_t *out = guest_out_ptr(t, addr, count);
    if (!out)
        return -EFAULT;
    /* Where to come back to if not even one record can be delivered:
     * only possible with a short buffer or an old-layout overflow. */
    off_t start = -1;
    if (old || count < MAX_HOST_DIRENT)
        start = lseek(fd, 0, SEEK_CUR);
    size_t hlen = count > (1u << 20) ? (1u << 20) : count;
    if (hlen < MAX_HOST_DIRENT)
        hlen = MAX_HOST_DIRENT;
    void *hbuf;
    bool owned;
    long n = host_getdents64(fd, hlen, &hbuf, &owned);
    if (n < 0) {
        int e = errno;
        if (owned)
            free(hbuf);
        return host_to_guest_errno(e);
    }
    size_t consumed = 0;
    int64_t last_off = 0;
    long r = dirents_to_guest(hbuf, (size_t)n, out, count, old, &consumed, &last_off);
    if (owned)
        free(hbuf);
    if (consumed < (size_t)n) {
        /* Undo reading what was not delivered. */
        if (r > 0)
            lseek(fd, (off_t)last_off, SEEK_SET);
        else if (start >= 0)
            lseek(fd, start, SEEK_SET);
    }
    if (r == 0 && n > 0)
        return -EINVAL;   /* the guest buffer cannot hold one record */
    return (abi_long)r;
}

SYSCALL_DECL(getdents)
{
    return do_getdents(t, (int)a[0], a[1], a[2], true);
}

SYSCALL_DECL(getdents64)
{
    return do_getdents(t, (int)a[0], a[1], a[2], false);
}
