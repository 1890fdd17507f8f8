#pragma once
// The pseudo-terminal of `hoist run -t` and `hoist exec -t`, made as runc makes it: inside the
// container, from its own devpts instance, so the command sees /dev/pts/N (`tty` works), and the
// master handed to hoist over a unix socket (SCM_RIGHTS), which relays it to our terminal or to
// a detached container's log.

#include <sys/types.h>

#include <string>

namespace hoist::container {

// In the container (after the switch of root): opens /dev/pts/ptmx and its slave. "" on success,
// else what failed. Only for a forked child.
std::string OpenContainerPty(int* master, int* slave);

// Makes `slave` the controlling terminal and standard input, output and error of the calling
// process (which must not be a process group leader: a forked child). "" or what failed.
std::string AttachToPty(int slave);

// Sends `fd` over the unix socket `socket_fd`; false on failure.
bool SendFd(int socket_fd, int fd);
// Receives a descriptor sent by SendFd; -1 when the peer closed the socket without sending one.
int ReceiveFd(int socket_fd);

// Copies between the terminal's master and our side until the command's side closes:
// `input_fd` (-1 for none) to the master, the master to `output_fd`. When `input_fd` is a terminal
// it is put in raw mode for the duration (so ^C, ^D and friends reach the command) and its window
// size is given to the pseudo-terminal, again on every SIGWINCH.
void RelayPty(int master, int input_fd, int output_fd);

}  // namespace hoist::container
