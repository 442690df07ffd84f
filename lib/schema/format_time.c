/* Dates and times: RFC 3339 §5.6 full-date, full-time, date-time, and the
 * duration grammar of its Appendix A (ISO 8601). Digits are ASCII only:
 * "1963-06-1৪" is not a date. */
#include <stdbool.h>
#include <stddef.h>

#include "schema/format_impl.h"

/* n ASCII digits at s as a number, or -1. */
static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

bool nz_format_date(const char *s, size_t len)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* full-time = HH:MM:SS[.frac] (Z / +HH:MM / -HH:MM). A leap second (SS 60)
 * is only valid when the time, taken back to UTC, is 23:59:60. */
bool nz_format_time(const char *s, size_t len)
{
    if (len < 9 || s[2] != ':' || s[5] != ':')
        return false;
    int h = digits(s, 2), mi = digits(s + 3, 2), sec = digits(s + 6, 2);
    if (h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 60)
        return false;
    size_t i = 8;
    if (s[i] == '.') {
        size_t start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return false;
    }
    if (i >= len)
        return false; /* the offset is required */
    int offset = 0; /* minutes east of UTC */
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        if (len - i != 6 || s[i + 3] != ':')
            return false;
        int oh = digits(s + i + 1, 2), om = digits(s + i + 4, 2);
        if (oh < 0 || om < 0 || oh > 23 || om > 59)
            return false;
        offset = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return false;
    }
    if (i != len)
        return false;
    if (sec == 60) {
        int utc = ((h * 60 + mi - offset) % 1440 + 1440) % 1440;
        if (utc != 23 * 60 + 59)
            return false;
    }
    return true;
}

bool nz_format_date_time(const char *s, size_t len)
{
    return len > 11 && (s[10] == 'T' || s[10] == 't') &&
           nz_format_date(s, 10) && nz_format_time(s + 11, len - 11);
}

/* RFC 3339 Appendix A:
 *   duration = "P" (dur-date / dur-time / dur-week)
 *   dur-date = (dur-day / dur-month / dur-year) [dur-time]
 *   dur-time = "T" (dur-hour / dur-minute / dur-second)
 *   dur-year = 1*DIGIT "Y" [dur-month], dur-month = 1*DIGIT "M" [dur-day]...
 * so the units present form one unbroken run in the order Y M D (and
 * H M S after the T): "P1Y2D" skips M and is not a duration. */
static bool unit_run(const char *s, size_t len, size_t *i, const char *units)
{
    int last = -1;
    bool any = false;
    while (*i < len && s[*i] != 'T') {
        size_t start = *i;
        while (*i < len && s[*i] >= '0' && s[*i] <= '9')
            (*i)++;
        if (*i == start || *i >= len)
            return false;
        int u = -1;
        for (int k = 0; units[k]; k++)
            if (units[k] == s[*i])
                u = k;
        if (u < 0 || (last >= 0 && u != last + 1))
            return false;
        last = u;
        any = true;
        (*i)++;
    }
    return any;
}

bool nz_format_duration(const char *s, size_t len)
{
    if (len < 3 || s[0] != 'P')
        return false;
    size_t i = 1;
    if (s[len - 1] == 'W') { /* dur-week stands alone: P<digits>W */
        for (size_t k = 1; k < len - 1; k++)
            if (s[k] < '0' || s[k] > '9')
                return false;
        return true;
    }
    bool date_part = s[i] != 'T';
    if (date_part && !unit_run(s, len, &i, "YMD"))
        return false;
    if (i == len)
        return true;
    /* s[i] == 'T' */
    i++;
    return unit_run(s, len, &i, "HMS") && i == len;
}
