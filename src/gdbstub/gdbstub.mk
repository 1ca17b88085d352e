LIB_SRCS += $(wildcard src/gdbstub/*.c)
