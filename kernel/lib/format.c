/*
 * The formatting engine behind kprintf, panic and snprintf (see format.h).
 *
 * It walks the format string once; each conversion turns its argument into digits in a
 * small local buffer and emit_field() adds sign, prefix and padding around them.
 */
#include "format.h"

#include <stdint.h>

struct spec {
    int left;           /* '-' */
    int zero;           /* '0' */
    int plus;           /* '+' */
    int space;          /* ' ' */
    int alt;            /* '#' */
    int width;
    int precision;      /* -1: none given */
    /*
     * 0, 'H' (hh), 'h', 'l', 'L' (ll), 'z', 't', 'j': the same in both dialects, since
     * parse_length maps FORMAT_WINDOWS's l to 0 and its I, I32, I64 to z, 0 and L.
     */
    int length;
};

struct out {
    format_put_fn put;
    void *ctx;
    int count;
};

static void emit(struct out *o, char c)
{
    o->put(c, o->ctx);
    o->count++;
}

static void emit_repeat(struct out *o, char c, int n)
{
    for (; n > 0; n--)
        emit(o, c);
}

/* Emits prefix + zero padding + body with the field width applied. */
static void emit_field(struct out *o, const struct spec *s, const char *prefix,
                       const char *body, int body_len, int precision_zeros)
{
    int prefix_len = 0;
    while (prefix[prefix_len])
        prefix_len++;
    int len = prefix_len + precision_zeros + body_len;
    int pad = s->width > len ? s->width - len : 0;
    int zero_pad = s->zero && !s->left && s->precision < 0;

    if (!s->left && !zero_pad)
        emit_repeat(o, ' ', pad);
    for (int i = 0; i < prefix_len; i++)
        emit(o, prefix[i]);
    if (zero_pad)
        emit_repeat(o, '0', pad);
    emit_repeat(o, '0', precision_zeros);
    for (int i = 0; i < body_len; i++)
        emit(o, body[i]);
    if (s->left)
        emit_repeat(o, ' ', pad);
}

static int utoa(uint64_t v, unsigned base, int upper, char *end)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = digits[v % base];
        v /= base;
    } while (v);
    return (int)(end - p);
}

static void format_integer(struct out *o, struct spec *s, uint64_t magnitude, int negative,
                           unsigned base, int upper, int is_signed)
{
    char buf[24];
    char *end = buf + sizeof(buf);
    int len = utoa(magnitude, base, upper, end);
    const char *body = end - len;
    const char *prefix = "";

    /* Precision 0 with value 0 prints no digits (C11 7.21.6.1). */
    if (s->precision == 0 && magnitude == 0)
        len = 0;
    int zeros = s->precision > len ? s->precision - len : 0;

    if (is_signed) {
        if (negative)
            prefix = "-";
        else if (s->plus)
            prefix = "+";
        else if (s->space)
            prefix = " ";
    } else if (s->alt) {
        /* '#' with o: a leading 0, even for 0 with precision 0 (C11 7.21.6.1p6). */
        if (base == 16 && magnitude != 0)
            prefix = upper ? "0X" : "0x";
        else if (base == 8 && zeros == 0 && (magnitude != 0 || len == 0))
            prefix = "0";
    }
    emit_field(o, s, prefix, body, len, zeros);
}

static int64_t signed_arg(const struct spec *s, va_list *ap)
{
    switch (s->length) {
    case 'H': return (signed char)va_arg(*ap, int);
    case 'h': return (short)va_arg(*ap, int);
    case 'l': return va_arg(*ap, long);
    case 'L': return va_arg(*ap, long long);
    case 'z': return va_arg(*ap, long);          /* ssize_t */
    case 't': return va_arg(*ap, ptrdiff_t);
    case 'j': return va_arg(*ap, int64_t);
    default: return va_arg(*ap, int);
    }
}

static uint64_t unsigned_arg(const struct spec *s, va_list *ap)
{
    switch (s->length) {
    case 'H': return (unsigned char)va_arg(*ap, unsigned);
    case 'h': return (unsigned short)va_arg(*ap, unsigned);
    case 'l': return va_arg(*ap, unsigned long);
    case 'L': return va_arg(*ap, unsigned long long);
    case 'z': return va_arg(*ap, size_t);
    case 't': return (uint64_t)va_arg(*ap, ptrdiff_t);
    case 'j': return va_arg(*ap, uint64_t);
    default: return va_arg(*ap, unsigned);
    }
}

static const char *parse_flags(const char *f, struct spec *s)
{
    for (;; f++) {
        switch (*f) {
        case '-': s->left = 1; break;
        case '0': s->zero = 1; break;
        case '+': s->plus = 1; break;
        case ' ': s->space = 1; break;
        case '#': s->alt = 1; break;
        default: return f;
        }
    }
}

static const char *parse_number(const char *f, int *value, va_list *ap, int *from_arg)
{
    *from_arg = 0;
    if (*f == '*') {
        *value = va_arg(*ap, int);
        *from_arg = 1;
        return f + 1;
    }
    int v = 0;
    while (*f >= '0' && *f <= '9') {
        if (v < 100000000)
            v = v * 10 + (*f - '0');
        f++;
    }
    *value = v;
    return f;
}

/* Microsoft's prefixes: I64 and I32 fix the width, I alone is pointer-sized. */
static const char *parse_windows_size(const char *f, struct spec *s)
{
    if (f[1] == '6' && f[2] == '4') {
        s->length = 'L';
        return f + 3;
    }
    if (f[1] == '3' && f[2] == '2') {
        s->length = 0;
        return f + 3;
    }
    s->length = 'z';
    return f + 1;
}

static const char *parse_length(const char *f, struct spec *s, enum format_dialect dialect)
{
    if (dialect == FORMAT_WINDOWS && *f == 'I')
        return parse_windows_size(f, s);
    switch (*f) {
    case 'h':
        if (f[1] == 'h') {
            s->length = 'H';
            return f + 2;
        }
        s->length = 'h';
        return f + 1;
    case 'l':
        if (f[1] == 'l') {
            s->length = 'L';
            return f + 2;
        }
        s->length = dialect == FORMAT_WINDOWS ? 0 : 'l';    /* LLP64: long is an int */
        return f + 1;
    case 'z': case 't': case 'j':
        s->length = *f;
        return f + 1;
    default:
        return f;
    }
}

static void format_string(struct out *o, const struct spec *s, const char *str)
{
    if (!str)
        str = "(null)";
    int len = 0;
    while ((s->precision < 0 || len < s->precision) && str[len])
        len++;
    struct spec plain = *s;
    plain.zero = 0;
    emit_field(o, &plain, "", str, len, 0);
}

/* %p: glibc's 0x-prefixed lowercase, or Microsoft's 16 uppercase digits. */
static void format_pointer(struct out *o, struct spec *s, uint64_t v,
                           enum format_dialect dialect)
{
    s->length = 'j';
    if (dialect == FORMAT_WINDOWS) {
        s->precision = 16;
        format_integer(o, s, v, 0, 16, 1, 0);
        return;
    }
    s->alt = 1;
    format_integer(o, s, v, 0, 16, 0, 0);
}

int format_va(format_put_fn put, void *ctx, enum format_dialect dialect, const char *fmt,
              va_list ap_in)
{
    struct out o = { put, ctx, 0 };
    va_list ap;
    va_copy(ap, ap_in);

    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            emit(&o, *f);
            continue;
        }
        const char *start = f;
        struct spec s = { 0 };
        int from_arg;
        s.precision = -1;
        f = parse_flags(f + 1, &s);
        f = parse_number(f, &s.width, &ap, &from_arg);
        if (from_arg && s.width < 0) {
            /* A negative '*' width means '-' (C11 7.21.6.1); -INT_MIN does not exist. */
            s.left = 1;
            s.width = s.width == INT32_MIN ? INT32_MAX : -s.width;
        }
        if (*f == '.') {
            f = parse_number(f + 1, &s.precision, &ap, &from_arg);
            if (s.precision < 0)
                s.precision = -1;
        }
        f = parse_length(f, &s, dialect);

        switch (*f) {
        case 'd': case 'i': {
            int64_t v = signed_arg(&s, &ap);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            format_integer(&o, &s, mag, v < 0, 10, 0, 1);
            break;
        }
        case 'u': format_integer(&o, &s, unsigned_arg(&s, &ap), 0, 10, 0, 0); break;
        case 'x': format_integer(&o, &s, unsigned_arg(&s, &ap), 0, 16, 0, 0); break;
        case 'X': format_integer(&o, &s, unsigned_arg(&s, &ap), 0, 16, 1, 0); break;
        case 'o': format_integer(&o, &s, unsigned_arg(&s, &ap), 0, 8, 0, 0); break;
        case 'p':
            format_pointer(&o, &s, (uint64_t)(uintptr_t)va_arg(ap, void *), dialect);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            struct spec plain = s;
            plain.zero = 0;
            emit_field(&o, &plain, "", &c, 1, 0);
            break;
        }
        case 's': format_string(&o, &s, va_arg(ap, const char *)); break;
        case '%': emit(&o, '%'); break;
        default:
            /* Unknown or truncated conversion: show it rather than guess. */
            for (const char *p = start; p <= f && *p; p++)
                emit(&o, *p);
            if (!*f)
                f--;
            break;
        }
    }
    va_end(ap);
    return o.count;
}

struct buffer {
    char *buf;
    size_t size;
    size_t used;
};

static void buffer_put(char c, void *ctx)
{
    struct buffer *b = ctx;
    if (b->used + 1 < b->size)
        b->buf[b->used] = c;
    b->used++;
}

int format_to_buffer(char *buf, size_t size, enum format_dialect dialect, const char *fmt,
                     va_list ap)
{
    struct buffer b = { buf, size, 0 };
    int n = format_va(buffer_put, &b, dialect, fmt, ap);
    if (size > 0)
        buf[b.used < size ? b.used : size - 1] = '\0';
    return n;
}
