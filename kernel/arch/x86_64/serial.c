/*
 * Polled 16550 UART driver for COM1 and COM2 (serial.h). 115200 baud, 8N1, FIFO on.
 */
#include "serial.h"

#include "cpu.h"

#define COM1        0x3f8
#define COM2        0x2f8
#define REG_DATA    0       /* DLAB=0: transmit/receive; DLAB=1: divisor low */
#define REG_IER     1       /* DLAB=0: interrupt enable; DLAB=1: divisor high */
#define REG_FCR     2
#define REG_LCR     3
#define REG_MCR     4
#define REG_LSR     5
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB    0x80
#define LCR_8N1     0x03

static void put_raw(uint16_t port, char c)
{
    /* Bounded wait: a missing UART must not hang the kernel (reads then return 0xff). */
    for (int spins = 0; spins < 100000; spins++) {
        if (inb(port + REG_LSR) & LSR_THR_EMPTY)
            break;
    }
    outb(port + REG_DATA, (uint8_t)c);
}

static void init_port(uint16_t port)
{
    outb(port + REG_IER, 0x00);
    outb(port + REG_LCR, LCR_DLAB);
    outb(port + REG_DATA, 1);           /* divisor 1: 115200 baud */
    outb(port + REG_IER, 0);
    outb(port + REG_LCR, LCR_8N1);
    outb(port + REG_FCR, 0xc7);         /* enable and clear FIFOs, 14-byte threshold */
    outb(port + REG_MCR, 0x03);         /* DTR, RTS */
}

/*
 * Firmware may have written to COM2 before us (OVMF makes every serial port a console),
 * so the program-output port starts with a marker line: a runner drops everything up to
 * it (tools/qemu-run.sh --program-stdout).
 */
static const char program_output_marker[] = "\n" SERIAL_PROGRAM_OUTPUT_MARKER "\n";

void serial_init(void)
{
    init_port(COM1);
    init_port(COM2);
    for (const char *p = program_output_marker; *p; p++)
        put_raw(COM2, *p);
}

void serial_putc(char c)
{
    if (c == '\n')
        put_raw(COM1, '\r');
    put_raw(COM1, c);
}

void serial_program_putc(char c)
{
    put_raw(COM2, c);
}
