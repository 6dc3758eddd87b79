#ifndef WINNOW_CLIBPQ_SHIM_H
#define WINNOW_CLIBPQ_SHIM_H
// libpq, PostgreSQL's reference C client (Debian's libpq-dev). Synchronous like the
// rest of the index code; one connection per index, confined to one queue.
#include <libpq-fe.h>
#endif
