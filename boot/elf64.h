/*
 * The ELF64 file format, as far as Reservoir's two loaders read it: the EFI loader
 * (boot/efi/elf.c, loading the kernel) and the kernel's program loader
 * (kernel/loader/elf_image.c). Source: System V ABI, "ELF-64 Object File Format" 1.5,
 * and the AMD64 supplement for EM_X86_64.
 */
#ifndef RESERVOIR_ELF64_H
#define RESERVOIR_ELF64_H

#include <stdint.h>

#define ELF_EI_NIDENT     16
#define ELF_CLASS64       2             /* e_ident[4] */
#define ELF_DATA2LSB      1             /* e_ident[5]: little endian */
#define ELF_EV_CURRENT    1             /* e_ident[6] and e_version */
#define ELF_ET_EXEC       2
#define ELF_ET_DYN        3
#define ELF_EM_X86_64     62
#define ELF_PN_XNUM       0xffff        /* the real e_phnum is in section header 0 */

#define ELF_PT_LOAD       1
#define ELF_PT_INTERP     3
#define ELF_PT_TLS        7
#define ELF_PT_GNU_STACK  0x6474e551

#define ELF_PF_X          1             /* p_flags: executable */
#define ELF_PF_W          2             /* writable */
#define ELF_PF_R          4             /* readable */

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

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

/*
 * Checks that eh identifies a little-endian ELF64 file for x86-64 of the current version.
 * Returns NULL, or what is wrong in words. Both loaders start with it.
 */
static inline const char *elf64_ident_problem(const struct elf64_ehdr *eh)
{
    const uint8_t *id = eh->e_ident;
    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
        return "not an ELF file (bad magic)";
    if (id[4] != ELF_CLASS64)
        return "not a 64-bit ELF file (ELFCLASS64)";
    if (id[5] != ELF_DATA2LSB)
        return "not a little-endian ELF file";
    if (id[6] != ELF_EV_CURRENT || eh->e_version != ELF_EV_CURRENT)
        return "unknown ELF version";
    if (eh->e_machine != ELF_EM_X86_64)
        return "not an x86-64 ELF file";
    return 0;
}

#endif
