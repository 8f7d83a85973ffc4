/*
 * Host tests for boot/multiboot2/multiboot2.c: synthetic Multiboot2 information blocks
 * (Multiboot2 specification 2.0, section 3.6: an 8-byte header total_size/reserved, then
 * tags of type/size each starting 8-byte aligned, ended by a type 0 size 8 tag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "boot_info.h"
#include "lib/log.h"
#include "multiboot2/multiboot2.h"
#include "test.h"


/* ----------------------------------------------------------------------------------- */
/* Building information blocks                                                          */
/* ----------------------------------------------------------------------------------- */

/* Large enough for any total_size the parser accepts (1 MiB), so the fuzz loop may
   claim any size without reading outside the buffer. */
#define BLOCK_CAP ((1u << 20) + 64)
static _Alignas(8) uint8_t block[BLOCK_CAP];
static uint32_t block_len;

static struct boot_info bi;
static const char *why;

static void mb_begin(void)
{
    memset(block, 0, BLOCK_CAP);
    block_len = 8;
}

/* Appends a tag with the payload given; returns its offset in the block. */
static uint32_t mb_tag(uint32_t type, const void *payload, uint32_t payload_len)
{
    uint32_t at = block_len;
    uint32_t size = 8 + payload_len;
    memcpy(block + at, &type, 4);
    memcpy(block + at + 4, &size, 4);
    if (payload_len)
        memcpy(block + at + 8, payload, payload_len);
    block_len = (at + size + 7) & ~7u;
    return at;
}

static uint32_t mb_string(uint32_t type, const char *s)
{
    return mb_tag(type, s, (uint32_t)strlen(s) + 1);
}

static uint32_t mb_module(uint32_t start, uint32_t end, const char *name)
{
    uint8_t payload[256];
    uint32_t len = (uint32_t)strlen(name) + 1;
    memcpy(payload, &start, 4);
    memcpy(payload + 4, &end, 4);
    memcpy(payload + 8, name, len);
    return mb_tag(MB2_TAG_MODULE, payload, 8 + len);
}

struct e820 {
    uint64_t addr, len;
    uint32_t type;
};

/* An mmap tag with entry_size bytes per entry (24 in every GRUB so far). */
static uint32_t mb_mmap_sized(uint32_t entry_size, const struct e820 *e, uint32_t n)
{
    static uint8_t payload[16 * 1024 + 8];
    uint32_t zero = 0;
    memset(payload, 0, sizeof(payload));
    memcpy(payload, &entry_size, 4);
    memcpy(payload + 4, &zero, 4);      /* entry_version 0 */
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *p = payload + 8 + i * entry_size;
        memcpy(p, &e[i].addr, 8);
        memcpy(p + 8, &e[i].len, 8);
        memcpy(p + 16, &e[i].type, 4);
    }
    return mb_tag(MB2_TAG_MMAP, payload, 8 + n * entry_size);
}

static uint32_t mb_mmap(const struct e820 *e, uint32_t n)
{
    return mb_mmap_sized(24, e, n);
}

static const struct e820 one_ram[] = { { 0x100000, 0x1000000, 1 } };

static void mb_finish_no_end(void)
{
    memcpy(block, &block_len, 4);
}

static void mb_end(void)
{
    mb_tag(MB2_TAG_END, NULL, 0);
    mb_finish_no_end();
}

static void set_total_size(uint32_t total)
{
    memcpy(block, &total, 4);
}

static int parse(void)
{
    log_set_level(LOG_INFO);
    test_console_clear();
    why = NULL;
    return multiboot2_parse((uint64_t)(uintptr_t)block, &bi, &why);
}

/* Parses and expects an error with a reason. */
static void expect_error(const char *what)
{
    int r = parse();
    if (!CHECK_EQ(r, -1) || !CHECK(why != NULL))
        printf("#   case: %s\n", what);
}

/* Memory with a 32-bit address, for the text a module's mod_start/mod_end point at. */
static char *low_memory(size_t size)
{
    static char static_area[8192];
    if ((uintptr_t)static_area + sizeof(static_area) <= UINT32_MAX && size <= sizeof(static_area))
        return static_area;
    static char *low;
    if (!low) {
        void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                       -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        low = p;
    }
    if ((uintptr_t)low + 8192 > UINT32_MAX || size > 8192)
        return NULL;
    return low;
}

/* Places text in low memory; returns mod_start and sets *end to mod_end. */
static uint32_t low_text(const char *text, size_t len, uint32_t *end)
{
    char *p = low_memory(len);
    if (!p)
        return 0;
    memcpy(p, text, len);
    *end = (uint32_t)(uintptr_t)(p + len);
    return (uint32_t)(uintptr_t)p;
}

/* ----------------------------------------------------------------------------------- */

TEST(valid_block)
{
    static const struct e820 map[] = {
        { 0, 0x9fc00, 1 },
        { 0x9fc00, 0x400, 2 },
        { 0xf0000, 0x10000, 2 },
        { 0x100000, 0x7ee0000, 1 },
        { 0x7fe0000, 0x20000, 3 },
        { 0x8000000, 0x1000, 4 },
        { 0x9000000, 0x1000, 5 },
        { 0xa000000, 0, 1 },             /* zero length: skipped */
        { 0xfffc0000, 0x40000, 9 },      /* unknown e820 type */
        { 0x100000000ull, 0x40000000, 1 },
    };
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "loglevel=debug test");
    mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
    mb_tag(MB2_TAG_BASIC_MEMINFO, "\x80\x02\0\0\0\xfc\x03\0", 8);
    mb_mmap(map, sizeof(map) / sizeof(map[0]));
    mb_end();

    REQUIRE(parse() == 0);
    CHECK_EQ(bi.magic, BOOT_INFO_MAGIC);
    CHECK_EQ(bi.version, BOOT_INFO_VERSION);
    CHECK_EQ(bi.size, sizeof(struct boot_info));
    CHECK_EQ(bi.protocol, BOOT_PROTOCOL_MULTIBOOT2);
    CHECK_STR_EQ(bi.loader_name, "GRUB 2.06");
    CHECK_STR_EQ(bi.cmdline, "loglevel=debug test");
    CHECK_EQ(bi.initrd_base, 0);
    CHECK_EQ(bi.initrd_size, 0);
    CHECK_EQ(bi.rsdp, 0);
    CHECK_EQ(bi.mmap_truncated, 0);

    static const struct {
        uint64_t base, length;
        uint32_t type;
    } want[] = {
        { 0, 0x9fc00, BOOT_MEM_USABLE },
        { 0x9fc00, 0x400, BOOT_MEM_RESERVED },
        { 0xf0000, 0x10000, BOOT_MEM_RESERVED },
        { 0x100000, 0x7ee0000, BOOT_MEM_USABLE },
        { 0x7fe0000, 0x20000, BOOT_MEM_ACPI_RECLAIM },
        { 0x8000000, 0x1000, BOOT_MEM_ACPI_NVS },
        { 0x9000000, 0x1000, BOOT_MEM_BAD },
        { 0xfffc0000, 0x40000, BOOT_MEM_RESERVED },
        { 0x100000000ull, 0x40000000, BOOT_MEM_USABLE },
    };
    REQUIRE(bi.mmap_count == sizeof(want) / sizeof(want[0]));
    for (uint32_t i = 0; i < bi.mmap_count; i++) {
        if (!CHECK_EQ(bi.mmap[i].base, want[i].base) ||
            !CHECK_EQ(bi.mmap[i].length, want[i].length) ||
            !CHECK_EQ(bi.mmap[i].type, want[i].type))
            printf("#   entry %u\n", i);
    }
}

TEST(defaults_without_optional_tags)
{
    mb_begin();
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, "");
    CHECK_STR_EQ(bi.loader_name, "multiboot2 loader");
    CHECK_EQ(bi.mmap_count, 1);
    CHECK_EQ(bi.fb.addr, 0);
}

TEST(mmap_entry_size_larger_than_24)
{
    /* entry_size may grow in later versions; the parser must step by it. */
    static const struct e820 map[] = { { 0, 0x9fc00, 1 }, { 0x100000, 0x1000, 3 } };
    mb_begin();
    mb_mmap_sized(32, map, 2);
    mb_end();
    REQUIRE(parse() == 0);
    REQUIRE(bi.mmap_count == 2);
    CHECK_EQ(bi.mmap[1].base, 0x100000);
    CHECK_EQ(bi.mmap[1].type, BOOT_MEM_ACPI_RECLAIM);
}

TEST(initrd_module)
{
    mb_begin();
    mb_module(0x200000, 0x280000, "initrd");
    mb_module(0x300000, 0x301000, "second");
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.initrd_base, 0x200000);
    CHECK_EQ(bi.initrd_size, 0x80000);
    CHECK(strstr(test_console(), "second") != NULL);    /* the extra one is warned about */
}

TEST(malformed_module_ignored)
{
    mb_begin();
    mb_module(0x280000, 0x200000, "initrd");             /* end before start */
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.initrd_size, 0);
    CHECK(strstr(test_console(), "module") != NULL);
}

TEST(cmdline_module_overrides_the_tag)
{
    static const char text[] = "test=\"a b\" it's\n";
    uint32_t end, start = low_text(text, sizeof(text) - 1, &end);
    REQUIRE(start != 0);

    for (int module_first = 0; module_first < 2; module_first++) {
        mb_begin();
        if (module_first)
            mb_module(start, end, "cmdline");
        mb_string(MB2_TAG_CMDLINE, "from the tag");
        if (!module_first)
            mb_module(start, end, "cmdline");
        mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.12");
        mb_mmap(one_ram, 1);
        mb_end();
        REQUIRE(parse() == 0);
        /* Exact text: newline stripped, and no GRUB unescaping of module text. */
        CHECK_STR_EQ(bi.cmdline, "test=\"a b\" it's");
        CHECK_EQ(bi.initrd_size, 0);                     /* not taken as the initrd */
    }

    /* CRLF and several newlines are stripped too. */
    static const char crlf[] = "a b\r\n\n";
    start = low_text(crlf, sizeof(crlf) - 1, &end);
    mb_begin();
    mb_module(start, end, "cmdline");
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, "a b");
}

TEST(too_long_cmdline_module_ignored)
{
    static char text[BOOT_CMDLINE_MAX + 1];

    /* BOOT_CMDLINE_MAX - 1 characters plus a newline: just fits. */
    memset(text, 'x', BOOT_CMDLINE_MAX - 1);
    text[BOOT_CMDLINE_MAX - 1] = '\n';
    uint32_t end, start = low_text(text, BOOT_CMDLINE_MAX, &end);
    REQUIRE(start != 0);
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "tag");
    mb_module(start, end, "cmdline");
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);

    /* BOOT_CMDLINE_MAX characters: ignored with a warning; the tag's line stays. */
    memset(text, 'y', BOOT_CMDLINE_MAX);
    start = low_text(text, BOOT_CMDLINE_MAX, &end);
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "tag");
    mb_module(start, end, "cmdline");
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, "tag");
    CHECK(strstr(test_console(), "[warn]") != NULL);
    CHECK(strstr(test_console(), "cmdline module") != NULL);

    /* A NUL inside the text: ignored too. */
    start = low_text("ab\0cd", 5, &end);
    mb_begin();
    mb_module(start, end, "cmdline");
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, "");
    CHECK(strstr(test_console(), "cmdline module") != NULL);
}

TEST(grub_escaping_undone_for_grub_only)
{
    /* GRUB writes a backslash before each \, ' and " it puts on the command line. */
    static const char escaped[] = "test=\\\"a b\\\" it\\'s c:\\\\dir \\x";
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, escaped);
    mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06-13+deb12u1");
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, "test=\"a b\" it's c:\\dir \\x");

    /* The loader-name tag after the command line: still unescaped. */
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, escaped);
    mb_mmap(one_ram, 1);
    mb_string(MB2_TAG_LOADER_NAME, "GRUB");
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, "test=\"a b\" it's c:\\dir \\x");

    /* Another loader: the line is taken as it is. */
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, escaped);
    mb_string(MB2_TAG_LOADER_NAME, "Limine");
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, escaped);

    /* No loader name at all: not GRUB either. */
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, escaped);
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, escaped);

    /* A trailing lone backslash survives. */
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "end\\");
    mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, "end\\");
}

TEST(unterminated_or_long_strings)
{
    /* A command-line tag without its NUL is dropped with a warning. */
    mb_begin();
    mb_tag(MB2_TAG_CMDLINE, "abcdef", 6);
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.cmdline, "");
    CHECK(strstr(test_console(), "[warn]") != NULL);

    /* A loader name too long for boot_info: the generic name. */
    mb_begin();
    mb_string(MB2_TAG_LOADER_NAME, "GRUB with a name far longer than thirty-one bytes");
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_STR_EQ(bi.loader_name, "multiboot2 loader");
}

TEST(acpi_rsdp_address)
{
    uint8_t rsdp2[36] = "RSD PTR ", rsdp1[20] = "RSD PTR ";

    mb_begin();
    mb_mmap(one_ram, 1);
    uint32_t at = mb_tag(MB2_TAG_ACPI_NEW, rsdp2, sizeof(rsdp2));
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.rsdp, (uint64_t)(uintptr_t)block + at + 8);

    /* Old only. */
    mb_begin();
    at = mb_tag(MB2_TAG_ACPI_OLD, rsdp1, sizeof(rsdp1));
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.rsdp, (uint64_t)(uintptr_t)block + at + 8);

    /* Both, in either order: the ACPI 2.0 copy wins. */
    mb_begin();
    mb_tag(MB2_TAG_ACPI_OLD, rsdp1, sizeof(rsdp1));
    at = mb_tag(MB2_TAG_ACPI_NEW, rsdp2, sizeof(rsdp2));
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.rsdp, (uint64_t)(uintptr_t)block + at + 8);

    mb_begin();
    at = mb_tag(MB2_TAG_ACPI_NEW, rsdp2, sizeof(rsdp2));
    mb_tag(MB2_TAG_ACPI_OLD, rsdp1, sizeof(rsdp1));
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.rsdp, (uint64_t)(uintptr_t)block + at + 8);

    /* A tag too short to hold an RSDP is ignored. */
    mb_begin();
    mb_tag(MB2_TAG_ACPI_NEW, rsdp2, 8);
    mb_mmap(one_ram, 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.rsdp, 0);
}

TEST(framebuffer)
{
    uint8_t fb[24] = { 0 };
    uint64_t addr = 0xfd000000;
    uint32_t pitch = 4096, width = 1024, height = 768;
    memcpy(fb, &addr, 8);
    memcpy(fb + 8, &pitch, 4);
    memcpy(fb + 12, &width, 4);
    memcpy(fb + 16, &height, 4);
    fb[20] = 32;
    mb_begin();
    mb_mmap(one_ram, 1);
    mb_tag(MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.fb.addr, 0xfd000000);
    CHECK_EQ(bi.fb.pitch, 4096);
    CHECK_EQ(bi.fb.width, 1024);
    CHECK_EQ(bi.fb.height, 768);
    CHECK_EQ(bi.fb.bpp, 32);
}

TEST(error_info_missing_or_misaligned)
{
    why = NULL;
    CHECK_EQ(multiboot2_parse(0, &bi, &why), -1);
    CHECK(why != NULL);

    mb_begin();
    mb_mmap(one_ram, 1);
    mb_end();
    for (int off = 1; off < 8; off++) {
        why = NULL;
        CHECK_EQ(multiboot2_parse((uint64_t)(uintptr_t)block + off, &bi, &why), -1);
        CHECK(why != NULL);
    }
}

TEST(error_total_size)
{
    mb_begin();
    mb_mmap(one_ram, 1);
    mb_end();
    set_total_size(0);
    expect_error("total_size 0");
    set_total_size(8);
    expect_error("total_size 8: header only");
    set_total_size(15);
    expect_error("total_size 15: no room for a tag");
    set_total_size((1u << 20) + 8);
    expect_error("total_size above 1 MiB");
    set_total_size(UINT32_MAX);
    expect_error("total_size 4 GiB");
}

TEST(error_tag_size_below_8)
{
    for (uint32_t size = 0; size < 8; size++) {
        mb_begin();
        uint32_t at = mb_mmap(one_ram, 1);
        mb_end();
        memcpy(block + at + 4, &size, 4);
        expect_error("tag size < 8");
    }
}

TEST(error_tag_past_total_size)
{
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "x");
    uint32_t at = mb_mmap(one_ram, 1);
    mb_end();
    uint32_t size = block_len - at + 1;     /* one byte more than what is left */
    memcpy(block + at + 4, &size, 4);
    expect_error("tag one byte past the end");

    size = UINT32_MAX;
    memcpy(block + at + 4, &size, 4);
    expect_error("tag size 4 GiB");

    /* The end tag itself claiming more than is left. */
    mb_begin();
    mb_mmap(one_ram, 1);
    uint32_t end_at = block_len;
    mb_end();
    size = 16;
    memcpy(block + end_at + 4, &size, 4);
    expect_error("end tag past the end");
}

TEST(error_no_end_tag)
{
    mb_begin();
    mb_mmap(one_ram, 1);
    mb_finish_no_end();
    expect_error("no end tag");
    CHECK(why && strstr(why, "end") != NULL);

    /* The last tag ends exactly at total_size, with no room for an end tag. */
    mb_begin();
    mb_mmap(one_ram, 1);
    mb_string(MB2_TAG_CMDLINE, "1234567");  /* size 16, no padding */
    mb_finish_no_end();
    expect_error("no end tag after an exact fit");
}

TEST(error_no_memory_map)
{
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "test");
    mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
    mb_end();
    expect_error("no mmap tag");
    CHECK(why && strstr(why, "memory map") != NULL);

    /* An mmap tag with only zero-length entries is no map either. */
    static const struct e820 empty[] = { { 0, 0, 1 }, { 0x1000, 0, 1 } };
    mb_begin();
    mb_mmap(empty, 2);
    mb_end();
    expect_error("mmap of zero-length entries");

    mb_begin();
    mb_mmap(empty, 0);
    mb_end();
    expect_error("mmap without entries");

    /* The mmap tag after the end tag does not count. */
    mb_begin();
    mb_end();
    mb_mmap(one_ram, 1);
    mb_finish_no_end();
    expect_error("mmap after the end tag");
}

TEST(error_mmap_entry_size)
{
    static const uint32_t bad_sizes[] = { 0, 8, 16, 20, 23, 25, 28, 30, 33 };
    for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
        uint32_t es = bad_sizes[i];
        mb_begin();
        uint32_t at = mb_mmap_sized(24, one_ram, 1);
        memcpy(block + at + 8, &es, 4);      /* entry_size */
        mb_end();
        int r = parse();
        if (!CHECK_EQ(r, -1) || !CHECK(why != NULL))
            printf("#   entry_size %u\n", es);
    }

    /* An mmap tag too short for its own header. */
    mb_begin();
    mb_tag(MB2_TAG_MMAP, "\x18\0\0\0", 4);
    mb_end();
    expect_error("mmap tag of 12 bytes");
}

TEST(mmap_truncated_past_the_maximum)
{
    enum { COUNT = BOOT_MMAP_MAX + 88 };
    static struct e820 map[COUNT];
    for (uint32_t i = 0; i < COUNT; i++)
        map[i] = (struct e820){ (uint64_t)i * 0x2000, 0x1000, 1 + i % 5 };
    mb_begin();
    mb_mmap(map, COUNT);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.mmap_count, BOOT_MMAP_MAX);
    CHECK(bi.mmap_truncated != 0);
    CHECK_EQ(bi.mmap[BOOT_MMAP_MAX - 1].base, (uint64_t)(BOOT_MMAP_MAX - 1) * 0x2000);

    /* Exactly the maximum: not truncated. Zero-length entries do not count. */
    map[3].len = 0;
    mb_begin();
    mb_mmap(map, BOOT_MMAP_MAX + 1);
    mb_end();
    REQUIRE(parse() == 0);
    CHECK_EQ(bi.mmap_count, BOOT_MMAP_MAX);
    CHECK_EQ(bi.mmap_truncated, 0);
}

/* ----------------------------------------------------------------------------------- */


/* A block with every tag kind the parser reads, except a "cmdline" module: that one is
   followed to its mod_start, which a mutation could point anywhere. */
static void build_fuzz_base(void)
{
    static const struct e820 map[] = {
        { 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 },
        { 0x100000, 0x7ee0000, 1 }, { 0x7fe0000, 0x20000, 3 }, { 0x8000000, 0x1000, 4 },
    };
    uint8_t rsdp[36] = "RSD PTR ", fb[24] = { 0 };
    fb[20] = 32;
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "loglevel=debug test=\\\"a b\\\"");
    mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.06");
    mb_module(0x200000, 0x280000, "initrd");
    mb_tag(MB2_TAG_BASIC_MEMINFO, "\x80\x02\0\0\0\xfc\x03\0", 8);
    mb_mmap(map, sizeof(map) / sizeof(map[0]));
    mb_tag(MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
    mb_tag(MB2_TAG_ACPI_OLD, rsdp, 20);
    mb_tag(MB2_TAG_ACPI_NEW, rsdp, 36);
    mb_end();
}

TEST(fuzzed_blocks_never_crash)
{
    test_rand_start("mutated Multiboot2 blocks", 0x3b2f00d5ULL);

    build_fuzz_base();
    static uint8_t base[4096];
    uint32_t base_len = block_len;
    REQUIRE(base_len <= sizeof(base));
    memcpy(base, block, base_len);
    REQUIRE(parse() == 0);

    int accepted = 0, rejected = 0, bad = 0;
    log_set_level(LOG_ERROR);               /* keep the warnings out of the capture */
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(block, base, base_len);
        memset(block + base_len, 0, 64);    /* the rest of block[] stays zero */
        int mutations = 1 + (int)(test_rand() % 4);
        for (int m = 0; m < mutations; m++) {
            uint32_t at = (uint32_t)(test_rand() % base_len);
            switch (test_rand() % 6) {
            case 0:     /* flip a bit */
                block[at] ^= (uint8_t)(1u << (test_rand() % 8));
                break;
            case 1:     /* a random byte */
                block[at] = (uint8_t)test_rand();
                break;
            case 2: {   /* a size or type field (4-byte aligned) set to something nearby */
                uint32_t v;
                at &= ~3u;
                memcpy(&v, block + at, 4);
                v += (uint32_t)(test_rand() % 33) - 16;
                memcpy(block + at, &v, 4);
                break;
            }
            case 3: {   /* a 32-bit field set to an extreme */
                static const uint32_t extremes[] = { 0, 1, 7, 8, 9, 15, 16, 24, 0x7fffffff,
                                                     0x80000000u, 0xffffffffu, 1u << 20 };
                at &= ~3u;
                memcpy(block + at, &extremes[test_rand() % 12], 4);
                break;
            }
            case 4: {   /* total_size changed */
                uint32_t total = (uint32_t)(test_rand() % (2 * base_len));
                if (test_rand() % 8 == 0)
                    total = (1u << 20) - (uint32_t)(test_rand() % 16);
                set_total_size(total);
                break;
            }
            default:    /* a run of random bytes */
                for (uint32_t i = 0, n = 1 + (uint32_t)(test_rand() % 16); i < n && at + i < base_len; i++)
                    block[at + i] = (uint8_t)test_rand();
                break;
            }
        }
        why = NULL;
        int r = multiboot2_parse((uint64_t)(uintptr_t)block, &bi, &why);
        if (r == 0) {
            accepted++;
            /* What an accepted block gives the kernel must hold together. */
            if (bi.mmap_count == 0 || bi.mmap_count > BOOT_MMAP_MAX ||
                strnlen(bi.cmdline, BOOT_CMDLINE_MAX) == BOOT_CMDLINE_MAX ||
                strnlen(bi.loader_name, BOOT_LOADER_NAME_MAX) == BOOT_LOADER_NAME_MAX)
                bad++;
            for (uint32_t i = 0; i < bi.mmap_count && i < BOOT_MMAP_MAX; i++)
                bad += bi.mmap[i].length == 0;
        } else if (r == -1 && why != NULL) {
            rejected++;
        } else {
            bad++;
            printf("# iteration %d: returned %d, why %s\n", iter, r, why ? why : "NULL");
        }
    }
    log_set_level(LOG_INFO);
    printf("# %d accepted, %d rejected\n", accepted, rejected);
    CHECK_EQ(bad, 0);
    CHECK(accepted > 0);        /* the mutations are not all fatal ... */
    CHECK(rejected > 0);        /* ... nor all harmless */
}
