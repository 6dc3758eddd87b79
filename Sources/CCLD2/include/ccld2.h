#ifndef CCLD2_H
#define CCLD2_H

// A C face for CLD2 (Compact Language Detector 2, Debian's libcld2-dev), whose API is C++.

#ifdef __cplusplus
extern "C" {
#endif

/// Detects the main language of `length` bytes of UTF-8 plain text. Writes its code
/// ("en", "ja", "zh", "zh-Hant"…, NUL-terminated, at most `capacity` bytes) to `code`,
/// "un" when unknown; sets `*reliable` to 1 when CLD2 deems the answer reliable and
/// `*scored` to the number of text bytes it scored. Returns the percent of the text in
/// that language.
int ccld2_detect(const char *text, int length, char *code, int capacity, int *reliable, int *scored);

#ifdef __cplusplus
}
#endif

#endif
