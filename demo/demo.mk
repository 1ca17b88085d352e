# `make run`: builds the demo guest (demo/demo.c, a static i386 program)
# and runs it under mimic-i386, printing its output; then runs it again on
# the IR interpreter and natively and checks all three outputs agree.
# (`make run-toy` runs the toy-ISA demo of src/targets/toy.)

DEMO := $(BUILD)/demo/demo

$(DEMO): demo/demo.c
	@mkdir -p $(@D)
	$(CC) -m32 -static -O2 -std=gnu11 -Wall -Wextra -Werror -o $@ $< -lm

run: $(BUILD)/mimic-i386 $(DEMO)
	@echo "== $(BUILD)/mimic-i386 $(DEMO)"
	@$(BUILD)/mimic-i386 $(DEMO) > $(DEMO).jit.txt || \
	    { cat $(DEMO).jit.txt; echo "== mimic-i386 failed"; exit 1; }
	@cat $(DEMO).jit.txt
	@$(BUILD)/mimic-i386 -accel tcg,jit=off $(DEMO) > $(DEMO).interp.txt || \
	    { echo "== mimic-i386 -accel tcg,jit=off failed"; exit 1; }
	@$(DEMO) > $(DEMO).native.txt
	@if cmp -s $(DEMO).jit.txt $(DEMO).native.txt && \
	    cmp -s $(DEMO).interp.txt $(DEMO).native.txt; then \
	    echo "== the same output on the IR interpreter (-accel tcg,jit=off) and natively"; \
	else \
	    echo "== outputs differ (native vs x86-64 backend, native vs interpreter):"; \
	    diff $(DEMO).native.txt $(DEMO).jit.txt; \
	    diff $(DEMO).native.txt $(DEMO).interp.txt; \
	    exit 1; \
	fi

all: $(DEMO)
