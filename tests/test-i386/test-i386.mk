# The CPU test program of issue 4 (tests/test-i386/README.md): built as a
# 32-bit static program and run natively and under both backends by
# run-test-i386.sh, which make check runs.
T386_OUT := $(BUILD)/tests/test-i386
T386_BIN := $(T386_OUT)/test-i386
# Not PIE: the inline assembly uses ebx as an operand.
T386_CFLAGS := -m32 -static -fno-pie -no-pie -std=gnu11 -O1 -g -Wall -Wextra -Werror

T386_SRCS := tests/test-i386/test-i386.c tests/test-i386/simd-sections.c \
             tests/test-i386/x87-edge-section.c

$(T386_BIN): $(T386_SRCS)
	@mkdir -p $(@D)
	$(CC) $(T386_CFLAGS) -o $@ $(T386_SRCS)

check: $(T386_BIN)
CHECK_SUITES += tests/test-i386/run-test-i386.sh
export T386_BUILD := $(BUILD)

check-test-i386: $(T386_BIN) $(BUILD)/mimic-i386
	@BUILD=$(BUILD) tests/test-i386/run-test-i386.sh

.PHONY: check-test-i386
