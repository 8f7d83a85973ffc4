/*
 * boot_info: the one contract between a boot path and the kernel.
 *
 * Each boot path (GRUB Multiboot2 on BIOS, the GNU-EFI loader on UEFI) fills one
 * struct boot_info and enters the kernel. After that point the kernel never looks at a
 * Multiboot2 tag or a UEFI table again: everything it knows about how it was booted is here.
 *
 * The layout is fixed (fixed-width fields, explicit padding) because the EFI loader is a
 * separate program compiled with different flags. Bump BOOT_INFO_VERSION on any change.
 *
 * Entry conventions (see docs/boot.md):
 *   - Multiboot2: GRUB enters _start32 in 32-bit protected mode (EAX = magic, EBX = the
 *     information block). The kernel converts the tags into a struct boot_info itself.
 *   - UEFI: the loader enters _start64 (the ELF e_entry) in long mode with boot services
 *     exited, interrupts off, RDI = BOOT_INFO_MAGIC and RSI = the physical address of a
 *     struct boot_info that lies, like the loader's code, in identity-mapped memory below
 *     4 GiB. The kernel copies the structure before it reuses any memory.
 */
#ifndef RESERVOIR_BOOT_INFO_H
#define RESERVOIR_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC   0x544f4f4256534552ull /* "RESVBOOT" in memory order */
#define BOOT_INFO_VERSION 1u

#define BOOT_MMAP_MAX     512u
#define BOOT_CMDLINE_MAX  1024u
#define BOOT_LOADER_NAME_MAX 32u

/* What a physical range holds, reduced from e820 / EFI memory types. */
enum boot_mem_type {
    BOOT_MEM_USABLE = 1,        /* free RAM */
    BOOT_MEM_RECLAIMABLE = 2,   /* RAM the loader used (boot services, loader data):
                                   free once the kernel has copied what it needs */
    BOOT_MEM_ACPI_RECLAIM = 3,  /* ACPI tables: RAM, free after the tables are parsed */
    BOOT_MEM_ACPI_NVS = 4,      /* RAM the firmware keeps across sleep */
    BOOT_MEM_FIRMWARE = 5,      /* RAM for UEFI runtime services */
    BOOT_MEM_RESERVED = 6,      /* not for the OS: may or may not be RAM */
    BOOT_MEM_BAD = 7,           /* RAM that failed the firmware's test */
    BOOT_MEM_MMIO = 8,          /* device registers, never RAM */
};

struct boot_mem_region {
    uint64_t base;              /* physical address, in bytes */
    uint64_t length;            /* in bytes, never 0 */
    uint32_t type;              /* enum boot_mem_type */
    uint32_t pad;
};

enum boot_protocol {
    BOOT_PROTOCOL_MULTIBOOT2 = 1,
    BOOT_PROTOCOL_UEFI = 2,
};

struct boot_framebuffer {
    uint64_t addr;              /* physical address; 0 when there is no framebuffer */
    uint32_t width;             /* pixels */
    uint32_t height;            /* pixels */
    uint32_t pitch;             /* bytes per scan line */
    uint8_t bpp;                /* bits per pixel */
    uint8_t pad[3];
};

struct boot_info {
    uint64_t magic;             /* BOOT_INFO_MAGIC */
    uint32_t version;           /* BOOT_INFO_VERSION */
    uint32_t size;              /* sizeof(struct boot_info) as the loader saw it */
    uint32_t protocol;          /* enum boot_protocol */
    uint32_t mmap_count;        /* valid entries in mmap[] */
    uint32_t mmap_truncated;    /* non-zero: the firmware map had more than BOOT_MMAP_MAX
                                   entries after merging; the rest were dropped */
    uint32_t pad;
    char loader_name[BOOT_LOADER_NAME_MAX];  /* NUL-terminated */
    char cmdline[BOOT_CMDLINE_MAX];          /* NUL-terminated, may be empty */
    uint64_t initrd_base;       /* physical; 0 with initrd_size 0 when there is none */
    uint64_t initrd_size;
    uint64_t rsdp;              /* physical address of the ACPI RSDP, 0 if unknown */
    struct boot_framebuffer fb;
    /* As the firmware reported them (adjacent entries of one type may be merged by the
       loader to fit). The kernel sorts them and checks them for overlaps itself. */
    struct boot_mem_region mmap[BOOT_MMAP_MAX];
};

#endif
