/*
 * Symbol lookup (ksyms.h). The generated table holds function start addresses sorted
 * ascending, and the end of the kernel's text as a last sentinel entry, so a lookup is
 * a binary search for the last start <= addr.
 */
#include "ksyms.h"

extern const uint64_t ksyms_count;          /* entries, sentinel excluded */
extern const uint64_t ksyms_addrs[];        /* ksyms_count + 1 entries */
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
    uint64_t n = ksyms_count;
    if (n == 0 || addr < ksyms_addrs[0] || addr >= ksyms_addrs[n])
        return 0;

    uint64_t lo = 0, hi = n;        /* invariant: addrs[lo] <= addr < addrs[hi] */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - ksyms_addrs[lo];
    return ksyms_names + ksyms_name_offsets[lo];
}

#include "ktest.h"

KTEST(ksyms, names_kernel_functions)
{
    uint64_t offset = 99;
    const char *name = ksym_lookup((uint64_t)(uintptr_t)&ksym_lookup, &offset);
    KASSERT(name != 0);
    KEXPECT(name[0] == 'k' && name[4] == '_' && name[5] == 'l');   /* "ksym_lookup" */
    KEXPECT_EQ(offset, 0);
    name = ksym_lookup((uint64_t)(uintptr_t)&ksym_lookup + 3, &offset);
    KEXPECT_EQ(offset, 3);
    KEXPECT(ksym_lookup(0x1000, &offset) == 0);
}
