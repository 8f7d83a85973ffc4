/*
 * The lstr* string functions (winbase.h): lstrlenA, lstrcpyA, lstrcpynA, lstrcatA,
 * lstrcmpA, lstrcmpiA. Sources and the measured rules: docs/win32-basics.md ("lstr").
 *
 * NULL arguments: Windows wraps these functions in an exception handler, so a bad
 * pointer makes them fail instead of crashing. userlib cannot catch faults (no __try),
 * so it handles NULL, the common case, as Windows does (Wine agrees): lstrlenA(NULL) is
 * 0; the copies return NULL with ERROR_INVALID_PARAMETER; lstrcmp orders NULL before
 * every string and equal to NULL. Any other bad pointer faults as in strcpy.
 *
 * lstrcmpA and lstrcmpiA do not compare bytes: they call CompareString with the user's
 * locale, a "word sort" (Microsoft Learn, "lstrcmpA function"). For ASCII that sort is:
 *   1. primary weights, case ignored, skipping the "special" characters (hyphen,
 *      apostrophe, and the control characters other than TAB, LF, VT, FF, CR):
 *      punctuation and blanks, then digits, then letters, in the order of `primary`;
 *   2. if those are equal, case: at the first letter whose case differs, lowercase
 *      sorts first (lstrcmpi skips this step);
 *   3. if still equal, the special characters: compared as a list of (position, weight)
 *      pairs, where a special character further to the right sorts first, and a string
 *      with fewer of them sorts first.
 * The order and the three steps were measured under Wine 8.0, whose collation tables
 * are Windows', over every pair of 127 single characters and every pair of strings of
 * up to three characters from a 10-character alphabet (1.2 million pairs): this model
 * gives the same sign for all of them. Bytes 0x80-0xFF have no code page here: they sort
 * after every ASCII character, by value, with no case.
 */
#include <string.h>

#include "kernel32.h"

int WINAPI lstrlenA(LPCSTR lpString)
{
    return lpString ? (int)strlen(lpString) : 0;
}

LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2)
{
    if (!lpString1 || !lpString2) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return strcpy(lpString1, lpString2);
}

/*
 * Copies at most iMaxLength - 1 characters and always terminates, when iMaxLength > 0;
 * iMaxLength 0 writes nothing (Microsoft Learn, "lstrcpynA function"). A negative
 * iMaxLength is, as in Windows and Wine, a very large unsigned count: the whole string.
 */
LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength)
{
    if (!lpString1 || !lpString2) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    unsigned count = (unsigned)iMaxLength;
    char *d = lpString1;
    const char *s = lpString2;
    while (count > 1 && *s) {
        *d++ = *s++;
        count--;
    }
    if (count)
        *d = '\0';
    return lpString1;
}

LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2)
{
    if (!lpString1 || !lpString2) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return strcat(lpString1, lpString2);
}

/* Non-letters that are not special, in sorting order; then the digits; letters follow. */
static const char primary[] = " \t\n\v\f\r!\"#$%&()*,./:;?@[\\]^_`{|}~+<=>0123456789";
/* The special characters, in their own order. */
static const char special[] =
    "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
    "\x1a\x1b\x1c\x1d\x1e\x1f\x7f'-";

enum { LETTERS_BASE = 64, HIGH_BASE = 128 };

static int is_special(unsigned char c)
{
    return c != 0 && memchr(special, c, sizeof(special) - 1) != NULL;
}

/* Step 1's weight of a character that is not special. */
static int primary_weight(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return LETTERS_BASE + (c - 'a');
    if (c >= 'A' && c <= 'Z')
        return LETTERS_BASE + (c - 'A');
    if (c >= 0x80)
        return HIGH_BASE + c;
    const char *p = memchr(primary, c, sizeof(primary) - 1);
    return p ? (int)(p - primary) : 0;
}

static int special_weight(unsigned char c)
{
    return (int)((const char *)memchr(special, c, sizeof(special) - 1) - special);
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

/* The next non-special character at or after *i, advancing *i past it; 0 at the end. */
static unsigned char next_regular(const unsigned char *s, size_t *i)
{
    while (s[*i] && is_special(s[*i]))
        (*i)++;
    return s[*i] ? s[(*i)++] : 0;
}

static int compare_primary(const unsigned char *a, const unsigned char *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        unsigned char x = next_regular(a, &i), y = next_regular(b, &j);
        if (!x || !y)
            return sign((x != 0) - (y != 0));
        int d = primary_weight(x) - primary_weight(y);
        if (d)
            return sign(d);
    }
}

/* Equal primaries mean the regular characters pair up one to one. */
static int compare_case(const unsigned char *a, const unsigned char *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        unsigned char x = next_regular(a, &i), y = next_regular(b, &j);
        if (!x || !y)
            return 0;
        int upper_x = x >= 'A' && x <= 'Z', upper_y = y >= 'A' && y <= 'Z';
        if (upper_x != upper_y)
            return upper_x ? 1 : -1;
    }
}

/* The next special character at or after *i; its position in *pos; 0 at the end. */
static unsigned char next_special(const unsigned char *s, size_t *i, size_t *pos)
{
    while (s[*i] && !is_special(s[*i]))
        (*i)++;
    if (!s[*i])
        return 0;
    *pos = *i;
    return s[(*i)++];
}

static int compare_special(const unsigned char *a, const unsigned char *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        size_t pa = 0, pb = 0;
        unsigned char x = next_special(a, &i, &pa), y = next_special(b, &j, &pb);
        if (!x || !y)
            return sign((x != 0) - (y != 0));
        if (pa != pb)
            return pa > pb ? -1 : 1;        /* further right sorts first */
        int d = special_weight(x) - special_weight(y);
        if (d)
            return sign(d);
    }
}

static int word_sort_compare(LPCSTR s1, LPCSTR s2, int ignore_case)
{
    if (!s1 || !s2)
        return sign((s1 != NULL) - (s2 != NULL));
    const unsigned char *a = (const unsigned char *)s1, *b = (const unsigned char *)s2;
    int r = compare_primary(a, b);
    if (r == 0 && !ignore_case)
        r = compare_case(a, b);
    if (r == 0)
        r = compare_special(a, b);
    return r;
}

int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2)
{
    return word_sort_compare(lpString1, lpString2, 0);
}

int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2)
{
    return word_sort_compare(lpString1, lpString2, 1);
}
