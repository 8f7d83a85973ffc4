/*
 * GDT selectors, shared by the boot code, the GDT setup and (later) the syscall MSRs.
 *
 * The order is fixed by SYSCALL/SYSRET: STAR's user base + 8 is the user data selector
 * and + 16 the 64-bit user code selector, so user data must directly precede user code.
 */
#ifndef RESERVOIR_ARCH_SEGMENTS_H
#define RESERVOIR_ARCH_SEGMENTS_H

#define GDT_KERNEL_CODE  0x08
#define GDT_KERNEL_DATA  0x10
#define GDT_USER_CODE32  0x18   /* unused, keeps the SYSRET layout */
#define GDT_USER_DATA    0x20
#define GDT_USER_CODE    0x28
#define GDT_TSS          0x30   /* a 16-byte system descriptor */
#define GDT_ENTRIES      8

#define SEL_RPL3         3

/* The boot GDT (start.S) uses the same kernel selectors. */
#define BOOT_GDT_CODE64  GDT_KERNEL_CODE
#define BOOT_GDT_DATA    GDT_KERNEL_DATA

#endif
