/*
 * Strict validation of the kernel ELF image for the EFI loader.
 *
 * The loader copies segments to the physical addresses the file names and then jumps into
 * it, with no memory protection yet. So every number in the headers is checked before it
 * is used as an offset, a size or an address: a damaged file must produce a message, not
 * a copy over the firmware or a jump into garbage.
 */
#include "elf.h"

/* a + b, or 1 in *overflow when the sum does not fit in 64 bits. */
static uint64_t add_checked(uint64_t a, uint64_t b, int *overflow)
{
    if (a > UINT64_MAX - b)
        *overflow = 1;
    return a + b;
}

const struct elf64_phdr *elf_phdr(const void *image, int i)
{
    const struct elf64_ehdr *eh = image;
    const uint8_t *base = image;

    return (const struct elf64_phdr *)(base + eh->e_phoff + (uint64_t)i * eh->e_phentsize);
}

static const char *check_header(const struct elf64_ehdr *eh, uint64_t size)
{
    int overflow = 0;
    uint64_t table_end;
    const char *problem = elf64_ident_problem(eh);

    if (problem)
        return problem;
    if (eh->e_type != ELF_ET_EXEC)
        return "not an executable (ET_EXEC) ELF file";
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return "unexpected program header size";
    if (eh->e_phnum == 0)
        return "no program headers";
    /* The headers are read in place; keep them aligned for their 64-bit fields. */
    if (eh->e_phoff % 8 != 0)
        return "program header table is misaligned";
    table_end = add_checked(eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize, &overflow);
    if (overflow || table_end > size)
        return "program header table lies outside the file";
    return NULL;
}

/* Do the byte ranges [a, a + alen) and [b, b + blen) share a byte? */
static int ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static const char *check_load_segment(const struct elf64_phdr *ph, uint64_t size)
{
    int overflow = 0;
    uint64_t file_end, mem_end;

    if (ph->p_filesz > ph->p_memsz)
        return "PT_LOAD segment has p_filesz > p_memsz";
    file_end = add_checked(ph->p_offset, ph->p_filesz, &overflow);
    if (overflow || file_end > size)
        return "PT_LOAD segment's file bytes lie outside the file";
    if (ph->p_paddr < ELF_MIN_PADDR)
        return "PT_LOAD segment has p_paddr below 1 MiB";
    /* +1 page: the loader rounds the end up to a page, which must not wrap either. */
    mem_end = add_checked(ph->p_paddr, ph->p_memsz, &overflow);
    add_checked(mem_end, 4096, &overflow);
    if (overflow)
        return "PT_LOAD segment's p_paddr + p_memsz overflows";
    return NULL;
}

const char *elf_check(const void *image, uint64_t size, int *bad_phdr)
{
    const struct elf64_ehdr *eh = image;
    const char *err;
    int nload = 0, entry_ok = 0;

    *bad_phdr = -1;
    if (size < sizeof(struct elf64_ehdr))
        return "file too small for an ELF header";
    if ((err = check_header(eh, size)) != NULL)
        return err;

    for (int i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph = elf_phdr(image, i);

        if (ph->p_type != ELF_PT_LOAD)
            continue;
        *bad_phdr = i;
        if ((err = check_load_segment(ph, size)) != NULL)
            return err;
        if (ph->p_memsz == 0)   /* occupies no memory: nothing to load or overlap */
            continue;
        if (++nload > ELF_MAX_LOAD)
            return "too many PT_LOAD segments";

        /* Compare with every earlier segment: there are only a few. */
        for (int j = 0; j < i; j++) {
            const struct elf64_phdr *other = elf_phdr(image, j);

            if (other->p_type == ELF_PT_LOAD && other->p_memsz != 0 &&
                ranges_overlap(ph->p_paddr, ph->p_memsz, other->p_paddr, other->p_memsz))
                return "PT_LOAD segment overlaps an earlier one";
        }

        /* The entry must be real code from the file, not zero-filled memory. */
        if ((ph->p_flags & ELF_PF_X) && eh->e_entry >= ph->p_paddr &&
            eh->e_entry - ph->p_paddr < ph->p_filesz)
            entry_ok = 1;
    }

    *bad_phdr = -1;
    if (nload == 0)
        return "no loadable (PT_LOAD) segment";
    if (!entry_ok)
        return "entry point is not inside an executable PT_LOAD segment";
    return NULL;
}
