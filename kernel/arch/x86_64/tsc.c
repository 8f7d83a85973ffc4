/*
 * The time-stamp counter as the kernel's clock (tsc.h).
 *
 * Frequency. The TSC counts at a constant rate on every CPU that reports an invariant
 * TSC (CPUID 80000007h EDX bit 8); that rate is measured here against the PIT's
 * channel 2, whose input clock is 1.193182 MHz on every PC. The channel counts down from
 * 65536 over and over (mode 2, gate open through port 61h, speaker off); the count is
 * latched and read at the start and again once 20 ms have passed, and each of those two
 * reads is timed by a TSC read on either side of it, the tightest of eight kept. The
 * TSC difference between the two reads' middles over the PIT ticks between them is the
 * rate. Three runs, and the median is kept. Measured here (QEMU 7.2 TCG on a 2096.0 MHz
 * host): 2096.00-2096.05 MHz per run. An earlier version timed from loading a count to
 * OUT2 rising (port 61h bit 5), as some kernels do; under TCG that read 15-20 % high
 * and scattered by +-15 %, because the time between the port write and the next
 * instruction (translation, the emulated port) counts in the TSC but not in the PIT.
 *
 * Why not CPUID 15h/16h first, as Windows does where the CPU gives them: under QEMU's
 * TCG (how Reservoir runs here) the guest's RDTSC returns the host's TSC, so it advances
 * at the host's rate, while CPUID describes the emulated CPU; and the PIT is emulated
 * on the host's clock. The PIT measurement is right under TCG, under KVM and on real
 * hardware; CPUID's figures are logged beside it and used only when the PIT does not
 * answer (a count that never moves within a bounded number of reads). Here CPUID
 * reports neither leaf (0 Hz in the boot log).
 */
#include "tsc.h"

#include "cpu.h"
#include "lib/log.h"
#include "lib/muldiv.h"

#define PIT_HZ              1193182u
#define PIT_CHANNEL2        0x42
#define PIT_COMMAND         0x43
#define PIT_CH2_LOHI_MODE2  0xB4        /* channel 2, low then high byte, mode 2, binary */
#define PIT_CH2_LATCH       0x80        /* latch channel 2's count */
#define PORT_B              0x61
#define PORT_B_GATE2        0x01
#define PORT_B_SPEAKER      0x02

#define CALIBRATION_PIT_TICKS 23864u    /* 20 ms, well inside one 65536-tick period */
#define CALIBRATION_RUNS      3
#define BRACKET_TRIES         8         /* reads per end; the tightest one is kept */
#define POLL_LIMIT            2000000u  /* counter reads; about a second under TCG */
#define FALLBACK_HZ           1000000000ull

static uint64_t start_tsc;
static uint64_t frequency_hz;

static inline void cpu_pause(void)
{
    __asm__ volatile("pause");
}

/* One latched read of channel 2's count, with the TSC just before and after it. */
struct pit_sample {
    uint16_t count;
    uint64_t tsc;           /* the middle of the read */
    uint64_t spread;        /* TSC ticks the read took: its uncertainty */
};

static struct pit_sample read_pit(void)
{
    uint64_t before = rdtsc();
    outb(PIT_COMMAND, PIT_CH2_LATCH);
    uint8_t low = inb(PIT_CHANNEL2), high = inb(PIT_CHANNEL2);
    uint64_t after = rdtsc();
    return (struct pit_sample){ (uint16_t)(low | high << 8), before + (after - before) / 2,
                                after - before };
}

/* The tightest of a few consecutive reads: a read the host interrupted (a QEMU thread
   descheduled mid-read) shows it as a wide spread and loses. */
static struct pit_sample best_read(void)
{
    struct pit_sample best = read_pit();
    for (int i = 1; i < BRACKET_TRIES; i++) {
        struct pit_sample s = read_pit();
        if (s.spread < best.spread)
            best = s;
    }
    return best;
}

/*
 * TSC ticks during `elapsed` PIT ticks: channel 2 counts down from 65536 over and over
 * (mode 2); one tight read at the start, polling until CALIBRATION_PIT_TICKS have
 * passed, one tight read at the end. Both ends are timed by the TSC read around the
 * count itself, so a delay before or after a read does not enter the measurement.
 * Returns 0 if the counter never moves (no PIT).
 */
static uint64_t measure_one_run(uint32_t *elapsed)
{
    uint8_t port_b = inb(PORT_B);
    outb(PORT_B, (uint8_t)((port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
    outb(PIT_COMMAND, PIT_CH2_LOHI_MODE2);
    outb(PIT_CHANNEL2, 0);
    outb(PIT_CHANNEL2, 0);              /* reload 0 = 65536 */

    struct pit_sample first = best_read(), last = first;
    uint64_t ticks = 0;
    for (uint32_t i = 0; i < POLL_LIMIT; i++) {
        uint16_t passed = (uint16_t)(first.count - read_pit().count);
        if (passed >= CALIBRATION_PIT_TICKS) {
            last = best_read();
            *elapsed = (uint16_t)(first.count - last.count);
            ticks = last.tsc - first.tsc;
            break;
        }
    }
    outb(PORT_B, port_b);
    return ticks;
}

static uint64_t median_of_three(uint64_t a, uint64_t b, uint64_t c)
{
    if (a > b) {
        uint64_t t = a; a = b; b = t;
    }
    if (b > c)
        b = c;
    return a > b ? a : b;
}

/* The PIT's answer in Hz (the median of the runs' rates), or 0. */
static uint64_t frequency_from_pit(uint64_t rates[CALIBRATION_RUNS])
{
    for (int i = 0; i < CALIBRATION_RUNS; i++) {
        uint32_t elapsed = 0;
        uint64_t ticks = measure_one_run(&elapsed);
        if (ticks == 0 || elapsed == 0 ||
            muldiv_u64(ticks, PIT_HZ, elapsed, MULDIV_DOWN, &rates[i]) < 0)
            return 0;
    }
    return median_of_three(rates[0], rates[1], rates[2]);
}

/* CPUID 15h (TSC / crystal ratio times the crystal), else 16h's base MHz; 0 if neither. */
static uint64_t frequency_from_cpuid(uint64_t *leaf16_hz)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    uint64_t hz = 0;
    *leaf16_hz = 0;
    if (max_leaf >= 0x15) {
        cpuid(0x15, 0, r);
        if (r[0] && r[1] && r[2])
            hz = (uint64_t)r[2] * r[1] / r[0];
    }
    if (max_leaf >= 0x16) {
        cpuid(0x16, 0, r);
        *leaf16_hz = (uint64_t)(r[0] & 0xffff) * 1000000;
    }
    return hz ? hz : *leaf16_hz;
}

static int invariant_tsc(void)
{
    uint32_t r[4];
    cpuid(0x80000000u, 0, r);
    if (r[0] < 0x80000007u)
        return 0;
    cpuid(0x80000007u, 0, r);
    return (r[3] >> 8) & 1;
}

void tsc_init(void)
{
    uint64_t rates[CALIBRATION_RUNS] = { 0 }, leaf16_hz;
    uint64_t pit_hz = frequency_from_pit(rates);
    uint64_t cpuid_hz = frequency_from_cpuid(&leaf16_hz);
    const char *source = "PIT channel 2";

    frequency_hz = pit_hz;
    if (!frequency_hz) {
        frequency_hz = cpuid_hz;
        source = "CPUID 15h/16h (the PIT did not answer)";
    }
    if (!frequency_hz) {
        frequency_hz = FALLBACK_HZ;
        source = "a guess: neither the PIT nor CPUID gave a frequency";
        log_warn("tsc: no way to measure the TSC; Sleep and timers assume 1 GHz");
    }
    start_tsc = rdtsc();
    log_info("tsc: %llu Hz from %s (runs of 20 ms: %llu %llu %llu Hz); CPUID says %llu Hz,"
             " 16h %llu Hz; invariant: %s", (unsigned long long)frequency_hz, source,
             (unsigned long long)rates[0], (unsigned long long)rates[1],
             (unsigned long long)rates[2], (unsigned long long)cpuid_hz,
             (unsigned long long)leaf16_hz, invariant_tsc() ? "yes" : "no");
}

uint64_t tsc_frequency(void)
{
    return frequency_hz;
}

uint64_t tsc_ticks(void)
{
    return rdtsc() - start_tsc;
}

void tsc_wait_until(uint64_t deadline)
{
    while (tsc_ticks() < deadline)
        cpu_pause();
}
