/* Streaming tests: feed bytes to a reader through a pipe from a child
 * process, the way `producer | normalize` sees them. Include after
 * <cmocka.h>. */
#ifndef NZ_TESTS_PIPE_FEED_H
#define NZ_TESTS_PIPE_FEED_H

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Start a child that writes n bytes of data into a pipe in pieces of
 * `piece` bytes; returns the read end. */
static int feed(const char *data, size_t n, size_t piece, pid_t *child)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        for (size_t off = 0; off < n; off += piece) {
            size_t len = n - off < piece ? n - off : piece;
            if (write(fds[1], data + off, len) != (ssize_t)len)
                _exit(1);
        }
        _exit(0);
    }
    close(fds[1]);
    *child = pid;
    return fds[0];
}

/* Wait for the feeding child; it must have written everything. */
static void reap(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
}

#endif
