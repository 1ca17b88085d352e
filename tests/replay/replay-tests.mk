# End-to-end record/replay tests of mimic-i386 (issue 7): the i386
# programs of tests/replay/progs/, built with gcc -m32 into
# $(BUILD)/tests/replay/, and the suites that record and replay them:
#
#   tests/replay/run-rr.py        inputs, threads, divergences, a cut-short log
#   tests/replay/run-rr-progs.py  tests/linux-user's programs recorded and replayed
#   tests/replay/run-rr-input.py  a recording's input changed: divergence at the right write
#
# Static, so that a replay does not depend on the host's shared
# libraries.  diverge-write and diverge-reg are also built with
# -DVARIANT: the changed binaries the divergence tests replay with.

RR_OUT := $(BUILD)/tests/replay
RR_CFLAGS := -m32 -static -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE
RR_PROGS := $(addprefix $(RR_OUT)/,inputs threads4 diverge-write diverge-write-variant \
              diverge-reg diverge-reg-variant ticker)
# tests/replay/run-rr-input.py's program.
RR_PROGS += $(RR_OUT)/input-sum

$(RR_OUT)/threads4: tests/replay/progs/threads4.c
	@mkdir -p $(@D)
	$(CC) $(RR_CFLAGS) -pthread -o $@ $<

$(RR_OUT)/%-variant: tests/replay/progs/%.c
	@mkdir -p $(@D)
	$(CC) $(RR_CFLAGS) -DVARIANT -o $@ $<

$(RR_OUT)/%: tests/replay/progs/%.c
	@mkdir -p $(@D)
	$(CC) $(RR_CFLAGS) -o $@ $<

RR_SUITES := tests/replay/run-rr.py tests/replay/run-rr-progs.py
RR_SUITES += tests/replay/run-rr-input.py

check: $(RR_PROGS)
CHECK_SUITES += $(RR_SUITES)

replay-tests: $(RR_PROGS)

check-replay: $(RR_PROGS) $(BUILD)/mimic-i386 $(BUILD)/mimic-rr linux-user-tests
	@$(PYTHON) tests/run-suites.py $(RR_SUITES)

.PHONY: replay-tests check-replay
