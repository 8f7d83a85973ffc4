/*
 * The little of ELF64 that the EFI loader needs: the file and program headers, and a
 * strict check of a kernel image before any of it is trusted.
 *
 * Nothing here touches UEFI, so elf.c can be compiled and tested on its own.
 */
#ifndef RESERVOIR_BOOT_EFI_ELF_H
#define RESERVOIR_BOOT_EFI_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_EI_NIDENT   16
#define ELF_CLASS64     2           /* e_ident[4] */
#define ELF_DATA2LSB    1           /* e_ident[5]: little endian */
#define ELF_EV_CURRENT  1
#define ELF_ET_EXEC     2
#define ELF_EM_X86_64   62

#define ELF_PT_LOAD     1
#define ELF_PF_X        1           /* segment is executable */

/* The kernel is loaded at or above 1 MiB: below it lie the real-mode IVT, BIOS data
   and the legacy VGA / ROM hole, which the kernel must never be placed over. */
#define ELF_MIN_PADDR   0x100000ull

/* A kernel needs a handful of segments; a file with more is corrupt or not a kernel. */
#define ELF_MAX_LOAD    32

struct elf64_ehdr {
    uint8_t  e_ident[ELF_EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

/*
 * Check that image[0..size) is an ELF64 x86-64 executable the loader can place at its
 * physical addresses. Returns NULL if it is, else a short description of the first
 * problem found; *bad_phdr is then the index of the program header at fault, or -1.
 *
 * After a NULL return the caller may rely on: every program header lies inside the
 * file; for every PT_LOAD with p_memsz > 0, p_filesz <= p_memsz, the file bytes lie
 * inside the file, p_paddr >= 1 MiB, p_paddr + p_memsz does not wrap, and no two such
 * segments share a byte; there is at least one; e_entry lies inside the file bytes of an
 * executable one.
 */
const char *elf_check(const void *image, uint64_t size, int *bad_phdr);

/* Program header i of an image that passed elf_check. */
const struct elf64_phdr *elf_phdr(const void *image, int i);

#endif
