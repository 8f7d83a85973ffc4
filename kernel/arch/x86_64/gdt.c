/* GDT and TSS setup (gdt.h). */
#include "gdt.h"

#include "segments.h"

#define IST_STACK_SIZE 8192

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct descriptor_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static uint8_t ist_critical_stack[IST_STACK_SIZE] __attribute__((aligned(16)));

/* Access byte values: present, DPL, code/data, type. Long-mode flag L for code. */
#define SEG_CODE64(dpl) (0x00af9a0000000000ull | ((uint64_t)(dpl) << 45))
#define SEG_DATA(dpl)   (0x00cf920000000000ull | ((uint64_t)(dpl) << 45))
#define SEG_CODE32(dpl) (0x00cf9a0000000000ull | ((uint64_t)(dpl) << 45))

static void set_tss_descriptor(uint64_t base, uint32_t limit)
{
    /* A 16-byte system descriptor, type 9 (available 64-bit TSS), present. */
    uint64_t low = (limit & 0xffffull) | ((base & 0xffffffull) << 16) | (0x89ull << 40) |
                   ((uint64_t)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xffull) << 56);
    gdt[GDT_TSS / 8] = low;
    gdt[GDT_TSS / 8 + 1] = base >> 32;
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[GDT_KERNEL_CODE / 8] = SEG_CODE64(0) | 0xffff;
    gdt[GDT_KERNEL_DATA / 8] = SEG_DATA(0) | 0xffff;
    gdt[GDT_USER_CODE32 / 8] = SEG_CODE32(3) | 0xffff;
    gdt[GDT_USER_DATA / 8] = SEG_DATA(3) | 0xffff;
    gdt[GDT_USER_CODE / 8] = SEG_CODE64(3) | 0xffff;

    tss.ist[IST_CRITICAL - 1] = (uint64_t)(uintptr_t)(ist_critical_stack + IST_STACK_SIZE);
    tss.iomap_base = sizeof(tss);       /* no I/O permission bitmap */
    set_tss_descriptor((uint64_t)(uintptr_t)&tss, sizeof(tss) - 1);

    struct descriptor_pointer ptr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "mov %1, %%ds\n\t"
        "mov %1, %%es\n\t"
        "mov %1, %%ss\n\t"
        "pushq %2\n\t"
        "lea 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "ltr %w3"
        :
        : "m"(ptr), "r"((uint64_t)GDT_KERNEL_DATA), "i"(GDT_KERNEL_CODE), "r"(GDT_TSS)
        : "rax", "memory");
}

void gdt_set_kernel_stack(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}

#include "lib/ktest.h"

KTEST(gdt, segments_and_task_register_loaded)
{
    uint16_t cs, ss, tr;
    __asm__ volatile("mov %%cs, %0; mov %%ss, %1; str %2" : "=r"(cs), "=r"(ss), "=r"(tr));
    KEXPECT_EQ(cs, GDT_KERNEL_CODE);
    KEXPECT_EQ(ss, GDT_KERNEL_DATA);
    KEXPECT_EQ(tr, GDT_TSS);
    KEXPECT(tss.ist[IST_CRITICAL - 1] != 0);
    KEXPECT_EQ(tss.ist[IST_CRITICAL - 1] % 16, 0);
}
