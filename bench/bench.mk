# Benchmarks: never part of make check.  `make bench` builds the driver
# and runs bench/run-bench, which writes docs/PERFORMANCE.md.
#   make bench BENCH_ARGS="-time 200"    shorter measurements

BENCH_SRCS := $(wildcard bench/*.c)
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/%.o)
BENCH_BIN := $(BUILD)/bench/mimic-bench
BENCH_ARGS :=

$(BENCH_BIN): $(BENCH_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(BENCH_OBJS) $(LIB) $(LDLIBS)

bench: $(BENCH_BIN)
	$(PYTHON) bench/run-bench --bin $(BENCH_BIN) -- $(BENCH_ARGS)

.SECONDARY: $(BENCH_OBJS)
-include $(BENCH_OBJS:.o=.d)
