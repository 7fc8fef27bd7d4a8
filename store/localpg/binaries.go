package localpg

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// ErrNoServer says PostgreSQL's server binaries are not installed.
var ErrNoServer = errors.New("PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH, " +
	"in `pg_config --bindir`, or under /usr/lib/postgresql/*/bin; install Debian's `postgresql` package " +
	"(apt-get install postgresql), or set DATABASE_URL to use an existing PostgreSQL")

// findBinDir looks on PATH, then in pg_config --bindir, then in
// /usr/lib/postgresql/*/bin with the newest version first.
func findBinDir() (string, error) {
	var candidates []string
	if p, err := exec.LookPath("initdb"); err == nil {
		// Debian links initdb onto PATH; the other programs (pgbench) sit
		// beside the link's target.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		candidates = append(candidates, filepath.Dir(p))
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(versions, func(i, j int) bool { return pgVersion(versions[i]) > pgVersion(versions[j]) })
	candidates = append(candidates, versions...)
	for _, dir := range candidates {
		if hasServer(dir) {
			return dir, nil
		}
	}
	return "", ErrNoServer
}

func pgVersion(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

func hasServer(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}

// account is the unprivileged user the server runs as when handoff runs as
// root: initdb and postgres refuse to run as root.
type account struct {
	name     string
	uid, gid int
}

func lookupServerAccount() (*account, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, handoff starts PostgreSQL as the `postgres` account, which does not exist: " +
			"install Debian's `postgresql` package, run handoff as an ordinary user, or set DATABASE_URL")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &account{name: u.Username, uid: uid, gid: gid}, nil
}

// reach makes every parent of dir traversable by the account (adding only
// the search bit for others where it is missing), so the server can open
// a data folder below a private home such as /root.
func (a *account) reach(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		st, _ := fi.Sys().(*syscall.Stat_t)
		if st != nil && int(st.Uid) != a.uid && fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(d, fi.Mode().Perm()|0o001); err != nil {
				return fmt.Errorf("the %s account cannot reach %s and it could not be opened for it: %w", a.name, d, err)
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}
