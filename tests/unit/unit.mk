# cmocka unit tests: every tests/unit/test-*.c is one test program; other
# .c files here are support code linked into all of them.
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_SUPPORT := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))
UNIT_SUPPORT_OBJS := $(UNIT_SUPPORT:%.c=$(BUILD)/%.o)
UNIT_TESTS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(UNIT_SUPPORT_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(UNIT_SUPPORT_OBJS) $(LIB) -lcmocka $(LDLIBS)

# test-flag-mask tests mimic-tracediff's flag table, which is not in the
# library.
$(BUILD)/tests/unit/test-flag-mask: $(BUILD)/tests/unit/test-flag-mask.o \
        $(BUILD)/conformance/flag-mask.o $(UNIT_SUPPORT_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

# Keep the objects: make would otherwise delete them as intermediates
# after the run, printing after the runner's closing tally.
.SECONDARY: $(UNIT_TESTS:=.o) $(UNIT_SUPPORT_OBJS)

CHECK_SUITES += $(UNIT_TESTS)
-include $(UNIT_SRCS:%.c=$(BUILD)/%.d) $(UNIT_SUPPORT:%.c=$(BUILD)/%.d)
