/*
 * Host tests for kernel/loader/elf_image.c: checking static ELF64 user executables.
 * Images are built in memory from glibc's <elf.h> definitions (an independent copy of
 * the format), plus one real file linked by gcc -static; a randomized test mutates a valid
 * image 20000 times. Every image is checked from a heap buffer of exactly its size, one
 * byte off 8-byte alignment, so ASan reports any read outside it.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/elf_image.h"
#include "test.h"

#define IMG_MAX 0x20000

static _Alignas(8) uint8_t img[IMG_MAX];
static uint64_t img_size;
static struct elf_image_info info;
static const char *why;

struct seg {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
};

static Elf64_Ehdr *ehdr(void)
{
    return (Elf64_Ehdr *)img;
}

static Elf64_Phdr *phdr(int i)
{
    return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr) + (size_t)i * sizeof(Elf64_Phdr));
}

#define SLACK 0x4000         /* bytes past the file's end that the pattern also covers */

/* An ELF header, the program headers right after it, a pattern in every file byte past
   the headers (and SLACK bytes beyond), and a file size of `size`. */
static void build(const struct seg *s, int n, uint64_t entry, uint64_t size)
{
    for (uint64_t i = 0; i < IMG_MAX && i < size + SLACK; i++)
        img[i] = (uint8_t)(i * 7 + 1);
    Elf64_Ehdr *eh = ehdr();
    memset(eh, 0, sizeof(*eh) + (size_t)n * sizeof(Elf64_Phdr));
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = entry;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = (uint16_t)n;
    for (int i = 0; i < n; i++)
        *phdr(i) = (Elf64_Phdr){ .p_type = s[i].type, .p_flags = s[i].flags,
                                 .p_offset = s[i].offset, .p_vaddr = s[i].vaddr,
                                 .p_paddr = s[i].vaddr, .p_filesz = s[i].filesz,
                                 .p_memsz = s[i].memsz, .p_align = s[i].align };
    img_size = size;
}

/* What gcc -static -nostdlib writes with ld's default -z separate-code: headers, text,
   rodata, data + bss, each on its own pages, then a NOTE and GNU_STACK. */
static const struct seg typical[] = {
    { PT_LOAD, PF_R, 0x0000, 0x400000, 0x1b4, 0x1b4, 0x1000 },
    { PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x23, 0x23, 0x1000 },
    { PT_LOAD, PF_R, 0x2000, 0x402000, 0x34, 0x34, 0x1000 },
    { PT_LOAD, PF_R | PF_W, 0x3000, 0x403000, 0x4, 0x2020, 0x1000 },
    { PT_NOTE, PF_R, 0x190, 0x400190, 0x24, 0x24, 4 },
    { PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0x10 },
};
#define TYPICAL_N   6
#define TYPICAL_ENTRY 0x401000
#define TYPICAL_SIZE 0x3004

static void build_typical(void)
{
    build(typical, TYPICAL_N, TYPICAL_ENTRY, TYPICAL_SIZE);
}

/* Checks buf[0..size) from an exact-size heap copy, 1 byte past 8-byte alignment. */
static ntstatus_t check_bytes(const uint8_t *buf, uint64_t size)
{
    uint8_t *block = malloc(size + 1);
    memcpy(block + 1, buf, size);
    why = "(not set)";
    ntstatus_t st = elf_image_check(block + 1, size, &info, &why);
    free(block);
    return st;
}

static ntstatus_t check(void)
{
    return check_bytes(img, img_size);
}

static int accepted(void)
{
    ntstatus_t st = check();
    if (st != STATUS_SUCCESS)
        printf("#   rejected: %s (phdr %d)\n", why ? why : "(null)", info.bad_phdr);
    return st == STATUS_SUCCESS && why == NULL;
}

/* Rejected with a reason containing `needle`, blaming program header bad_phdr. */
static int rejected(const char *needle, int bad_phdr)
{
    ntstatus_t st = check();
    int ok = st == STATUS_INVALID_IMAGE_FORMAT && why && strstr(why, needle) &&
             info.bad_phdr == bad_phdr;
    if (!ok)
        printf("#   want \"%s\" (phdr %d); got status 0x%x, \"%s\" (phdr %d)\n", needle,
               bad_phdr, (unsigned)st, why ? why : "(null)", info.bad_phdr);
    return ok;
}

TEST(accepts_a_typical_static_executable)
{
    build_typical();
    REQUIRE(accepted());
    CHECK_EQ(info.entry, TYPICAL_ENTRY);
    REQUIRE(info.segment_count == 4);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(info.segments[i].vaddr, typical[i].vaddr);
        CHECK_EQ(info.segments[i].memsz, typical[i].memsz);
        CHECK_EQ(info.segments[i].offset, typical[i].offset);
        CHECK_EQ(info.segments[i].filesz, typical[i].filesz);
        CHECK_EQ(info.segments[i].flags, typical[i].flags);
    }
    CHECK_EQ(info.image_start, 0x400000);
    CHECK_EQ(info.image_end, 0x406000);
    CHECK_EQ(info.stack_executable, 0);
    CHECK_EQ(info.has_tls, 0);
    CHECK_EQ(info.bad_phdr, -1);
    CHECK_EQ(elf_image_segment_protection(info.segments[1].flags), ELF_PROT_READEXECUTE);
    CHECK_EQ(elf_image_segment_protection(info.segments[3].flags), ELF_PROT_READWRITE);

    /* An aligned buffer too, and why may be NULL. */
    CHECK_EQ(elf_image_check(img, img_size, &info, NULL), STATUS_SUCCESS);
}

/*
 * A real file: tiny.c = { int counter = 3; char buf[64];
 * void _start(void) { buf[1] = (char)counter; for (;;) __asm__ volatile("pause"); } }
 * linked by gcc 12.2 / ld 2.40 with `gcc -static -nostdlib -no-pie -Os
 * -fno-asynchronous-unwind-tables -Wl,--build-id=none -Wl,-z,noseparate-code -s`:
 * LOAD R E at 0x400000 (file 0x0, 0xf8 bytes), LOAD RW at 0x4010f8 (file 0xf8, 4 bytes,
 * memsz 0x48) and GNU_STACK RW. The two segments share a page of the file but not of
 * memory.
 */
static const uint8_t tiny_elf[] = {
    0x7f,0x45,0x4c,0x46,0x02,0x01,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x02,0x00,0x3e,0x00,0x01,0x00,0x00,0x00,0xe8,0x00,0x40,0x00,0x00,0x00,0x00,0x00,
    0x40,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x48,0x01,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x40,0x00,0x38,0x00,0x03,0x00,0x40,0x00,0x06,0x00,0x05,0x00,
    0x01,0x00,0x00,0x00,0x05,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x40,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x40,0x00,0x00,0x00,0x00,0x00,
    0xf8,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0xf8,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x10,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x00,0x00,0x00,0x06,0x00,0x00,0x00,
    0xf8,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0xf8,0x10,0x40,0x00,0x00,0x00,0x00,0x00,
    0xf8,0x10,0x40,0x00,0x00,0x00,0x00,0x00,0x04,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x48,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x10,0x00,0x00,0x00,0x00,0x00,0x00,
    0x51,0xe5,0x74,0x64,0x06,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x10,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x8b,0x05,0x0a,0x10,0x00,0x00,0x88,0x05,
    0x0d,0x10,0x00,0x00,0xf3,0x90,0xeb,0xfc,0x03,0x00,0x00,0x00,0x47,0x43,0x43,0x3a,
    0x20,0x28,0x44,0x65,0x62,0x69,0x61,0x6e,0x20,0x31,0x32,0x2e,0x32,0x2e,0x30,0x2d,
    0x31,0x34,0x2b,0x64,0x65,0x62,0x31,0x32,0x75,0x31,0x29,0x20,0x31,0x32,0x2e,0x32,
    0x2e,0x30,0x00,0x00,0x2e,0x73,0x68,0x73,0x74,0x72,0x74,0x61,0x62,0x00,0x2e,0x74,
    0x65,0x78,0x74,0x00,0x2e,0x64,0x61,0x74,0x61,0x00,0x2e,0x62,0x73,0x73,0x00,0x2e,
    0x63,0x6f,0x6d,0x6d,0x65,0x6e,0x74,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x0b,0x00,0x00,0x00,0x01,0x00,0x00,0x00,
    0x06,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0xe8,0x00,0x40,0x00,0x00,0x00,0x00,0x00,
    0xe8,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x10,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x11,0x00,0x00,0x00,0x01,0x00,0x00,0x00,
    0x03,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0xf8,0x10,0x40,0x00,0x00,0x00,0x00,0x00,
    0xf8,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x04,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x04,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x17,0x00,0x00,0x00,0x08,0x00,0x00,0x00,
    0x03,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x11,0x40,0x00,0x00,0x00,0x00,0x00,
    0xfc,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x40,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x20,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x1c,0x00,0x00,0x00,0x01,0x00,0x00,0x00,
    0x30,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0xfc,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x27,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x00,0x00,0x00,0x03,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x23,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x25,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
    0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
};

TEST(accepts_a_real_gcc_static_binary)
{
    REQUIRE(sizeof(tiny_elf) == 712);
    REQUIRE(check_bytes(tiny_elf, sizeof(tiny_elf)) == STATUS_SUCCESS);
    CHECK(why == NULL);
    CHECK_EQ(info.entry, 0x4000e8);
    REQUIRE(info.segment_count == 2);
    CHECK_EQ(info.segments[0].vaddr, 0x400000);
    CHECK_EQ(info.segments[0].filesz, 0xf8);
    CHECK_EQ(info.segments[0].flags, PF_R | PF_X);
    CHECK_EQ(info.segments[1].vaddr, 0x4010f8);
    CHECK_EQ(info.segments[1].offset, 0xf8);
    CHECK_EQ(info.segments[1].filesz, 4);
    CHECK_EQ(info.segments[1].memsz, 0x48);
    CHECK_EQ(info.segments[1].flags, PF_R | PF_W);
    CHECK_EQ(info.image_start, 0x400000);
    CHECK_EQ(info.image_end, 0x402000);
    CHECK_EQ(info.stack_executable, 0);

    /* Its first 0xfc bytes (without section headers) are all the loader needs. */
    CHECK_EQ(check_bytes(tiny_elf, 0xfc), STATUS_SUCCESS);
    CHECK_EQ(check_bytes(tiny_elf, 0xfb), STATUS_INVALID_IMAGE_FORMAT);
    CHECK(why && strstr(why, "outside the file"));
}

TEST(rejects_bad_identification)
{
    build_typical();
    img_size = sizeof(Elf64_Ehdr) - 1;
    CHECK(rejected("too small", -1));

    build_typical();
    img[1] = 'e';
    CHECK(rejected("bad magic", -1));
    build_typical();
    ehdr()->e_ident[EI_CLASS] = ELFCLASS32;
    CHECK(rejected("64-bit", -1));
    build_typical();
    ehdr()->e_ident[EI_DATA] = ELFDATA2MSB;
    CHECK(rejected("little-endian", -1));
    build_typical();
    ehdr()->e_ident[EI_VERSION] = 2;
    CHECK(rejected("version", -1));
    build_typical();
    ehdr()->e_version = 0;
    CHECK(rejected("version", -1));
    build_typical();
    ehdr()->e_machine = EM_AARCH64;
    CHECK(rejected("x86-64", -1));
    build_typical();
    ehdr()->e_machine = EM_386;
    CHECK(rejected("x86-64", -1));

    /* The OS/ABI byte is not checked: glibc's static binaries say ELFOSABI_GNU. */
    build_typical();
    ehdr()->e_ident[EI_OSABI] = ELFOSABI_GNU;
    CHECK(accepted());
}

TEST(rejects_other_file_types)
{
    build_typical();
    ehdr()->e_type = ET_DYN;
    CHECK(rejected("position-independent executables are not supported; "
                   "link with -static -no-pie", -1));
    build_typical();
    ehdr()->e_type = ET_REL;
    CHECK(rejected("not an executable", -1));
    build_typical();
    ehdr()->e_type = ET_CORE;
    CHECK(rejected("not an executable", -1));
}

TEST(rejects_a_bad_program_header_table)
{
    build_typical();
    ehdr()->e_phentsize = 64;
    CHECK(rejected("e_phentsize", -1));
    build_typical();
    ehdr()->e_phnum = 0;
    CHECK(rejected("no program headers", -1));
    build_typical();
    ehdr()->e_phnum = PN_XNUM;
    CHECK(rejected("PN_XNUM", -1));

    build_typical();
    ehdr()->e_phoff = TYPICAL_SIZE - TYPICAL_N * sizeof(Elf64_Phdr) + 1;
    CHECK(rejected("program header table lies outside the file", -1));
    build_typical();
    ehdr()->e_phoff = UINT64_MAX - 100;
    CHECK(rejected("program header table lies outside the file", -1));
    build_typical();
    ehdr()->e_phoff = TYPICAL_SIZE + 1;
    CHECK(rejected("program header table lies outside the file", -1));

    /* A table ending exactly at the end of the file, at an odd offset, is fine. */
    build_typical();
    uint64_t at = TYPICAL_SIZE - TYPICAL_N * sizeof(Elf64_Phdr) - 3;
    memcpy(img + at, phdr(0), TYPICAL_N * sizeof(Elf64_Phdr));
    ehdr()->e_phoff = at;
    CHECK(accepted());
}

TEST(rejects_dynamic_executables)
{
    static const struct seg s[] = {
        { PT_PHDR, PF_R, 0x40, 0x400040, 0xa8, 0xa8, 8 },
        { PT_INTERP, PF_R, 0xe8, 0x4000e8, 0x1c, 0x1c, 1 },
        { PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1000, 0x1000, 0x1000 },
    };
    build(s, 3, 0x400800, 0x1000);
    CHECK(rejected("dynamic executables are not supported", 1));

    /* The real cause is named even when a PT_LOAD before it is broken too. */
    struct seg t[3] = { s[2], s[1], s[0] };
    t[0].filesz = 0x2000;
    build(t, 3, 0x400800, 0x1000);
    CHECK(rejected("dynamic executables are not supported", 1));
}

TEST(tls_and_stack_flags_are_reported)
{
    struct seg s[3] = {
        { PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1000, 0x1000, 0x1000 },
        { PT_TLS, PF_R, 0x800, 0x400800, 0x18, 0x60, 8 },
        { PT_GNU_STACK, PF_R | PF_W | PF_X, 0, 0, 0, 0, 0x10 },
    };
    build(s, 3, 0x400100, 0x1000);
    CHECK(rejected("thread-local storage (PT_TLS) is not supported", 1));
    CHECK_EQ(info.has_tls, 1);
    CHECK_EQ(info.tls_memsz, 0x60);

    s[1].filesz = s[1].memsz = 0;
    build(s, 3, 0x400100, 0x1000);
    REQUIRE(accepted());
    CHECK_EQ(info.has_tls, 1);
    CHECK_EQ(info.tls_vaddr, 0x400800);
    CHECK_EQ(info.tls_align, 8);
    CHECK_EQ(info.stack_executable, 1);

    build(s, 1, 0x400100, 0x1000);          /* no PT_GNU_STACK: not executable */
    REQUIRE(accepted());
    CHECK_EQ(info.stack_executable, 0);
    CHECK_EQ(info.has_tls, 0);
}

TEST(rejects_bad_load_segments)
{
    build_typical();
    phdr(2)->p_filesz = phdr(2)->p_memsz + 1;
    CHECK(rejected("p_filesz > p_memsz", 2));

    build_typical();
    phdr(3)->p_filesz = TYPICAL_SIZE - 0x3000 + 1;      /* one byte past the file */
    phdr(3)->p_memsz = 0x3000;
    CHECK(rejected("file bytes lie outside the file", 3));
    build_typical();
    phdr(3)->p_filesz = TYPICAL_SIZE - 0x3000;          /* up to the last byte */
    CHECK(accepted());
    build_typical();
    phdr(3)->p_offset = UINT64_MAX - 1;                 /* offset + filesz wraps */
    CHECK(rejected("file bytes lie outside the file", 3));
    build_typical();
    phdr(3)->p_offset = TYPICAL_SIZE + 0x1000;
    phdr(3)->p_filesz = 0;
    CHECK(rejected("file bytes lie outside the file", 3));

    static const uint64_t bad_align[] = { 2, 3, 0x800, 0x1800, 0x3000, UINT64_MAX };
    for (unsigned i = 0; i < sizeof(bad_align) / sizeof(bad_align[0]); i++) {
        build_typical();
        phdr(1)->p_align = bad_align[i];
        if (!CHECK(rejected("p_align", 1)))
            printf("#   p_align 0x%llx\n", (unsigned long long)bad_align[i]);
    }
    static const uint64_t good_align[] = { 0, 1, 0x1000, 0x200000, 1ull << 63 };
    for (unsigned i = 0; i < sizeof(good_align) / sizeof(good_align[0]); i++) {
        build_typical();
        phdr(1)->p_align = good_align[i];
        if (!CHECK(accepted()))
            printf("#   p_align 0x%llx\n", (unsigned long long)good_align[i]);
    }

    build_typical();
    phdr(2)->p_vaddr += 8;
    CHECK(rejected("differ modulo the page size", 2));
    build_typical();
    phdr(2)->p_offset += 8;
    phdr(2)->p_align = 0;                               /* checked without p_align too */
    CHECK(rejected("differ modulo the page size", 2));
    /* Not page-aligned, but at the same offset in the page: fine (glibc's data). */
    build(typical, TYPICAL_N, TYPICAL_ENTRY, 0x36e0);
    phdr(3)->p_offset = 0x36d8;
    phdr(3)->p_vaddr = 0x4036d8;
    phdr(3)->p_filesz = 8;
    CHECK(accepted());
}

TEST(rejects_segments_outside_the_user_range)
{
    build_typical();
    phdr(3)->p_vaddr = UINT64_MAX - 0xfff;
    CHECK(rejected("p_vaddr + p_memsz overflows", 3));

    /* Lowest and highest possible user segments are accepted. */
    static const struct seg s[] = {
        { PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x1000, 0x1000, 0x1000 },
        { PT_LOAD, PF_R | PF_W, 0x1000, 0x7FFFFFFEF000, 0x10, 0x1000, 0x1000 },
    };
    build(s, 2, 0x10100, 0x2000);
    REQUIRE(accepted());
    CHECK_EQ(info.image_start, 0x10000);
    CHECK_EQ(info.image_end, 0x7FFFFFFF0000);

    build(s, 2, 0x10100, 0x2000);
    phdr(0)->p_vaddr = 0xF000;
    CHECK(rejected("outside the user address range", 0));
    build(s, 2, 0x10100, 0x2000);
    phdr(0)->p_vaddr = 0;
    CHECK(rejected("outside the user address range", 0));
    build(s, 2, 0x10100, 0x2000);
    phdr(1)->p_memsz = 0x1001;                          /* one byte into the top 64 KiB */
    CHECK(rejected("outside the user address range", 1));
    build(s, 2, 0x10100, 0x2000);
    phdr(1)->p_vaddr = 0xFFFF800000000000;              /* kernel half */
    CHECK(rejected("outside the user address range", 1));
    build(s, 2, 0x10100, 0x2000);
    phdr(1)->p_vaddr = 0x800000000000;                  /* non-canonical */
    CHECK(rejected("outside the user address range", 1));
}

TEST(rejects_unsorted_or_overlapping_segments)
{
    build_typical();
    Elf64_Phdr tmp = *phdr(1);
    *phdr(1) = *phdr(2);
    *phdr(2) = tmp;
    CHECK(rejected("not sorted by p_vaddr", 2));

    build_typical();
    phdr(2)->p_vaddr = phdr(1)->p_vaddr;
    CHECK(rejected("overlaps or shares a page", 2));
    build_typical();
    phdr(1)->p_memsz = 0x1001;                          /* reaches into segment 2's page */
    CHECK(rejected("overlaps or shares a page", 2));
    build_typical();
    phdr(1)->p_memsz = 0x1000;                          /* ends where segment 2 begins */
    CHECK(accepted());

    /* Disjoint in bytes, but both touch page 0x401000. */
    static const struct seg s[] = {
        { PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1010, 0x1010, 0x1000 },
        { PT_LOAD, PF_R | PF_W, 0x1800, 0x401800, 0x10, 0x10, 0x1000 },
    };
    build(s, 2, 0x400100, 0x2000);
    CHECK(rejected("overlaps or shares a page", 1));
}

TEST(counts_segments_and_ignores_empty_ones)
{
    struct seg s[ELF_IMAGE_MAX_SEGMENTS + 2];
    for (int i = 0; i < ELF_IMAGE_MAX_SEGMENTS + 1; i++)
        s[i] = (struct seg){ PT_LOAD, PF_R | PF_X, 0x1000 * (uint64_t)i,
                             0x400000 + 0x1000 * (uint64_t)i, 0x1000, 0x1000, 0x1000 };
    build(s, ELF_IMAGE_MAX_SEGMENTS, 0x400000, 0x1000 * ELF_IMAGE_MAX_SEGMENTS);
    REQUIRE(accepted());
    CHECK_EQ(info.segment_count, ELF_IMAGE_MAX_SEGMENTS);
    build(s, ELF_IMAGE_MAX_SEGMENTS + 1, 0x400000, 0x1000 * (ELF_IMAGE_MAX_SEGMENTS + 1));
    CHECK(rejected("more than 16 PT_LOAD segments", ELF_IMAGE_MAX_SEGMENTS));

    /* A PT_LOAD with memsz 0 occupies nothing: not counted, not range-checked. */
    s[ELF_IMAGE_MAX_SEGMENTS] = (struct seg){ PT_LOAD, PF_R, 0x10, 0x5, 0, 0, 3 };
    build(s, ELF_IMAGE_MAX_SEGMENTS + 1, 0x400000, 0x1000 * ELF_IMAGE_MAX_SEGMENTS);
    REQUIRE(accepted());
    CHECK_EQ(info.segment_count, ELF_IMAGE_MAX_SEGMENTS);
    /* ... but its file bytes must still lie in the file. */
    s[ELF_IMAGE_MAX_SEGMENTS].offset = UINT64_MAX;
    build(s, ELF_IMAGE_MAX_SEGMENTS + 1, 0x400000, 0x1000 * ELF_IMAGE_MAX_SEGMENTS);
    CHECK(rejected("file bytes lie outside the file", ELF_IMAGE_MAX_SEGMENTS));

    static const struct seg none[] = {
        { PT_NOTE, PF_R, 0, 0x400000, 0x10, 0x10, 4 },
        { PT_LOAD, PF_R | PF_X, 0, 0x400000, 0, 0, 0x1000 },
    };
    build(none, 2, 0x400000, 0x1000);
    CHECK(rejected("no loadable (PT_LOAD) segment", -1));
}

TEST(entry_must_be_code_from_the_file)
{
    build_typical();
    ehdr()->e_entry = 0x401022;                         /* last byte of the text */
    CHECK(accepted());
    build_typical();
    ehdr()->e_entry = 0x401023;                         /* one past it */
    CHECK(rejected("entry point", -1));
    build_typical();
    ehdr()->e_entry = 0x400010;                         /* readable, not executable */
    CHECK(rejected("entry point", -1));
    build_typical();
    ehdr()->e_entry = 0;
    CHECK(rejected("entry point", -1));
    build_typical();
    phdr(3)->p_flags = PF_R | PF_W | PF_X;
    ehdr()->e_entry = 0x403010;                         /* in the zero-filled part */
    CHECK(rejected("entry point", -1));
    ehdr()->e_entry = 0x403002;                         /* in its file bytes */
    CHECK(accepted());
    CHECK_EQ(elf_image_segment_protection(info.segments[3].flags),
             ELF_PROT_READWRITEEXECUTE);
}

TEST(null_arguments)
{
    build_typical();
    CHECK_EQ(elf_image_check(NULL, img_size, &info, &why), STATUS_INVALID_PARAMETER);
    CHECK(why != NULL);
    CHECK_EQ(elf_image_check(img, img_size, NULL, &why), STATUS_INVALID_PARAMETER);
}

TEST(segment_protection)
{
    CHECK_EQ(elf_image_segment_protection(0), ELF_PROT_NOACCESS);
    CHECK_EQ(elf_image_segment_protection(PF_R), ELF_PROT_READONLY);
    CHECK_EQ(elf_image_segment_protection(PF_W), ELF_PROT_READWRITE);
    CHECK_EQ(elf_image_segment_protection(PF_R | PF_W), ELF_PROT_READWRITE);
    CHECK_EQ(elf_image_segment_protection(PF_X), ELF_PROT_READEXECUTE);
    CHECK_EQ(elf_image_segment_protection(PF_R | PF_X), ELF_PROT_READEXECUTE);
    CHECK_EQ(elf_image_segment_protection(PF_W | PF_X), ELF_PROT_READWRITEEXECUTE);
    CHECK_EQ(elf_image_segment_protection(PF_R | PF_W | PF_X), ELF_PROT_READWRITEEXECUTE);
    CHECK_EQ(elf_image_segment_protection(PF_R | PF_MASKOS), ELF_PROT_READONLY);
    CHECK_STR_EQ(elf_image_protection_name(ELF_PROT_READEXECUTE), "r-x");
    CHECK_STR_EQ(elf_image_protection_name(ELF_PROT_READWRITE), "rw-");
    CHECK_STR_EQ(elf_image_protection_name(ELF_PROT_NOACCESS), "---");
}

/* What an accepted image promises the loader, recomputed from info alone. */
static int promises_hold(uint64_t size)
{
    int entry_ok = 0;
    if (info.segment_count == 0 || info.segment_count > ELF_IMAGE_MAX_SEGMENTS)
        return 0;
    for (uint32_t i = 0; i < info.segment_count; i++) {
        const struct elf_image_segment *s = &info.segments[i];
        if (s->memsz == 0 || s->filesz > s->memsz || s->offset > size ||
            s->filesz > size - s->offset || s->vaddr < ELF_USER_MIN ||
            s->memsz > ELF_USER_END - s->vaddr || (s->vaddr - s->offset) % 4096 != 0)
            return 0;
        if (i > 0) {
            const struct elf_image_segment *p = &info.segments[i - 1];
            if ((s->vaddr & ~0xfffull) < ((p->vaddr + p->memsz + 0xfff) & ~0xfffull))
                return 0;
        }
        if ((s->flags & PF_X) && info.entry >= s->vaddr && info.entry - s->vaddr < s->filesz)
            entry_ok = 1;
    }
    return entry_ok;
}

/* Values that sit on the checks' boundaries. */
static uint64_t interesting(void)
{
    static const uint64_t v[] = {
        0, 1, 2, 0xfff, 0x1000, 0x1001, 0x10000, 0x400000, 0x401000, 0x403000,
        0x7FFFFFFEF000, 0x7FFFFFFF0000, 0x800000000000, UINT64_MAX, UINT64_MAX - 0xfff,
        TYPICAL_SIZE, TYPICAL_SIZE + 1, 1ull << 63,
    };
    if (test_rand_below(3) == 0)
        return test_rand();
    uint64_t x = v[test_rand_below(sizeof(v) / sizeof(v[0]))];
    return x + (uint64_t)test_rand_below(5) - 2;
}

TEST(randomized_mutations_never_crash)
{
    test_rand_start("ELF image mutations", 0xe1f1a6e5ULL);
    static uint8_t work[IMG_MAX];
    _Static_assert(TYPICAL_SIZE + SLACK <= IMG_MAX, "room to grow the image");
    int accepted_count = 0, failures = 0;

    for (int iter = 0; iter < 20000 && failures < 5; iter++) {
        if (test_rand_below(2))
            build_typical();
        else
            build((const struct seg[]){
                      { PT_LOAD, PF_R | PF_X, 0, 0x400000, 0xf8, 0xf8, 0x1000 },
                      { PT_LOAD, PF_R | PF_W, 0xf8, 0x4010f8, 4, 0x48, 0x1000 },
                      { PT_TLS, PF_R, 0xf8, 0x4010f8, 0, 0, 8 },
                      { PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0x10 } },
                  4, 0x4000e8, 0xfc);
        memcpy(work, img, img_size + SLACK);
        uint64_t size = img_size;
        uint64_t headers = sizeof(Elf64_Ehdr) + ehdr()->e_phnum * sizeof(Elf64_Phdr);

        int edits = 1 + (int)test_rand_below(4);
        for (int e = 0; e < edits; e++) {
            switch (test_rand_below(6)) {
            case 0:         /* flip a bit in the headers */
                work[test_rand_below(headers)] ^= (uint8_t)(1u << test_rand_below(8));
                break;
            case 1:         /* a random byte anywhere */
                if (size > 0)
                    work[test_rand_below(size)] = (uint8_t)test_rand();
                break;
            case 2: {       /* a 64-bit program header field set to a boundary value */
                uint64_t v = interesting();
                uint64_t at = sizeof(Elf64_Ehdr) + test_rand_below(headers - 64 - 7);
                at = at - (at - sizeof(Elf64_Ehdr)) % 8;
                memcpy(work + at, &v, 8);
                break;
            }
            case 3: {       /* an ELF header field: entry, phoff, phnum, phentsize */
                uint64_t v = interesting();
                switch (test_rand_below(4)) {
                case 0: memcpy(work + 24, &v, 8); break;
                case 1: memcpy(work + 32, &v, 8); break;
                case 2: memcpy(work + 56, &v, 2); break;
                default: memcpy(work + 54, &v, 2); break;
                }
                break;
            }
            case 4:         /* truncate */
                size = test_rand_below(size + 1);
                break;
            default:        /* grow: trailing bytes the headers may now reach */
                size += test_rand_below(img_size + SLACK - size + 1);
                break;
            }
        }

        ntstatus_t st = check_bytes(work, size);
        if (st == STATUS_SUCCESS) {
            accepted_count++;
            if (why != NULL || !promises_hold(size)) {
                printf("# iteration %d: accepted an image that breaks a promise\n", iter);
                failures++;
            }
        } else if (st != STATUS_INVALID_IMAGE_FORMAT || why == NULL || why[0] == '\0') {
            printf("# iteration %d: status 0x%x without a reason\n", iter, (unsigned)st);
            failures++;
        }
    }
    CHECK_EQ(failures, 0);
    /* The mutations must exercise both outcomes. */
    printf("# %d of 20000 mutated images accepted\n", accepted_count);
    CHECK(accepted_count > 1000 && accepted_count < 19000);
}
