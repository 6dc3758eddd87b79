#define _GNU_SOURCE
#include <unistd.h>
#include <sys/resource.h>
#include <errno.h>
#include "CSystem.h"

int winnow_syncfs(int fd) { return syncfs(fd); }

int winnow_nice_thread(int increment) {
    pid_t tid = gettid();
    errno = 0;
    int current = getpriority(PRIO_PROCESS, (id_t)tid);
    if (current == -1 && errno != 0) return -1;
    return setpriority(PRIO_PROCESS, (id_t)tid, current + increment);
}
