# The gdb suite (tests/gdb/run-gdb.py): Debian's gdb against mimic-i386
# -g, on 32-bit static programs built with debug information.
GDB_OUT := $(BUILD)/tests/gdb
GDB_PROGS := $(patsubst tests/gdb/progs/%.c,$(GDB_OUT)/%,$(wildcard tests/gdb/progs/*.c))
GDB_CFLAGS := -m32 -static -fno-pie -no-pie -g -O0 -pthread -std=gnu11 -Wall -Wextra -Werror

$(GDB_OUT)/%: tests/gdb/progs/%.c
	@mkdir -p $(@D)
	$(CC) $(GDB_CFLAGS) -o $@ $<

check: $(GDB_PROGS)
CHECK_SUITES += tests/gdb/run-gdb.py tests/gdb/run-gdb-reverse.py

check-gdb: $(GDB_PROGS) $(BUILD)/mimic-i386
	@BUILD=$(BUILD) $(PYTHON) tests/gdb/run-gdb.py
	@BUILD=$(BUILD) $(PYTHON) tests/gdb/run-gdb-reverse.py

.PHONY: check-gdb
