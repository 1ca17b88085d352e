# The differential instruction fuzzer (conformance/fuzz-insn/, see
# docs/fuzz-insn.md): random i386 sequences run on the native oracle and
# in mimic through the oracle's rig.  Included after tests/oracle/oracle.mk,
# whose client, rig and oracle program it uses.
FUZZ_INSN := $(BUILD)/conformance/fuzz-insn
FUZZ_INSN_SRCS := conformance/fuzz-insn/fuzz-insn.c conformance/fuzz-insn/gen.c \
                  conformance/fuzz-insn/gen-fp.c
# The objects cannot live in $(BUILD)/conformance/fuzz-insn/: that is the
# program's own path.
FUZZ_INSN_OBJS := $(FUZZ_INSN_SRCS:conformance/fuzz-insn/%.c=$(BUILD)/conformance/fuzz-insn.o/%.o)

$(BUILD)/conformance/fuzz-insn.o/%.o: conformance/fuzz-insn/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/oracle -c -o $@ $<

$(FUZZ_INSN): $(FUZZ_INSN_OBJS) $(ORACLE_SUPPORT_OBJS) $(LIB) | $(ORACLE_BIN)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(FUZZ_INSN_OBJS) $(ORACLE_SUPPORT_OBJS) $(LIB) $(LDLIBS)

PROGRAMS += $(FUZZ_INSN)

.SECONDARY: $(FUZZ_INSN_OBJS)
-include $(FUZZ_INSN_OBJS:.o=.d)

# make check runs the fixed-seed run (seed 1, 20,000 sequences, a few
# seconds: the program's defaults); fuzz-insn-run does the same by hand,
# FUZZ_ARGS="--seconds 3600 --seed S" for a long run.
check: $(FUZZ_INSN) $(ORACLE_BIN)
CHECK_SUITES += $(FUZZ_INSN)
fuzz-insn-run: $(FUZZ_INSN) $(ORACLE_BIN)
	$(FUZZ_INSN) $(or $(FUZZ_ARGS),--seed 1 --count 20000)

.PHONY: fuzz-insn-run
