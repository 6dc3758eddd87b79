#ifndef WINNOW_CUCHARDET_SHIM_H
#define WINNOW_CUCHARDET_SHIM_H
// uchardet (Debian: libuchardet-dev) guesses the charset of bytes that declare none;
// Winnow asks it only when a feed has no BOM, no HTTP charset and no usable XML declaration.
#include <uchardet.h>
#endif
