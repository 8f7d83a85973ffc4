/*
 * Polled 16550 UART driver for COM1 (serial.h). 115200 baud, 8N1, FIFO on.
 * A '\n' is sent as "\r\n" so that raw terminals and log files both read well.
 */
#include "serial.h"

#include "cpu.h"

#define COM1        0x3f8
#define REG_DATA    0       /* DLAB=0: transmit/receive; DLAB=1: divisor low */
#define REG_IER     1       /* DLAB=0: interrupt enable; DLAB=1: divisor high */
#define REG_FCR     2
#define REG_LCR     3
#define REG_MCR     4
#define REG_LSR     5
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB    0x80
#define LCR_8N1     0x03

void serial_init(void)
{
    outb(COM1 + REG_IER, 0x00);
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DATA, 1);           /* divisor 1: 115200 baud */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_8N1);
    outb(COM1 + REG_FCR, 0xc7);         /* enable and clear FIFOs, 14-byte threshold */
    outb(COM1 + REG_MCR, 0x03);         /* DTR, RTS */
}

static void put_raw(char c)
{
    /* Bounded wait: a missing UART must not hang the kernel (reads then return 0xff). */
    for (int spins = 0; spins < 100000; spins++) {
        if (inb(COM1 + REG_LSR) & LSR_THR_EMPTY)
            break;
    }
    outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_putc(char c)
{
    if (c == '\n')
        put_raw('\r');
    put_raw(c);
}
