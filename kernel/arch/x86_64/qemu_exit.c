/* Ends the QEMU run through isa-debug-exit (qemu_exit.h). */
#include "qemu_exit.h"

#include "cpu.h"

#define DEBUG_EXIT_PORT 0xf4

void qemu_exit(enum qemu_exit_code code)
{
    cli();
    outl(DEBUG_EXIT_PORT, code);
    for (;;)
        halt();
}
