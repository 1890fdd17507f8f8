#include "container/sandbox_tty.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hoist::container {

namespace {

constexpr size_t kRelayBuffer = 16 * 1024;
// The size a terminal gets when ours has none (no terminal at all: `run -t` in a pipe).
constexpr unsigned short kDefaultRows = 24, kDefaultCols = 80;

volatile sig_atomic_t g_resized = 0;
void NoteResize(int) { g_resized = 1; }

void CopyWindowSize(int from, int to) {
  struct winsize ws = {};
  if (from < 0 || ::ioctl(from, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0) {
    ws.ws_row = kDefaultRows;
    ws.ws_col = kDefaultCols;
  }
  ::ioctl(to, TIOCSWINSZ, &ws);
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string OpenContainerPty(int* master, int* slave) {
  int m = ::open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return std::string("open /dev/pts/ptmx: ") + std::strerror(errno);
  int unlock = 0;
  unsigned int n = 0;
  if (::ioctl(m, TIOCSPTLCK, &unlock) != 0 || ::ioctl(m, TIOCGPTN, &n) != 0) {
    ::close(m);
    return std::string("unlock the pseudo-terminal: ") + std::strerror(errno);
  }
  std::string path = "/dev/pts/" + std::to_string(n);
  int s = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    ::close(m);
    return "open " + path + ": " + std::strerror(errno);
  }
  *master = m;
  *slave = s;
  return "";
}

std::string AttachToPty(int slave) {
  if (::setsid() < 0) return std::string("setsid: ") + std::strerror(errno);
  if (::ioctl(slave, TIOCSCTTY, 0) != 0) return std::string("make the terminal controlling: ") + std::strerror(errno);
  for (int fd = 0; fd <= 2; ++fd) {
    if (::dup2(slave, fd) < 0) return std::string("attach the terminal: ") + std::strerror(errno);
  }
  if (slave > 2) ::close(slave);
  return "";
}

bool SendFd(int socket_fd, int fd) {
  char byte = 'T';
  struct iovec iov = {&byte, 1};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  for (;;) {
    ssize_t n = ::sendmsg(socket_fd, &msg, MSG_NOSIGNAL);
    if (n == 1) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

int ReceiveFd(int socket_fd) {
  char byte = 0;
  struct iovec iov = {&byte, 1};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return -1;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (c == nullptr || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) return -1;
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return fd;
}

void RelayPty(int master, int input_fd, int output_fd) {
  const bool raw = input_fd >= 0 && ::isatty(input_fd);
  struct termios saved = {};
  if (raw && ::tcgetattr(input_fd, &saved) == 0) {
    struct termios t = saved;
    ::cfmakeraw(&t);
    ::tcsetattr(input_fd, TCSANOW, &t);
  }
  const int size_from = raw ? input_fd : (::isatty(output_fd) ? output_fd : -1);
  CopyWindowSize(size_from, master);
  struct sigaction winch = {}, old_winch;
  winch.sa_handler = NoteResize;
  ::sigaction(SIGWINCH, &winch, &old_winch);

  char buf[kRelayBuffer];
  bool input_open = input_fd >= 0;
  for (;;) {
    if (g_resized) {
      g_resized = 0;
      CopyWindowSize(size_from, master);
    }
    struct pollfd fds[2] = {{master, POLLIN, 0}, {input_open ? input_fd : -1, POLLIN, 0}};
    int r = ::poll(fds, 2, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // EIO: every holder of the slave is gone
      if (!WriteAll(output_fd, buf, static_cast<size_t>(n))) break;
    }
    if (input_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = ::read(input_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        input_open = false;
        char eot = 4;  // end of input: ^D, as a terminal would send it
        WriteAll(master, &eot, 1);
        continue;
      }
      if (!WriteAll(master, buf, static_cast<size_t>(n))) input_open = false;
    }
  }
  ::sigaction(SIGWINCH, &old_winch, nullptr);
  if (raw) ::tcsetattr(input_fd, TCSANOW, &saved);
}

}  // namespace hoist::container
