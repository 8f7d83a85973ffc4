/*
 * The parts of the Multiboot2 specification (version 2.0) that Reservoir uses: header
 * constants for entry32.S and the information-block tags multiboot2.c reads.
 */
#ifndef RESERVOIR_MULTIBOOT2_H
#define RESERVOIR_MULTIBOOT2_H

#define MULTIBOOT2_HEADER_MAGIC             0xe85250d6
#define MULTIBOOT2_BOOTLOADER_MAGIC         0x36d76289
#define MULTIBOOT2_ARCH_I386                0
#define MULTIBOOT2_HEADER_TAG_END           0
#define MULTIBOOT2_HEADER_TAG_ENTRY_ADDRESS 3

#ifndef __ASSEMBLER__
#include <stdint.h>

enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER_NAME = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_BASIC_MEMINFO = 4,
    MB2_TAG_MMAP = 6,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_EFI_MMAP = 17,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
};

/* e820 types as Multiboot2 passes them on. */
enum mb2_mmap_type {
    MB2_MEM_AVAILABLE = 1,
    MB2_MEM_RESERVED = 2,
    MB2_MEM_ACPI_RECLAIMABLE = 3,
    MB2_MEM_NVS = 4,
    MB2_MEM_BADRAM = 5,
};

struct mb2_info_header {
    uint32_t total_size;
    uint32_t reserved;
};

struct mb2_tag {
    uint32_t type;
    uint32_t size;              /* including this header, excluding padding to 8 */
};

struct mb2_tag_string {         /* CMDLINE and LOADER_NAME */
    uint32_t type;
    uint32_t size;
    char string[];
};

struct mb2_tag_module {
    uint32_t type;
    uint32_t size;
    uint32_t mod_start;
    uint32_t mod_end;
    char string[];
};

struct mb2_mmap_entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
    uint32_t zero;
};

struct mb2_tag_mmap {
    uint32_t type;
    uint32_t size;
    uint32_t entry_size;
    uint32_t entry_version;
    /* entries follow, entry_size bytes apart */
};

struct mb2_tag_framebuffer {
    uint32_t type;
    uint32_t size;
    uint64_t addr;
    uint32_t pitch;
    uint32_t width;
    uint32_t height;
    uint8_t bpp;
    uint8_t fb_type;
    uint16_t reserved;
};

struct boot_info;

/*
 * Fills *bi from the information block at physical address info (identity mapped).
 * Returns 0, or -1 when the block is malformed (sizes out of bounds, no memory map), with
 * the reason in *why.
 */
int multiboot2_parse(uint64_t info, struct boot_info *bi, const char **why);
#endif

#endif
