# Benchmarks: never part of make check.  `make bench` builds the driver
# and mimic-i386 and runs bench/run-bench, which writes docs/PERFORMANCE.md
# (the toy-guest figures of bench.c, then busybox and the floating-point
# kernels of bench/i386/ under mimic-i386, natively and under qemu-i386
# from bench-i386.py).
#   make bench BENCH_ARGS="-time 200"    shorter toy measurements
#   make bench BENCH_I386_ARGS="--size-mb 10 --repeat 1"   shorter i386 ones

BENCH_SRCS := $(wildcard bench/*.c)
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/%.o)
BENCH_BIN := $(BUILD)/bench/mimic-bench
BENCH_ARGS :=
BENCH_I386_ARGS :=

$(BENCH_BIN): $(BENCH_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(BENCH_OBJS) $(LIB) $(LDLIBS)

# The floating-point kernels bench-i386.py times (bench/i386/fpkernel.c),
# one source built for SSE2 and for the x87; outside bench/*.c so the
# 64-bit driver does not pick it up.
BENCH_FP_CFLAGS := -m32 -static -std=gnu11 -O2 -Wall -Wextra -Werror
$(BUILD)/bench/fp-sse2: bench/i386/fpkernel.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_FP_CFLAGS) -msse2 -mfpmath=sse -o $@ $<
$(BUILD)/bench/fp-x87: bench/i386/fpkernel.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_FP_CFLAGS) -mfpmath=387 -o $@ $<

bench: $(BENCH_BIN) $(BUILD)/mimic-i386 $(BUILD)/bench/fp-sse2 $(BUILD)/bench/fp-x87
	$(PYTHON) bench/run-bench --bin $(BENCH_BIN) --i386-mimic $(BUILD)/mimic-i386 \
	    --i386-args "$(BENCH_I386_ARGS)" -- $(BENCH_ARGS)

.SECONDARY: $(BENCH_OBJS)
-include $(BENCH_OBJS:.o=.d)
