LIB_SRCS += $(wildcard src/mem/*.c)
