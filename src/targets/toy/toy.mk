LIB_SRCS += $(wildcard src/targets/toy/*.c)

# mimic-toy, the toy guest's front end, and its demo programs (assembled
# by toyasm.py into raw memory images).  `make run-toy` runs the demo on
# both backends (`make run` is the i386 demo, demo/demo.mk).
PROGRAMS += $(BUILD)/mimic-toy
TOY_DEMOS := $(patsubst src/targets/toy/demo/%.s,$(BUILD)/toy/%.bin,\
               $(wildcard src/targets/toy/demo/*.s))

$(BUILD)/mimic-toy: $(BUILD)/src/programs/mimic-toy.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/toy/%.bin: src/targets/toy/demo/%.s src/targets/toy/toyasm.py
	@mkdir -p $(@D)
	$(PYTHON) src/targets/toy/toyasm.py $< -o $@

all: $(TOY_DEMOS)

run-toy: $(BUILD)/mimic-toy $(BUILD)/toy/primes.bin
	@for accel in tcg tcg,jit=off; do \
	    echo "== primes below 1000, -accel $$accel"; \
	    out=$$($(BUILD)/mimic-toy -accel $$accel -stats $(BUILD)/toy/primes.bin \
	           2>$(BUILD)/toy/stats.txt) || exit 1; \
	    echo $$out; cat $(BUILD)/toy/stats.txt; \
	done

.PHONY: run-toy

-include $(BUILD)/src/programs/mimic-toy.d
