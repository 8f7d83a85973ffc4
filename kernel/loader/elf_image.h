/*
 * Checking a user program before anything of it is mapped: a static, non-PIE ELF64
 * x86-64 executable (what `gcc -static -no-pie` or `-static -nostdlib` produces), read
 * from a byte buffer that may be damaged or hostile.
 *
 * elf_image_check reads every number in the headers as untrusted: the ELF header and
 * each program header are copied out of the buffer (which need not be aligned: the initrd
 * keeps file data 4-byte aligned only), and every offset, size and address is checked
 * for overflow before it is used. What it accepts, it describes in struct
 * elf_image_info, so the loader need not parse the file again.
 *
 * Portable: host tests run it.
 */
#ifndef RESERVOIR_LOADER_ELF_IMAGE_H
#define RESERVOIR_LOADER_ELF_IMAGE_H

#include <stdint.h>

#include "ntstatus.h"


/* Windows x64 user addresses: the first 64 KiB and the last 64 KiB below 2^47 stay
   unmapped. A segment must lie inside [ELF_USER_MIN, ELF_USER_END). */
#define ELF_USER_MIN            0x10000ull
#define ELF_USER_END            0x7FFFFFFF0000ull   /* last user byte is 0x7FFFFFFEFFFF */

#define ELF_IMAGE_PAGE_SIZE     4096ull
#define ELF_IMAGE_MAX_SEGMENTS  16

/* Segment permissions: the ELF p_flags bits. */
#define ELF_IMAGE_PF_X          1u
#define ELF_IMAGE_PF_W          2u
#define ELF_IMAGE_PF_R          4u

struct elf_image_segment {
    uint64_t vaddr;             /* first byte in memory (need not be page-aligned) */
    uint64_t memsz;             /* bytes in memory; > 0 */
    uint64_t offset;            /* file offset of the first byte */
    uint64_t filesz;            /* bytes from the file (<= memsz); the rest is zero-filled */
    uint32_t flags;             /* ELF_IMAGE_PF_R/W/X */
};

struct elf_image_info {
    uint64_t entry;
    uint32_t segment_count;     /* 1..ELF_IMAGE_MAX_SEGMENTS */
    struct elf_image_segment segments[ELF_IMAGE_MAX_SEGMENTS];     /* sorted by vaddr */
    uint64_t image_start;       /* first segment's vaddr rounded down to a page */
    uint64_t image_end;         /* last segment's end rounded up to a page */
    int stack_executable;       /* PT_GNU_STACK has PF_X (0 when there is no PT_GNU_STACK) */
    int has_tls;                /* a PT_TLS header was present (accepted only if memsz 0) */
    uint64_t tls_vaddr, tls_filesz, tls_memsz, tls_align;
    int bad_phdr;               /* after a rejection: the program header at fault, or -1 */
};

/*
 * Checks that image[0..size) is a static ELF64 x86-64 executable the loader can map:
 *   - header: ELF magic, ELFCLASS64, little-endian, EV_CURRENT, ET_EXEC (ET_DYN, i.e.
 *     PIE or static-pie, is refused), EM_X86_64, e_phentsize 56, the program header
 *     table inside the file;
 *   - no PT_INTERP (dynamically linked); no PT_TLS with memsz > 0 (no TLS support yet);
 *   - 1..ELF_IMAGE_MAX_SEGMENTS PT_LOAD segments with memsz > 0 (PT_LOAD headers with
 *     memsz 0 occupy nothing and are ignored), each with filesz <= memsz, its file bytes
 *     inside the file, p_align 0, 1 or a power of two >= 4096, vaddr and offset equal
 *     modulo 4096, and [vaddr, vaddr + memsz) inside [ELF_USER_MIN, ELF_USER_END);
 *   - segments in ascending vaddr order, no two touching the same 4 KiB page;
 *   - e_entry inside the file bytes of an executable segment.
 * Fills *info on success. why may be NULL.
 *
 * Returns STATUS_SUCCESS; STATUS_INVALID_PARAMETER when image or info is NULL; or
 * STATUS_INVALID_IMAGE_FORMAT with the first problem found in *why and the index of the
 * program header at fault (or -1) in info->bad_phdr.
 */
ntstatus_t elf_image_check(const void *image, uint64_t size, struct elf_image_info *info,
                           const char **why);

/* How the loader maps a segment. x86-64 pages are always readable when present, so
   writable or executable implies readable. */
enum elf_image_protection {
    ELF_PROT_NOACCESS,          /* p_flags has none of R, W, X */
    ELF_PROT_READONLY,
    ELF_PROT_READWRITE,
    ELF_PROT_READEXECUTE,
    ELF_PROT_READWRITEEXECUTE,
};

/* Maps ELF_IMAGE_PF_R/W/X (other bits ignored) to the protection a segment gets. */
enum elf_image_protection elf_image_segment_protection(uint32_t flags);

/* "r--", "rw-", "r-x", "rwx" or "---": for log messages. */
const char *elf_image_protection_name(enum elf_image_protection prot);

#endif
