/*
 * COM1 (a 16550 UART at I/O port 0x3f8): the kernel's console on both boot paths.
 * Polled output, no interrupts, so it works from the first instruction to the last panic.
 */
#ifndef RESERVOIR_ARCH_SERIAL_H
#define RESERVOIR_ARCH_SERIAL_H

void serial_init(void);
void serial_putc(char c);

#endif
