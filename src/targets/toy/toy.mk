LIB_SRCS += $(wildcard src/targets/toy/*.c)
