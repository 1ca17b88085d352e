# replay/: the choke point for every input from outside the guest.
LIB_SRCS += $(wildcard src/replay/*.c)
