/*
 * Processes. For now there is one at a time, with one thread, run to completion from
 * kernel_main: process_run() builds an address space, maps a static ELF executable into
 * it, gives it a stack, its arguments and a TEB, and enters it in ring 3 until it ends.
 */
#ifndef RESERVOIR_PROCESS_H
#define RESERVOIR_PROCESS_H

#include <stdint.h>

#include "mm/address_space.h"
#include "mm/user_stack.h"
#include "ntstatus.h"

#define PROCESS_ARGS_MAX      64

struct process {
    struct address_space as;
    uint64_t id;
    uint64_t teb;           /* user address of the thread's TEB */
    struct user_stack stack;    /* the thread's stack; the kernel's copy of its bounds */
    uint64_t stack_overflow_at; /* the address of the last fault that overflowed it */
    uint64_t exception_dispatcher;  /* user address, 0 until crt0 names it */
};

/* The running process, or NULL while the kernel runs none. */
extern struct process *current_process;

/*
 * Called by the trap handler when a fault on va hit a guard page (as_handle_fault said
 * STATUS_GUARD_PAGE_VIOLATION and cleared it): grows p's stack if va is in it and tells
 * the TEB the new StackLimit (user_stack_grow). Returns STATUS_SUCCESS (retry the
 * access), STATUS_STACK_OVERFLOW (raise it) or STATUS_GUARD_PAGE_VIOLATION (not the
 * stack: raise that). Lock: none held; p is the running process.
 */
ntstatus_t process_stack_guard_hit(struct process *p, uint64_t va);

/*
 * Runs the executable image[0..size) with argv[0..argc) (argv[0] is the program's
 * name) and returns when it ends, with its exit status in *exit_status. command_line
 * (NULL: empty) is the text the process's GetCommandLineA returns, kept in its PEB.
 * Returns STATUS_SUCCESS once the process ran; STATUS_INVALID_IMAGE_FORMAT (the reason is
 * logged), STATUS_INVALID_PARAMETER (too many or too long arguments) or a memory status
 * when it could not start. Everything the process held is released before returning.
 * Caller: kernel_main; no process may be running.
 */
ntstatus_t process_run(const void *image, uint64_t size, int argc, char *const argv[],
                       const char *command_line, uint32_t *exit_status);

#endif
