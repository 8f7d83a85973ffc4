/*
 * panic() and the backtrace shared with the trap report (panic.h).
 *
 * A fault while a panic report is being printed (a smashed frame chain, say) would
 * recurse; panic_enter() counts the depth so the second report is one line and the run
 * still ends.
 */
#include "panic.h"

#include "ksyms.h"
#include "log.h"

#define BACKTRACE_MAX 24
#define KERNEL_HALF   0xffff800000000000ull

static int panic_depth;

int panic_enter(void)
{
    return ++panic_depth;
}

#ifdef RESERVOIR_HOST
void panic_reset(void)
{
    panic_depth = 0;
}
#endif

/* A saved frame pointer we are willing to read through. */
static int plausible_frame(uint64_t rbp)
{
    return rbp >= KERNEL_HALF && (rbp & 7) == 0 && rbp < (uint64_t)-16;
}

static void print_frame(int index, uint64_t addr)
{
    uint64_t offset;
    const char *name = ksym_lookup(addr, &offset);
    if (name)
        kprintf("    #%-2d 0x%016llx %s+0x%llx\n", index, (unsigned long long)addr, name,
                (unsigned long long)offset);
    else
        kprintf("    #%-2d 0x%016llx ?\n", index, (unsigned long long)addr);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
    int i = 0;
    print_frame(i++, rip);
    while (i < BACKTRACE_MAX && plausible_frame(rbp)) {
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
        uint64_t ret = frame[1];
        if (ret == 0)
            break;
        /* A return address points after the call: show the call itself. */
        print_frame(i++, ret - 1);
        if (frame[0] <= rbp)        /* stacks grow down: callers' frames are higher */
            break;
        rbp = frame[0];
    }
}

void panic(const char *fmt, ...)
{
    if (panic_enter() > 1) {
        kprintf("\n*** nested panic: %s\n", fmt);
        panic_halt();
    }
    va_list ap;
    va_start(ap, fmt);
    kprintf("\n*** KERNEL PANIC: ");
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n  backtrace:\n");
    backtrace_print((uint64_t)(uintptr_t)&panic, (uint64_t)(uintptr_t)__builtin_frame_address(0));
    kprintf("*** end of panic report\n");
    panic_halt();
}
