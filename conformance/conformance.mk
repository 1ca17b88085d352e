# Conformance tools (conformance/, docs/trace-format.md): mimic-hwtrace
# records a trace on the host CPU under ptrace; mimic-tracediff finds the
# first divergence of two traces.  The trace format itself and mimic's
# recorder (-trace-cpu) are the i386 target's, in the library
# (src/targets/i386/trace-format.c, cpu-trace.c).
LDLIBS += -lz

PROGRAMS += $(BUILD)/mimic-hwtrace $(BUILD)/mimic-tracediff

$(BUILD)/mimic-hwtrace: $(BUILD)/conformance/hwtrace.o $(BUILD)/conformance/syscall-outputs.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mimic-tracediff: $(BUILD)/conformance/tracediff.o $(BUILD)/conformance/flag-mask.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# tests/conformance: small programs traced both ways (tiny: only write
# and exit; flagmask: undefined flags; glibc-small: system call, CPUID and
# stack items), then whole programs of over a million instructions
# (run-hwtrace-long.py: a test-i386 section, busybox sha256sum and gzip).
CONF_OUT := $(BUILD)/tests/conformance
CONF_PROGS := $(CONF_OUT)/tiny $(CONF_OUT)/flagmask $(CONF_OUT)/glibc-small

$(CONF_OUT)/%: tests/conformance/progs/%.S
	@mkdir -p $(@D)
	$(CC) -m32 -nostdlib -static -no-pie -o $@ $<

# A static glibc program, for hwtrace's system call and CPUID items.
$(CONF_OUT)/%: tests/conformance/progs/%.c
	@mkdir -p $(@D)
	$(CC) -m32 -static -no-pie -O1 -o $@ $<

export CONFORMANCE_BUILD := $(BUILD)
check: $(CONF_PROGS)
CHECK_SUITES += tests/conformance/run-trace.py
# Undefined-flag masking and the x87/SSE comparison (docs/trace-flags.md).
CHECK_SUITES += tests/conformance/run-flagmask.py
CHECK_SUITES += tests/conformance/run-hwtrace-long.py

-include $(BUILD)/conformance/hwtrace.d $(BUILD)/conformance/tracediff.d \
         $(BUILD)/conformance/syscall-outputs.d \
         $(BUILD)/conformance/flag-mask.d
