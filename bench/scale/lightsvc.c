/*
 * lightsvc — the light test service of the scale benchmark (bench/scale/run.sh).
 *
 * A thousand instances of the .NET sample would need 40+ MB each; this one needs a few hundred KB. It listens on
 * 127.0.0.1:$PORT and answers every request with 200 and a one-line body naming its version:
 *
 *     lightsvc app=$APP version=$VERSION pid=1234
 *
 * so that the benchmark can tell, through the router, which revision served a request. HTTP/1.1 keep-alive (the
 * router's connection pool), `Connection: close` (Slipway's probes send it), HTTP/1.0, pipelined requests and
 * request bodies with Content-Length are handled; chunked request bodies are not (nothing sends them here). One
 * thread, one epoll loop, non-blocking sockets. SIGTERM or SIGINT ends it at once with exit code 0 (a signalfd in
 * the loop): the benchmark measures Slipway's rollouts, not the test service's shutdown.
 *
 * Build: gcc -O2 -Wall -Wextra -o lightsvc lightsvc.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 64
#define BUF_SIZE 8192
#define MAX_FDS 65536

struct conn {
    char in[BUF_SIZE];
    size_t in_len;
    char *out;          /* pending response bytes */
    size_t out_len, out_off;
    size_t skip;        /* request body bytes still to discard */
    int close_after;    /* close once `out` is written */
};

static struct conn *conns[MAX_FDS];
static char body[512];
static size_t body_len;
static int epfd;

static void drop(int fd)
{
    if (fd >= 0 && fd < MAX_FDS && conns[fd]) {
        free(conns[fd]->out);
        free(conns[fd]);
        conns[fd] = NULL;
    }
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
}

/* Case-insensitive search for a header line "name:" inside the head [head, end); returns its value or NULL. */
static const char *header(const char *head, const char *end, const char *name, size_t *value_len)
{
    size_t n = strlen(name);
    const char *line = memchr(head, '\n', (size_t)(end - head));
    while (line && line + 1 < end) {
        line++;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) eol = end;
        if ((size_t)(eol - line) > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t')) ve--;
            *value_len = (size_t)(ve - v);
            return v;
        }
        line = eol < end ? eol : NULL;
    }
    return NULL;
}

static int append_response(struct conn *c, int head_only, int close_after)
{
    char hdr[256];
    int h = snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n",
                     body_len, close_after ? "Connection: close\r\n" : "");
    size_t add = (size_t)h + (head_only ? 0 : body_len);
    char *grown = realloc(c->out, c->out_len + add);
    if (!grown) return -1;
    c->out = grown;
    memcpy(c->out + c->out_len, hdr, (size_t)h);
    if (!head_only) memcpy(c->out + c->out_len + (size_t)h, body, body_len);
    c->out_len += add;
    return 0;
}

/* Parses every complete request in the input buffer; returns -1 when the connection must be dropped. */
static int parse(struct conn *c)
{
    for (;;) {
        if (c->skip) {
            size_t n = c->skip < c->in_len ? c->skip : c->in_len;
            memmove(c->in, c->in + n, c->in_len - n);
            c->in_len -= n;
            c->skip -= n;
            if (c->skip) return 0;
        }
        if (c->close_after) {
            c->in_len = 0; /* nothing after a request that closes the connection */
            return 0;
        }
        char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
        if (!end) return c->in_len == BUF_SIZE ? -1 : 0; /* a head larger than the buffer: drop it */
        end += 4;
        const char *sp = memchr(c->in, ' ', (size_t)(end - c->in));
        int head_only = sp && (size_t)(sp - c->in) == 4 && memcmp(c->in, "HEAD", 4) == 0;
        const char *eol = memchr(c->in, '\r', (size_t)(end - c->in));
        int http10 = eol && eol - c->in >= 8 && memcmp(eol - 8, "HTTP/1.0", 8) == 0;
        size_t vlen = 0;
        const char *v = header(c->in, end, "Connection", &vlen);
        int close_after = http10 ? !(v && vlen == 10 && strncasecmp(v, "keep-alive", 10) == 0)
                                 : (v && vlen == 5 && strncasecmp(v, "close", 5) == 0);
        v = header(c->in, end, "Content-Length", &vlen);
        size_t length = v ? strtoul(v, NULL, 10) : 0;
        if (append_response(c, head_only, close_after) < 0) return -1;
        c->close_after = close_after;
        size_t used = (size_t)(end - c->in);
        memmove(c->in, end, c->in_len - used);
        c->in_len -= used;
        c->skip = length;
    }
}

/* Writes what it can; returns 1 when the connection is to be closed now, -1 on error, 0 otherwise. */
static int flush(int fd, struct conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.fd = fd};
                epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
                return 0;
            }
            if (errno == EINTR) continue;
            return -1;
        }
        c->out_off += (size_t)n;
    }
    free(c->out);
    c->out = NULL;
    c->out_len = c->out_off = 0;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
    epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
    return c->close_after ? 1 : 0;
}

int main(void)
{
    const char *port_text = getenv("PORT");
    const char *version = getenv("VERSION");
    const char *app = getenv("APP");
    if (!port_text) {
        fprintf(stderr, "lightsvc: PORT is not set\n");
        return 2;
    }
    int port = atoi(port_text);
    body_len = (size_t)snprintf(body, sizeof body, "lightsvc app=%s version=%s pid=%d\n", app ? app : "-",
                                version ? version : "-", (int)getpid());
    if (body_len >= sizeof body) body_len = sizeof body - 1;

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 512) < 0) {
        fprintf(stderr, "lightsvc: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
        return 1;
    }
    printf("lightsvc app=%s version=%s listening on 127.0.0.1:%d\n", app ? app : "-", version ? version : "-", port);
    fflush(stdout);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
    ev.data.fd = sfd;
    epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("lightsvc: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == sfd) {
                struct signalfd_siginfo si;
                if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                    printf("lightsvc: signal %u, exiting\n", si.ssi_signo);
                    fflush(stdout);
                    return 0;
                }
                continue;
            }
            if (fd == lfd) {
                for (;;) {
                    int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (cfd < 0) break;
                    if (cfd >= MAX_FDS) {
                        close(cfd);
                        continue;
                    }
                    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conns[cfd] = calloc(1, sizeof(struct conn));
                    if (!conns[cfd]) {
                        close(cfd);
                        continue;
                    }
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = cfd};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, cfd, &cev);
                }
                continue;
            }
            struct conn *c = conns[fd];
            if (!c) continue;
            if (events[i].events & EPOLLIN) {
                for (;;) {
                    ssize_t r = recv(fd, c->in + c->in_len, BUF_SIZE - c->in_len, 0);
                    if (r > 0) {
                        c->in_len += (size_t)r;
                        if (parse(c) < 0) {
                            r = -1;
                            errno = EIO;
                        } else if (c->in_len < BUF_SIZE) {
                            continue;
                        } else {
                            break;
                        }
                    }
                    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                        /* The peer closed (or an error): answer what was asked, then close. */
                        c->close_after = 1;
                        if (c->out_len == 0 || r < 0) {
                            drop(fd);
                            c = NULL;
                        }
                    }
                    break;
                }
                if (!c) continue;
            }
            if (c->out_len > 0 || c->close_after) {
                int f = c->out_len > 0 ? flush(fd, c) : 1;
                if (f != 0) drop(fd);
            } else if (events[i].events & (EPOLLHUP | EPOLLERR)) {
                drop(fd);
            }
        }
    }
}
