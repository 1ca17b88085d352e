/*
 * A guest process for calling system call handlers directly: a real
 * guest address space (guest_space_init) with GUEST_TEST_PAGES pages
 * mapped read-write at GUEST_TEST_BASE, and one thread.  Tests put
 * arguments into guest memory with gput/gstr, call a handler through
 * CALL(), and compare the results with what the host's own system calls
 * say about the same files, descriptors and sockets.
 *
 * Header-only (static functions) so the unit test programs that do not
 * use it do not link the user-mode layer.
 */
#ifndef MIMIC_TESTS_UNIT_SYSCALL_FIXTURE_H
#define MIMIC_TESTS_UNIT_SYSCALL_FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/syscall-internal.h"

#define GUEST_TEST_BASE 0x10000u
#define GUEST_TEST_PAGES 64u
#define GUEST_TEST_END (GUEST_TEST_BASE + GUEST_TEST_PAGES * GUEST_PAGE_SIZE)

static LinuxProcess *fx_proc;
static LinuxThread *fx_thread;
/* Bump allocator over the mapped pages, reset by fx_reset(). */
static uint32_t fx_next;

static inline int fx_setup(void **state)
{
    (void)state;
    fx_proc = calloc(1, sizeof(*fx_proc));
    fx_thread = calloc(1, sizeof(*fx_thread));
    if (!fx_proc || !fx_thread)
        return -1;
    if (guest_space_init(&fx_proc->space) != 0)
        return -1;
    pthread_mutex_init(&fx_proc->sig_lock, NULL);
    int64_t r = guest_mmap(&fx_proc->space, GUEST_TEST_BASE, GUEST_TEST_PAGES * GUEST_PAGE_SIZE,
                           PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                           -1, 0);
    if (r != GUEST_TEST_BASE)
        return -1;
    fx_thread->proc = fx_proc;
    fx_thread->tid = (int)syscall(SYS_gettid);
    fx_next = GUEST_TEST_BASE;
    return 0;
}

static inline int fx_teardown(void **state)
{
    (void)state;
    guest_space_destroy(&fx_proc->space);
    free(fx_proc);
    free(fx_thread);
    return 0;
}

static inline int fx_reset(void **state)
{
    (void)state;
    fx_next = GUEST_TEST_BASE;
    memset(g2h(&fx_proc->space, GUEST_TEST_BASE), 0, GUEST_TEST_PAGES * GUEST_PAGE_SIZE);
    fx_proc->sysroot = NULL;
    fx_proc->exe_path = NULL;
    return 0;
}

/* Guest memory for n bytes (8-aligned). */
static inline uint32_t galloc(size_t n)
{
    uint32_t a = fx_next;
    fx_next += (uint32_t)((n + 7) & ~(size_t)7);
    assert_true(fx_next <= GUEST_TEST_END);
    return a;
}

static inline void *gptr(uint32_t addr)
{
    return g2h(&fx_proc->space, addr);
}

static inline uint32_t gput(const void *data, size_t n)
{
    uint32_t a = galloc(n);
    memcpy(gptr(a), data, n);
    return a;
}

static inline uint32_t gstr(const char *s)
{
    return gput(s, strlen(s) + 1);
}

static inline uint32_t gu32(uint32_t addr)
{
    uint32_t v;
    memcpy(&v, gptr(addr), 4);
    return v;
}

static inline uint64_t gu64(uint32_t addr)
{
    uint64_t v;
    memcpy(&v, gptr(addr), 8);
    return v;
}

static inline abi_long call6(SyscallFn fn, abi_ulong a0, abi_ulong a1, abi_ulong a2, abi_ulong a3,
                      abi_ulong a4, abi_ulong a5)
{
    const abi_ulong a[6] = { a0, a1, a2, a3, a4, a5 };
    return fn(fx_thread, a);
}

#define CALL_(fn, a0, a1, a2, a3, a4, a5, ...) \
    call6(sys_##fn, (abi_ulong)(a0), (abi_ulong)(a1), (abi_ulong)(a2), (abi_ulong)(a3), \
          (abi_ulong)(a4), (abi_ulong)(a5))
/* CALL(read, fd, buf, n): the handler with up to six arguments. */
#define CALL(...) CALL_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

/* An address in the reservation that the guest has not mapped. */
#define GUEST_UNMAPPED 0x40000000u

#endif
