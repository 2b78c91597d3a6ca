/* For scripts/wine_build_check.sh only: never part of the program or the office package.

   Windows 10 (1903 and later) has icuuc.dll, and Qt 6.10+'s Qt6Core.dll imports 20 ucnv_*
   functions from it; wine 8.0 (Debian bookworm) has no icuuc.dll, so Qt would not load at
   all under wine. This stand-in lets every converter "fail to open" (U_FILE_ACCESS_ERROR):
   Qt then uses its built-in codecs (UTF-8/16/32, Latin-1, the locale's), as it does for a
   codec ICU lacks. Copied into the wine prefix's system32, not into dist/. */
#include <stddef.h>
#define X __declspec(dllexport)
X void *ucnv_open(const char *name, int *err) { if (err) *err = 4; /* U_FILE_ACCESS_ERROR */ return NULL; }
X void ucnv_close(void *c) {}
X void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
X void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
X void ucnv_reset(void *c) {}
X signed char ucnv_getMaxCharSize(void *c) { return 1; }
X const char *ucnv_getName(void *c, int *err) { if (err) *err = 4; return ""; }
X void ucnv_getToUCallBack(void *c, void **a, const void **b) { if (a) *a = NULL; if (b) *b = NULL; }
X void ucnv_getFromUCallBack(void *c, void **a, const void **b) { if (a) *a = NULL; if (b) *b = NULL; }
X void ucnv_setToUCallBack(void *c, void *a, const void *b, void **d, const void **e, int *err) { if (err) *err = 4; }
X void ucnv_setFromUCallBack(void *c, void *a, const void *b, void **d, const void **e, int *err) { if (err) *err = 4; }
X void ucnv_cbToUWriteUChars(void *a, const void *s, int n, int off, int *err) { if (err) *err = 4; }
X void ucnv_toUnicode(void *c, void **t, const void *tl, const char **s, const char *sl, int *o, char f, int *err) { if (err) *err = 4; }
X void ucnv_cbFromUWriteUChars(void *a, const void **s, const void *sl, int off, int *err) { if (err) *err = 4; }
X int ucnv_toUCountPending(void *c, int *err) { return 0; }
X int ucnv_fromUCountPending(void *c, int *err) { return 0; }
X const char *ucnv_getStandardName(const char *n, const char *std, int *err) { return NULL; }
X const char *ucnv_getAvailableName(int i) { return NULL; }
X int ucnv_countAvailable(void) { return 0; }
X void ucnv_fromUnicode(void *c, char **t, const char *tl, const void **s, const void *sl, int *o, char f, int *err) { if (err) *err = 4; }
