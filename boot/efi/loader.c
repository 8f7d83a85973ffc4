/*
 * reservoir-efi: the UEFI boot loader of Reservoir (a GNU-EFI application, BOOTX64.EFI).
 *
 * It reads \reservoir\kernel.elf (and optionally \reservoir\cmdline.txt and
 * \reservoir\initrd) from the volume it was itself loaded from, copies the kernel's
 * segments to their physical addresses, describes the machine in a struct boot_info
 * (boot/boot_info.h), leaves boot services and jumps to the kernel's 64-bit entry with
 * RDI = BOOT_INFO_MAGIC and RSI = the boot_info. Paging stays as the firmware set it up:
 * everything is identity mapped, which is all the kernel's entry needs.
 *
 * Any problem before the jump is reported in one line and the loader halts. It never
 * jumps into a kernel it has not fully checked and loaded.
 */
#include <efi.h>
#include <efilib.h>

#include "boot_info.h"
#include "elf.h"

#define KERNEL_PATH  L"\\reservoir\\kernel.elf"
#define CMDLINE_PATH L"\\reservoir\\cmdline.txt"
#define INITRD_PATH  L"\\reservoir\\initrd"

#define LOADER_NAME  "reservoir-efi"

#define PAGE_SIZE    4096ull
#define PAGE_DOWN(a) ((a) & ~(PAGE_SIZE - 1))
#define PAGE_UP(a)   PAGE_DOWN((a) + PAGE_SIZE - 1)
#define PAGES(n)     (PAGE_UP(n) / PAGE_SIZE)

/* Highest address for data the kernel reads at entry (boot_info, initrd): its early
   identity mapping need only cover the low 4 GiB. */
#define BELOW_4G     0xFFFFFFFFull

_Static_assert(sizeof(LOADER_NAME) <= BOOT_LOADER_NAME_MAX, "loader name too long");

/*
 * The kernel's entry is an ordinary C-callable function in the System V ABI. Say so
 * explicitly: this file is built next to firmware code that uses the Microsoft ABI.
 */
typedef void __attribute__((sysv_abi)) kernel_entry_t(uint64_t magic, uint64_t boot_info);

/* The firmware's memory map, as GetMemoryMap returned it. */
struct efi_map {
    UINT8 *buf;
    UINTN cap;              /* bytes allocated */
    UINTN size;             /* bytes filled */
    UINTN key;
    UINTN desc_size;        /* stride between descriptors: not sizeof(EFI_MEMORY_DESCRIPTOR) */
    UINT32 desc_version;
};

static void __attribute__((noreturn)) halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Report a fatal problem in one line and stop. Only usable while boot services run. */
static void __attribute__((noreturn)) fail(const CHAR16 *fmt, ...)
{
    va_list args;

    Print(L"reservoir-efi: error: ");
    va_start(args, fmt);
    VPrint(fmt, args);
    va_end(args);
    Print(L"\n");
    halt();
}

/* ---- Files on the boot volume ---- */

/* The root directory of the volume this loader was read from. */
static EFI_FILE_HANDLE open_boot_volume(EFI_LOADED_IMAGE *self)
{
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
    EFI_FILE_HANDLE root;
    EFI_STATUS st;

    st = uefi_call_wrapper(BS->HandleProtocol, 3, self->DeviceHandle, &FileSystemProtocol,
                           (void **)&fs);
    if (EFI_ERROR(st))
        fail(L"boot device has no file system: %r", st);
    st = uefi_call_wrapper(fs->OpenVolume, 2, fs, &root);
    if (EFI_ERROR(st))
        fail(L"cannot open the boot volume: %r", st);
    return root;
}

/* Open path for reading. Returns 0 if the file does not exist and optional is set. */
static EFI_FILE_HANDLE open_file(EFI_FILE_HANDLE root, CHAR16 *path, int optional)
{
    EFI_FILE_HANDLE file;
    EFI_STATUS st;

    st = uefi_call_wrapper(root->Open, 5, root, &file, path, EFI_FILE_MODE_READ, 0ull);
    if (st == EFI_NOT_FOUND && optional)
        return NULL;
    if (EFI_ERROR(st))
        fail(L"%s: cannot open: %r", path, st);
    return file;
}

static UINT64 file_size(EFI_FILE_HANDLE file, CHAR16 *path)
{
    EFI_FILE_INFO *info = LibFileInfo(file);    /* allocated by gnu-efi: free it */
    UINT64 size;

    if (info == NULL)
        fail(L"%s: cannot get the file size", path);
    size = info->FileSize;
    FreePool(info);
    return size;
}

/* Read the first size bytes of file into buf: all of them, or fail. */
static void read_all(EFI_FILE_HANDLE file, CHAR16 *path, void *buf, UINT64 size)
{
    UINT8 *p = buf;

    while (size > 0) {
        UINTN n = size;
        EFI_STATUS st = uefi_call_wrapper(file->Read, 3, file, &n, p);

        if (EFI_ERROR(st))
            fail(L"%s: read error: %r", path, st);
        if (n == 0)
            fail(L"%s: file is shorter than its reported size", path);
        p += n;
        size -= n;
    }
}

static void close_file(EFI_FILE_HANDLE file)
{
    /* Close only fails for a bad handle; there is nothing useful to do about it. */
    (void)uefi_call_wrapper(file->Close, 1, file);
}

/* ---- Memory ---- */

/*
 * Claim pages of the given memory type at exactly addr, or at any address <= addr for
 * AllocateMaxAddress. Kernel code goes in EfiLoaderCode: firmware that maps LoaderData
 * no-execute would otherwise fault at the jump into the kernel.
 */
static EFI_STATUS alloc_pages(EFI_ALLOCATE_TYPE how, EFI_MEMORY_TYPE type, UINT64 npages,
                              UINT64 *addr)
{
    EFI_PHYSICAL_ADDRESS a = *addr;
    EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, how, type, npages, &a);

    *addr = a;
    return st;
}

static void *alloc_pool(UINTN size, CHAR16 *what)
{
    void *p;
    EFI_STATUS st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, size, &p);

    if (EFI_ERROR(st))
        fail(L"no memory for %s (%ld bytes): %r", what, (UINT64)size, st);
    return p;
}

static void copy_mem(void *dst, const void *src, UINT64 n)
{
    uefi_call_wrapper(BS->CopyMem, 3, dst, (void *)src, n);    /* the firmware's is fast */
}

static void zero_mem(void *dst, UINT64 n)
{
    uefi_call_wrapper(BS->SetMem, 3, dst, n, 0);
}

/* ---- The kernel ---- */

/*
 * Is page (a page-aligned address) part of the pages claimed for a PT_LOAD segment
 * before segment i? Segments never share bytes (elf_check), but two may share the page
 * where one ends and the next begins.
 */
static int page_claimed_before(const void *image, int i, UINT64 page)
{
    for (int j = 0; j < i; j++) {
        const struct elf64_phdr *ph = elf_phdr(image, j);

        if (ph->p_type == ELF_PT_LOAD && ph->p_memsz != 0 &&
            page >= PAGE_DOWN(ph->p_paddr) && page < PAGE_UP(ph->p_paddr + ph->p_memsz))
            return 1;
    }
    return 0;
}

/* Claim the pages of segment i at its physical address, then fill them. */
static void load_segment(const void *image, int i)
{
    const struct elf64_phdr *ph = elf_phdr(image, i);
    UINT64 start = PAGE_DOWN(ph->p_paddr);
    UINT64 end = PAGE_UP(ph->p_paddr + ph->p_memsz);
    EFI_STATUS st;

    if (page_claimed_before(image, i, start))
        start += PAGE_SIZE;
    if (end > start && page_claimed_before(image, i, end - PAGE_SIZE))
        end -= PAGE_SIZE;
    if (end > start) {
        UINT64 addr = start;

        EFI_MEMORY_TYPE type = (ph->p_flags & ELF_PF_X) ? EfiLoaderCode : EfiLoaderData;
        st = alloc_pages(AllocateAddress, type, (end - start) / PAGE_SIZE, &addr);
        if (st == EFI_NOT_FOUND)
            fail(L"kernel segment %d wants 0x%lx-0x%lx, which is not free memory",
                 i, start, end);
        if (EFI_ERROR(st))
            fail(L"kernel segment %d: cannot claim 0x%lx-0x%lx: %r", i, start, end, st);
    }

    /* The file bytes, then zeroes up to the segment's memory size (.bss). */
    copy_mem((void *)ph->p_paddr, (const UINT8 *)image + ph->p_offset, ph->p_filesz);
    zero_mem((void *)(ph->p_paddr + ph->p_filesz), ph->p_memsz - ph->p_filesz);
}

/* Load the kernel; return its entry point, and in *lo, *hi the physical range it spans. */
static UINT64 load_kernel(EFI_FILE_HANDLE root, UINT64 *lo, UINT64 *hi)
{
    EFI_FILE_HANDLE file = open_file(root, KERNEL_PATH, 0);
    UINT64 size = file_size(file, KERNEL_PATH);
    const struct elf64_ehdr *eh;
    const char *err;
    void *image;
    int bad;

    /* The whole file goes to a scratch buffer first: checking it needs every header. */
    image = alloc_pool(size, L"the kernel file");
    read_all(file, KERNEL_PATH, image, size);
    close_file(file);

    err = elf_check(image, size, &bad);
    if (err != NULL && bad >= 0)
        fail(L"%s: %a (program header %d)", KERNEL_PATH, err, bad);
    if (err != NULL)
        fail(L"%s: %a", KERNEL_PATH, err);

    eh = image;
    *lo = ~0ull;
    *hi = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph = elf_phdr(image, i);

        if (ph->p_type != ELF_PT_LOAD || ph->p_memsz == 0)
            continue;
        load_segment(image, i);
        if (ph->p_paddr < *lo)
            *lo = ph->p_paddr;
        if (ph->p_paddr + ph->p_memsz > *hi)
            *hi = ph->p_paddr + ph->p_memsz;
    }

    UINT64 entry = eh->e_entry;
    FreePool(image);
    return entry;
}

/* ---- What else the kernel is told ---- */

static struct boot_info *alloc_boot_info(void)
{
    UINT64 addr = BELOW_4G;
    struct boot_info *bi;
    EFI_STATUS st;

    st = alloc_pages(AllocateMaxAddress, EfiLoaderData, PAGES(sizeof(*bi)), &addr);
    if (EFI_ERROR(st))
        fail(L"no memory below 4 GiB for boot_info: %r", st);
    bi = (struct boot_info *)addr;
    zero_mem(bi, sizeof(*bi));
    bi->magic = BOOT_INFO_MAGIC;
    bi->version = BOOT_INFO_VERSION;
    bi->size = sizeof(*bi);
    bi->protocol = BOOT_PROTOCOL_UEFI;
    copy_mem(bi->loader_name, LOADER_NAME, sizeof(LOADER_NAME));
    return bi;
}

/*
 * The command line: one line of text, optional. A trailing newline (as editors leave)
 * is dropped; anything that would not fit is an error, never silently cut.
 */
static void read_cmdline(EFI_FILE_HANDLE root, struct boot_info *bi)
{
    char buf[BOOT_CMDLINE_MAX + 2];     /* the longest line, plus CR LF */
    EFI_FILE_HANDLE file = open_file(root, CMDLINE_PATH, 1);
    UINT64 size;

    if (file == NULL)
        return;                         /* no file: empty command line */
    size = file_size(file, CMDLINE_PATH);
    if (size > sizeof(buf))
        fail(L"%s: longer than %d characters", CMDLINE_PATH, BOOT_CMDLINE_MAX - 1);
    read_all(file, CMDLINE_PATH, buf, size);
    close_file(file);

    while (size > 0 && (buf[size - 1] == '\n' || buf[size - 1] == '\r'))
        size--;
    if (size > BOOT_CMDLINE_MAX - 1)
        fail(L"%s: longer than %d characters", CMDLINE_PATH, BOOT_CMDLINE_MAX - 1);
    for (UINT64 i = 0; i < size; i++)
        if (buf[i] == '\0' || buf[i] == '\n' || buf[i] == '\r')
            fail(L"%s: must be a single line of text", CMDLINE_PATH);
    copy_mem(bi->cmdline, buf, size);
    bi->cmdline[size] = '\0';
}

/* The initial ramdisk, optional, read whole into pages below 4 GiB. */
static void load_initrd(EFI_FILE_HANDLE root, struct boot_info *bi)
{
    EFI_FILE_HANDLE file = open_file(root, INITRD_PATH, 1);
    UINT64 size, addr = BELOW_4G;
    EFI_STATUS st;

    if (file == NULL)
        return;                         /* no initrd: base and size stay 0 */
    size = file_size(file, INITRD_PATH);
    if (size > 0) {
        st = alloc_pages(AllocateMaxAddress, EfiLoaderData, PAGES(size), &addr);
        if (EFI_ERROR(st))
            fail(L"%s: no room below 4 GiB for %ld bytes: %r", INITRD_PATH, size, st);
        read_all(file, INITRD_PATH, (void *)addr, size);
        bi->initrd_base = addr;
        bi->initrd_size = size;
    }
    close_file(file);
}

/* The ACPI root pointer, from the firmware's configuration table. */
static UINT64 find_rsdp(void)
{
    EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
    UINT64 rsdp10 = 0;

    for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
        EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

        /* Prefer the ACPI 2.0 entry: its RSDP also carries the 64-bit XSDT address. */
        if (CompareMem(&t->VendorGuid, &acpi20, sizeof(EFI_GUID)) == 0)
            return (UINT64)t->VendorTable;
        if (CompareMem(&t->VendorGuid, &acpi10, sizeof(EFI_GUID)) == 0)
            rsdp10 = (UINT64)t->VendorTable;
    }
    return rsdp10;
}

/* The linear framebuffer of the current graphics mode; left zero if there is none. */
static void find_framebuffer(struct boot_framebuffer *fb)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
    EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
    EFI_STATUS st;

    st = uefi_call_wrapper(BS->LocateProtocol, 3, &GraphicsOutputProtocol, NULL,
                           (void **)&gop);
    if (EFI_ERROR(st) || gop->Mode == NULL || gop->Mode->Info == NULL)
        return;                         /* headless machine */
    info = gop->Mode->Info;
    if (info->PixelFormat == PixelBltOnly)
        return;                         /* drawable only through Blt(): no address */
    fb->addr = gop->Mode->FrameBufferBase;
    fb->width = info->HorizontalResolution;
    fb->height = info->VerticalResolution;
    fb->pitch = info->PixelsPerScanLine * 4;
    fb->bpp = 32;
}

/* ---- Leaving the firmware ---- */

static void alloc_memory_map(struct efi_map *m)
{
    EFI_STATUS st;

    m->size = 0;
    st = uefi_call_wrapper(BS->GetMemoryMap, 5, &m->size, NULL, &m->key, &m->desc_size,
                           &m->desc_version);
    if (st != EFI_BUFFER_TOO_SMALL)
        fail(L"GetMemoryMap (size query) failed: %r", st);
    /* Allocating the buffer, and events firing before ExitBootServices, can split
       descriptors: leave room for some more. */
    m->cap = m->size + 16 * m->desc_size;
    m->buf = alloc_pool(m->cap, L"the memory map");
}

/*
 * Take the final memory map and exit boot services. ExitBootServices refuses a map key
 * that is out of date (a timer event may have allocated memory since GetMemoryMap); then
 * the map is fetched again into the same buffer and the exit retried. Between the two
 * calls nothing may allocate or print, and once ExitBootServices has been called, even
 * unsuccessfully, no other boot service may be used: a failure here can only halt.
 */
static void exit_boot_services(EFI_HANDLE image, struct efi_map *m)
{
    EFI_STATUS st;

    for (int attempt = 0; attempt < 8; attempt++) {
        m->size = m->cap;
        st = uefi_call_wrapper(BS->GetMemoryMap, 5, &m->size, (EFI_MEMORY_DESCRIPTOR *)m->buf,
                               &m->key, &m->desc_size, &m->desc_version);
        if (EFI_ERROR(st) && attempt == 0)
            fail(L"GetMemoryMap failed: %r", st);
        if (EFI_ERROR(st))
            halt();
        st = uefi_call_wrapper(BS->ExitBootServices, 2, image, m->key);
        if (st == EFI_SUCCESS)
            return;
        if (st != EFI_INVALID_PARAMETER)
            halt();
    }
    halt();
}

static uint32_t convert_mem_type(UINT32 efi_type)
{
    switch (efi_type) {
    case EfiConventionalMemory:
        return BOOT_MEM_USABLE;
    case EfiLoaderCode:
    case EfiLoaderData:
    case EfiBootServicesCode:
    case EfiBootServicesData:
        return BOOT_MEM_RECLAIMABLE;
    case EfiACPIReclaimMemory:
        return BOOT_MEM_ACPI_RECLAIM;
    case EfiACPIMemoryNVS:
        return BOOT_MEM_ACPI_NVS;
    case EfiRuntimeServicesCode:
    case EfiRuntimeServicesData:
        return BOOT_MEM_FIRMWARE;
    case EfiUnusableMemory:
        return BOOT_MEM_BAD;
    case EfiMemoryMappedIO:
    case EfiMemoryMappedIOPortSpace:
        return BOOT_MEM_MMIO;
    default:                            /* Reserved, PalCode, Persistent, newer types */
        return BOOT_MEM_RESERVED;
    }
}

/* Convert the EFI map into bi->mmap, merging neighbours that end up with one type. */
static void fill_memory_map(struct boot_info *bi, const struct efi_map *m)
{
    for (UINTN off = 0; off + m->desc_size <= m->size; off += m->desc_size) {
        const EFI_MEMORY_DESCRIPTOR *d = (const EFI_MEMORY_DESCRIPTOR *)(m->buf + off);
        uint64_t base = d->PhysicalStart;
        uint64_t length = d->NumberOfPages * EFI_PAGE_SIZE;
        uint32_t type = convert_mem_type(d->Type);
        struct boot_mem_region *last = bi->mmap_count ? &bi->mmap[bi->mmap_count - 1] : NULL;

        if (length == 0)
            continue;
        if (last != NULL && last->type == type && last->base + last->length == base) {
            last->length += length;
            continue;
        }
        if (bi->mmap_count == BOOT_MMAP_MAX) {
            bi->mmap_truncated = 1;
            break;
        }
        bi->mmap[bi->mmap_count++] = (struct boot_mem_region){ base, length, type, 0 };
    }
}

/* gnu-efi's crt0 relocates the image, then calls this with the System V convention: it
   must NOT be EFIAPI, or the arguments arrive in the wrong registers. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    EFI_LOADED_IMAGE *self;
    EFI_FILE_HANDLE root;
    struct boot_info *bi;
    struct efi_map map;
    UINT64 entry, lo, hi;
    EFI_STATUS st;

    InitializeLib(image, systab);

    st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&self);
    if (EFI_ERROR(st))
        fail(L"no LoadedImage protocol: %r", st);
    root = open_boot_volume(self);

    bi = alloc_boot_info();
    entry = load_kernel(root, &lo, &hi);
    read_cmdline(root, bi);
    load_initrd(root, bi);
    close_file(root);
    bi->rsdp = find_rsdp();
    find_framebuffer(&bi->fb);

    /* ImageBase lets a debugger place this loader's symbols (build/boot/efi/loader.so). */
    Print(L"reservoir-efi: image base 0x%lx, kernel 0x%lx-0x%lx, entry 0x%lx\n",
          (UINT64)self->ImageBase, lo, hi, entry);
    Print(L"reservoir-efi: initrd %ld bytes at 0x%lx, rsdp 0x%lx, fb %dx%d, cmdline \"%a\"\n",
          bi->initrd_size, bi->initrd_base, bi->rsdp, bi->fb.width, bi->fb.height, bi->cmdline);

    alloc_memory_map(&map);
    exit_boot_services(image, &map);

    /* The firmware is gone. Nothing below may call it; keep interrupts off until the
       kernel has its own IDT. */
    __asm__ volatile("cli");
    fill_memory_map(bi, &map);

    ((kernel_entry_t *)entry)(BOOT_INFO_MAGIC, (uint64_t)bi);
    halt();                             /* the kernel must not return; if it does, stop */
}
