/*
 * Host tests for kernel/arch/x86_64/trap_describe.c: exception names and error-code
 * decoding. Bit meanings from the Intel SDM vol. 3A: 4.7 (page-fault error code) and
 * 6.13 (selector error code: bit 0 EXT, bit 1 IDT, bit 2 TI, bits 3-15 index).
 */
#include <string.h>

#include "arch/x86_64/trap.h"
#include "test.h"

static char desc[128];

static const char *describe(uint64_t vector, uint64_t error_code)
{
    memset(desc, 'X', sizeof(desc));
    trap_describe_error(vector, error_code, desc, sizeof(desc));
    return desc;
}

static int has(const char *s)
{
    return strstr(desc, s) != NULL;
}

TEST(vector_names)
{
    CHECK_STR_EQ(trap_vector_name(0), "Divide error");
    CHECK_STR_EQ(trap_vector_name(3), "Breakpoint");
    CHECK_STR_EQ(trap_vector_name(6), "Invalid opcode");
    CHECK_STR_EQ(trap_vector_name(8), "Double fault");
    CHECK_STR_EQ(trap_vector_name(9), "Coprocessor segment overrun");
    CHECK_STR_EQ(trap_vector_name(13), "General protection");
    CHECK_STR_EQ(trap_vector_name(14), "Page fault");
    CHECK_STR_EQ(trap_vector_name(18), "Machine check");
    CHECK_STR_EQ(trap_vector_name(21), "Control protection");
}

TEST(reserved_vectors)
{
    /* 15 and 22-31 are reserved by Intel (vol. 3A, table 6-1). */
    CHECK_STR_EQ(trap_vector_name(15), "Reserved exception");
    CHECK_STR_EQ(trap_vector_name(22), "Reserved exception");
    CHECK_STR_EQ(trap_vector_name(31), "Reserved exception");
}

TEST(interrupt_vectors)
{
    CHECK_STR_EQ(trap_vector_name(32), "Interrupt");
    CHECK_STR_EQ(trap_vector_name(33), "Interrupt");
    CHECK_STR_EQ(trap_vector_name(255), "Interrupt");
    CHECK_STR_EQ(trap_vector_name(1ull << 40), "Interrupt");   /* no table overrun */
    CHECK_STR_EQ(trap_vector_name(UINT64_MAX), "Interrupt");
}

TEST(page_fault_not_present_read_supervisor)
{
    describe(VEC_PAGE_FAULT, 0);
    CHECK(has("not-present"));
    CHECK(has("read"));
    CHECK(has("supervisor"));
    CHECK(!has("write"));
    CHECK(!has("user"));
    CHECK(!has("protection violation"));
    CHECK(!has("reserved bit"));
    CHECK(!has("instruction fetch"));
}

TEST(page_fault_write)
{
    describe(VEC_PAGE_FAULT, 2);
    CHECK(has("not-present"));
    CHECK(has("write"));
    CHECK(has("supervisor"));
    CHECK(!has("read"));
}

TEST(page_fault_protection_write)
{
    describe(VEC_PAGE_FAULT, 3);
    CHECK(has("protection violation"));
    CHECK(!has("not-present"));
    CHECK(has("write"));
}

TEST(page_fault_user_write)
{
    describe(VEC_PAGE_FAULT, 4 | 2);
    CHECK(has("not-present"));
    CHECK(has("write"));
    CHECK(has("user"));
    CHECK(!has("supervisor"));
}

TEST(page_fault_instruction_fetch)
{
    describe(VEC_PAGE_FAULT, 0x11);
    CHECK(has("instruction fetch"));
    CHECK(has("protection violation"));
    CHECK(!has("read"));
    CHECK(!has("write"));
}

TEST(page_fault_reserved_bit)
{
    describe(VEC_PAGE_FAULT, 8 | 1);
    CHECK(has("reserved bit"));
    describe(VEC_PAGE_FAULT, 0x20);
    CHECK(has("protection key"));
    describe(VEC_PAGE_FAULT, 0x40);
    CHECK(has("shadow stack"));
    CHECK(!has("protection key"));
}

TEST(selector_zero)
{
    CHECK_STR_EQ(describe(VEC_GENERAL_PROTECTION, 0), "no selector");
    CHECK_STR_EQ(describe(VEC_INVALID_TSS, 0), "no selector");
}

TEST(selector_gdt)
{
    CHECK_STR_EQ(describe(VEC_GENERAL_PROTECTION, 0x28), "GDT selector 0x28");
    CHECK_STR_EQ(describe(VEC_SEGMENT_NOT_PRESENT, 0x10), "GDT selector 0x10");
    CHECK_STR_EQ(describe(VEC_STACK_FAULT, 0x18), "GDT selector 0x18");
    CHECK_STR_EQ(describe(VEC_INVALID_TSS, 0xfff8), "GDT selector 0xfff8");
}

TEST(selector_idt)
{
    /* IDT bit: bits 3-15 are a vector number; TI is then ignored. */
    CHECK_STR_EQ(describe(VEC_GENERAL_PROTECTION, (13 << 3) | 2), "IDT vector 0xd");
    CHECK_STR_EQ(describe(VEC_GENERAL_PROTECTION, (0x80 << 3) | 2), "IDT vector 0x80");
    CHECK_STR_EQ(describe(VEC_GENERAL_PROTECTION, (0x80 << 3) | 6), "IDT vector 0x80");
}

TEST(selector_ldt)
{
    CHECK_STR_EQ(describe(VEC_GENERAL_PROTECTION, 0x28 | 4), "LDT selector 0x28");
    CHECK_STR_EQ(describe(VEC_SEGMENT_NOT_PRESENT, 0x0c), "LDT selector 0x8");
}

TEST(selector_external)
{
    CHECK_STR_EQ(describe(VEC_GENERAL_PROTECTION, 0x28 | 1), "GDT selector 0x28, external event");
    CHECK_STR_EQ(describe(VEC_GENERAL_PROTECTION, (32 << 3) | 3),
                 "IDT vector 0x20, external event");
    /* EXT alone, selector 0: still not "no selector", the code is non-zero. */
    describe(VEC_GENERAL_PROTECTION, 1);
    CHECK(has("external event"));
}

TEST(other_vectors_show_the_raw_code)
{
    CHECK_STR_EQ(describe(VEC_DOUBLE_FAULT, 0), "error code 0x0");
    CHECK_STR_EQ(describe(VEC_ALIGNMENT_CHECK, 0x1234), "error code 0x1234");
    CHECK_STR_EQ(describe(40, 0xdeadbeefcafeULL), "error code 0xdeadbeefcafe");
}

TEST(small_buffer_truncates)
{
    char buf[8];
    memset(buf, 'X', sizeof(buf));
    trap_describe_error(VEC_GENERAL_PROTECTION, 0x28, buf, 6);
    CHECK_STR_EQ(buf, "GDT s");
    CHECK_EQ(buf[6], 'X');
}
