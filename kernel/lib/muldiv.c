/* value * numerator / denominator without intermediate overflow (muldiv.h). */
#include "muldiv.h"

int muldiv_u64(uint64_t value, uint64_t numerator, uint64_t denominator,
               enum muldiv_rounding rounding, uint64_t *out)
{
    if (denominator == 0)
        return -1;
    unsigned __int128 product = (unsigned __int128)value * numerator;
    uint64_t high = (uint64_t)(product >> 64), low = (uint64_t)product;
    if (high >= denominator)
        return -1;      /* the quotient needs more than 64 bits */

    /* Long division of high:low by denominator, one bit at a time. The remainder stays
       below the denominator, so remainder << 1 | bit fits in 65 bits: the carry out of
       the shift is kept in `top`. (The compiler's 128-by-64 division would call libgcc,
       which the kernel does not link.) */
    uint64_t remainder = high, quotient = 0;
    for (int bit = 63; bit >= 0; bit--) {
        uint64_t top = remainder >> 63;
        remainder = remainder << 1 | ((low >> bit) & 1);
        quotient <<= 1;
        if (top || remainder >= denominator) {
            remainder -= denominator;
            quotient |= 1;
        }
    }
    if (rounding == MULDIV_UP && remainder != 0) {
        if (quotient == UINT64_MAX)
            return -1;
        quotient++;
    }
    *out = quotient;
    return 0;
}
