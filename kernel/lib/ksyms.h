/*
 * The kernel's own symbol table, for backtraces and panic reports. It is generated from
 * the linked kernel by tools/gen-ksyms.sh and linked back in (the Makefile links three
 * times so that the table describes the image that contains it).
 */
#ifndef RESERVOIR_LIB_KSYMS_H
#define RESERVOIR_LIB_KSYMS_H

#include <stdint.h>

/*
 * Returns the name of the function containing addr and sets *offset to addr minus its
 * start, or returns NULL when addr is outside every known function.
 */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

#endif
