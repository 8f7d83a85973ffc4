/* Checking boot_info and its memory map (bootinfo.h). Portable: host tests run it. */
#include "bootinfo.h"

#include "lib/log.h"
#include "lib/string.h"

#define LEGACY_HOLE_START 0xa0000ull    /* VGA window and option ROMs: RAM on every PC */
#define LEGACY_HOLE_END   0x100000ull

static const char *const type_names[] = {
    [BOOT_MEM_USABLE] = "usable",
    [BOOT_MEM_RECLAIMABLE] = "reclaimable",
    [BOOT_MEM_ACPI_RECLAIM] = "acpi-reclaim",
    [BOOT_MEM_ACPI_NVS] = "acpi-nvs",
    [BOOT_MEM_FIRMWARE] = "firmware",
    [BOOT_MEM_RESERVED] = "reserved",
    [BOOT_MEM_BAD] = "bad",
    [BOOT_MEM_MMIO] = "mmio",
};

const char *boot_mem_type_name(uint32_t type)
{
    if (type < sizeof(type_names) / sizeof(type_names[0]) && type_names[type])
        return type_names[type];
    return "unknown";
}

static int has_terminator(const char *s, uint32_t size)
{
    return strnlen(s, size) < size;
}

int bootinfo_accept(const struct boot_info *src, struct boot_info *dst, const char **why)
{
    if (src->magic != BOOT_INFO_MAGIC) {
        *why = "bad magic";
        return -1;
    }
    if (src->version != BOOT_INFO_VERSION || src->size != sizeof(*src)) {
        *why = "version or size differs from this kernel's boot_info";
        return -1;
    }
    if (src->protocol != BOOT_PROTOCOL_UEFI && src->protocol != BOOT_PROTOCOL_MULTIBOOT2) {
        *why = "unknown boot protocol";
        return -1;
    }
    if (src->mmap_count == 0 || src->mmap_count > BOOT_MMAP_MAX) {
        *why = "memory map entry count out of range";
        return -1;
    }
    if (!has_terminator(src->cmdline, BOOT_CMDLINE_MAX) ||
        !has_terminator(src->loader_name, BOOT_LOADER_NAME_MAX)) {
        *why = "unterminated command line or loader name";
        return -1;
    }
    if (src->initrd_size && src->initrd_base + src->initrd_size < src->initrd_base) {
        *why = "initrd range wraps around";
        return -1;
    }
    memcpy(dst, src, sizeof(*dst));
    return 0;
}

/* Higher wins where two entries overlap: anything the firmware keeps beats free RAM. */
static int restrictiveness(uint32_t type)
{
    switch (type) {
    case BOOT_MEM_USABLE: return 0;
    case BOOT_MEM_RECLAIMABLE: return 1;
    case BOOT_MEM_ACPI_RECLAIM: return 2;
    case BOOT_MEM_ACPI_NVS: return 3;
    case BOOT_MEM_FIRMWARE: return 4;
    case BOOT_MEM_BAD: return 5;
    case BOOT_MEM_MMIO: return 6;
    default: return 7;      /* reserved and unknown types */
    }
}

static uint64_t region_end(const struct boot_mem_region *r)
{
    return r->base + r->length;
}

static void sort_by_base(struct boot_mem_region *m, uint32_t n)
{
    /* Insertion sort: maps have tens of entries, usually nearly sorted already. */
    for (uint32_t i = 1; i < n; i++) {
        struct boot_mem_region key = m[i];
        uint32_t j = i;
        while (j > 0 && m[j - 1].base > key.base) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = key;
    }
}

static void remove_at(struct boot_info *bi, uint32_t i)
{
    memmove(&bi->mmap[i], &bi->mmap[i + 1], (bi->mmap_count - i - 1) * sizeof(bi->mmap[0]));
    bi->mmap_count--;
}

/* Drops entries that are empty or wrap past 2^64. */
static int drop_invalid(struct boot_info *bi)
{
    int repairs = 0;
    for (uint32_t i = 0; i < bi->mmap_count;) {
        struct boot_mem_region *r = &bi->mmap[i];
        if (r->length == 0 || region_end(r) < r->base) {
            log_warn("memory map: invalid entry base 0x%llx length 0x%llx dropped",
                     (unsigned long long)r->base, (unsigned long long)r->length);
            remove_at(bi, i);
            repairs++;
            continue;
        }
        i++;
    }
    return repairs;
}

/*
 * With the map sorted, resolves an overlap between entries i and i+1. The loser is
 * trimmed; when the winner sits inside a loser, the loser's tail becomes a new entry
 * (or is dropped, with a warning, when the table is full).
 */
static void resolve_overlap(struct boot_info *bi, uint32_t i)
{
    struct boot_mem_region *a = &bi->mmap[i], *b = &bi->mmap[i + 1];
    log_warn("memory map: %s [0x%llx-0x%llx) overlaps %s [0x%llx-0x%llx); keeping %s",
             boot_mem_type_name(a->type), (unsigned long long)a->base,
             (unsigned long long)region_end(a), boot_mem_type_name(b->type),
             (unsigned long long)b->base, (unsigned long long)region_end(b),
             boot_mem_type_name(restrictiveness(a->type) >= restrictiveness(b->type)
                                    ? a->type : b->type));

    if (restrictiveness(a->type) >= restrictiveness(b->type)) {
        /* a wins: b keeps only what lies past a. */
        if (region_end(b) <= region_end(a)) {
            remove_at(bi, i + 1);
            return;
        }
        b->length = region_end(b) - region_end(a);
        b->base = region_end(a);
        sort_by_base(bi->mmap, bi->mmap_count);
        return;
    }
    /* b wins: a keeps what lies before b, and its tail past b if any. */
    uint64_t a_end = region_end(a);
    uint32_t a_type = a->type;
    a->length = b->base - a->base;
    if (a_end > region_end(b)) {
        if (bi->mmap_count == BOOT_MMAP_MAX) {
            log_warn("memory map: table full; tail [0x%llx-0x%llx) dropped",
                     (unsigned long long)region_end(b), (unsigned long long)a_end);
        } else {
            struct boot_mem_region tail = { region_end(b), a_end - region_end(b), a_type, 0 };
            bi->mmap[bi->mmap_count++] = tail;
        }
    }
    if (a->length == 0)
        remove_at(bi, i);
    sort_by_base(bi->mmap, bi->mmap_count);
}

int bootinfo_normalize_mmap(struct boot_info *bi)
{
    int repairs = drop_invalid(bi);
    sort_by_base(bi->mmap, bi->mmap_count);

    for (uint32_t i = 0; i + 1 < bi->mmap_count;) {
        struct boot_mem_region *a = &bi->mmap[i], *b = &bi->mmap[i + 1];
        if (b->base < region_end(a)) {
            resolve_overlap(bi, i);
            repairs++;
            /* Re-examine from the previous pair: if entry i was removed, its successor
               may now touch entry i-1 with the same type. */
            if (i > 0)
                i--;
            continue;
        }
        if (b->base == region_end(a) && a->type == b->type) {
            a->length += b->length;
            remove_at(bi, i + 1);
            continue;
        }
        i++;
    }
    return repairs;
}

static int is_ram(uint32_t type)
{
    return type != BOOT_MEM_RESERVED && type != BOOT_MEM_MMIO;
}

/*
 * Is the reserved entry i a piece of RAM the firmware keeps? Firmware reservations cut
 * out of RAM touch a RAM range; device windows marked reserved (the PCIe configuration
 * window at 0xb0000000 on q35, the BIOS ROM below 4 GiB) stand apart from it.
 */
static int reserved_is_ram(const struct boot_info *bi, uint32_t i)
{
    const struct boot_mem_region *r = &bi->mmap[i];
    if (i > 0 && is_ram(bi->mmap[i - 1].type) && region_end(&bi->mmap[i - 1]) == r->base)
        return 1;
    if (i + 1 < bi->mmap_count && is_ram(bi->mmap[i + 1].type) &&
        bi->mmap[i + 1].base == region_end(r))
        return 1;
    return 0;
}

void bootinfo_summarize(const struct boot_info *bi, struct boot_mem_summary *out)
{
    memset(out, 0, sizeof(*out));
    uint64_t legacy_covered = 0;
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct boot_mem_region *r = &bi->mmap[i];
        uint64_t lo = r->base > LEGACY_HOLE_START ? r->base : LEGACY_HOLE_START;
        uint64_t hi = region_end(r) < LEGACY_HOLE_END ? region_end(r) : LEGACY_HOLE_END;
        if (lo < hi && r->type != BOOT_MEM_MMIO)
            legacy_covered += hi - lo;

        switch (r->type) {
        case BOOT_MEM_USABLE:
        case BOOT_MEM_RECLAIMABLE:
            out->usable += r->length;
            break;
        case BOOT_MEM_ACPI_RECLAIM:
        case BOOT_MEM_ACPI_NVS:
        case BOOT_MEM_FIRMWARE:
        case BOOT_MEM_BAD:
            out->firmware += r->length;
            break;
        case BOOT_MEM_MMIO:
            break;
        default:
            if (reserved_is_ram(bi, i))
                out->reserved += r->length;
            break;
        }
        if ((is_ram(r->type) || reserved_is_ram(bi, i)) && region_end(r) > out->ram_top)
            out->ram_top = region_end(r);
    }
    out->installed = out->usable + out->firmware + out->reserved;
    /* The legacy window below 1 MiB is RAM the maps leave out (or mark reserved). */
    if (out->ram_top > LEGACY_HOLE_END)
        out->installed += (LEGACY_HOLE_END - LEGACY_HOLE_START) - legacy_covered;
}
