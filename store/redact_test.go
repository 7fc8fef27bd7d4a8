package store

import (
	"strings"
	"testing"
)

func TestRedactHidesPasswords(t *testing.T) {
	for _, dsn := range []string{
		"postgres://bob:s3cret@db:5432/handoff?sslmode=disable",
		"postgres://db:5432/handoff?user=app&password=s3cret",
		"postgresql://bob@db/handoff?sslpassword=s3cret&sslmode=require",
		"host=db user=bob password=s3cret dbname=handoff",
		"host=db password='my s3cret \\' quoted' dbname=handoff",
		"host=db PASSWORD = s3cret",
	} {
		got := Redact(dsn)
		if strings.Contains(got, "s3cret") {
			t.Errorf("Redact(%q) = %q still shows the password", dsn, got)
		}
		if !strings.Contains(got, "db") {
			t.Errorf("Redact(%q) = %q no longer says which database", dsn, got)
		}
	}
}
