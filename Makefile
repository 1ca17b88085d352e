# mimic: top-level, non-recursive Makefile.  Each folder contributes a
# fragment (*.mk) that adds its sources; objects go out of tree under
# $(BUILD), with -MMD dependency files beside them.
#
#   make                 build/libmimic.a and the programs
#   make check           every test suite; ends with "N passed, N failed"
#   make SAN=1 check     the same under AddressSanitizer + UBSan (build/san)
#   make COVERAGE=1 coverage   lcov HTML report in build/coverage/
#   make bench           benchmarks (never part of check)
#   make run             the i386 demo (demo/) under mimic-i386; make run-toy: the toy demo
#   make deps            install the Debian packages the project needs

.SUFFIXES:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

CC := gcc
PYTHON := python3
BUILD := build

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Isrc -MMD -MP \
          -fno-strict-aliasing -D_GNU_SOURCE -pthread
LDFLAGS := -pthread
LDLIBS := -lcapstone

ifeq ($(SAN),1)
BUILD := build/san
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined \
          -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(COVERAGE),1)
BUILD := build/cov
CFLAGS := $(filter-out -O2,$(CFLAGS)) -O0 --coverage
LDFLAGS += --coverage
endif

LIB := $(BUILD)/libmimic.a
LIB_SRCS :=
PROGRAMS :=
UNIT_TESTS :=
CHECK_SUITES :=

include src/util/util.mk
include src/jit/jit.mk
include src/exec/exec.mk
include src/mem/mem.mk
include src/targets/toy/toy.mk
include src/targets/i386/i386.mk
include src/replay/replay.mk
include src/gdbstub/gdbstub.mk
include src/linux-user/linux-user.mk
include conformance/conformance.mk
include tests/unit/unit.mk
include tests/linux-user/linux-user.mk
include tests/replay/replay-tests.mk
include demo/demo.mk
include tests/oracle/oracle.mk
include tests/test-i386/test-i386.mk
include tests/gdb/gdb.mk
include conformance/fuzz-insn/fuzz-insn.mk
include bench/bench.mk
include fuzz/fuzz.mk

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

all: $(LIB) $(PROGRAMS)

check: all $(UNIT_TESTS)
	@$(PYTHON) tests/run-suites.py $(CHECK_SUITES)

coverage:
	@test "$(COVERAGE)" = 1 || { echo "usage: make COVERAGE=1 coverage"; exit 1; }
	@mkdir -p $(BUILD)
	find $(BUILD) -name '*.gcda' -delete
	-$(MAKE) COVERAGE=1 check
	lcov --quiet --capture --directory $(BUILD) --output-file $(BUILD)/coverage.info
	lcov --quiet --extract $(BUILD)/coverage.info '*/src/*' --output-file $(BUILD)/coverage.info
	genhtml --quiet $(BUILD)/coverage.info --output-directory build/coverage
	@echo "coverage report: build/coverage/index.html"

# Debian packages the project needs; ci/install-deps.sh also enables the
# i386 architecture and adds busybox-static:i386 for the i386 guest tests.
DEB_PACKAGES := build-essential libcmocka-dev libfdt-dev zlib1g-dev libcapstone-dev \
                lcov gcc-multilib clang libclang-rt-dev python3 gdb valgrind \
                qemu-user hyperfine

deps:
	@bash ci/install-deps.sh $(DEB_PACKAGES)

clean:
	rm -rf build

.PHONY: all check coverage deps clean bench run

-include $(LIB_OBJS:.o=.d)
