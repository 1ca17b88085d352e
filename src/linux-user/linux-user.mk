# The Linux user-mode layer (every .c of src/linux-user/ and its i386/
# folder goes into the library) and its front end, mimic-i386.
LIB_SRCS += $(wildcard src/linux-user/*.c) $(wildcard src/linux-user/i386/*.c)

PROGRAMS += $(BUILD)/mimic-i386

$(BUILD)/mimic-i386: $(BUILD)/src/programs/mimic-i386.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

-include $(BUILD)/src/programs/mimic-i386.d
