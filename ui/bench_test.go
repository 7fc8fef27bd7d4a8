package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"handoff/demo"
	"handoff/domain"
	"handoff/review"
	"handoff/store/pgtest"
)

// BenchmarkSessionsTab opens the Sessions tab and pages down to the
// thousandth row, the way an analyst holding pgdn would, with a thousand
// and with a million sessions in the application. Each case creates its
// data only when -bench selects it (the million takes about a minute):
//
//	go test ./ui -run '^$' -bench BenchmarkSessionsTab -benchtime 20x
//
// Keyset paging should make both cost the same. The header's counts
// (header-counts=N) are measured too: they load beside the tab, off its
// path, and do grow with the data.
func BenchmarkSessionsTab(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		var c *Common // created on the first run that needs it, kept for the next
		workspace := func() *Common {
			if c == nil {
				c = benchWorkspace(b, n)
			}
			return c
		}
		b.Run(fmt.Sprintf("sessions=%d", n), func(sb *testing.B) {
			c := workspace()
			sb.ResetTimer()
			for i := 0; i < sb.N; i++ {
				fetched := openAndPage(sb, c, 1000)
				if i == 0 {
					sb.ReportMetric(float64(fetched), "rows-read/op")
				}
			}
		})
		b.Run(fmt.Sprintf("header-counts=%d", n), func(sb *testing.B) {
			c := workspace()
			sb.ResetTimer()
			for i := 0; i < sb.N; i++ {
				if _, err := c.Svc.Counts(c.Ctx, c.Caller); err != nil {
					sb.Fatal(err)
				}
			}
		})
	}
}

// benchWorkspace makes an application with n finished sessions and the
// bundle of a program working in it. It registers its database on the
// parent benchmark, so it outlives the sub-benchmark's repeated runs.
func benchWorkspace(b *testing.B, n int) *Common {
	ctx := context.Background()
	svc := review.New(pgtest.DB(b), review.WithLogger(quietLogger()))
	app, err := svc.CreateApplication(ctx, review.Operator("bench"), review.NewApplication{Name: "Bench", Workflows: []domain.Workflow{
		{ID: "wf_kyc", Kind: domain.KindUser}, {ID: "wf_kyb", Kind: domain.KindBusiness}}})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := demo.Generate(ctx, svc, demo.Options{App: app.Application.ID, Count: n, Seed: 1, Actor: "bench"},
		func(domain.Session) {}); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d sessions in %s", n, time.Since(start).Round(time.Second))
	return newCommon(ctx, svc, review.Analyst(app.Application.ID, "bench"), app.Application,
		Options{Static: true, Location: time.UTC, Logger: quietLogger()})
}

// openAndPage opens a fresh Sessions tab at 80×24 and presses pgdn until
// the cursor is on row `rows`; it returns how many rows were read.
func openAndPage(b *testing.B, c *Common, rows int) int {
	t := newSessionsTab(c)
	t.SetSize(80, 24-chromeLines)
	drive(b, t, t.Activate())
	pgdn := keyMsg("pgdown")
	for t.list.Table().Cursor() < rows-1 {
		before := t.list.Table().Cursor()
		drive(b, t, t.Update(pgdn))
		if t.list.Table().Cursor() == before {
			b.Fatalf("stuck at row %d of %d held", before, len(t.list.Items()))
		}
	}
	return len(t.list.Items())
}

// drive runs a page's commands synchronously, feeding results back.
func drive(b *testing.B, p page, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case asyncMsg:
			queue = append(queue, p.Update(msg.msg))
		case statusMsg:
			if msg.err {
				b.Fatal(msg.text)
			}
		}
	}
}
