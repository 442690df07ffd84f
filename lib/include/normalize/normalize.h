/* libnormalize — read JSON (and, as they land, YAML, XML and CSV) into one
 * tree, validate it, normalize it, write it back out.
 *
 * This is the one header programs include. The in-memory tree is jansson's
 * json_t; reference counting follows jansson's rules, and every function
 * documents whether a pointer it takes or returns is borrowed, new (the
 * caller must release it) or transferred.
 *
 * Conventions:
 *  - functions return NZ_OK (0) or a positive count on success, a negative
 *    NZ_E* code (error.h) on failure, and never abort on bad input;
 *  - lifecycles come in pairs: nz_x_open(&x, ...) / nz_x_close(&x), and
 *    close accepts NULL and sets the handle to NULL;
 *  - options structs are filled by nz_x_options_init() first and carry
 *    reserved space so they can grow without breaking the ABI;
 *  - diagnostics (diag.h) are caller-owned structs with position and path.
 */
#ifndef NORMALIZE_NORMALIZE_H
#define NORMALIZE_NORMALIZE_H

#include "diag.h"
#include "error.h"
#include "export.h"
#include "format.h"
#include "read.h"
#include "schema.h"
#include "version.h"
#include "write.h"

#endif /* NORMALIZE_NORMALIZE_H */
