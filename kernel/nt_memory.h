/*
 * The virtual-memory vocabulary of the NT API, shared by the memory manager, the system
 * calls and userlib: page protections, allocation types, region states and the layout of
 * MEMORY_BASIC_INFORMATION. The names and values are Windows' own (winnt.h), because they
 * cross the system-call boundary unchanged.
 *
 * Sources: Microsoft Learn, "Memory Protection Constants", "VirtualAlloc function",
 * "MEMORY_BASIC_INFORMATION structure".
 */
#ifndef RESERVOIR_NT_MEMORY_H
#define RESERVOIR_NT_MEMORY_H

#include <stdint.h>

/* Base protections: exactly one of these. */
#define PAGE_NOACCESS          0x01u
#define PAGE_READONLY          0x02u
#define PAGE_READWRITE         0x04u
#define PAGE_WRITECOPY         0x08u
#define PAGE_EXECUTE           0x10u
#define PAGE_EXECUTE_READ      0x20u
#define PAGE_EXECUTE_READWRITE 0x40u
#define PAGE_EXECUTE_WRITECOPY 0x80u
/* Modifiers. */
#define PAGE_GUARD             0x100u
#define PAGE_NOCACHE           0x200u
#define PAGE_WRITECOMBINE      0x400u

/* Allocation types (NtAllocateVirtualMemory / NtFreeVirtualMemory). */
#define MEM_COMMIT             0x00001000u
#define MEM_RESERVE            0x00002000u
#define MEM_DECOMMIT           0x00004000u
#define MEM_RELEASE            0x00008000u
#define MEM_FREE               0x00010000u     /* a state, in MEMORY_BASIC_INFORMATION */
#define MEM_PRIVATE            0x00020000u     /* a type */
#define MEM_MAPPED             0x00040000u     /* a type */
#define MEM_RESET              0x00080000u
#define MEM_TOP_DOWN           0x00100000u
#define MEM_WRITE_WATCH        0x00200000u
#define MEM_PHYSICAL           0x00400000u
#define MEM_RESET_UNDO         0x01000000u
#define MEM_LARGE_PAGES        0x20000000u
#define MEM_IMAGE              0x01000000u     /* a type (same value as MEM_RESET_UNDO) */

/* Windows x64's user address space and granularity (GetSystemInfo). */
#define USER_MIN_ADDRESS       0x0000000000010000ull
#define USER_MAX_ADDRESS       0x00007ffffffeffffull   /* last usable byte */
#define ALLOCATION_GRANULARITY 0x10000ull

/* MEMORY_BASIC_INFORMATION, x64 layout (48 bytes). */
struct memory_basic_information {
    uint64_t base_address;
    uint64_t allocation_base;
    uint32_t allocation_protect;
    uint16_t partition_id;
    uint16_t pad0;
    uint64_t region_size;
    uint32_t state;
    uint32_t protect;
    uint32_t type;
    uint32_t pad1;
};

_Static_assert(sizeof(struct memory_basic_information) == 48,
               "MEMORY_BASIC_INFORMATION is 48 bytes on x64");

#endif
