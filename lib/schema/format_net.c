/* Internet names and addresses:
 *   ipv4          RFC 2673 §3.2 dotted-quad, no leading zeros (they read as
 *                 octal in some parsers: "087" is ambiguous, so refused)
 *   ipv6          RFC 4291 §2.2 text forms, no zone, no brackets
 *   hostname      RFC 1123 labels; "xn--" labels must be valid A-labels
 *                 (RFC 5890/5891, checked with libidn2)
 *   idn-hostname  RFC 5890 U-labels (IDNA2008 via libidn2: NFC, PVALID,
 *                 CONTEXTJ/CONTEXTO, Bidi) with the separators of RFC 3490
 *                 §3.1 (. U+3002 U+FF0E U+FF61)
 *   email         RFC 5321 §4.1.2 Mailbox; idn-email RFC 6531 §3.3
 */
#include <idn2.h>
#include <stdint.h>
#include <string.h>

#include "core/utf8.h"
#include "schema/format_impl.h"

#define NZ_MAX_LABEL 63
#define NZ_MAX_DOMAIN 253

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ---- IP addresses ---------------------------------------------------------- */

bool nz_format_ipv4(const char *s, size_t len)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= len || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        int v = 0;
        while (i < len && is_digit((unsigned char)s[i]) && i - start < 4)
            v = v * 10 + (s[i++] - '0');
        size_t n = i - start;
        if (n == 0 || n > 3 || v > 255 || (n > 1 && s[start] == '0'))
            return false;
    }
    return i == len;
}

bool nz_format_ipv6(const char *s, size_t len)
{
    size_t i = 0;
    int groups = 0;
    bool compressed = false;
    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        compressed = true;
        i = 2;
        if (i == len)
            return true;
    } else if (len == 0 || s[0] == ':') {
        return false;
    }
    for (;;) {
        size_t j = i;
        while (j < len && is_hex((unsigned char)s[j]))
            j++;
        if (j < len && s[j] == '.') { /* embedded IPv4 ends the address */
            if (!nz_format_ipv4(s + i, len - i))
                return false;
            groups += 2;
            break;
        }
        if (j == i || j - i > 4)
            return false;
        groups++;
        i = j;
        if (i == len)
            break;
        if (s[i] != ':' || groups > 8)
            return false;
        i++;
        if (i < len && s[i] == ':') {
            if (compressed)
                return false;
            compressed = true;
            i++;
            if (i == len)
                break;
        } else if (i == len) {
            return false; /* "1:2:3:4:5:6:7:" */
        }
    }
    return compressed ? groups <= 7 : groups == 8;
}

/* ---- host names ----------------------------------------------------------- */

static bool has_ace_prefix(const char *s, size_t n)
{
    return n >= 4 && (s[0] == 'x' || s[0] == 'X') && (s[1] == 'n' || s[1] == 'N') &&
           s[2] == '-' && s[3] == '-';
}

/* RFC 1123 label: letters, digits, hyphens; no hyphen at either end. */
static bool ldh_label(const char *s, size_t n)
{
    if (n == 0 || n > NZ_MAX_LABEL || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alpha((unsigned char)s[i]) && !is_digit((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

/* An "xn--" label must decode to a valid U-label that encodes back to the
 * same A-label (RFC 5891 §5.4); libidn2's registration check does all of
 * that, case-insensitively on the ASCII side. */
static bool alabel_valid(const char *s, size_t n)
{
    char lower[NZ_MAX_LABEL + 1];
    if (n > NZ_MAX_LABEL)
        return false;
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
    lower[n] = '\0';
    uint8_t *out = NULL;
    int rc = idn2_register_u8(NULL, (const uint8_t *)lower, &out, 0);
    idn2_free(out);
    return rc == IDN2_OK;
}

bool nz_format_hostname(const char *s, size_t len)
{
    if (len == 0 || len > NZ_MAX_DOMAIN)
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        const char *label = s + start;
        size_t n = i - start;
        if (!ldh_label(label, n))
            return false;
        if (has_ace_prefix(label, n) && !alabel_valid(label, n))
            return false;
        start = i + 1;
    }
    return true;
}

/* Label separators for IDNA (RFC 3490 §3.1): length of the one at s, or 0. */
static size_t idn_separator(const unsigned char *s, size_t n)
{
    if (n >= 1 && s[0] == '.')
        return 1;
    if (n >= 3 && ((s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x82) ||  /* U+3002 */
                   (s[0] == 0xEF && s[1] == 0xBC && s[2] == 0x8E) ||  /* U+FF0E */
                   (s[0] == 0xEF && s[1] == 0xBD && s[2] == 0xA1)))   /* U+FF61 */
        return 3;
    return 0;
}

/* Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, NKo, ... and
 * their presentation forms): a domain with such a character is a "Bidi
 * domain name" whose every label must satisfy the Bidi rule (RFC 5893). */
static bool is_rtl(uint32_t cp)
{
    return (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
           (cp >= 0xFE70 && cp <= 0xFEFF) || (cp >= 0x10800 && cp <= 0x10FFF) ||
           (cp >= 0x1E800 && cp <= 0x1EFFF);
}

/* Check one label of an internationalized name; *alabel_len gets the
 * length of its ASCII (A-label) form. */
static bool idn_label_valid(const char *s, size_t n, bool ascii, size_t *alabel_len)
{
    if (n == 0)
        return false;
    if (ascii) {
        *alabel_len = n;
        return ldh_label(s, n) && (!has_ace_prefix(s, n) || alabel_valid(s, n));
    }
    /* RFC 5893 rule 4, which libidn2 leaves out: an RTL label must not mix
     * European digits (EN: 0-9, U+06F0..06F9) with Arabic-Indic ones (AN:
     * U+0660..0669, U+066B..066C). */
    bool rtl = false, en = false, an = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp = (unsigned char)s[i];
        size_t k = cp < 0x80 ? 1 : nz_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k == 0)
            return false;
        rtl |= is_rtl(cp);
        en |= (cp >= '0' && cp <= '9') || (cp >= 0x06F0 && cp <= 0x06F9);
        an |= (cp >= 0x0660 && cp <= 0x0669) || cp == 0x066B || cp == 0x066C;
        i += k;
    }
    if (rtl && en && an)
        return false;
    /* U-label: NUL-terminated copy for libidn2. 4 bytes a character and 63
     * characters at most in the A-label bound every valid label. */
    char buf[4 * NZ_MAX_LABEL + 1];
    if (n >= sizeof buf || memchr(s, '\0', n))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    uint8_t *out = NULL;
    int rc = idn2_register_u8((const uint8_t *)buf, NULL, &out, 0);
    bool ok = rc == IDN2_OK && out && strlen((const char *)out) <= NZ_MAX_LABEL;
    if (ok)
        *alabel_len = strlen((const char *)out);
    idn2_free(out);
    return ok;
}

bool nz_format_idn_hostname(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0 || nz_utf8_first_invalid(u, len) != len)
        return false;
    size_t start = 0, total = 0;
    bool bidi_domain = false, first_label = true;
    size_t i = 0;
    /* First pass: labels and their own rules; notice RTL characters. */
    while (i <= len) {
        size_t sep = i < len ? idn_separator(u + i, len - i) : 0;
        if (i < len && sep == 0) {
            uint32_t cp = u[i];
            size_t k = cp < 0x80 ? 1 : nz_utf8_decode(u + i, len - i, &cp);
            bidi_domain |= is_rtl(cp);
            i += k ? k : 1;
            continue;
        }
        size_t n = i - start, alen = 0;
        bool ascii = true;
        for (size_t k = start; k < i; k++)
            ascii &= u[k] < 0x80;
        if (!idn_label_valid(s + start, n, ascii, &alen))
            return false;
        total += alen + (first_label ? 0 : 1);
        first_label = false;
        if (i == len)
            break;
        i += sep;
        start = i;
        if (i == len)
            return false; /* trailing separator */
    }
    if (total > NZ_MAX_DOMAIN)
        return false;
    if (bidi_domain) {
        /* RFC 5893 rule 1 for the ASCII labels of a Bidi domain: they
         * must start with a letter (a digit is EN, not L/R/AL). */
        start = 0;
        for (i = 0; i <= len; i++) {
            size_t sep = i < len ? idn_separator(u + i, len - i) : 0;
            if (i < len && sep == 0)
                continue;
            if (!is_alpha(u[start]) && u[start] < 0x80)
                return false;
            if (i == len)
                break;
            i += sep - 1;
            start = i + 1;
        }
    }
    return true;
}

/* ---- e-mail addresses ------------------------------------------------------- */

static bool is_atext(unsigned char c, bool intl)
{
    return is_alpha(c) || is_digit(c) || (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c)) ||
           (intl && c >= 0x80);
}

/* Local-part = Dot-string / Quoted-string; returns the byte length or 0. */
static size_t email_local_part(const char *s, size_t len, bool intl)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    if (len > 0 && u[0] == '"') {
        for (i = 1; i < len; i++) {
            if (u[i] == '"')
                return i + 1;
            if (u[i] == '\\') {
                i++;
                if (i >= len || !((u[i] >= 32 && u[i] <= 126) || (intl && u[i] >= 0x80)))
                    return 0;
            } else if (!((u[i] >= 32 && u[i] <= 126) || (intl && u[i] >= 0x80))) {
                return 0; /* qtextSMTP: printable except " and \ */
            }
        }
        return 0;
    }
    bool need_atext = true;
    for (i = 0; i < len && u[i] != '@'; i++) {
        if (u[i] == '.') {
            if (need_atext)
                return 0; /* leading dot or ".." */
            need_atext = true;
        } else if (is_atext(u[i], intl)) {
            need_atext = false;
        } else {
            return 0;
        }
    }
    return need_atext ? 0 : i;
}

/* RFC 6531 domain: labels of LDH or non-ASCII characters (U-labels are
 * taken as written; the strict IDNA check is idn-hostname's). */
static bool intl_domain(const char *s, size_t len)
{
    if (len == 0 || nz_utf8_first_invalid((const unsigned char *)s, len) != len)
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        size_t n = i - start;
        const char *l = s + start;
        if (n == 0 || l[0] == '-' || l[n - 1] == '-')
            return false;
        bool ascii = true;
        for (size_t k = 0; k < n; k++) {
            unsigned char c = (unsigned char)l[k];
            ascii &= c < 0x80;
            if (c < 0x80 && !is_alpha(c) && !is_digit(c) && c != '-')
                return false;
        }
        if (ascii && !nz_format_hostname(l, n))
            return false;
        start = i + 1;
    }
    return true;
}

static bool email_impl(const char *s, size_t len, bool intl)
{
    size_t local = email_local_part(s, len, intl);
    if (local == 0 || local > 64 || local >= len || s[local] != '@')
        return false;
    if (intl && nz_utf8_first_invalid((const unsigned char *)s, local) != local)
        return false;
    const char *d = s + local + 1;
    size_t n = len - local - 1;
    if (n >= 2 && d[0] == '[' && d[n - 1] == ']') {
        /* address-literal: IPv4, "IPv6:" IPv6 */
        if (n > 7 && memcmp(d + 1, "IPv6:", 5) == 0)
            return nz_format_ipv6(d + 6, n - 7);
        return nz_format_ipv4(d + 1, n - 2);
    }
    return intl ? intl_domain(d, n) : nz_format_hostname(d, n);
}

bool nz_format_email(const char *s, size_t len)
{
    return email_impl(s, len, false);
}

bool nz_format_idn_email(const char *s, size_t len)
{
    return email_impl(s, len, true);
}
