package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/google/uuid"

	"handoff/domain"
	"handoff/review"
)

// caseClaim is the analyst's hold on one queued case while a view of it is
// open (review.Claim): other analysts see the case as claimed and cannot
// decide it. The claim is renewed well before it expires, and released
// when the view closes.
type caseClaim struct {
	c       *Common
	id      uuid.UUID
	held    bool
	holder  string    // the analyst holding it when it is not us
	until   time.Time // when the holder's claim expires
	refusal string    // the service's words when we could not take it
	gen     int       // bumps on release: answers and renewals in flight are then stale
	timer   int       // the renewal that counts (one at a time)
	changed func()    // the view showing the claim redraws
}

type (
	claimMsg struct {
		cl   *caseClaim
		gen  int
		info review.ClaimInfo
		err  error
	}
	renewMsg struct {
		cl    *caseClaim
		timer int
	}
)

func newCaseClaim(c *Common, id uuid.UUID) *caseClaim { return &caseClaim{c: c, id: id} }

// heldBy is a claim already taken (review.ClaimNext).
func (cl *caseClaim) heldBy(info review.ClaimInfo) tea.Cmd {
	cl.held, cl.holder, cl.until, cl.refusal = true, "", info.ExpiresAt, ""
	return cl.renewLater()
}

// take claims the case, or renews our claim.
func (cl *caseClaim) take() tea.Cmd {
	c, id, gen := cl.c, cl.id, cl.gen
	return c.run(func(ctx context.Context) tea.Msg {
		info, err := c.Svc.Claim(ctx, c.Caller, id)
		return claimMsg{cl: cl, gen: gen, info: info, err: err}
	})
}

// release gives the case up (the view closes). An answer to a claim still
// in flight is released when it comes.
func (cl *caseClaim) release() tea.Cmd {
	if cl == nil {
		return nil
	}
	cl.gen++
	was := cl.held
	cl.held, cl.holder = false, ""
	if !was {
		return nil
	}
	return cl.releaseNow()
}

func (cl *caseClaim) releaseNow() tea.Cmd {
	c, id := cl.c, cl.id
	return func() tea.Msg {
		ctx, cancel := c.detached()
		defer cancel()
		if err := c.Svc.Release(ctx, c.Caller, id); err != nil {
			return asyncMsg{c: c, msg: statusMsg{text: c.explain("releasing the case", err), err: true}}
		}
		return nil
	}
}

// decided notes that a decision released the claim (review.DecideCase does).
func (cl *caseClaim) decided() {
	if cl != nil {
		cl.gen++
		cl.held, cl.holder = false, ""
	}
}

// otherHolder is who else holds the case, if anyone.
func (cl *caseClaim) otherHolder() string {
	if cl == nil || cl.held {
		return ""
	}
	return cl.holder
}

// handle applies the claim's own messages. The root model hands them
// here whether or not the view that made the claim is still open, so that
// a claim answered after its view closed is released.
func (cl *caseClaim) handle(msg tea.Msg) tea.Cmd {
	defer func() {
		if cl.changed != nil {
			cl.changed()
		}
	}()
	switch msg := msg.(type) {
	case claimMsg:
		if msg.gen != cl.gen {
			if msg.err == nil {
				return cl.releaseNow() // taken after the view closed
			}
			return nil
		}
		switch {
		case msg.err == nil:
			return cl.heldBy(msg.info)
		case domain.IsCode(msg.err, domain.CodeConflict) && msg.info.Analyst != "":
			cl.held, cl.holder, cl.until = false, msg.info.Analyst, msg.info.ExpiresAt
			cl.refusal = cl.c.explain("claiming the case", msg.err)
		default: // no longer in review, or a database error
			cl.held, cl.holder = false, ""
			cl.refusal = cl.c.explain("claiming the case", msg.err)
		}
	case renewMsg:
		if msg.timer == cl.timer && cl.held {
			return cl.take()
		}
	}
	return nil
}

// renewLater renews the claim when half its lifetime is left.
func (cl *caseClaim) renewLater() tea.Cmd {
	cl.timer++
	d := max(cl.until.Sub(cl.c.Now())/2, time.Second)
	return cl.c.tick(d, renewMsg{cl: cl, timer: cl.timer})
}

// follow takes the claim again after changes to the case by others: a
// claim released (by another view, or expired and taken) may be ours to
// take, one taken by someone else shows who. Our own claims are not
// followed, so renewals do not echo.
func (cl *caseClaim) follow(changes []review.Change) tea.Cmd {
	me := cl.c.Caller.Actor()
	for _, ch := range changes {
		switch {
		case ch.What == review.ChangeClaimTaken && ch.By == me:
		case ch.What == review.ChangeClaimTaken, ch.What == review.ChangeClaimReleased:
			return cl.take()
		}
	}
	return nil
}
