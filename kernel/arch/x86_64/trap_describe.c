/*
 * Naming exceptions and decoding their error codes, for panic reports and (later) user
 * exception reports (trap.h). Portable: no CPU access, so host tests cover it.
 */
#include "trap.h"

#include "lib/format.h"

static const char *const vector_names[VEC_EXCEPTIONS] = {
    [VEC_DIVIDE] = "Divide error",
    [VEC_DEBUG] = "Debug",
    [VEC_NMI] = "Non-maskable interrupt",
    [VEC_BREAKPOINT] = "Breakpoint",
    [VEC_OVERFLOW] = "Overflow",
    [VEC_BOUND] = "BOUND range exceeded",
    [VEC_INVALID_OPCODE] = "Invalid opcode",
    [VEC_NO_DEVICE] = "Device not available",
    [VEC_DOUBLE_FAULT] = "Double fault",
    [9] = "Coprocessor segment overrun",
    [VEC_INVALID_TSS] = "Invalid TSS",
    [VEC_SEGMENT_NOT_PRESENT] = "Segment not present",
    [VEC_STACK_FAULT] = "Stack-segment fault",
    [VEC_GENERAL_PROTECTION] = "General protection",
    [VEC_PAGE_FAULT] = "Page fault",
    [VEC_X87] = "x87 floating-point error",
    [VEC_ALIGNMENT_CHECK] = "Alignment check",
    [VEC_MACHINE_CHECK] = "Machine check",
    [VEC_SIMD] = "SIMD floating-point error",
    [VEC_VIRTUALIZATION] = "Virtualization exception",
    [VEC_CONTROL_PROTECTION] = "Control protection",
};

const char *trap_vector_name(uint64_t vector)
{
    if (vector >= VEC_EXCEPTIONS)
        return "Interrupt";
    return vector_names[vector] ? vector_names[vector] : "Reserved exception";
}

static int has_selector_error(uint64_t vector)
{
    return vector == VEC_INVALID_TSS || vector == VEC_SEGMENT_NOT_PRESENT ||
           vector == VEC_STACK_FAULT || vector == VEC_GENERAL_PROTECTION;
}

void trap_describe_error(uint64_t vector, uint64_t error_code, char *buf, unsigned size)
{
    if (vector == VEC_PAGE_FAULT) {
        const char *access = (error_code & PF_FETCH) ? "instruction fetch"
                             : (error_code & PF_WRITE) ? "write" : "read";
        snprintf(buf, size, "%s %s, %s mode%s%s%s",
                 (error_code & PF_PRESENT) ? "protection violation on" : "not-present page on",
                 access, (error_code & PF_USER) ? "user" : "supervisor",
                 (error_code & PF_RESERVED) ? ", reserved bit set" : "",
                 (error_code & PF_PK) ? ", protection key" : "",
                 (error_code & PF_SS) ? ", shadow stack" : "");
        return;
    }
    if (has_selector_error(vector)) {
        if (error_code == 0) {
            snprintf(buf, size, "no selector");
            return;
        }
        static const char *const tables[4] = { "GDT", "IDT", "LDT", "IDT" };
        snprintf(buf, size, "%s %s 0x%llx%s", tables[(error_code >> 1) & 3],
                 (error_code & 2) ? "vector" : "selector",
                 (unsigned long long)((error_code & 2) ? (error_code >> 3) & 0x1fff
                                                       : error_code & 0xfff8),
                 (error_code & 1) ? ", external event" : "");
        return;
    }
    snprintf(buf, size, "error code 0x%llx", (unsigned long long)error_code);
}
