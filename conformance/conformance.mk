# Conformance tools (conformance/, docs/trace-format.md): mimic-hwtrace
# records a trace on the host CPU under ptrace; mimic-tracediff finds the
# first divergence of two traces.  The trace format itself and mimic's
# recorder (-trace-cpu) are the i386 target's, in the library
# (src/targets/i386/trace-format.c, cpu-trace.c).
LDLIBS += -lz

PROGRAMS += $(BUILD)/mimic-hwtrace $(BUILD)/mimic-tracediff

$(BUILD)/mimic-hwtrace: $(BUILD)/conformance/hwtrace.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/mimic-tracediff: $(BUILD)/conformance/tracediff.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# tests/conformance: a tiny static program (only write and exit system
# calls, so both runs see the same results) traced both ways.
CONF_OUT := $(BUILD)/tests/conformance
CONF_PROGS := $(CONF_OUT)/tiny

$(CONF_OUT)/%: tests/conformance/progs/%.S
	@mkdir -p $(@D)
	$(CC) -m32 -nostdlib -static -no-pie -o $@ $<

export CONFORMANCE_BUILD := $(BUILD)
check: $(CONF_PROGS)
CHECK_SUITES += tests/conformance/run-trace.py

-include $(BUILD)/conformance/hwtrace.d $(BUILD)/conformance/tracediff.d
