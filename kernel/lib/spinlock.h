/*
 * Spinlocks. Reservoir runs on one CPU with interrupts off in the kernel for now, so a
 * lock is never contended; taking one still documents and checks who may touch what:
 * functions named *_locked ASSERT(spin_held(&lock)).
 */
#ifndef RESERVOIR_LIB_SPINLOCK_H
#define RESERVOIR_LIB_SPINLOCK_H

struct spinlock {
    volatile int locked;
    const char *name;
};

#define SPINLOCK_INIT(n) { 0, n }

static inline void spin_lock(struct spinlock *l)
{
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
}

static inline void spin_unlock(struct spinlock *l)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline int spin_held(const struct spinlock *l)
{
    return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

#endif
