#include "cicu.h"
#include <unicode/utrans.h>

WinnowTransliterator *winnow_transliterator_open(const uint16_t *id, int32_t id_length) {
    UErrorCode status = U_ZERO_ERROR;
    UTransliterator *t = utrans_openU((const UChar *)id, id_length, UTRANS_FORWARD, NULL, 0, NULL, &status);
    if (U_FAILURE(status)) {
        if (t) utrans_close(t);
        return NULL;
    }
    return (WinnowTransliterator *)t;
}

int32_t winnow_transliterator_run(WinnowTransliterator *transliterator, uint16_t *text, int32_t length, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t text_length = length;
    int32_t limit = length;
    utrans_transUChars((UTransliterator *)transliterator, (UChar *)text, &text_length, capacity, 0, &limit, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return text_length > capacity ? text_length : capacity + 1;
    if (U_FAILURE(status)) return -1;
    return text_length;
}

void winnow_transliterator_close(WinnowTransliterator *transliterator) {
    utrans_close((UTransliterator *)transliterator);
}
