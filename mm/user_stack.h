/*
 * A thread's user-mode stack, laid out and grown the way Windows does it (docs/vm.md,
 * "The user stack"): one reservation, the top pages committed read-write, and below them
 * one PAGE_READWRITE | PAGE_GUARD page. Touching the guard page commits the page below it
 * as the new guard and the access resumes; no exception reaches the program. When the
 * guard reaches the bottom of the reservation, the page above the last one is committed
 * without a guard and STATUS_STACK_OVERFLOW is raised; the last page is never committed.
 *
 *        base ─▶ +-------------------+  StackBase (TEB 0x08)
 *                | committed, RW     |
 *       limit ─▶ +-------------------+  StackLimit (TEB 0x10)
 *                | guard, RW | GUARD |
 *                +-------------------+
 *                | reserved          |
 * deallocation ─▶+-------------------+  DeallocationStack (TEB 0x1478)
 *
 * The bounds live here, in the kernel. NT's MiCheckForUserStackOverflow reads StackBase
 * and DeallocationStack from the TEB, which the program can write; Reservoir decides from
 * its own copy and only writes the TEB for the program to read.
 *
 * Built on the address-space calls (as_allocate, as_protect): nothing here touches a PTE.
 * Portable: the host tests run it against the simulated MMU.
 */
#ifndef RESERVOIR_MM_USER_STACK_H
#define RESERVOIR_MM_USER_STACK_H

#include <stdint.h>

#include "address_space.h"
#include "arch.h"
#include "ntstatus.h"

/* The PE defaults (SizeOfStackReserve, SizeOfStackCommit): MSVC's /STACK, 1 MiB and 4 KiB. */
#define USER_STACK_DEFAULT_RESERVE (1ull << 20)
#define USER_STACK_DEFAULT_COMMIT  PAGE_SIZE

struct user_stack {
    uint64_t deallocation;  /* the reservation's base: DeallocationStack */
    uint64_t base;          /* one past its highest byte: StackBase */
    uint64_t limit;         /* the lowest committed page above the guard: StackLimit */
};

/*
 * Reserves reserve bytes at the highest free place (MEM_TOP_DOWN) and commits the top
 * commit bytes PAGE_READWRITE, plus one guard page below them when the reservation has
 * room (RtlCreateUserStack's layout). reserve and commit are multiples of PAGE_SIZE with
 * 0 < commit <= reserve. Fills *stack.
 * Returns STATUS_SUCCESS; STATUS_INVALID_PARAMETER for sizes that break the rule above;
 * or what as_allocate / as_protect return (STATUS_NO_MEMORY, STATUS_COMMITMENT_LIMIT,
 * STATUS_INSUFFICIENT_RESOURCES); on failure nothing stays reserved.
 * Lock: none held (the as_* calls take as->lock).
 */
ntstatus_t user_stack_create(struct address_space *as, uint64_t reserve, uint64_t commit,
                             struct user_stack *stack);

/*
 * What to do after as_handle_fault answered STATUS_GUARD_PAGE_VIOLATION for va (the guard
 * is already cleared): NT's MiCheckForUserStackOverflow with no stack guarantee.
 *   - va outside [deallocation, base): not a stack fault → STATUS_GUARD_PAGE_VIOLATION;
 *   - at least two pages left below va's page: the page below becomes the guard,
 *     limit = va's page → STATUS_SUCCESS (retry the access);
 *   - otherwise the page just above deallocation is committed read-write, no guard,
 *     limit = that page → STATUS_STACK_OVERFLOW (raise it in the thread).
 * When the commit fails (commit limit, no page table) the result is STATUS_STACK_OVERFLOW
 * too, as in NT; the page va is on stays usable either way.
 * Lock: none held.
 */
ntstatus_t user_stack_grow(struct address_space *as, struct user_stack *stack, uint64_t va);

#endif
