/*
 * The serial ports: 16550 UARTs, polled, no interrupts, so they work from the first
 * instruction to the last panic.
 *   COM1 (0x3f8): the kernel's console on both boot paths: log, test output, and a copy
 *                 of what programs write, so one log holds the whole story.
 *   COM2 (0x2f8): what programs write, and nothing else, so a runner can hand a program's
 *                 output to its user untouched (tools/qemu-run.sh puts it on stdout).
 * Writing to a UART that does not exist is harmless: its registers read as 0xff.
 */
#ifndef RESERVOIR_ARCH_SERIAL_H
#define RESERVOIR_ARCH_SERIAL_H

/* The line COM2 starts with; what comes before it is not the program's. */
#define SERIAL_PROGRAM_OUTPUT_MARKER "##reservoir-program-output##"

void serial_init(void);

/* COM1; '\n' goes out as "\r\n" for terminals and log files. */
void serial_putc(char c);

/* COM2, byte for byte. */
void serial_program_putc(char c);

#endif
