LIB_SRCS += $(wildcard src/exec/*.c)
