# The i386 guest: every .c file of src/targets/i386/ goes into the library.
LIB_SRCS += $(wildcard src/targets/i386/*.c)
