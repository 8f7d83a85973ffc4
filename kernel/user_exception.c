/* Exceptions raised by user code (user_exception.h). */
#include "user_exception.h"

#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/segments.h"
#include "arch/x86_64/usercopy.h"
#include "arch/x86_64/usermode.h"
#include "lib/log.h"
#include "lib/string.h"
#include "nt_memory.h"
#include "process.h"

#define RED_ZONE 128
#define RFLAGS_USER (0x1u | 0x4u | 0x10u | 0x40u | 0x80u | 0x100u | 0x400u | 0x800u | 0x40000u)
#define RFLAGS_FIXED 0x2u
#define MXCSR_MASK 0xffbfu          /* FXSAVE's MXCSR_MASK default: DAZ supported */
#define FXSAVE_MXCSR 24

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
        return STATUS_ACCESS_VIOLATION;
    }
}

static int is_user_address(uint64_t va)
{
    return va <= USER_MAX_ADDRESS;
}

void context_from_frame(const struct trap_frame *f, struct nt_context *c)
{
    /* All of it first: FXSAVE leaves reserved bytes of its image alone, and they must not
       carry kernel stack bytes to ring 3 (the KTEST below checks every byte). */
    memset(c, 0, sizeof(*c));
    c->context_flags = NT_CONTEXT_CONTROL | NT_CONTEXT_INTEGER | NT_CONTEXT_SEGMENTS |
                       NT_CONTEXT_FLOATING_POINT;
    c->seg_cs = (uint16_t)f->cs;
    c->seg_ss = (uint16_t)f->ss;
    c->seg_ds = c->seg_es = GDT_USER_DATA | SEL_RPL3;
    c->eflags = (uint32_t)f->rflags;
    c->rax = f->rax; c->rcx = f->rcx; c->rdx = f->rdx; c->rbx = f->rbx;
    c->rsp = f->rsp; c->rbp = f->rbp; c->rsi = f->rsi; c->rdi = f->rdi;
    c->r8 = f->r8; c->r9 = f->r9; c->r10 = f->r10; c->r11 = f->r11;
    c->r12 = f->r12; c->r13 = f->r13; c->r14 = f->r14; c->r15 = f->r15;
    c->rip = f->rip;
    /* The kernel never touches XMM registers, so they still hold the user's values. */
    __asm__ volatile("fxsave64 %0" : "=m"(c->flt_save));
    memcpy(&c->mx_csr, c->flt_save + FXSAVE_MXCSR, sizeof(c->mx_csr));
}

ntstatus_t context_to_frame(struct nt_context *c, struct trap_frame *f)
{
    if (!is_user_address(c->rip) || !is_user_address(c->rsp))
        return STATUS_INVALID_PARAMETER;
    f->rax = c->rax; f->rcx = c->rcx; f->rdx = c->rdx; f->rbx = c->rbx;
    f->rsp = c->rsp; f->rbp = c->rbp; f->rsi = c->rsi; f->rdi = c->rdi;
    f->r8 = c->r8; f->r9 = c->r9; f->r10 = c->r10; f->r11 = c->r11;
    f->r12 = c->r12; f->r13 = c->r13; f->r14 = c->r14; f->r15 = c->r15;
    f->rip = c->rip;
    f->rflags = (c->eflags & RFLAGS_USER) | RFLAGS_FIXED;
    f->cs = GDT_USER_CODE | SEL_RPL3;
    f->ss = GDT_USER_DATA | SEL_RPL3;
    if (c->context_flags & NT_CONTEXT_FLOATING_POINT & ~NT_CONTEXT_AMD64) {
        /* FXRSTOR faults on reserved MXCSR bits: clear them (in the kernel's copy), as
           Windows does. */
        uint32_t mxcsr;
        memcpy(&mxcsr, c->flt_save + FXSAVE_MXCSR, sizeof(mxcsr));
        mxcsr &= MXCSR_MASK;
        memcpy(c->flt_save + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
        __asm__ volatile("fxrstor64 %0" : : "m"(*(const uint8_t(*)[512])c->flt_save));
    }
    return STATUS_SUCCESS;
}

__attribute__((noreturn)) static void end_process(const struct nt_exception_record *r,
                                                  const char *why)
{
    log_error("process: unhandled exception 0x%08x at 0x%llx%s%s", (unsigned)r->code,
              (unsigned long long)r->address, why ? ": " : "", why ? why : "");
    user_exit(r->code);
}

/*
 * Touches each page of [low, high) from the top down, as a growing stack is touched, so
 * that a guard page is met before the reserved page below it (a copy runs upwards).
 * The bytes are overwritten by the copies that follow.
 */
static ntstatus_t touch_stack_downwards(uint64_t low, uint64_t high)
{
    static const uint8_t zero;
    for (uint64_t page = (high - 1) & ~(PAGE_SIZE - 1);; page -= PAGE_SIZE) {
        uint64_t at = page > low ? page : low;
        ntstatus_t st = copy_to_user(at, &zero, 1);
        if (!nt_success(st) || page <= low)
            return st;
    }
}

/* Writes the CONTEXT, the EXCEPTION_RECORD and a zero return address below c->rsp's red
   zone; returns the RSP the dispatcher starts with, or 0 when the stack cannot take them. */
static uint64_t push_exception_frame(const struct nt_exception_record *r,
                                     const struct nt_context *c, uint64_t *record_out,
                                     uint64_t *context_out)
{
    uint64_t sp = c->rsp - RED_ZONE;
    uint64_t context_at = (sp - sizeof(*c)) & ~15ull;
    uint64_t record_at = (context_at - sizeof(*r)) & ~15ull;
    uint64_t return_at = record_at - 8;         /* RSP as after a call */
    uint64_t zero = 0;
    struct user_copy copies[] = {       /* one SMAP window for the three */
        user_write(context_at, c, sizeof(*c)),
        user_write(record_at, r, sizeof(*r)),
        user_write(return_at, &zero, sizeof(zero)),
    };
    if (sp > c->rsp || return_at > sp || !nt_success(touch_stack_downwards(return_at, sp)) ||
        !nt_success(copy_user_batch(copies, 3)))
        return 0;
    *record_out = record_at;
    *context_out = context_at;
    return return_at;
}

void user_exception_deliver(struct trap_frame *f, const struct nt_exception_record *r,
                            const struct nt_context *c)
{
    struct process *p = current_process;
    uint64_t dispatcher = p ? p->exception_dispatcher : 0;
    if (!dispatcher)
        end_process(r, "no exception dispatcher");

    uint64_t record_at, context_at;
    p->stack_overflow_at = 0;
    uint64_t return_at = push_exception_frame(r, c, &record_at, &context_at);
    if (!return_at && p->stack_overflow_at) {
        /* Writing the frame overflowed the stack: deliver that STATUS_STACK_OVERFLOW
           instead, at the original's address, in the room the overflow committed (NT's
           KiDispatchException: "If the exception is a stack overflow, then attempt to
           raise the stack overflow exception"). */
        struct nt_exception_record overflow = {
            .code = (uint32_t)STATUS_STACK_OVERFLOW,
            .address = r->address,
            .number_parameters = 2,
            .information = { 1, p->stack_overflow_at },     /* a write, and where */
        };
        return_at = push_exception_frame(&overflow, c, &record_at, &context_at);
        if (!return_at)
            end_process(&overflow, "the stack cannot take the exception record");
    } else if (!return_at) {
        end_process(r, "the stack cannot take the exception record");
    }

    f->rip = dispatcher;
    f->rsp = return_at;
    f->rdi = record_at;
    f->rsi = context_at;
    f->rflags = (f->rflags & ~0x100ull) | RFLAGS_FIXED;     /* no single-step into it */
}

void user_exception(struct trap_frame *f, ntstatus_t fault_status)
{
    struct nt_exception_record record;
    struct nt_context context;
    memset(&record, 0, sizeof(record));
    record.code = (uint32_t)(fault_status ? fault_status : user_exception_code(f));
    context_from_frame(f, &context);

    if (f->vector == VEC_PAGE_FAULT) {
        /* Windows: [0] 0 read, 1 write, 8 execute (DEP); [1] the inaccessible address. */
        record.number_parameters = 2;
        record.information[0] = (f->error_code & PF_FETCH) ? 8 : (f->error_code & PF_WRITE) ? 1 : 0;
        record.information[1] = read_cr2();
    } else if (record.code == (uint32_t)STATUS_ACCESS_VIOLATION) {
        /* A #GP access violation (a non-canonical address): Windows gives [1] = -1. */
        record.number_parameters = 2;
        record.information[1] = (uint64_t)-1;
    } else if (f->vector == VEC_BREAKPOINT) {
        /* Windows reports the int3 itself: RIP and the address point at the 0xCC; one
           parameter, BREAKPOINT_BREAK (0). */
        context.rip -= 1;
        record.number_parameters = 1;
    }
    record.address = context.rip;
    user_exception_deliver(f, &record, &context);
}

/* ---- In-kernel tests ---- */

#include "lib/ktest.h"

/*
 * context_from_frame zeroes only what it does not write: two captures of one frame over
 * different garbage must come out identical, byte for byte, or a stale kernel-stack
 * byte would reach ring 3. (Nothing between the captures touches the SSE state: the
 * kernel is built without it.)
 */
KTEST(user_exception, context_capture_writes_every_byte)
{
    static struct nt_context a, b;
    struct trap_frame f;
    memset(&f, 0, sizeof(f));
    f.rax = 1; f.rbx = 2; f.rcx = 3; f.rdx = 4; f.rsi = 5; f.rdi = 6; f.rbp = 7;
    f.r8 = 8; f.r9 = 9; f.r10 = 10; f.r11 = 11; f.r12 = 12; f.r13 = 13; f.r14 = 14;
    f.r15 = 15; f.rip = 0x401000; f.rsp = 0x7ff000; f.rflags = 0x202;
    f.cs = GDT_USER_CODE | SEL_RPL3;
    f.ss = GDT_USER_DATA | SEL_RPL3;
    memset(&a, 0xa5, sizeof(a));
    memset(&b, 0x5a, sizeof(b));
    context_from_frame(&f, &a);
    context_from_frame(&f, &b);
    KEXPECT(memcmp(&a, &b, sizeof(a)) == 0);
    KEXPECT_EQ(a.p_home[0], 0);
    KEXPECT_EQ(a.seg_fs, 0);
    KEXPECT_EQ(a.dr7, 0);
    KEXPECT_EQ(a.flt_save[511], 0);
    KEXPECT_EQ(a.last_exception_from_rip, 0);
    KEXPECT_EQ(a.rax, 1);
    KEXPECT_EQ(a.r15, 15);
    KEXPECT_EQ(a.rip, 0x401000);
    KEXPECT_EQ(a.rsp, 0x7ff000);
    KEXPECT_EQ(a.seg_cs, GDT_USER_CODE | SEL_RPL3);
}
