/* HEAD load for bench/serve.sh: N requests of one URL path over C kept-alive connections, one
 * thread per connection, each reading a response up to its blank line (a HEAD answer has no
 * body). wrk 4.1 cannot do this: it waits for the Content-Length bytes a HEAD answer never sends.
 *   head_load HOST PORT PATH REQUESTS CONNECTIONS   → prints "requests seconds rate failures" */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char* host;
static int port;
static char request[4096];
static int per_thread;
static int failures;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static int dial(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, host, &a.sin_addr);
  if (connect(fd, (struct sockaddr*)&a, sizeof a) != 0) { perror("connect"); exit(1); }
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static void* worker(void* arg) {
  (void)arg;
  int fd = dial(), bad = 0;
  char buf[8192];
  size_t len = strlen(request);
  for (int i = 0; i < per_thread; ++i) {
    if (send(fd, request, len, MSG_NOSIGNAL) != (ssize_t)len) { ++bad; close(fd); fd = dial(); continue; }
    size_t have = 0;
    for (;;) {
      ssize_t n = recv(fd, buf + have, sizeof buf - 1 - have, 0);
      if (n <= 0) { ++bad; close(fd); fd = dial(); break; }
      have += (size_t)n;
      buf[have] = 0;
      if (strstr(buf, "\r\n\r\n")) {
        if (strncmp(buf + 9, "200", 3) != 0) ++bad;
        break;
      }
    }
  }
  close(fd);
  pthread_mutex_lock(&mu);
  failures += bad;
  pthread_mutex_unlock(&mu);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 6) { fprintf(stderr, "usage: head_load HOST PORT PATH REQUESTS CONNECTIONS\n"); return 2; }
  host = argv[1];
  port = atoi(argv[2]);
  int total = atoi(argv[4]), conns = atoi(argv[5]);
  per_thread = total / conns;
  snprintf(request, sizeof request, "HEAD %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n", argv[3], host, port);
  pthread_t t[256];
  if (conns > 256) conns = 256;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < conns; ++i) pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < conns; ++i) pthread_join(t[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
  int done = per_thread * conns;
  printf("%d %.3f %.0f %d\n", done, s, done / s, failures);
  return failures ? 1 : 0;
}
