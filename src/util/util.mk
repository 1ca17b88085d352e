LIB_SRCS += $(wildcard src/util/*.c)
