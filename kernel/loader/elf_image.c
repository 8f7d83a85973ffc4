/* Checking a static ELF64 user executable (elf_image.h). Portable: host tests run it. */
#include "elf_image.h"

#include <stddef.h>

#include "elf64.h"
#include "lib/string.h"



#define PAGE_MASK       (ELF_IMAGE_PAGE_SIZE - 1)

#define STRINGIFY_(x)   #x
#define STRINGIFY(x)    STRINGIFY_(x)


/* Program header i, copied out: the buffer need not be 8-byte aligned. The caller has
   checked that the table lies inside the file. */
static void read_phdr(const uint8_t *image, const struct elf64_ehdr *eh, unsigned i,
                      struct elf64_phdr *ph)
{
    memcpy(ph, image + eh->e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

static const char *check_header(const struct elf64_ehdr *eh, uint64_t size)
{
    const char *problem = elf64_ident_problem(eh);
    if (problem)
        return problem;
    if (eh->e_type == ELF_ET_DYN)
        return "position-independent executables are not supported; "
               "link with -static -no-pie";
    if (eh->e_type != ELF_ET_EXEC)
        return "not an executable (ET_EXEC) ELF file";
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return "unexpected program header size (e_phentsize is not 56)";
    if (eh->e_phnum == 0)
        return "no program headers";
    if (eh->e_phnum == ELF_PN_XNUM)
        return "extended program header numbering (PN_XNUM) is not supported";
    /* e_phnum < 2^16 and entries are 56 bytes: the product cannot overflow. */
    uint64_t table = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
    if (eh->e_phoff > size || table > size - eh->e_phoff)
        return "program header table lies outside the file";
    return NULL;
}

/* The headers other than PT_LOAD: refusals the user can act on come before any
   complaint about the segments. */
static const char *check_other_headers(const uint8_t *image, const struct elf64_ehdr *eh,
                                       struct elf_image_info *info)
{
    struct elf64_phdr ph;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        read_phdr(image, eh, i, &ph);
        info->bad_phdr = (int)i;
        switch (ph.p_type) {
        case ELF_PT_INTERP:
            return "dynamic executables are not supported (PT_INTERP); link with -static";
        case ELF_PT_TLS:
            info->has_tls = 1;
            info->tls_vaddr = ph.p_vaddr;
            info->tls_filesz = ph.p_filesz;
            info->tls_memsz = ph.p_memsz;
            info->tls_align = ph.p_align;
            if (ph.p_memsz != 0)
                return "thread-local storage (PT_TLS) is not supported yet";
            break;
        case ELF_PT_GNU_STACK:
            info->stack_executable = (ph.p_flags & ELF_IMAGE_PF_X) != 0;
            break;
        default:
            break;
        }
    }
    info->bad_phdr = -1;
    return NULL;
}

/* One PT_LOAD on its own. Returns NULL when it is usable (or empty: *empty is then 1). */
static const char *check_load(const struct elf64_phdr *ph, uint64_t size, int *empty)
{
    *empty = 0;
    if (ph->p_filesz > ph->p_memsz)
        return "PT_LOAD segment has p_filesz > p_memsz";
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return "PT_LOAD segment's file bytes lie outside the file";
    if (ph->p_memsz == 0) {
        *empty = 1;             /* occupies no memory: nothing to map or overlap */
        return NULL;
    }
    if (ph->p_align > 1 &&
        ((ph->p_align & (ph->p_align - 1)) != 0 || ph->p_align < ELF_IMAGE_PAGE_SIZE))
        return "PT_LOAD segment's p_align is not 0, 1 or a power of two >= 4096";
    if (((ph->p_vaddr - ph->p_offset) & PAGE_MASK) != 0)
        return "PT_LOAD segment's p_vaddr and p_offset differ modulo the page size (4096)";
    if (ph->p_vaddr > UINT64_MAX - ph->p_memsz)
        return "PT_LOAD segment's p_vaddr + p_memsz overflows";
    if (ph->p_vaddr < ELF_USER_MIN || ph->p_vaddr + ph->p_memsz > ELF_USER_END)
        return "PT_LOAD segment lies outside the user address range "
               "[0x10000, 0x7FFFFFFEFFFF]";
    return NULL;
}

static const char *check_loads(const uint8_t *image, uint64_t size,
                               const struct elf64_ehdr *eh, struct elf_image_info *info)
{
    struct elf64_phdr ph;
    int entry_ok = 0, empty;
    const char *err;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        read_phdr(image, eh, i, &ph);
        if (ph.p_type != ELF_PT_LOAD)
            continue;
        info->bad_phdr = (int)i;
        if ((err = check_load(&ph, size, &empty)) != NULL)
            return err;
        if (empty)
            continue;
        if (info->segment_count == ELF_IMAGE_MAX_SEGMENTS)
            return "more than " STRINGIFY(ELF_IMAGE_MAX_SEGMENTS) " PT_LOAD segments";

        /* Sorted and page-disjoint: comparing with the previous segment is enough. Both
           ends are below ELF_USER_END, so rounding up cannot overflow. */
        if (info->segment_count > 0) {
            const struct elf_image_segment *prev = &info->segments[info->segment_count - 1];
            uint64_t prev_end = (prev->vaddr + prev->memsz + PAGE_MASK) & ~PAGE_MASK;
            if (ph.p_vaddr < prev->vaddr)
                return "PT_LOAD segments are not sorted by p_vaddr";
            if ((ph.p_vaddr & ~PAGE_MASK) < prev_end)
                return "PT_LOAD segment overlaps or shares a page with the previous one";
        }

        /* The entry must be code from the file, not zero-filled memory. */
        if ((ph.p_flags & ELF_IMAGE_PF_X) && eh->e_entry >= ph.p_vaddr &&
            eh->e_entry - ph.p_vaddr < ph.p_filesz)
            entry_ok = 1;

        info->segments[info->segment_count++] = (struct elf_image_segment){
            .vaddr = ph.p_vaddr,
            .memsz = ph.p_memsz,
            .offset = ph.p_offset,
            .filesz = ph.p_filesz,
            .flags = ph.p_flags & (ELF_IMAGE_PF_R | ELF_IMAGE_PF_W | ELF_IMAGE_PF_X),
        };
    }

    info->bad_phdr = -1;
    if (info->segment_count == 0)
        return "no loadable (PT_LOAD) segment";
    if (!entry_ok)
        return "entry point is not inside the file bytes of an executable PT_LOAD segment";
    return NULL;
}

ntstatus_t elf_image_check(const void *image, uint64_t size, struct elf_image_info *info,
                           const char **why)
{
    struct elf64_ehdr eh;
    const struct elf_image_segment *last;
    const char *err;

    if (why)
        *why = NULL;
    if (!info || !image) {
        if (why)
            *why = "no image or no info structure";
        return STATUS_INVALID_PARAMETER;
    }
    memset(info, 0, sizeof(*info));
    info->bad_phdr = -1;

    if (size < sizeof(eh)) {
        err = "file too small for an ELF header";
        goto reject;
    }
    memcpy(&eh, image, sizeof(eh));
    if ((err = check_header(&eh, size)) != NULL ||
        (err = check_other_headers(image, &eh, info)) != NULL ||
        (err = check_loads(image, size, &eh, info)) != NULL)
        goto reject;

    last = &info->segments[info->segment_count - 1];
    info->entry = eh.e_entry;
    info->image_start = info->segments[0].vaddr & ~PAGE_MASK;
    info->image_end = (last->vaddr + last->memsz + PAGE_MASK) & ~PAGE_MASK;
    return STATUS_SUCCESS;

reject:
    if (why)
        *why = err;
    return STATUS_INVALID_IMAGE_FORMAT;
}

enum elf_image_protection elf_image_segment_protection(uint32_t flags)
{
    int w = (flags & ELF_IMAGE_PF_W) != 0, x = (flags & ELF_IMAGE_PF_X) != 0;

    if (w && x)
        return ELF_PROT_READWRITEEXECUTE;
    if (x)
        return ELF_PROT_READEXECUTE;
    if (w)
        return ELF_PROT_READWRITE;
    if (flags & ELF_IMAGE_PF_R)
        return ELF_PROT_READONLY;
    return ELF_PROT_NOACCESS;
}

const char *elf_image_protection_name(enum elf_image_protection prot)
{
    switch (prot) {
    case ELF_PROT_NOACCESS: return "---";
    case ELF_PROT_READONLY: return "r--";
    case ELF_PROT_READWRITE: return "rw-";
    case ELF_PROT_READEXECUTE: return "r-x";
    case ELF_PROT_READWRITEEXECUTE: return "rwx";
    }
    return "???";
}
