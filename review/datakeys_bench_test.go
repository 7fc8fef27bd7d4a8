package review

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/domain/synth"
	"handoff/store"
	"handoff/vault"
)

// What sealing costs an import (issue 12): opening the source session's
// payload with the issuer's keys and sealing it for the clone with the
// importer's, for a generated approved KYC session (its checks and its
// biometrics, as the bench's sessions have them). There is no switch to
// import without sealing, so this is the whole of the difference, and
// docs/BENCHMARKS.md sets it against the CPU time of one import.
//
//	go test ./review -run '^$' -bench ImportReseal -benchtime 2s
func BenchmarkImportReseal(b *testing.B) {
	_, checks, err := synth.New(1).Outcome(domain.KindUser, "Approved")
	if err != nil {
		b.Fatal(err)
	}
	keys := func() *appKeys {
		k := &appKeys{app: uuid.New(), current: 1, data: map[int]vault.Key{}, bio: map[int]vault.Key{}}
		for _, m := range []map[int]vault.Key{k.data, k.bio} {
			key, err := vault.NewKey()
			if err != nil {
				b.Fatal(err)
			}
			m[1] = key
		}
		return k
	}
	from, to := keys(), keys()
	src := uuid.New()
	payload, err := from.seal(src, checks)
	if err != nil {
		b.Fatal(err)
	}
	d := &dataKeys{keys: processKeys()}
	sealed := store.SealedSession{Session: domain.Session{ApplicationID: from.app, ID: src}, Payload: payload}
	b.SetBytes(int64(len(payload.Checks) + len(payload.Biometrics)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := d.reseal(context.Background(), sealed, from, to, uuid.New()); err != nil {
			b.Fatal(err)
		}
	}
}
