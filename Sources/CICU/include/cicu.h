#ifndef WINNOW_CICU_H
#define WINNOW_CICU_H

#include <stdint.h>

// A C face over the system ICU's transliterator (libicu-dev). ICU's own headers stay in
// shim.c: Foundation carries another ICU, and the two must not meet in one Swift module.

/// An open transliterator; use from one thread at a time.
typedef struct WinnowTransliterator WinnowTransliterator;

/// Opens the transliterator named by the UTF-16 `id` (e.g. "Any-Latin; Latin-ASCII"); NULL when ICU refuses it.
WinnowTransliterator *winnow_transliterator_open(const uint16_t *id, int32_t id_length);

/// Transliterates the UTF-16 `text` of `length` units in place, in a buffer of `capacity`
/// units. Returns the new length, larger than `capacity` when the buffer was too small
/// (the text is then left undefined), or -1 on an ICU error.
int32_t winnow_transliterator_run(WinnowTransliterator *transliterator, uint16_t *text, int32_t length, int32_t capacity);

void winnow_transliterator_close(WinnowTransliterator *transliterator);

#endif
