/*
 * value * numerator / denominator in 64 bits without losing the product's high half:
 * the conversions between clock ticks and time units (tsc.c, sys_time.c), where the
 * product of a tick count and a frequency overflows 64 bits long before the quotient
 * does. Portable C (one 64x64->128 multiply the compiler provides, a shift-subtract
 * division), so host tests compare it with the host's 128-bit division.
 */
#ifndef RESERVOIR_LIB_MULDIV_H
#define RESERVOIR_LIB_MULDIV_H

#include <stdint.h>

enum muldiv_rounding {
    MULDIV_DOWN,    /* floor */
    MULDIV_UP,      /* ceiling: a wait never ends early */
};

/*
 * *out = value * numerator / denominator, rounded as asked. Returns 0, or -1 when the
 * denominator is 0 or the quotient does not fit 64 bits (then *out is unchanged).
 */
int muldiv_u64(uint64_t value, uint64_t numerator, uint64_t denominator,
               enum muldiv_rounding rounding, uint64_t *out);

#endif
