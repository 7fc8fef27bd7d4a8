package sshd

import (
	"io"

	"github.com/charmbracelet/ssh"
)

// sessionOutput is where the program draws: the allocated PTY when there
// is one, else the channel itself (as the Bubble Tea middleware does).
func sessionOutput(sess ssh.Session) io.Writer {
	if pty, _, ok := sess.Pty(); ok && !sess.EmulatedPty() && pty.Slave != nil {
		return pty.Slave
	}
	return sess
}
