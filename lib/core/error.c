/* nz_strerror / nz_err_name, generated from the one list in error.h. */
#include "normalize/error.h"

#include <stddef.h>

const char *nz_strerror(int code)
{
    switch (code) {
    case NZ_OK:
        return "success";
#define NZ_ERROR_TEXT_(name, value, text) \
    case value:                           \
        return text;
        NZ_ERRNO_MAP(NZ_ERROR_TEXT_)
#undef NZ_ERROR_TEXT_
    default:
        return "unknown error";
    }
}

const char *nz_err_name(int code)
{
    switch (code) {
    case NZ_OK:
        return "OK";
#define NZ_ERROR_NAME_(name, value, text) \
    case value:                           \
        return "E" #name;
        NZ_ERRNO_MAP(NZ_ERROR_NAME_)
#undef NZ_ERROR_NAME_
    default:
        return NULL;
    }
}
