#define _GNU_SOURCE
#include "cchild.h"
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/syscall.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

pid_t bk_spawn(const char *path, char *const argv[], char *const envp[],
               int in_fd, int out_fd, int err_fd, int die_with_parent) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;   // the parent (or -1 with errno)

    // Only async-signal-safe calls from here to exec.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        signal(sig, SIG_DFL);
    }
    setpgid(0, 0);
#ifdef __linux__
    if (die_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(1);   // the parent died before prctl took effect
    }
#endif
    int fds[3] = {in_fd, out_fd, err_fd};
    for (int i = 0; i < 3; i++) {
        if (fds[i] >= 0 && fds[i] != i && dup2(fds[i], i) < 0) _exit(126);
    }
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3, ~0U, 0) != 0)
#endif
    {
        long max = sysconf(_SC_OPEN_MAX);
        for (long fd = 3; fd < (max > 0 ? max : 1024); fd++) close((int)fd);
    }
    execve(path, argv, envp);
    _exit(127);
}
