/*
 * Commit charge (commit.h): a limit, the total charged against it, and its peak, under one
 * lock.
 *
 * Invariant: charged <= limit, except after commit_init lowered the limit below what is
 * already charged (tests do not; the kernel sets the limit once); charges only shrink
 * then.
 */
#include "commit.h"

#include "lib/panic.h"
#include "lib/spinlock.h"

static struct spinlock commit_lock = SPINLOCK_INIT("commit");
static uint64_t commit_limit;
static uint64_t commit_charged;
static uint64_t commit_peak;

void commit_init(uint64_t limit_pages)
{
    spin_lock(&commit_lock);
    commit_limit = limit_pages;
    commit_charged = 0;
    commit_peak = 0;
    spin_unlock(&commit_lock);
}

ntstatus_t commit_charge(uint64_t pages)
{
    ntstatus_t status = STATUS_SUCCESS;
    spin_lock(&commit_lock);
    /* Written so that it cannot overflow. */
    if (pages != 0 &&
        (commit_charged > commit_limit || pages > commit_limit - commit_charged)) {
        status = STATUS_COMMITMENT_LIMIT;
    } else {
        commit_charged += pages;
        if (commit_charged > commit_peak)
            commit_peak = commit_charged;
    }
    spin_unlock(&commit_lock);
    return status;
}

void commit_uncharge(uint64_t pages)
{
    spin_lock(&commit_lock);
    if (pages > commit_charged) {
        uint64_t charged = commit_charged;
        spin_unlock(&commit_lock);
        panic("commit_uncharge(%llu pages): only %llu pages are charged",
              (unsigned long long)pages, (unsigned long long)charged);
    }
    commit_charged -= pages;
    spin_unlock(&commit_lock);
}

void commit_stats(struct commit_stats *out)
{
    spin_lock(&commit_lock);
    out->limit = commit_limit;
    out->charged = commit_charged;
    out->peak = commit_peak;
    spin_unlock(&commit_lock);
}
