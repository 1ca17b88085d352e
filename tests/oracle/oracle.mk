# The native i386 oracle (tests/oracle/, see oracle-proto.h): i386-oracle,
# a 32-bit static program that runs test cases on the host CPU, and the
# support the oracle tests link (tests/unit/test-i386-ops-*.c): the pipe
# client and the rig that runs the same cases in mimic.  Included after
# tests/unit/unit.mk, whose test list it extends.
ORACLE_BIN := $(BUILD)/tests/oracle/i386-oracle
# Not sanitized, not PIE: it maps fixed addresses and runs raw code.
ORACLE_CFLAGS := -m32 -static -fno-pie -no-pie -std=gnu11 -O2 -g -Wall -Wextra -Werror
ORACLE_SUPPORT_SRCS := tests/oracle/oracle-client.c tests/oracle/i386-rig.c \
                       tests/oracle/ops-check.c
ORACLE_SUPPORT_OBJS := $(ORACLE_SUPPORT_SRCS:%.c=$(BUILD)/%.o)
ORACLE_TESTS := $(filter $(BUILD)/tests/unit/test-i386-ops-%,$(UNIT_TESTS))

$(ORACLE_BIN): tests/oracle/i386-oracle.c tests/oracle/oracle-proto.h
	@mkdir -p $(@D)
	$(CC) $(ORACLE_CFLAGS) -o $@ $<

$(BUILD)/tests/oracle/oracle-client.o: CFLAGS += -DORACLE_PATH='"$(ORACLE_BIN)"'

# The support objects go first on the link line (LDFLAGS precedes the
# test's own object in unit.mk's rule), before the library they use.
$(ORACLE_TESTS): $(ORACLE_SUPPORT_OBJS) $(ORACLE_BIN)
$(ORACLE_TESTS): LDFLAGS += $(ORACLE_SUPPORT_OBJS)

.SECONDARY: $(ORACLE_SUPPORT_OBJS)
-include $(ORACLE_SUPPORT_OBJS:.o=.d)
