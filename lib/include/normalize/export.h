/* libnormalize — symbol visibility.
 *
 * The library is built with -fvisibility=hidden; only declarations marked
 * NZ_API are exported from the shared object.
 */
#ifndef NORMALIZE_EXPORT_H
#define NORMALIZE_EXPORT_H

#if defined(_WIN32)
#  if defined(NZ_BUILDING_LIBRARY)
#    define NZ_API __declspec(dllexport)
#  else
#    define NZ_API
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define NZ_API __attribute__((visibility("default")))
#else
#  define NZ_API
#endif

#endif /* NORMALIZE_EXPORT_H */
