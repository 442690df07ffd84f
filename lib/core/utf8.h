/* UTF-8 helpers shared by the readers (positions, validation) and the
 * writers (escaping). */
#ifndef NZ_CORE_UTF8_H
#define NZ_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one well-formed UTF-8 sequence at s (at most n bytes): its length
 * (1..4) with *cp set, or 0 when the bytes there are not well-formed UTF-8
 * (overlong forms, surrogates, values above U+10FFFF, truncation). */
size_t nz_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Offset of the first byte that is not part of well-formed UTF-8, or n when
 * all of s is well-formed. */
size_t nz_utf8_first_invalid(const unsigned char *s, size_t n);

/* Number of characters in s: bytes that are not continuation bytes. */
uint64_t nz_utf8_count(const unsigned char *s, size_t n);

/* Encode cp (<= 0x10FFFF) into out (4 bytes of room); returns the length. */
size_t nz_utf8_encode(uint32_t cp, unsigned char *out);

/* Length of the longest prefix of s, at most max bytes, that does not cut
 * a UTF-8 sequence in two. */
size_t nz_utf8_clip(const char *s, size_t max);

#endif
