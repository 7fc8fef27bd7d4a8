package review

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/vault"
)

// A face entry is sealed under the biometric data key with its own
// label: the data key does not open it; without the biometric key it
// reads as unavailable; with it, it reads back.
func TestFaceEntrySealedUnderBiometricKey(t *testing.T) {
	data, err := vault.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	bio, err := vault.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	k := &appKeys{app: uuid.New(), current: 1, data: map[int]vault.Key{1: data}, bio: map[int]vault.Key{1: bio}}
	e := domain.ListEntry{ID: uuid.New(), ListID: uuid.New(), Value: "face-abc123", DisplayLabel: "Jana Novak", Comment: "twice"}
	sealed, err := k.sealEntry(domain.EntryFace, e)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, err := vault.Generation(sealed.Sealed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := data.Open(rest, entryAD(k.app, e.ID)); err == nil {
		t.Fatal("a face entry opens with the data key")
	}
	if _, err := data.Open(rest, faceEntryAD(k.app, e.ID)); err == nil {
		t.Fatal("a face entry opens with the data key under the face label")
	}
	if _, err := bio.Open(rest, entryAD(k.app, e.ID)); err == nil {
		t.Fatal("a face entry opens under the label of other entries")
	}

	ctx := context.Background()
	noBio := &dataKeys{keys: Keys{Master: vault.NewMemorySource("m")}}
	got, err := noBio.openEntry(ctx, k, sealed)
	if err != nil || !got.Unavailable || got.Value != "" || got.DisplayLabel != "" || got.Comment != "" {
		t.Fatalf("without the biometric key: %+v %v", got, err)
	}
	withBio := &dataKeys{keys: Keys{Master: vault.NewMemorySource("m"), Biometric: vault.NewMemorySource("b")}}
	got, err = withBio.openEntry(ctx, k, sealed)
	if err != nil || got.Unavailable || got.Value != e.Value || got.DisplayLabel != e.DisplayLabel || got.Comment != e.Comment {
		t.Fatalf("with the biometric key: %+v %v", got, err)
	}

	// Other entry types stay under the data key.
	other, err := k.sealEntry(domain.EntryEmail, e)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ = vault.Generation(other.Sealed)
	if _, err := data.Open(rest, entryAD(k.app, e.ID)); err != nil {
		t.Fatalf("an e-mail entry does not open with the data key: %v", err)
	}

	// Without the biometric data key a face entry is not written.
	k.bio = map[int]vault.Key{}
	if _, err := k.sealEntry(domain.EntryFace, e); !domain.IsCode(err, domain.CodeUnavailable) {
		t.Fatalf("sealing a face entry without the biometric key: %v", err)
	}
}
