/*
 * Exception dispatch and the panic report for traps (trap.h).
 *
 * A trap from ring 3 goes to user_exception(); a fault inside a user-memory copy goes to
 * the copy's fault exit; any other exception in the kernel is a kernel bug and ends in
 * the panic report.
 */
#include "trap.h"

#include <stddef.h>

#include "cpu.h"
#include "lib/ksyms.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "mm/fault.h"
#include "nt_memory.h"
#include "process.h"
#include "user_exception.h"
#include "usercopy.h"

static trap_hook_fn test_hook;

void trap_set_test_hook(trap_hook_fn hook)
{
    test_hook = hook;
}

static void print_symbol(uint64_t addr)
{
    uint64_t offset;
    const char *name = ksym_lookup(addr, &offset);
    if (name)
        kprintf("%s+0x%llx", name, (unsigned long long)offset);
    else
        kprintf("?");
}

void trap_panic(const struct trap_frame *f)
{
    char error[96];
    cli();
    if (panic_enter() > 1) {
        kprintf("\n*** nested fault during a panic report: %s at 0x%llx\n",
                trap_vector_name(f->vector), (unsigned long long)f->rip);
        panic_halt();
    }
    trap_describe_error(f->vector, f->error_code, error, sizeof(error));

    kprintf("\n*** KERNEL PANIC: %s (#%llu) in %s mode\n", trap_vector_name(f->vector),
            (unsigned long long)f->vector, (f->cs & 3) ? "user" : "kernel");
    kprintf("  error: 0x%llx (%s)\n", (unsigned long long)f->error_code, error);
    kprintf("  rip:   0x%016llx ", (unsigned long long)f->rip);
    print_symbol(f->rip);
    kprintf("\n  cr2:   0x%016llx  cr3: 0x%016llx  cr0: 0x%llx  cr4: 0x%llx\n",
            (unsigned long long)read_cr2(), (unsigned long long)read_cr3(),
            (unsigned long long)read_cr0(), (unsigned long long)read_cr4());
    kprintf("  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n",
            (unsigned long long)f->rax, (unsigned long long)f->rbx,
            (unsigned long long)f->rcx, (unsigned long long)f->rdx);
    kprintf("  rsi %016llx  rdi %016llx  rbp %016llx  rsp %016llx\n",
            (unsigned long long)f->rsi, (unsigned long long)f->rdi,
            (unsigned long long)f->rbp, (unsigned long long)f->rsp);
    kprintf("  r8  %016llx  r9  %016llx  r10 %016llx  r11 %016llx\n",
            (unsigned long long)f->r8, (unsigned long long)f->r9,
            (unsigned long long)f->r10, (unsigned long long)f->r11);
    kprintf("  r12 %016llx  r13 %016llx  r14 %016llx  r15 %016llx\n",
            (unsigned long long)f->r12, (unsigned long long)f->r13,
            (unsigned long long)f->r14, (unsigned long long)f->r15);
    kprintf("  rflags %016llx  cs %04llx  ss %04llx\n", (unsigned long long)f->rflags,
            (unsigned long long)f->cs, (unsigned long long)f->ss);
    kprintf("  backtrace:\n");
    backtrace_print(f->rip, f->rbp);
    kprintf("*** end of panic report\n");
    panic_halt();
}

/*
 * A page fault on a user address, from user code or from the kernel copying user memory,
 * goes to the running process's address space first, and a guard page then to its stack
 * (NT's MmAccessFault calls MiCheckForUserStackOverflow the same way, whoever faulted).
 * Returns 1 when the fault is resolved (a demand-zero page, or the stack grew: retry the
 * access). Otherwise returns 0, with the verdict (access violation, guard page, stack
 * overflow) in *status, or 0 there when the trap was not a fault on user memory.
 */
static int resolve_user_fault(const struct trap_frame *frame, ntstatus_t *status)
{
    *status = 0;
    if (frame->vector != VEC_PAGE_FAULT || !current_process)
        return 0;
    uint64_t va = read_cr2();
    if (va > USER_MAX_ADDRESS)
        return 0;
    enum fault_access access = (frame->error_code & PF_FETCH)   ? FAULT_EXECUTE
                               : (frame->error_code & PF_WRITE) ? FAULT_WRITE
                                                                : FAULT_READ;
    *status = as_handle_fault(&current_process->as, va, access, frame->cs & 3);
    if (*status == STATUS_GUARD_PAGE_VIOLATION)
        *status = process_stack_guard_hit(current_process, va);
    return *status == STATUS_SUCCESS;
}

void trap_dispatch(struct trap_frame *frame)
{
    if (test_hook && test_hook(frame))
        return;
    ntstatus_t fault;
    if (resolve_user_fault(frame, &fault))
        return;
    if (frame->cs & 3) {
        user_exception(frame, fault);
        return;
    }
    if (usercopy_fixup(frame))
        return;
    trap_panic(frame);
}

/*
 * In-kernel tests: each provokes one exception with a test hook installed and checks what
 * the dispatcher saw. The faulting instruction is preceded by storing the address to
 * resume at, which the hook loads into the frame.
 */
#include "lib/ktest.h"

#define UNMAPPED_ADDRESS    0xffff900000000000ull
#define NONCANONICAL_ADDRESS 0x8000000000000000ull

static volatile uint64_t resume_rip;
static struct {
    uint64_t vector, error_code, cr2, rip;
    int count;
} seen;

static int record_and_resume(struct trap_frame *f)
{
    seen.vector = f->vector;
    seen.error_code = f->error_code;
    seen.cr2 = read_cr2();
    seen.rip = f->rip;
    seen.count++;
    f->rip = resume_rip;
    return 1;
}

static void hook_on(void)
{
    seen.count = 0;
    trap_set_test_hook(record_and_resume);
}

KTEST(trap, breakpoint_reaches_dispatcher_after_int3)
{
    hook_on();
    __asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\tint3\n1:"
                     : "=m"(resume_rip) : : "rax", "memory");
    trap_set_test_hook(NULL);
    KEXPECT_EQ(seen.count, 1);
    KEXPECT_EQ(seen.vector, VEC_BREAKPOINT);
    KEXPECT_EQ(seen.rip, resume_rip);       /* a trap: RIP is past the int3 */
}

KTEST(trap, invalid_opcode_points_at_ud2)
{
    hook_on();
    __asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\tud2\n1:"
                     : "=m"(resume_rip) : : "rax", "memory");
    trap_set_test_hook(NULL);
    KEXPECT_EQ(seen.count, 1);
    KEXPECT_EQ(seen.vector, VEC_INVALID_OPCODE);
    KEXPECT_EQ(seen.rip, resume_rip - 2);   /* a fault: RIP is the ud2 itself */
}

KTEST(trap, divide_by_zero)
{
    hook_on();
    __asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\t"
                     "xor %%edx, %%edx\n\txor %%ecx, %%ecx\n\tmov $1, %%eax\n\tdiv %%ecx\n1:"
                     : "=m"(resume_rip) : : "rax", "rcx", "rdx", "memory");
    trap_set_test_hook(NULL);
    KEXPECT_EQ(seen.count, 1);
    KEXPECT_EQ(seen.vector, VEC_DIVIDE);
}

KTEST(trap, page_fault_read_reports_cr2_and_error_code)
{
    hook_on();
    __asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\tmovq (%1), %%rcx\n1:"
                     : "=m"(resume_rip) : "r"(UNMAPPED_ADDRESS + 8) : "rax", "rcx", "memory");
    trap_set_test_hook(NULL);
    KEXPECT_EQ(seen.count, 1);
    KEXPECT_EQ(seen.vector, VEC_PAGE_FAULT);
    KEXPECT_EQ(seen.cr2, UNMAPPED_ADDRESS + 8);
    KEXPECT_EQ(seen.error_code, 0);         /* not present, read, supervisor */
}

KTEST(trap, page_fault_write_sets_write_bit)
{
    hook_on();
    __asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\tmovq %%rax, (%1)\n1:"
                     : "=m"(resume_rip) : "r"(UNMAPPED_ADDRESS) : "rax", "memory");
    trap_set_test_hook(NULL);
    KEXPECT_EQ(seen.vector, VEC_PAGE_FAULT);
    KEXPECT_EQ(seen.cr2, UNMAPPED_ADDRESS);
    KEXPECT_EQ(seen.error_code, PF_WRITE);
}

KTEST(trap, noncanonical_access_is_general_protection)
{
    hook_on();
    __asm__ volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %0\n\tmovq (%1), %%rcx\n1:"
                     : "=m"(resume_rip) : "r"(NONCANONICAL_ADDRESS) : "rax", "rcx", "memory");
    trap_set_test_hook(NULL);
    KEXPECT_EQ(seen.count, 1);
    KEXPECT_EQ(seen.vector, VEC_GENERAL_PROTECTION);
    KEXPECT_EQ(seen.error_code, 0);
}

KTEST(trap, registers_survive_a_resumed_trap)
{
    uint64_t r12_after, r15_after;
    hook_on();
    __asm__ volatile("mov $0x1234567887654321, %%r12\n\tmov $0x0fedcba987654321, %%r15\n\t"
                     "lea 1f(%%rip), %%rax\n\tmov %%rax, %2\n\tint3\n1:\n\t"
                     "mov %%r12, %0\n\tmov %%r15, %1"
                     : "=r"(r12_after), "=r"(r15_after), "=m"(resume_rip)
                     : : "rax", "r12", "r15", "memory");
    trap_set_test_hook(NULL);
    KEXPECT_EQ(r12_after, 0x1234567887654321ull);
    KEXPECT_EQ(r15_after, 0x0fedcba987654321ull);
}
