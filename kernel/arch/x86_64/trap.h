/*
 * CPU exceptions and interrupts: the saved register frame and the dispatcher.
 *
 * isr.S pushes a struct trap_frame for every vector (a zero error code where the CPU
 * pushes none) and calls trap_dispatch(). An exception in kernel mode is a kernel bug and
 * ends in trap_panic()'s report, unless a test hook claims it first.
 */
#ifndef RESERVOIR_ARCH_TRAP_H
#define RESERVOIR_ARCH_TRAP_H

#include <stdint.h>

/* Layout fixed by isr.S: registers pushed by the stub, then by the CPU. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

enum trap_vector {
    VEC_DIVIDE = 0, VEC_DEBUG = 1, VEC_NMI = 2, VEC_BREAKPOINT = 3, VEC_OVERFLOW = 4,
    VEC_BOUND = 5, VEC_INVALID_OPCODE = 6, VEC_NO_DEVICE = 7, VEC_DOUBLE_FAULT = 8,
    VEC_INVALID_TSS = 10, VEC_SEGMENT_NOT_PRESENT = 11, VEC_STACK_FAULT = 12,
    VEC_GENERAL_PROTECTION = 13, VEC_PAGE_FAULT = 14, VEC_X87 = 16,
    VEC_ALIGNMENT_CHECK = 17, VEC_MACHINE_CHECK = 18, VEC_SIMD = 19,
    VEC_VIRTUALIZATION = 20, VEC_CONTROL_PROTECTION = 21,
    VEC_EXCEPTIONS = 32,
};

/* Page-fault error code bits (Intel SDM vol. 3A, 4.7). */
#define PF_PRESENT  (1u << 0)   /* 0: not present; 1: protection violation */
#define PF_WRITE    (1u << 1)
#define PF_USER     (1u << 2)
#define PF_RESERVED (1u << 3)   /* a reserved bit was set in a paging entry */
#define PF_FETCH    (1u << 4)
#define PF_PK       (1u << 5)
#define PF_SS       (1u << 6)

/*
 * A test may install a hook that sees every exception first; returning 1 resumes at
 * frame->rip (which the hook may change), 0 passes the trap on. Only for KTESTs.
 */
typedef int (*trap_hook_fn)(struct trap_frame *frame);
void trap_set_test_hook(trap_hook_fn hook);

void trap_dispatch(struct trap_frame *frame);

/* Prints the full report for frame and ends the run. */
__attribute__((noreturn)) void trap_panic(const struct trap_frame *frame);

/* "Page fault", "General protection", ... ; "Interrupt" above the exceptions. */
const char *trap_vector_name(uint64_t vector);

/*
 * Describes an error code in words into buf: "not-present read, supervisor" for a page
 * fault, "GDT selector 0x28" for a selector error code. Portable, host-tested.
 */
void trap_describe_error(uint64_t vector, uint64_t error_code, char *buf, unsigned size);

#endif
