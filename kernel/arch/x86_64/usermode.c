/* Entering ring 3 (usermode.h). */
#include "usermode.h"

#include "cpu.h"
#include "cpu_local.h"
#include "gdt.h"
#include "lib/string.h"
#include "segments.h"

#define EFER_SCE        (1ull << 0)
#define RFLAGS_RESERVED (1ull << 1)     /* always 1 */
#define RFLAGS_TF       (1ull << 8)
#define RFLAGS_IF       (1ull << 9)
#define RFLAGS_DF       (1ull << 10)
#define RFLAGS_AC       (1ull << 18)
#define CR4_OSFXSR      (1ull << 9)
#define CR4_OSXMMEXCPT  (1ull << 10)
#define CPUID7_SMEP     (1u << 7)
#define CPUID7_SMAP     (1u << 20)
#define USER_ENTRY_STACK_SIZE 16384

struct cpu_local boot_cpu;

/* The stack every entry from ring 3 starts on (one user context at a time, for now). */
static uint8_t user_entry_stack[USER_ENTRY_STACK_SIZE] __attribute__((aligned(16)));

static int smep, smap;

extern char syscall_entry[];

int cpu_has_smep(void)
{
    return smep;
}

int cpu_has_smap(void)
{
    return smap;
}

static uint32_t structured_features(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    if (r[0] < 7)
        return 0;
    cpuid(7, 0, r);
    return r[1];
}

void usermode_init(void)
{
    uint32_t features = structured_features();
    smep = (features & CPUID7_SMEP) != 0;
    smap = (features & CPUID7_SMAP) != 0;
    /* SSE for user code. The kernel never touches XMM registers (-mgeneral-regs-only),
       so one user context's SSE state survives every entry to the kernel untouched;
       saving it becomes necessary with threads and with exception delivery. */
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (smep)
        cr4 |= CR4_SMEP;
    if (smap)
        cr4 |= CR4_SMAP;
    write_cr4(cr4);

    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* SYSCALL loads CS = STAR[47:32], SS = +8; SYSRET loads CS = STAR[63:48] + 16 and
       SS = STAR[63:48] + 8, both with RPL 3 (segments.h explains the GDT order). */
    wrmsr(MSR_STAR, ((uint64_t)GDT_USER_CODE32 << 48) | ((uint64_t)GDT_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);

    uint64_t top = (uint64_t)(uintptr_t)(user_entry_stack + USER_ENTRY_STACK_SIZE);
    boot_cpu.kernel_rsp = top;
    gdt_set_kernel_stack(top);
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&boot_cpu);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

uint64_t user_run(uint64_t rip, uint64_t rsp, uint64_t gs_base, uint64_t arg0, uint64_t arg1,
                  uint64_t arg2)
{
    struct trap_frame frame;
    memset(&frame, 0, sizeof(frame));
    frame.rip = rip;
    frame.rsp = rsp;
    frame.rdi = arg0;
    frame.rsi = arg1;
    frame.rdx = arg2;
    frame.cs = GDT_USER_CODE | SEL_RPL3;
    frame.ss = GDT_USER_DATA | SEL_RPL3;
    frame.rflags = RFLAGS_RESERVED;
    /* SWAPGS on the way out makes this the user's GS base. */
    wrmsr(MSR_KERNEL_GS_BASE, gs_base);
    return user_enter(&frame);
}
