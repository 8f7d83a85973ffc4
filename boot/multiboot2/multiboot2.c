/*
 * Multiboot2 information block → struct boot_info (multiboot2.h).
 *
 * Compiled into the kernel (it runs right after entry, on the identity map) and into the
 * host tests, which feed it malformed blocks. Every size and offset in the block is
 * checked before use: a block GRUB did not write must produce an error, not a fault.
 */
#include "multiboot2.h"

#include "boot_info.h"
#include "lib/log.h"
#include "lib/string.h"

#define MB2_INFO_MAX_SIZE (1u << 20)    /* far more than GRUB ever writes */

/* What the parse has seen so far, beyond what goes into boot_info. */
struct parse_state {
    struct boot_info *bi;
    int cmdline_from_module;
};

static uint32_t mb2_type_to_boot(uint32_t type)
{
    switch (type) {
    case MB2_MEM_AVAILABLE: return BOOT_MEM_USABLE;
    case MB2_MEM_ACPI_RECLAIMABLE: return BOOT_MEM_ACPI_RECLAIM;
    case MB2_MEM_NVS: return BOOT_MEM_ACPI_NVS;
    case MB2_MEM_BADRAM: return BOOT_MEM_BAD;
    default: return BOOT_MEM_RESERVED;
    }
}

/* Copies a NUL-terminated string that must end inside the tag. Returns 0 or -1. */
static int copy_tag_string(const char *s, uint32_t max_in_tag, char *dst, uint32_t dst_size)
{
    uint32_t len = (uint32_t)strnlen(s, max_in_tag);
    if (len == max_in_tag || len >= dst_size)
        return -1;
    memcpy(dst, s, len + 1);
    return 0;
}

static int parse_mmap(const struct mb2_tag_mmap *tag, struct boot_info *bi, const char **why)
{
    if (tag->size < sizeof(*tag) || tag->entry_size < sizeof(struct mb2_mmap_entry) ||
        tag->entry_size % 8) {
        *why = "memory-map tag with a bad entry size";
        return -1;
    }
    uint32_t count = (tag->size - (uint32_t)sizeof(*tag)) / tag->entry_size;
    const uint8_t *p = (const uint8_t *)(tag + 1);
    for (uint32_t i = 0; i < count; i++, p += tag->entry_size) {
        const struct mb2_mmap_entry *e = (const struct mb2_mmap_entry *)p;
        if (e->len == 0)
            continue;
        if (bi->mmap_count == BOOT_MMAP_MAX) {
            bi->mmap_truncated = 1;
            break;
        }
        struct boot_mem_region *r = &bi->mmap[bi->mmap_count++];
        r->base = e->addr;
        r->length = e->len;
        r->type = mb2_type_to_boot(e->type);
    }
    return 0;
}

/*
 * Reservoir's convention for an exact command line: a module named "cmdline" holds it as
 * text (GRUB re-quotes and escapes the arguments of its multiboot2 line, so quoting would
 * not survive there). tools/qemu-run.sh uses it; the UEFI loader reads the same file.
 */
static void take_cmdline_module(const struct mb2_tag_module *m, struct parse_state *st)
{
    struct boot_info *bi = st->bi;
    const char *text = (const char *)(uintptr_t)m->mod_start;
    uint32_t len = m->mod_end - m->mod_start;
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    if (len >= BOOT_CMDLINE_MAX || strnlen(text, len) != len) {
        log_warn("multiboot2: cmdline module longer than %u bytes or holding a NUL; ignored",
                 BOOT_CMDLINE_MAX - 1);
        return;
    }
    memcpy(bi->cmdline, text, len);
    bi->cmdline[len] = '\0';
    st->cmdline_from_module = 1;
}

static void parse_module(const struct mb2_tag_module *m, struct parse_state *st)
{
    struct boot_info *bi = st->bi;
    if (m->size < sizeof(*m) || m->mod_end < m->mod_start ||
        strnlen(m->string, m->size - sizeof(*m)) == m->size - sizeof(*m)) {
        log_warn("multiboot2: malformed module tag ignored");
        return;
    }
    if (strcmp(m->string, "cmdline") == 0) {
        take_cmdline_module(m, st);
        return;
    }
    if (bi->initrd_size) {
        log_warn("multiboot2: module '%s' ignored: the initrd is already loaded", m->string);
        return;
    }
    bi->initrd_base = m->mod_start;
    bi->initrd_size = m->mod_end - m->mod_start;
}

/*
 * GRUB builds the Multiboot2 command line from its parsed arguments, putting a backslash
 * before each \, ' and " (grub_create_loader_cmdline). Undo that so the kernel sees what
 * the grub.cfg line said.
 */
static void grub_unescape(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (*s == '\\' && (s[1] == '\\' || s[1] == '\'' || s[1] == '"'))
            s++;
        *out++ = *s;
    }
    *out = '\0';
}

static void parse_framebuffer(const struct mb2_tag_framebuffer *fb, struct boot_info *bi)
{
    if (fb->size < sizeof(*fb))
        return;
    bi->fb.addr = fb->addr;
    bi->fb.width = fb->width;
    bi->fb.height = fb->height;
    bi->fb.pitch = fb->pitch;
    bi->fb.bpp = fb->bpp;
}

static int parse_tag(const struct mb2_tag *tag, uint64_t tag_phys, struct parse_state *st,
                     const char **why)
{
    struct boot_info *bi = st->bi;
    const struct mb2_tag_string *str = (const struct mb2_tag_string *)tag;
    uint32_t payload = tag->size - (uint32_t)sizeof(*tag);

    switch (tag->type) {
    case MB2_TAG_CMDLINE:
        if (st->cmdline_from_module)
            return 0;
        if (copy_tag_string(str->string, payload, bi->cmdline, BOOT_CMDLINE_MAX) < 0) {
            log_warn("multiboot2: command line unterminated or longer than %u bytes; ignored",
                     BOOT_CMDLINE_MAX - 1);
            bi->cmdline[0] = '\0';
        }
        return 0;
    case MB2_TAG_LOADER_NAME:
        if (copy_tag_string(str->string, payload, bi->loader_name, BOOT_LOADER_NAME_MAX) < 0)
            strlcpy(bi->loader_name, "multiboot2 loader", BOOT_LOADER_NAME_MAX);
        return 0;
    case MB2_TAG_MODULE:
        parse_module((const struct mb2_tag_module *)tag, st);
        return 0;
    case MB2_TAG_MMAP:
        return parse_mmap((const struct mb2_tag_mmap *)tag, bi, why);
    case MB2_TAG_FRAMEBUFFER:
        parse_framebuffer((const struct mb2_tag_framebuffer *)tag, bi);
        return 0;
    case MB2_TAG_ACPI_NEW:
        /* The RSDP is copied into the tag; prefer the ACPI 2.0 copy. */
        if (payload >= 36)
            bi->rsdp = tag_phys + sizeof(*tag);
        return 0;
    case MB2_TAG_ACPI_OLD:
        if (payload >= 20 && !bi->rsdp)
            bi->rsdp = tag_phys + sizeof(*tag);
        return 0;
    default:
        return 0;       /* tags we do not use */
    }
}

int multiboot2_parse(uint64_t info, struct boot_info *bi, const char **why)
{
    memset(bi, 0, sizeof(*bi));
    bi->magic = BOOT_INFO_MAGIC;
    bi->version = BOOT_INFO_VERSION;
    bi->size = sizeof(*bi);
    bi->protocol = BOOT_PROTOCOL_MULTIBOOT2;
    strlcpy(bi->loader_name, "multiboot2 loader", BOOT_LOADER_NAME_MAX);

    if (info == 0 || (info & 7)) {
        *why = "information block missing or misaligned";
        return -1;
    }
    const struct mb2_info_header *hdr = (const struct mb2_info_header *)(uintptr_t)info;
    if (hdr->total_size < sizeof(*hdr) + sizeof(struct mb2_tag) ||
        hdr->total_size > MB2_INFO_MAX_SIZE) {
        *why = "information block size out of range";
        return -1;
    }

    struct parse_state st = { bi, 0 };
    int have_mmap = 0, have_end = 0;
    uint32_t offset = sizeof(*hdr);
    while (offset + sizeof(struct mb2_tag) <= hdr->total_size) {
        const struct mb2_tag *tag = (const struct mb2_tag *)(uintptr_t)(info + offset);
        if (tag->size < sizeof(*tag) || tag->size > hdr->total_size - offset) {
            *why = "tag size runs past the information block";
            return -1;
        }
        if (tag->type == MB2_TAG_END) {
            have_end = 1;
            break;
        }
        if (parse_tag(tag, info + offset, &st, why) < 0)
            return -1;
        have_mmap |= tag->type == MB2_TAG_MMAP;
        offset += (tag->size + 7) & ~7u;
    }
    if (!have_end) {
        *why = "no end tag";
        return -1;
    }
    if (!have_mmap || bi->mmap_count == 0) {
        *why = "no memory map";
        return -1;
    }
    if (!st.cmdline_from_module && strncmp(bi->loader_name, "GRUB", 4) == 0)
        grub_unescape(bi->cmdline);
    return 0;
}
