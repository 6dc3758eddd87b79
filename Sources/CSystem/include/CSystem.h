// Linux calls that Glibc's Swift module does not expose (they need _GNU_SOURCE).
#ifndef WINNOW_CSYSTEM_H
#define WINNOW_CSYSTEM_H

/// syncfs(2): commits every dirty file and folder of the file system holding `fd`.
int winnow_syncfs(int fd);

/// Raises the calling thread's nice value by `increment` (Linux: per thread); 0 or -1.
int winnow_nice_thread(int increment);

#endif
