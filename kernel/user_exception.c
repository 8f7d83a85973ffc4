/* Exceptions raised by user code (user_exception.h). */
#include "user_exception.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/usermode.h"
#include "lib/log.h"

#define OPCODE_HLT 0xf4

ntstatus_t user_exception_code(const struct trap_frame *f)
{
    switch (f->vector) {
    case VEC_DIVIDE: return STATUS_INTEGER_DIVIDE_BY_ZERO;
    case VEC_DEBUG: return STATUS_SINGLE_STEP;
    case VEC_BREAKPOINT: return STATUS_BREAKPOINT;
    case VEC_OVERFLOW: return STATUS_INTEGER_OVERFLOW;
    case VEC_BOUND: return STATUS_ARRAY_BOUNDS_EXCEEDED;
    case VEC_INVALID_OPCODE: return STATUS_ILLEGAL_INSTRUCTION;
    case VEC_ALIGNMENT_CHECK: return STATUS_DATATYPE_MISALIGNMENT;
    case VEC_SIMD: return STATUS_FLOAT_MULTIPLE_TRAPS;
    case VEC_GENERAL_PROTECTION:
        /* Windows reports privileged instructions (cli, hlt, in, out ...) as such, and other
           #GPs (non-canonical addresses, bad segments) as access violations. An error code
           of 0 with a ring-3 CS is what cli/sti/hlt/in/out produce. */
        return f->error_code == 0 ? STATUS_PRIVILEGED_INSTRUCTION : STATUS_ACCESS_VIOLATION;
    default:
        return STATUS_ACCESS_VIOLATION;     /* page faults and the rest */
    }
}

void user_exception(struct trap_frame *f, ntstatus_t fault_status)
{
    ntstatus_t code = fault_status ? fault_status : user_exception_code(f);
    char error[96];
    trap_describe_error(f->vector, f->error_code, error, sizeof(error));
    log_error("user exception 0x%08x: %s (%s) at rip 0x%llx", (unsigned)code,
              trap_vector_name(f->vector), error, (unsigned long long)f->rip);
    if (f->vector == VEC_PAGE_FAULT)
        log_error("  faulting address 0x%llx", (unsigned long long)read_cr2());
    user_exit((uint32_t)code);
}
