/*
 * The part of a vCPU that generated code and the cpu loop share.
 *
 * A target's CPU struct starts with a CPUState, and the env pointer that
 * generated code receives points at it: globals are fields of the
 * target's struct at fixed offsets from env.  The fields generated code
 * touches on every block (the budget) come first so their displacement is
 * small.
 */
#ifndef MIMIC_EXEC_CPU_H
#define MIMIC_EXEC_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct CPUExec;
struct ExecContext;
struct TargetInfo;

/*
 * The instruction budget, checked on entry to every block.
 *
 * `low` counts the instructions this vCPU may still start in the current
 * chunk.  A block leaves the loop without running when `high` is set or
 * `low` is smaller than its instruction count (the 32-bit word minus the
 * count would be negative); otherwise it subtracts the count from `low`
 * and writes back only `low`.  Setting `high` to 0xffff (cpu_exit, from
 * any thread or a signal handler) makes the next block entry leave;
 * writing only the low half is what keeps a concurrent request from being
 * lost.
 */
typedef union CPUBudget {
    uint32_t u32;
    struct {
        uint16_t low;
        uint16_t high;
    } u16;
} CPUBudget;

typedef struct CPUState {
    CPUBudget budget;                 /* offset 0: read by every block entry */
    int32_t exception_index;          /* set before leaving with an exception */
    uint8_t *guest_base;              /* user mode: host address of guest address 0 */
    struct CPUExec *exec;             /* the cpu loop's own state */
    const struct TargetInfo *target;
    int cpu_index;
} CPUState;

#define CPU_BUDGET_OFFSET     0
#define CPU_BUDGET_LOW_OFFSET 0

/* Generic exception_index values (targets use values >= 0). */
enum {
    EXCP_NONE      = -1,
    EXCP_INTERRUPT = -2,  /* an exit request (cpu_exit) was honoured */
    EXCP_BUDGET    = -3,  /* the instruction limit was reached exactly */
    EXCP_HALTED    = -4,
    EXCP_DEBUG     = -5,  /* breakpoint, watchpoint or single step */
    EXCP_FETCH     = -6,  /* code fetch failed: see CPUExec.fetch_fault_addr */
};

#endif
