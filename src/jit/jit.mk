LIB_SRCS += $(wildcard src/jit/*.c src/jit/x86_64/*.c)
