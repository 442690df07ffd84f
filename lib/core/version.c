#include "normalize/version.h"

const char *nz_version(void)
{
    return NZ_VERSION_STRING;
}

int nz_version_number(void)
{
    return NZ_VERSION_NUMBER;
}
