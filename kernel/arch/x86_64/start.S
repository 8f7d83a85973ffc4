/*
 * The 64-bit kernel entry, shared by both boot paths, and the boot page tables.
 *
 * _start64 is the ELF entry the EFI loader jumps to (RDI = BOOT_INFO_MAGIC, RSI = the
 * boot_info's physical address, firmware page tables, GDT and CR4 still loaded). The
 * Multiboot2 path arrives at start64_common from entry32.S with RDI = the Multiboot2 magic
 * and RSI = the information block. From here on both paths are the same: load our own CR4,
 * EFER, page tables and GDT with explicit values (never OR into what the firmware left),
 * switch to the boot stack and call kernel_boot_entry(magic, info) in the higher half.
 *
 * The boot page tables map the first 4 GiB twice with 2 MiB pages: identity (so this code,
 * GRUB's information block and the loader's boot_info stay reachable) and at
 * 0xffffffff80000000 (the first 2 GiB, where the kernel is linked). The memory manager
 * replaces them once it has a map of physical memory.
 */
#include "segments.h"

#define KERNEL_VMA     0xffffffff80000000
#define CR4_PAE        (1 << 5)
#define CR4_LA57       (1 << 12)
#define CR0_PE         (1 << 0)
#define CR0_MP         (1 << 1)
#define CR0_NE         (1 << 5)
#define CR0_WP         (1 << 16)
#define CR0_PG         (1 << 31)
#define MSR_EFER       0xc0000080
#define EFER_LME       (1 << 8)
#define EFER_LMA       (1 << 10)
#define EFER_NXE       (1 << 11)
#define PTE_P          (1 << 0)
#define PTE_W          (1 << 1)
#define PTE_PS         (1 << 7)
#define BOOT_STACK_SIZE 16384
#define EARLY_EXIT_CODE 0x13

    .section .boot.text, "ax"
    .code64
    .global _start64
_start64:
    cli
    cld
    /* 5-level paging cannot be turned off from long mode without a detour; refuse it. */
    mov %cr4, %rax
    test $CR4_LA57, %eax
    jnz .Lla57

    .global start64_common
start64_common:
    /* Tell debuggers this is the outermost frame: there is no caller to unwind to. */
    .cfi_sections .debug_frame
    .cfi_startproc
    .cfi_undefined rip
    mov %rdi, %r12                      /* magic: which protocol */
    mov %rsi, %r13                      /* its information, physical */

    mov $CR4_PAE, %eax
    mov %rax, %cr4
    mov $MSR_EFER, %ecx
    mov $(EFER_LME | EFER_LMA | EFER_NXE), %eax
    xor %edx, %edx
    wrmsr
    lea boot_pml4(%rip), %rax
    mov %rax, %cr3
    mov $(CR0_PG | CR0_WP | CR0_NE | CR0_MP | CR0_PE), %eax
    mov %rax, %cr0

    lgdt boot_gdt_ptr64(%rip)
    mov $BOOT_GDT_DATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    /* Reload CS with a far return: the firmware's code selector may differ from ours. */
    lea 1f(%rip), %rax
    pushq $BOOT_GDT_CODE64
    push %rax
    lretq
1:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp                      /* ends frame-pointer backtraces */
    mov %r12, %rdi
    mov %r13, %rsi
    movabs $kernel_boot_entry, %rax
    call *%rax
2:  cli
    hlt
    jmp 2b
    .cfi_endproc

.Lla57:
    lea msg_la57(%rip), %rsi
    mov $0x3f8, %dx
3:  lodsb
    test %al, %al
    jz 4f
    out %al, %dx
    jmp 3b
4:  mov $0xf4, %dx
    mov $EARLY_EXIT_CODE, %eax
    out %eax, %dx
    jmp 2b

    .section .boot.data, "aw"
msg_la57:
    .asciz "reservoir: firmware left 5-level paging on; not supported\r\n"

    .balign 16
    .global boot_gdt
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 0x08: 64-bit code, DPL 0 */
    .quad 0x00cf92000000ffff            /* 0x10: data, DPL 0 */
    .global boot_gdt_end
boot_gdt_end:

boot_gdt_ptr64:
    .short boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .global boot_gdt_ptr32              /* for lgdt in 32-bit mode (entry32.S) */
boot_gdt_ptr32:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .balign 4096
    .global boot_pml4
boot_pml4:
    .quad boot_pdpt_low + (PTE_P | PTE_W)
    .fill 510, 8, 0
    .quad boot_pdpt_high + (PTE_P | PTE_W)
boot_pdpt_low:
    .quad boot_pd + 0 * 4096 + (PTE_P | PTE_W)
    .quad boot_pd + 1 * 4096 + (PTE_P | PTE_W)
    .quad boot_pd + 2 * 4096 + (PTE_P | PTE_W)
    .quad boot_pd + 3 * 4096 + (PTE_P | PTE_W)
    .fill 508, 8, 0
boot_pdpt_high:
    .fill 510, 8, 0
    .quad boot_pd + 0 * 4096 + (PTE_P | PTE_W)
    .quad boot_pd + 1 * 4096 + (PTE_P | PTE_W)
boot_pd:                                /* 4 tables: 2048 x 2 MiB = 4 GiB */
    .set page, 0
    .rept 2048
    .quad (page << 21) + (PTE_P | PTE_W | PTE_PS)
    .set page, page + 1
    .endr

    .section .bss
    .balign 16
    .global boot_stack_bottom
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
    .global boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
