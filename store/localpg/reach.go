package localpg

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// reachable checks, as the server account, that it can still enter its
// data folder and read its control file. PostgreSQL reopens its files at
// every checkpoint: a folder on the way that was tightened after the server
// started makes it PANIC minutes later, so Start refuses to report a
// cluster as started that could not keep running.
func (c *Cluster) reachable(ctx context.Context) error {
	target, probe, owns := c.cfg.Dir, "cd -- \"$1\"", false
	if _, err := os.Stat(filepath.Join(c.pgData(), "PG_VERSION")); err == nil {
		target, probe, owns = c.pgData(), "cd -- \"$1\" && test -w . && test -r global/pg_control", true
	}
	out, err := c.runPath(ctx, "/bin/sh", "-c", probe, "sh", target)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	why := c.runs.blocker(target, owns)
	if why == "" {
		why = fmt.Sprintf("%v %s", err, out)
	}
	return fmt.Errorf("PostgreSQL runs as the %s account, which cannot reach its data folder %s: %s; "+
		"give it back its access (or set DATABASE_URL to use another PostgreSQL)", c.runs.name, target, why)
}

// blocker names the first folder from / down to target that the account
// cannot pass (or, with owns, does not own), and why; "" when the modes
// allow it (then something else, such as an ACL or a file inside, is in
// the way).
func (a *account) blocker(target string, owns bool) string {
	var chain []string
	for d := target; ; d = filepath.Dir(d) {
		chain = append([]string{d}, chain...)
		if d == filepath.Dir(d) {
			break
		}
	}
	for _, d := range chain {
		fi, err := os.Stat(d)
		if err != nil {
			return err.Error()
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return ""
		}
		uid, gid := int(st.Uid), int(st.Gid)
		perm := fi.Mode().Perm()
		need := os.FileMode(0o1) // search
		if d == target && owns {
			if uid != a.uid {
				return fmt.Sprintf("%s is owned by %s, not %s (chown -R %s %s)", d, owner(uid), a.name, a.name, d)
			}
			need = 0o7
		}
		// As the kernel does: the first class that matches decides.
		have, class := perm&0o7, "o"
		switch {
		case uid == a.uid:
			have, class = perm>>6&0o7, "u"
		case gid == a.gid:
			have, class = perm>>3&0o7, "g"
		}
		if have&need != need {
			fix := "chmod " + class + "+x " + d
			if need != 0o1 {
				fix = "chmod 0700 " + d
			}
			return fmt.Sprintf("%s has mode %v, owner %s (%s)", d, perm, owner(uid), fix)
		}
	}
	return ""
}

func owner(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return u.Username
	}
	return strconv.Itoa(uid)
}
