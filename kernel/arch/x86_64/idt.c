/*
 * IDT setup (idt.h). All exceptions use interrupt gates (interrupts stay off in the
 * handler). Breakpoint and overflow have DPL 3 so that int3 and into from user code
 * raise their own exception rather than a general protection fault.
 */
#include "idt.h"

#include <stdint.h>

#include "gdt.h"
#include "segments.h"
#include "trap.h"

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct idt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define GATE_INTERRUPT 0x8e     /* present, DPL 0, 64-bit interrupt gate */

extern const uint64_t isr_stubs[VEC_EXCEPTIONS];
static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(int vector, uint64_t handler, int dpl, int ist)
{
    idt[vector] = (struct idt_gate){
        .offset_low = handler & 0xffff,
        .selector = GDT_KERNEL_CODE,
        .ist = (uint8_t)ist,
        .type_attr = (uint8_t)(GATE_INTERRUPT | (dpl << 5)),
        .offset_mid = (handler >> 16) & 0xffff,
        .offset_high = (uint32_t)(handler >> 32),
    };
}

void idt_init(void)
{
    for (int v = 0; v < VEC_EXCEPTIONS; v++) {
        int user_callable = v == VEC_BREAKPOINT || v == VEC_OVERFLOW;
        int critical = v == VEC_DOUBLE_FAULT || v == VEC_NMI || v == VEC_MACHINE_CHECK;
        set_gate(v, isr_stubs[v], user_callable ? 3 : 0, critical ? IST_CRITICAL : 0);
    }
    struct idt_pointer ptr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}

#include "lib/ktest.h"

KTEST(idt, every_exception_has_a_present_gate)
{
    struct idt_pointer loaded;
    __asm__ volatile("sidt %0" : "=m"(loaded));
    KEXPECT_EQ(loaded.base, (uint64_t)(uintptr_t)idt);
    KEXPECT_EQ(loaded.limit, sizeof(idt) - 1);
    for (int v = 0; v < VEC_EXCEPTIONS; v++) {
        uint64_t handler = idt[v].offset_low | ((uint64_t)idt[v].offset_mid << 16) |
                           ((uint64_t)idt[v].offset_high << 32);
        KEXPECT_EQ(handler, isr_stubs[v]);
        KEXPECT(idt[v].type_attr & 0x80);
    }
    KEXPECT_EQ(idt[VEC_DOUBLE_FAULT].ist, IST_CRITICAL);
    KEXPECT_EQ((idt[VEC_BREAKPOINT].type_attr >> 5) & 3, 3);
    KEXPECT_EQ((idt[VEC_PAGE_FAULT].type_attr >> 5) & 3, 0);
}
