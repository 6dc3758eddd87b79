#include <cstdio>  // compact_lang_det.h uses FILE without including it
#include <cstring>
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include "ccld2.h"

namespace CLD2 { const char *LanguageCode(Language lang); }

extern "C" int ccld2_detect(const char *text, int length, char *code, int capacity, int *reliable, int *scored) {
    CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
    CLD2::Language language3[3];
    int percent3[3] = {0, 0, 0};
    double scores3[3];
    int textBytes = 0;
    int validPrefix = 0;
    bool isReliable = false;
    CLD2::Language language = CLD2::ExtDetectLanguageSummaryCheckUTF8(
        text, length, true, &hints, CLD2::kCLDFlagBestEffort, language3, percent3, scores3,
        nullptr, &textBytes, &isReliable, &validPrefix);
    const char *name = CLD2::LanguageCode(language);
    if (capacity > 0) {
        std::strncpy(code, name ? name : "un", capacity - 1);
        code[capacity - 1] = 0;
    }
    *reliable = isReliable ? 1 : 0;
    *scored = textBytes;
    return percent3[0];
}
