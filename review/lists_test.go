package review_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
)

type listsFixture struct {
	svc  *review.Service
	x, y uuid.UUID
	srcs []domain.Session // X's sessions, of kind
}

func newListsFixture(t *testing.T, kind domain.Kind, n int) *listsFixture {
	t.Helper()
	ctx := context.Background()
	f := &listsFixture{svc: review.New(pgtest.DB(t))}
	t.Cleanup(f.svc.Close)
	mk := func(name, wf string) uuid.UUID {
		a, err := f.svc.CreateApplication(ctx, review.Operator("test"), review.NewApplication{Name: name,
			Workflows: []domain.Workflow{{ID: wf, Kind: kind}}})
		if err != nil {
			t.Fatal(err)
		}
		return a.Application.ID
	}
	f.x, f.y = mk("X", "wf_x"), mk("Y", "wf_y")
	if n == 0 {
		return f
	}
	if err := demo.Generate(ctx, f.svc, demo.Options{App: f.x, Count: n, Kind: kind, Phase: domain.PhaseApproved,
		Seed: 7, Actor: "test"}, func(s domain.Session) { f.srcs = append(f.srcs, s) }); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *listsFixture) importInto(t *testing.T, src domain.Session, vendor string, trust bool) domain.Session {
	t.Helper()
	ctx := context.Background()
	m, err := f.svc.Share(ctx, review.Analyst(f.x, "minter"), src.ID, f.y, 600)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.svc.Import(ctx, review.Analyst(f.y, "importer"), review.ImportRequest{ShareToken: m.Token, WorkflowID: "wf_y",
		VendorData: vendor, TrustReview: trust})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *listsFixture) systemList(t *testing.T, et domain.EntryType) domain.List {
	t.Helper()
	ls, n, err := f.svc.Lists(context.Background(), review.Analyst(f.y, "alice"), review.ListsQuery{ListType: "blocklist",
		EntryType: string(et), Limit: 10})
	if err != nil || n != 1 || len(ls) != 1 || !ls[0].System {
		t.Fatalf("system %s blocklist: %v %d %v", et, ls, n, err)
	}
	return ls[0]
}

func identifier(t *testing.T, s domain.Session, et domain.EntryType) domain.Identifier {
	t.Helper()
	for _, id := range domain.SessionIdentifiers(s) {
		if id.Type == et {
			return id
		}
	}
	t.Fatalf("session #%d has no %s", s.Number, et)
	return domain.Identifier{}
}

func findingWith(fs []domain.Finding, code, text string) bool {
	for _, f := range fs {
		if f.Code == code && strings.Contains(f.Message, text) {
			return true
		}
	}
	return false
}

func TestBlocklistedDocumentHoldsTrustedImport(t *testing.T) {
	ctx := context.Background()
	f := newListsFixture(t, domain.KindUser, 2)
	doc := identifier(t, f.srcs[0], domain.EntryDocument)
	bl := f.systemList(t, domain.EntryDocument)
	alice := review.Analyst(f.y, "alice")
	if _, err := f.svc.AddEntry(ctx, alice, bl.ID, review.NewEntry{Value: doc.Value, Comment: "reported stolen"}); err != nil {
		t.Fatal(err)
	}
	held := f.importInto(t, f.srcs[0], "harbor-user-1", true)
	if held.Status.Phase() != domain.PhaseInReview {
		t.Fatalf("a trusted import of a blocklisted document landed %s, not In Review", held.Status)
	}
	fs, err := findingsOf(ctx, f.svc, alice, held.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := "on your blocklist: document " + domain.MaskValue(domain.EntryDocument, doc.Value) + " (added by alice: reported stolen)"
	if !findingWith(fs, domain.FindingBlocklisted, want) {
		t.Fatalf("findings %+v lack %q", fs, want)
	}
	if cf, err := f.svc.CaseFile(ctx, alice, held.ID); err != nil || !findingWith(cf.Findings, domain.FindingBlocklisted, want) {
		t.Fatalf("the case file lacks the blocklist finding: %v %+v", err, cf.Findings)
	}
	// The other session is not on the list: trusted, it keeps its status.
	if free := f.importInto(t, f.srcs[1], "harbor-user-2", true); free.Status != f.srcs[1].Status {
		t.Fatalf("an import with no hit landed %s, want the source's %s", free.Status, f.srcs[1].Status)
	}
	// Removing the entry clears the finding at once.
	es, _, err := f.svc.ListEntries(ctx, alice, bl.ID, "", 10, 0)
	if err != nil || len(es) != 1 {
		t.Fatalf("entries %v %v", es, err)
	}
	if err := f.svc.RemoveEntry(ctx, alice, bl.ID, es[0].ID); err != nil {
		t.Fatal(err)
	}
	if fs, _ := findingsOf(ctx, f.svc, alice, held.ID); findingWith(fs, domain.FindingBlocklisted, "") {
		t.Fatalf("still blocklisted after the entry was removed: %+v", fs)
	}
}

func TestDuplicatesAndAllowlist(t *testing.T) {
	ctx := context.Background()
	f := newListsFixture(t, domain.KindUser, 1)
	alice := review.Analyst(f.y, "alice")
	first := f.importInto(t, f.srcs[0], "harbor-user-0103", false)
	second := f.importInto(t, f.srcs[0], "harbor-user-0200", false)
	fs, err := findingsOf(ctx, f.svc, alice, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	name := "#" + itoa(first.Number) + " harbor-user-0103"
	if !findingWith(fs, domain.FindingDuplicateImport, "this origin session was already imported as "+name) ||
		!findingWith(fs, domain.FindingDuplicate, "same document as "+name) {
		t.Fatalf("findings %+v lack the duplicate of %s", fs, name)
	}
	if second.Status.Phase() != domain.PhaseInReview {
		t.Fatalf("untrusted import landed %s", second.Status)
	}
	allow, err := f.svc.CreateList(ctx, alice, review.NewList{Name: "Known twins", ListType: "allowlist", EntryType: "document"})
	if err != nil {
		t.Fatal(err)
	}
	doc := identifier(t, f.srcs[0], domain.EntryDocument)
	if _, err := f.svc.AddEntry(ctx, alice, allow.ID, review.NewEntry{ReferenceSessionID: &second.ID, Comment: "same person, two accounts"}); err != nil {
		t.Fatal(err)
	}
	fs, _ = findingsOf(ctx, f.svc, alice, second.ID)
	if findingWith(fs, domain.FindingDuplicate, "same document") || !findingWith(fs, domain.FindingAllowlisted, domain.MaskValue(domain.EntryDocument, doc.Value)) {
		t.Fatalf("allowlisted document still reported as a duplicate, or not noted: %+v", fs)
	}
	if !findingWith(fs, domain.FindingDuplicate, "same e-mail as "+name) {
		t.Fatalf("the allowlist silenced more than the document: %+v", fs)
	}
	// The same value twice on a list is a 400 on value; another
	// application's session is not found.
	_, err = f.svc.AddEntry(ctx, alice, allow.ID, review.NewEntry{Value: doc.Value, Comment: "twins again"})
	if e, _ := err.(*domain.Error); e == nil || len(e.Fields["value"]) == 0 {
		t.Fatalf("duplicate entry: %v", err)
	}
	_, err = f.svc.AddEntry(ctx, alice, allow.ID, review.NewEntry{ReferenceSessionID: &f.srcs[0].ID, Comment: "not ours"})
	if !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("another application's session: %v", err)
	}
}

// An analyst must say why a value goes on a list, and is refused with
// nothing stored without a reason; a partner's back end (an API key) may
// leave it out, as Didit's API does.
func TestAnalystListEntryNeedsAReason(t *testing.T) {
	ctx := context.Background()
	f := newListsFixture(t, domain.KindUser, 1)
	doc := identifier(t, f.srcs[0], domain.EntryDocument)
	bl := f.systemList(t, domain.EntryDocument)
	alice := review.Analyst(f.y, "alice")
	for _, blank := range []string{"", " \n\t"} {
		_, err := f.svc.AddEntry(ctx, alice, bl.ID, review.NewEntry{Value: doc.Value, Comment: blank})
		var e *domain.Error
		if !errors.As(err, &e) || e.Code != domain.CodeInvalid || len(e.Fields["comment"]) != 1 ||
			!strings.HasPrefix(e.Fields["comment"][0], "Say why") {
			t.Fatalf("an analyst's entry with the reason %q: %v", blank, err)
		}
	}
	if es, n, err := f.svc.ListEntries(ctx, alice, bl.ID, "", 10, 0); err != nil || n != 0 || len(es) != 0 {
		t.Fatalf("a refused entry was stored: %d %+v %v", n, es, err)
	}
	if l := f.systemList(t, domain.EntryDocument); l.EntryCount != 0 {
		t.Fatalf("the blocklist counts %d entries after a refusal", l.EntryCount)
	}

	key := uuid.New()
	partner := domain.Caller{ApplicationID: f.y, KeyID: &key, Privileges: domain.DefaultPrivileges}
	e, err := f.svc.AddEntry(ctx, partner, bl.ID, review.NewEntry{Value: doc.Value})
	if err != nil {
		t.Fatalf("an API key's entry without a reason: %v", err)
	}
	es, n, err := f.svc.ListEntries(ctx, alice, bl.ID, "", 10, 0)
	if err != nil || n != 1 || len(es) != 1 || es[0].ID != e.ID || es[0].Comment != "" || es[0].AddedBy != "api_key:"+key.String() {
		t.Fatalf("the API key's entry: %d %+v %v", n, es, err)
	}
}

func TestKeyPersonPassportOnBlocklist(t *testing.T) {
	ctx := context.Background()
	f := newListsFixture(t, domain.KindBusiness, 1)
	var kp domain.Identifier
	for _, id := range domain.SessionIdentifiers(f.srcs[0]) {
		if id.Type == domain.EntryDocument && id.Who != "" {
			kp = id
			break
		}
	}
	if kp.Value == "" {
		t.Fatal("the generated KYB session has no key person's document")
	}
	alice := review.Analyst(f.y, "alice")
	if _, err := f.svc.AddEntry(ctx, alice, f.systemList(t, domain.EntryDocument).ID, review.NewEntry{Value: kp.Value, Comment: "sanctioned director"}); err != nil {
		t.Fatal(err)
	}
	s := f.importInto(t, f.srcs[0], "", true)
	if s.Status.Phase() != domain.PhaseInReview {
		t.Fatalf("KYB import with a blocklisted key person landed %s", s.Status)
	}
	fs, _ := findingsOf(ctx, f.svc, alice, s.ID)
	if !findingWith(fs, domain.FindingBlocklisted, kp.Who+"'s document") {
		t.Fatalf("findings %+v do not name the key person", fs)
	}
}

func TestSystemBlocklistsStay(t *testing.T) {
	ctx := context.Background()
	f := newListsFixture(t, domain.KindUser, 0)
	alice := review.Analyst(f.y, "alice")
	bl := f.systemList(t, domain.EntryPhone)
	name := "Mine"
	if _, err := f.svc.UpdateList(ctx, alice, bl.ID, review.ListPatch{Name: &name}); err == nil {
		t.Fatal("a system blocklist was renamed")
	}
	if err := f.svc.DeleteList(ctx, alice, bl.ID); err == nil {
		t.Fatal("a system blocklist was deleted")
	}
	if _, err := f.svc.CreateList(ctx, alice, review.NewList{Name: "x", ListType: "blocklist", EntryType: "phone"}); err == nil {
		t.Fatal("a blocklist was created")
	}
	if _, err := f.svc.GetList(ctx, review.Analyst(f.x, "bob"), bl.ID); !domain.IsCode(err, domain.CodeNotFound) {
		t.Fatalf("another application's list: %v", err)
	}
	ls, n, err := f.svc.Lists(ctx, alice, review.ListsQuery{Limit: 100})
	if err != nil || n != int64(len(domain.EntryTypes)) || len(ls) != len(domain.EntryTypes) {
		t.Fatalf("lists of a new application: %d %v", n, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// findingsOf are a session's findings as the decision response lists them.
func findingsOf(ctx context.Context, svc *review.Service, caller domain.Caller, id uuid.UUID) ([]domain.Finding, error) {
	v, err := svc.Decision(ctx, caller, id)
	return v.Findings, err
}
