/* The program named on the kernel command line (first_program.c). */
#ifndef RESERVOIR_FIRST_PROGRAM_H
#define RESERVOIR_FIRST_PROGRAM_H

#include <stdint.h>

#include "boot_info.h"

/*
 * Finds argv[0] in the initrd and runs it with argv[0..argc) and command_line (the raw
 * text the words came from, for GetCommandLineA). Returns 0 with the exit
 * status in *exit_status, or -1 after logging why it could not run (no initrd, a
 * malformed initrd, no such program, an image that is not a valid executable).
 */
int first_program_run(const struct boot_info *bi, int argc, char *const argv[],
                      const char *command_line, uint32_t *exit_status);

#endif
