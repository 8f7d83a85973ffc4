/*
 * The kernel's GDT and TSS. The TSS supplies the stack for interrupts from ring 3 (rsp0,
 * set per thread once user mode exists) and the IST stacks: IST1 for double faults and
 * NMIs, so a fault caused by a broken kernel stack still produces a report.
 */
#ifndef RESERVOIR_ARCH_GDT_H
#define RESERVOIR_ARCH_GDT_H

#include <stdint.h>

#define IST_CRITICAL 1      /* double fault, NMI, machine check */

/* Loads the GDT, reloads every segment register and loads the task register. */
void gdt_init(void);

/* The stack the CPU switches to on an interrupt or exception from ring 3. */
void gdt_set_kernel_stack(uint64_t rsp0);

#endif
