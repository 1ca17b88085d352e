# replay/: the choke point for every input from outside the guest.
LIB_SRCS += $(wildcard src/replay/*.c)

# mimic-rr: info/dump of a record/replay log (src/replay/replay-log.c).
PROGRAMS += $(BUILD)/mimic-rr

$(BUILD)/mimic-rr: $(BUILD)/src/programs/mimic-rr.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

-include $(BUILD)/src/programs/mimic-rr.d

# mimic-rr info/dump on the seed logs of fuzz/corpus/replay-log/.
export RR_BUILD := $(BUILD)
CHECK_SUITES += tests/replay/run-rr-tools.py
# Truncations and bit flips of a many-frame seed log through mimic-rr.
CHECK_SUITES += tests/replay/run-rr-corrupt.py
