/* The interrupt descriptor table: every exception vector routed to isr.S. */
#ifndef RESERVOIR_ARCH_IDT_H
#define RESERVOIR_ARCH_IDT_H

void idt_init(void);

#endif
