# End-to-end tests of mimic-i386 (Linux user mode): i386 programs run
# natively and under both backends, outputs compared (tests/linux-user/
# harness.py says how).
#
#   make check                  runs the three suites with everything else
#   make check-linux-user       only these suites
#   make check-linux-user EMU=qemu-i386      the same suites against QEMU
#                               (EMU="cmd1;cmd2" tests several emulators)
#   tests/linux-user/run-busybox.py sort-lexical awk-strings   some cases
#
# The test programs are C, built with gcc -m32 (Debian's gcc-multilib)
# into $(BUILD)/tests/linux-user/; libc-basics.c is linked three ways,
# fpmath.c compiled for the x87 and for SSE2.

LU_OUT := $(BUILD)/tests/linux-user
LU_CFLAGS := -m32 -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE
LU_PROGS := $(addprefix $(LU_OUT)/,libc-dynamic libc-static libc-static-pie threads \
              signals faults forkexec exec-target smc fpmath-x87 fpmath-sse cpu-features icount)

$(LU_OUT)/libc-dynamic: tests/linux-user/progs/libc-basics.c
	@mkdir -p $(@D)
	$(CC) $(LU_CFLAGS) -o $@ $< -lm

$(LU_OUT)/libc-static: tests/linux-user/progs/libc-basics.c
	@mkdir -p $(@D)
	$(CC) $(LU_CFLAGS) -static -o $@ $< -lm

$(LU_OUT)/libc-static-pie: tests/linux-user/progs/libc-basics.c
	@mkdir -p $(@D)
	$(CC) $(LU_CFLAGS) -fPIE -static-pie -o $@ $< -lm

$(LU_OUT)/threads: tests/linux-user/progs/threads.c
	@mkdir -p $(@D)
	$(CC) $(LU_CFLAGS) -pthread -o $@ $<

# fpmath.c twice: x87 code (gcc's default for -m32) and SSE2 code.
$(LU_OUT)/fpmath-x87: tests/linux-user/progs/fpmath.c
	@mkdir -p $(@D)
	$(CC) $(LU_CFLAGS) -mfpmath=387 -o $@ $< -lm

$(LU_OUT)/fpmath-sse: tests/linux-user/progs/fpmath.c
	@mkdir -p $(@D)
	$(CC) $(LU_CFLAGS) -msse2 -mfpmath=sse -o $@ $< -lm

$(LU_OUT)/%: tests/linux-user/progs/%.c
	@mkdir -p $(@D)
	$(CC) $(LU_CFLAGS) -o $@ $<

LU_SUITES := tests/linux-user/run-busybox.py tests/linux-user/run-progs.py \
             tests/linux-user/run-errors.py tests/linux-user/run-icount.py

# The suites find mimic-i386 and the test programs in this build directory.
export LINUX_USER_BUILD := $(BUILD)

linux-user-tests: $(LU_PROGS)

check: $(LU_PROGS)
CHECK_SUITES += $(LU_SUITES)

check-linux-user: $(LU_PROGS) $(if $(EMU),,$(BUILD)/mimic-i386)
	@$(PYTHON) tests/run-suites.py $(LU_SUITES)

.PHONY: linux-user-tests check-linux-user
