/*
 * Exception dispatch and the panic report for traps (trap.h).
 *
 * For now every exception is a kernel bug: user mode arrives with the process issue and
 * will route user faults to the memory manager and the exception dispatcher instead.
 */
#include "trap.h"

#include "cpu.h"
#include "lib/ksyms.h"
#include "lib/log.h"
#include "lib/panic.h"

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

void trap_dispatch(struct trap_frame *frame)
{
    if (test_hook && test_hook(frame))
        return;
    trap_panic(frame);
}
