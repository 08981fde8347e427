#ifndef BUNDLEKD_CCHILD_H
#define BUNDLEKD_CCHILD_H
#include <sys/types.h>

/// Forks and execs `path` with `argv` and `envp` (NULL-terminated). In the child, before exec:
/// the signal mask is emptied and every disposition reset to default (a parent's ignored SIGINT
/// or blocked SIGTERM must not reach a server), the child gets its own process group (the
/// terminal's Ctrl-C goes to the workbench, which decides), file descriptors 0–2 become
/// `in_fd`, `out_fd`, `err_fd` and all others close, and with `die_with_parent` the kernel
/// sends SIGKILL when the forking thread's process dies (PR_SET_PDEATHSIG), even by SIGKILL.
/// Returns the child's pid, or -1 with errno set (an exec failure exits the child with 127).
pid_t bk_spawn(const char *path, char *const argv[], char *const envp[],
               int in_fd, int out_fd, int err_fd, int die_with_parent);

#endif
