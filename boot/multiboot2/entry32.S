/*
 * Multiboot2 header and the 32-bit entry GRUB jumps to.
 *
 * GRUB loads the kernel ELF by its program headers (physical addresses) and enters
 * _start32 in 32-bit protected mode with paging off, EAX = the Multiboot2 magic and
 * EBX = the physical address of the information block. We check the CPU, switch to long
 * mode on the boot page tables (kernel/arch/x86_64/start.S) and continue in 64-bit code at
 * start64_multiboot2, which joins the path the EFI loader takes.
 *
 * Nothing here may use a stack: none is set up until start64_common.
 */
#include "multiboot2.h"
#include "segments.h"

#define EARLY_EXIT_PORT  0xf4
#define EARLY_EXIT_CODE  0x13   /* kernel/arch/x86_64/qemu_exit.h: EXIT_EARLY_BOOT */
#define CR0_PE  (1 << 0)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MULTIBOOT2_HEADER_MAGIC
    .long MULTIBOOT2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MULTIBOOT2_HEADER_MAGIC + MULTIBOOT2_ARCH_I386 + (mb2_header_end - mb2_header))

    /* Enter at _start32, not at the ELF entry (which is the 64-bit EFI entry). */
    .balign 8
    .short MULTIBOOT2_HEADER_TAG_ENTRY_ADDRESS
    .short 0
    .long 12
    .long _start32

    .balign 8
    .short MULTIBOOT2_HEADER_TAG_END
    .short 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .global _start32
_start32:
    cli
    cld
    cmp $MULTIBOOT2_BOOTLOADER_MAGIC, %eax
    jne .Lnot_multiboot2
    mov %ebx, %esi                      /* kept in ESI until 64-bit code reads it */

    /* Long mode and NX are both required: the kernel maps data non-executable. */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb .Lno_long_mode
    mov $0x80000001, %eax
    cpuid
    test $(1 << 29), %edx
    jz .Lno_long_mode
    test $(1 << 20), %edx
    jz .Lno_nx

    mov $CR4_PAE, %eax
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $(EFER_LME | EFER_NXE), %eax
    wrmsr
    mov $(CR0_PG | CR0_WP | CR0_PE), %eax
    mov %eax, %cr0

    lgdt boot_gdt_ptr32
    ljmp $BOOT_GDT_CODE64, $start64_multiboot2

.Lnot_multiboot2:
    mov $msg_not_mb2, %esi
    jmp early_fail
.Lno_long_mode:
    mov $msg_no_lm, %esi
    jmp early_fail
.Lno_nx:
    mov $msg_no_nx, %esi
    jmp early_fail

/* Print the NUL-terminated string at ESI on COM1 and end the QEMU run. */
early_fail:
    mov $0x3f8, %dx
1:  lodsb
    test %al, %al
    jz 2f
    out %al, %dx
    jmp 1b
2:  mov $EARLY_EXIT_PORT, %dx
    mov $EARLY_EXIT_CODE, %eax
    out %eax, %dx
3:  hlt
    jmp 3b

    .code64
start64_multiboot2:
    /* Upper register halves are undefined after the switch: zero-extend what we keep. */
    mov %esi, %esi
    mov $MULTIBOOT2_BOOTLOADER_MAGIC, %edi
    jmp start64_common

    .section .boot.data, "a"
msg_not_mb2:
    .asciz "reservoir: not started by a Multiboot2 loader\r\n"
msg_no_lm:
    .asciz "reservoir: this CPU has no long mode (x86-64)\r\n"
msg_no_nx:
    .asciz "reservoir: this CPU has no NX bit\r\n"

    .section .note.GNU-stack, "", @progbits
