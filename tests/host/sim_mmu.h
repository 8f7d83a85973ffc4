/*
 * A simulated machine for host tests of mm/: physical memory (one aligned allocation),
 * the arch interface of mm/arch.h over it, and an MMU that walks the page tables the way
 * an x86-64 CPU does (present, writable with CR0.WP set, user, NX, large pages, reserved
 * bits), with a TLB that keeps translations until they are invalidated.
 */
#ifndef RESERVOIR_SIM_MMU_H
#define RESERVOIR_SIM_MMU_H

#include <stdint.h>

#include "boot_info.h"

/*
 * Allocates mem_bytes of zeroed "physical memory" (a multiple of 2 MiB) and points
 * direct_map_base at it. Resets CR3, the TLB and the counters. Call sim_free() after.
 */
void sim_init(uint64_t mem_bytes);
void sim_free(void);
uint64_t sim_mem_size(void);

/*
 * Fills bi with a normalized memory map of the simulated memory: the first 1 MiB
 * reserved, the rest usable (like a small PC without holes).
 */
void sim_boot_info(struct boot_info *bi);

/* Whether arch_has_1g_pages() answers yes (default yes). */
void sim_set_1g_pages(int enabled);

enum sim_access {
    SIM_READ,
    SIM_WRITE,
    SIM_EXEC,
};

/* The error code sim_access/sim_walk give for a non-canonical address (a #GP, not a #PF). */
#define SIM_ERROR_GP UINT64_MAX

/*
 * Performs one access through the active page table (arch_load_root) as the CPU would,
 * using and filling the TLB. Returns 0 and the physical address in *pa, or -1 with the
 * page-fault error code (trap.h PF_* bits) in *error_code. user: a ring-3 access.
 */
int sim_access(uint64_t va, enum sim_access access, int user, uint64_t *pa,
               uint64_t *error_code);

/* The same walk without the TLB: what the page tables say right now. */
int sim_walk(uint64_t va, enum sim_access access, int user, uint64_t *pa,
             uint64_t *error_code);

/* Counters of TLB maintenance since sim_init(), for batching tests. */
struct sim_counters {
    uint64_t invlpg;            /* arch_invalidate_page calls */
    uint64_t flush;             /* arch_flush_tlb calls */
    uint64_t flush_all;         /* arch_flush_tlb_all calls */
    uint64_t root_loads;        /* arch_load_root calls */
};
void sim_counters(struct sim_counters *out);

#endif
