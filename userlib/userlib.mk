# userlib: the C library and Win32 layer user programs link against. Included by the
# top-level Makefile after its host-test variables (it uses WARNINGS, HOST_SUPPORT_OBJS,
# HOST_LIB, Q, CC and BUILD from there).
#
#   make userlib       $(BUILD)/userlib/libreservoir.a, for user programs
#   make host-tests    also builds $(BUILD)/host/test_userlib_*
#
# User mode: static and non-PIC (-fno-pic -fno-pie; programs link with -static -nostdlib
# -no-pie). -fstack-clash-protection makes every frame larger than a page probe its
# pages in order from the top, as MSVC's __chkstk does, so the stack grows through its
# guard page one page at a time (docs/vm.md, "The user stack"); PROG= programs get it
# too (the Makefile's PROG_CFLAGS). SSE is on for ring 3 (usermode.c). The red
# zone stays, as the SysV ABI has it: every entry from ring 3 switches to the kernel
# stack, so nothing below a user RSP is touched (whatever later delivers exceptions or
# APCs onto a user stack must skip 128 bytes).
#
# Host tests: the same sources for Linux under ASan and UBSan, with every public name
# renamed ul_* by a force-included header (userlib/host/ul_rename.h), so glibc stays in
# the binary as the oracle and runs the test framework. Tests include
# userlib/host/ul_host.h and link userlib/host/hooks.c, which stands in for the system
# calls (a captured console, exit by longjmp, pages from aligned_alloc).

USERLIB_C := $(wildcard userlib/libc/*.c userlib/kernel32/*.c userlib/crt/*.c \
	userlib/ntdll/*.c) kernel/lib/format.c kernel/lib/string.c
USERLIB_S := $(wildcard userlib/ntdll/*.S)
# On the host only what runs without Reservoir's system calls: the C library and the
# status mapping (the Win32 calls need the kernel and are tested there).
USERLIB_HOST_C := $(wildcard userlib/libc/*.c) userlib/kernel32/error_map.c kernel/lib/format.c \
	kernel/lib/string.c

USERLIB_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -fno-stack-protector \
	-fstack-clash-protection -fno-pic -fno-pie -fno-omit-frame-pointer \
	-I. -Iuserlib -Iuserlib/include -MMD -MP
USERLIB_OBJS := $(patsubst %.c,$(BUILD)/userlib-obj/%.o,$(USERLIB_C)) \
	$(patsubst %.S,$(BUILD)/userlib-obj/%.o,$(USERLIB_S))
# crt0 comes first on every program's link line, outside the archive.
USERLIB_CRT0 := $(BUILD)/userlib-obj/userlib/crt/crt0.o
USERLIB_LIB := $(BUILD)/userlib/libreservoir.a

USERLIB_HOST_CFLAGS := -std=gnu11 -O1 -g $(WARNINGS) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -ffreestanding \
	-I. -Iuserlib -Iuserlib/include -include userlib/host/ul_rename.h \
	-DRESERVOIR_HOST=1 -MMD -MP
USERLIB_TEST_CFLAGS := -std=gnu11 -O1 -g $(WARNINGS) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I. -Ikernel -Iuserlib \
	-Itests/host -DRESERVOIR_HOST=1 -MMD -MP
USERLIB_HOST_OBJS := $(patsubst %.c,$(BUILD)/userlib-host-obj/%.o,$(USERLIB_HOST_C))
USERLIB_HOST_LIB := $(BUILD)/host/libuserlib.a
USERLIB_HOOKS_OBJ := $(BUILD)/userlib-test-obj/userlib/host/hooks.o
USERLIB_TESTS := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_userlib_*.c))

FLAGS_userlib = $(USERLIB_CFLAGS)
FLAGS_userlib-host = $(USERLIB_HOST_CFLAGS)
FLAGS_userlib-test = $(USERLIB_TEST_CFLAGS)

.PHONY: userlib
userlib: $(USERLIB_LIB) $(USERLIB_CRT0)
host-tests: $(USERLIB_TESTS)

$(BUILD)/userlib-obj/%.o: %.c $(BUILD)/userlib.flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USERLIB_CFLAGS) -c $< -o $@

$(BUILD)/userlib-obj/%.o: %.S $(BUILD)/userlib.flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) -I. -Iuserlib -Iuserlib/include -MMD -MP -c $< -o $@

$(USERLIB_LIB): $(USERLIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/userlib-host-obj/%.o: %.c $(BUILD)/userlib-host.flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USERLIB_HOST_CFLAGS) -c $< -o $@

$(BUILD)/userlib-test-obj/%.o: %.c $(BUILD)/userlib-test.flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USERLIB_TEST_CFLAGS) -c $< -o $@

$(USERLIB_HOST_LIB): $(USERLIB_HOST_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# More specific than $(BUILD)/host/test_%, so make uses this rule for these tests.
$(BUILD)/host/test_userlib_%: $(BUILD)/userlib-test-obj/tests/host/test_userlib_%.o \
		$(USERLIB_HOOKS_OBJ) $(HOST_SUPPORT_OBJS) $(USERLIB_HOST_LIB) $(HOST_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USERLIB_TEST_CFLAGS) -o $@ $< $(USERLIB_HOOKS_OBJ) $(HOST_SUPPORT_OBJS) \
		$(USERLIB_HOST_LIB) $(HOST_LIB)

-include $(USERLIB_OBJS:.o=.d) $(USERLIB_HOST_OBJS:.o=.d) $(USERLIB_HOOKS_OBJ:.o=.d) \
	$(patsubst $(BUILD)/host/%,$(BUILD)/userlib-test-obj/tests/host/%.d,$(USERLIB_TESTS))
