/*
 * A new process's PEB: its image base, image path and command line, where userlib's
 * GetModuleHandleA(NULL), GetCommandLineA and IsDebuggerPresent read them, as kernel32
 * does on Windows (the layout: peb.h).
 */
#ifndef RESERVOIR_PROCESS_ENVIRONMENT_H
#define RESERVOIR_PROCESS_ENVIRONMENT_H

#include <stdint.h>

#include "ntstatus.h"
#include "process.h"

/*
 * Allocates the PEB block in p's address space (a region of its own, read-write), fills
 * it and returns its address in *peb. p's page table must be the active one.
 * STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a string longer than a UNICODE_STRING
 * holds; STATUS_NO_MEMORY, STATUS_COMMITMENT_LIMIT or another status of as_allocate or
 * copy_to_user when memory runs out (the region then goes with the address space).
 */
ntstatus_t process_environment_create(struct process *p, uint64_t image_base,
                                      const char *image_path, const char *command_line,
                                      uint64_t *peb);

#endif
