/* For scripts/wine_build_check.sh only: never part of the program or the office package.

   Windows 10 has bcryptprimitives.dll!ProcessPrng, which pydantic_core (built with Rust's
   std 1.78+) imports; wine 8.0 lacks it, so pydantic_core would not load under wine. This
   stand-in draws the bytes from RtlGenRandom, as Windows' own does from its system RNG.
   Copied into the wine prefix's system32, not into dist/. */
#include <windows.h>
#include <ntsecapi.h>
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len) { ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, n)) return FALSE; data += n; len -= n; }
    return TRUE;
}
