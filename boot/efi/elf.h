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

#include "elf64.h"



/* The kernel is loaded at or above 1 MiB: below it lie the real-mode IVT, BIOS data
   and the legacy VGA / ROM hole, which the kernel must never be placed over. */
#define ELF_MIN_PADDR   0x100000ull

/* A kernel needs a handful of segments; a file with more is corrupt or not a kernel. */
#define ELF_MAX_LOAD    32

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
