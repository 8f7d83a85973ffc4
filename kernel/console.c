/*
 * The kernel's console and how a panic ends, on real (or emulated) hardware: text goes to
 * COM1, and a panic ends the QEMU run with EXIT_PANIC_CODE. Host tests provide their own.
 */
#include "arch/x86_64/qemu_exit.h"
#include "arch/x86_64/serial.h"
#include "lib/log.h"
#include "lib/panic.h"

void console_putc(char c)
{
    serial_putc(c);
}

void panic_halt(void)
{
    qemu_exit(EXIT_PANIC_CODE);
}
