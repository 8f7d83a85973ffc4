/*
 * Checking what a boot path handed over (boot/boot_info.h) before the kernel relies on it:
 * the structure itself, and the firmware memory map, which may come unsorted, with
 * zero-length or overlapping entries, or with ranges that wrap around 2^64.
 */
#ifndef RESERVOIR_BOOTINFO_H
#define RESERVOIR_BOOTINFO_H

#include <stdint.h>

#include "boot_info.h"

/*
 * Copies a loader-built boot_info into *dst after checking magic, version, size,
 * protocol, mmap_count and the termination of its strings. Returns 0, or -1 with the
 * reason in *why (dst is then unspecified).
 */
int bootinfo_accept(const struct boot_info *src, struct boot_info *dst, const char **why);

/*
 * Puts bi->mmap in order: sorted by base, zero-length and wrapping entries dropped,
 * overlaps resolved in favour of the more restrictive type (reserved beats usable),
 * adjacent entries of one type merged. Each repair is logged as a warning naming the
 * ranges involved. Returns the number of repairs (0 for a clean map).
 */
int bootinfo_normalize_mmap(struct boot_info *bi);

struct boot_mem_summary {
    uint64_t usable;        /* USABLE + RECLAIMABLE: what the kernel may allocate */
    uint64_t firmware;      /* ACPI tables, ACPI NVS, UEFI runtime, bad RAM */
    uint64_t reserved;      /* RESERVED entries that touch RAM: RAM the firmware keeps */
    uint64_t installed;     /* usable + firmware + reserved: the RAM the machine has */
    uint64_t ram_top;       /* end of the highest range counted in installed */
};

/* Sums a normalized map by kind. */
void bootinfo_summarize(const struct boot_info *bi, struct boot_mem_summary *out);

const char *boot_mem_type_name(uint32_t type);

#endif
