/*
 * User stacks (user_stack.h): RtlCreateUserStack's layout and MiCheckForUserStackOverflow's
 * growth, over the address-space calls. Sources: Windows Research Kernel
 * base/ntos/rtl/rtlexec.c (RtlpCreateStack) and base/ntos/mm/acceschk.c
 * (MiCheckForUserStackOverflow); docs/vm.md has the rules.
 *
 * Growth happens in two steps, each under as->lock: the fault path clears the guard
 * (fault.c, rule 3), then this commits the next one. Between them nothing else runs on
 * this address space (one thread per process); NT drops its locks between them too.
 */
#include "user_stack.h"

#include "nt_memory.h"

static ntstatus_t commit(struct address_space *as, uint64_t va, uint64_t size, uint32_t prot)
{
    return as_allocate(as, &va, &size, MEM_COMMIT, prot);
}

ntstatus_t user_stack_create(struct address_space *as, uint64_t reserve, uint64_t commit_size,
                             struct user_stack *stack)
{
    if (commit_size == 0 || commit_size > reserve || (reserve & (PAGE_SIZE - 1)) != 0 ||
        (commit_size & (PAGE_SIZE - 1)) != 0)
        return STATUS_INVALID_PARAMETER;
    uint64_t base = 0, size = reserve;
    ntstatus_t status = as_allocate(as, &base, &size, MEM_RESERVE | MEM_TOP_DOWN,
                                    PAGE_READWRITE);
    if (!nt_success(status))
        return status;

    uint64_t top = base + reserve;
    int guard = commit_size < reserve;          /* "if we have space, create a guard page" */
    uint64_t low = top - commit_size - (guard ? PAGE_SIZE : 0);
    status = commit(as, low, top - low, PAGE_READWRITE);
    if (nt_success(status) && guard)
        status = commit(as, low, PAGE_SIZE, PAGE_READWRITE | PAGE_GUARD);
    if (!nt_success(status)) {
        uint64_t zero = 0;
        as_free(as, &base, &zero, MEM_RELEASE);
        return status;
    }
    *stack = (struct user_stack){
        .deallocation = base,
        .base = top,
        .limit = guard ? low + PAGE_SIZE : low,
    };
    return STATUS_SUCCESS;
}

ntstatus_t user_stack_grow(struct address_space *as, struct user_stack *stack, uint64_t va)
{
    if (va < stack->deallocation || va >= stack->base)
        return STATUS_GUARD_PAGE_VIOLATION;
    uint64_t page = va & ~(PAGE_SIZE - 1);
    uint64_t next_guard = page - PAGE_SIZE;

    /* No room for another guard above the last page: commit the page above the last one
       and report the overflow. The last page (deallocation) is never committed. */
    if (next_guard - PAGE_SIZE <= stack->deallocation) {
        uint64_t spare = stack->deallocation + PAGE_SIZE;
        if (nt_success(commit(as, spare, PAGE_SIZE, PAGE_READWRITE)))
            stack->limit = spare;
        return STATUS_STACK_OVERFLOW;
    }
    stack->limit = page;
    if (!nt_success(commit(as, next_guard, PAGE_SIZE, PAGE_READWRITE | PAGE_GUARD)))
        return STATUS_STACK_OVERFLOW;
    return STATUS_SUCCESS;
}
