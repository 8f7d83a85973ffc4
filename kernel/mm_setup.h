/* Brings up the memory manager for the running kernel (mm_setup.c). */
#ifndef RESERVOIR_MM_SETUP_H
#define RESERVOIR_MM_SETUP_H

#include "boot_info.h"

/* Panics when the memory manager cannot start: nothing can run without it. */
void mm_setup(const struct boot_info *bi);

#endif
