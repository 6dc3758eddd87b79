#define _GNU_SOURCE
#include <unistd.h>
#include "CSystem.h"

int winnow_syncfs(int fd) { return syncfs(fd); }
