# libFuzzer harnesses, one per input surface: fuzz/fuzz-<name>.c with its
# seed corpus in fuzz/corpus/<name>/.  They are built with clang against
# the library sources compiled again by clang with the fuzzer's coverage
# instrumentation and ASan+UBSan, in an object tree of their own.
#
#   make fuzz         build build/fuzz/fuzz-<name> for every harness
#   make fuzz-smoke   run each for FUZZ_RUNS inputs from its seed corpus
#   build/fuzz/fuzz-options -max_total_time=600 build/fuzz/work/options fuzz/corpus/options
#                     a real fuzzing session (new inputs go to work/)

FUZZ_CC := clang
# Inside BUILD, so that builds in different directories never share objects.
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_RUNS := 4000
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Isrc -MMD -MP \
               -fno-strict-aliasing -D_GNU_SOURCE -pthread -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRCS := $(wildcard fuzz/fuzz-*.c)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_LIB := $(FUZZ_BUILD)/libmimic.a
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz-%: $(FUZZ_BUILD)/obj/fuzz/fuzz-%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(LDLIBS)

fuzz: $(FUZZ_BINS)

# fuzz/smoke.sh finds the harnesses through these, also when the test
# runner starts it as a suite.
export FUZZ_BUILD FUZZ_RUNS

fuzz-smoke: $(FUZZ_BINS)
	@bash fuzz/smoke.sh

# The smoke run is a check suite: it takes seconds.
check: $(FUZZ_BINS)
CHECK_SUITES += fuzz/smoke.sh

.PHONY: fuzz fuzz-smoke

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_SRCS:%.c=$(FUZZ_BUILD)/obj/%.d)
# Keep the harness objects: they would be intermediates of the link rule.
.SECONDARY: $(FUZZ_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
