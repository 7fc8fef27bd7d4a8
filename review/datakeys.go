package review

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"handoff/domain"
	"handoff/store"
	"handoff/vault"
)

// Keys are the master keys handoff seals with, held outside the
// database. Biometric nil means this server runs without the biometric
// key: biometrics neither open nor get written, everything else works.
type Keys struct {
	Master    vault.KeySource
	Biometric vault.KeySource
}

// WithKeys sets the master keys. Without it a Service uses throwaway keys
// kept in this process's memory (tests); cmd/handoff always sets them.
func WithKeys(k Keys) Option { return func(s *Service) { s.masterKeys = k } }

// WithKeyRefresh sets how long unwrapped data keys are cached before
// they are read again (30 s): how soon a data-key rotation in another
// process shows here, and how long rotate-data waits for that.
func WithKeyRefresh(d time.Duration) Option { return func(s *Service) { s.keyRefresh = d } }

var (
	memoryKeysOnce sync.Once
	memoryKeys     Keys
)

// ProcessKeys are the in-memory keys every Service of one process shares
// when none were given, so two Services on one test database agree (and a
// test can play a database reader who also stole them).
func ProcessKeys() Keys { return processKeys() }

func processKeys() Keys {
	memoryKeysOnce.Do(func() {
		memoryKeys = Keys{Master: vault.NewMemorySource("in-memory master key"),
			Biometric: vault.NewMemorySource("in-memory biometric key")}
	})
	return memoryKeys
}

const (
	purposeData      = "data"
	purposeBiometric = "biometric"
	purposeMatch     = "match"
)

// dataKeys caches each application's unwrapped data keys. A rotation in
// another process shows within refresh, or at once when a value names a
// generation the cache lacks.
type dataKeys struct {
	db      *store.DB
	keys    Keys
	now     func() time.Time
	refresh time.Duration
	mu      sync.Mutex
	apps    map[uuid.UUID]*appKeys
}

// appKeys are one application's keys, by generation.
type appKeys struct {
	app     uuid.UUID
	current int
	data    map[int]vault.Key
	bio     map[int]vault.Key
	match   vault.Key
	loaded  time.Time
}

func newDataKeys(db *store.DB, keys Keys, now func() time.Time) *dataKeys {
	return &dataKeys{db: db, keys: keys, now: now, refresh: 30 * time.Second, apps: map[uuid.UUID]*appKeys{}}
}

func wrapAD(app uuid.UUID, purpose string, generation int) []byte {
	return vault.AD("handoff data key", app[:], []byte(purpose), []byte(strconv.Itoa(generation)))
}

// forApp returns app's keys, creating its first generation on first use.
func (d *dataKeys) forApp(ctx context.Context, app uuid.UUID) (*appKeys, error) {
	d.mu.Lock()
	k := d.apps[app]
	d.mu.Unlock()
	if k != nil && d.now().Sub(k.loaded) < d.refresh {
		return k, nil
	}
	return d.load(ctx, app)
}

// load reads app's keys from the database, adding what is missing: the
// first generation, or the biometric key of the current generation when
// it was made by a server without the biometric key.
func (d *dataKeys) load(ctx context.Context, app uuid.UUID) (*appKeys, error) {
	for attempt := 0; ; attempt++ {
		stored, err := store.DataKeys(ctx, d.db, app)
		if err != nil {
			return nil, err
		}
		k := &appKeys{app: app, data: map[int]vault.Key{}, bio: map[int]vault.Key{}, loaded: d.now()}
		for _, sk := range stored {
			src := d.keys.Master
			if sk.Purpose == purposeBiometric {
				if d.keys.Biometric == nil {
					continue
				}
				src = d.keys.Biometric
			}
			raw, err := src.Unwrap(ctx, sk.Wrapped, wrapAD(app, sk.Purpose, sk.Generation))
			if err != nil {
				return nil, fmt.Errorf("application %s, %s key %d: %w", app, sk.Purpose, sk.Generation, err)
			}
			key, err := vault.KeyFrom(raw)
			if err != nil {
				return nil, err
			}
			switch sk.Purpose {
			case purposeData:
				k.data[sk.Generation] = key
				k.current = max(k.current, sk.Generation)
			case purposeBiometric:
				k.bio[sk.Generation] = key
			case purposeMatch:
				k.match = key
			}
		}
		var missing []string
		gen := max(k.current, 1)
		if k.current == 0 {
			missing = append(missing, purposeData, purposeMatch)
		}
		if _, ok := k.bio[gen]; !ok && d.keys.Biometric != nil && attempt < 2 {
			missing = append(missing, purposeBiometric)
		}
		if len(missing) == 0 || attempt >= 2 {
			if k.current == 0 {
				return nil, fmt.Errorf("application %s has no data key", app)
			}
			d.mu.Lock()
			d.apps[app] = k
			d.mu.Unlock()
			return k, nil
		}
		// Another process may add the same keys at the same moment: the
		// primary key keeps one, and the next round reads it.
		if err := d.add(ctx, app, gen, missing...); err != nil {
			return nil, err
		}
	}
}

// add wraps and stores fresh keys of generation for purposes.
func (d *dataKeys) add(ctx context.Context, app uuid.UUID, generation int, purposes ...string) error {
	var rows []store.DataKey
	for _, p := range purposes {
		key, err := vault.NewKey()
		if err != nil {
			return err
		}
		src := d.keys.Master
		if p == purposeBiometric {
			src = d.keys.Biometric
		}
		wrapped, err := src.Wrap(ctx, key.Bytes(), wrapAD(app, p, generation))
		if err != nil {
			return fmt.Errorf("wrapping a data key with %s: %w", src.Describe(), err)
		}
		rows = append(rows, store.DataKey{ApplicationID: app, Purpose: p, Generation: generation,
			MasterKeyID: src.CurrentID(), Wrapped: wrapped})
	}
	return d.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := store.AddDataKeys(ctx, tx, rows, d.now())
		return err
	})
}

// forget drops cached keys (after a rotation in this process).
func (d *dataKeys) forget() {
	d.mu.Lock()
	d.apps = map[uuid.UUID]*appKeys{}
	d.mu.Unlock()
}

func checksAD(app, session uuid.UUID) []byte {
	return vault.AD("handoff session checks", app[:], session[:])
}

func biometricsAD(app, session uuid.UUID) []byte {
	return vault.AD("handoff session biometrics", app[:], session[:])
}

// errNoBiometricKey is what writing biometrics without the key gets.
var errNoBiometricKey = domain.Unavailablef("This server runs without the biometric key, so it cannot store or copy biometric data.")

// seal seals a session's checks: biometrics apart under the biometric
// key, the rest under the data key, both bound to the session's
// application and id.
func (k *appKeys) seal(session uuid.UUID, checks domain.Checks) (store.Payload, error) {
	rest, bio, err := domain.SplitBiometrics(checks)
	if err != nil {
		return store.Payload{}, err
	}
	plain, err := json.Marshal(rest)
	if err != nil {
		return store.Payload{}, err
	}
	var bioPlain []byte
	if len(bio) > 0 {
		if bioPlain, err = json.Marshal(bio); err != nil {
			return store.Payload{}, err
		}
	}
	return k.sealParts(session, plain, bioPlain)
}

// sealParts seals checks (without biometrics) and the biometric part,
// both already encoded.
func (k *appKeys) sealParts(session uuid.UUID, plain, bio []byte) (store.Payload, error) {
	p := store.Payload{Generation: k.current,
		Checks: vault.SealVersioned(k.data[k.current], k.current, plain, checksAD(k.app, session))}
	if bio != nil {
		bk, ok := k.bio[k.current]
		if !ok {
			return store.Payload{}, errNoBiometricKey
		}
		p.Biometrics = vault.SealVersioned(bk, k.current, bio, biometricsAD(k.app, session))
	}
	return p, nil
}

// opened is a payload opened: the checks without biometrics, and the
// biometric part (nil when there is none or it cannot be opened here).
type opened struct {
	checks         []byte
	bio            []byte
	bioUnavailable bool
}

// openParts opens a payload of one of k's application's sessions without
// joining its parts. A legacy plaintext payload is split as it is read.
func (d *dataKeys) openParts(ctx context.Context, k *appKeys, session uuid.UUID, p store.Payload) (opened, error) {
	if p.Checks == nil {
		if p.Plain == nil {
			return opened{checks: []byte("{}")}, nil
		}
		var c domain.Checks
		if err := json.Unmarshal(p.Plain, &c); err != nil {
			return opened{}, fmt.Errorf("session %s: stored checks are not a JSON object: %w", session, err)
		}
		rest, bio, err := domain.SplitBiometrics(c)
		if err != nil {
			return opened{}, err
		}
		var o opened
		o.checks, _ = json.Marshal(rest)
		if len(bio) > 0 {
			o.bio, _ = json.Marshal(bio)
		}
		return o, nil
	}
	var o opened
	var err error
	if o.checks, err = d.open(ctx, k, purposeData, p.Checks, checksAD(k.app, session)); err != nil {
		return opened{}, fmt.Errorf("session %s: %w", session, err)
	}
	if p.Biometrics != nil {
		if d.keys.Biometric == nil {
			o.bioUnavailable = true
			return o, nil
		}
		if o.bio, err = d.open(ctx, k, purposeBiometric, p.Biometrics, biometricsAD(k.app, session)); err != nil {
			return opened{}, fmt.Errorf("session %s biometrics: %w", session, err)
		}
	}
	return o, nil
}

// open opens one sealed value with the key of its generation in k,
// reloading the keys once when k lacks it (a rotation elsewhere).
func (d *dataKeys) open(ctx context.Context, k *appKeys, purpose string, sealed, aad []byte) ([]byte, error) {
	gen, rest, err := vault.Generation(sealed)
	if err != nil {
		return nil, err
	}
	pick := func(k *appKeys) (vault.Key, bool) {
		if purpose == purposeBiometric {
			key, ok := k.bio[gen]
			return key, ok
		}
		key, ok := k.data[gen]
		return key, ok
	}
	key, ok := pick(k)
	if !ok {
		if k, err = d.load(ctx, k.app); err != nil {
			return nil, err
		}
		if key, ok = pick(k); !ok {
			return nil, fmt.Errorf("no %s key of generation %d for application %s", purpose, gen, k.app)
		}
	}
	return key.Open(rest, aad)
}

// openSession fills s.Checks from its payload.
func (d *dataKeys) openSession(ctx context.Context, s store.SealedSession) (domain.Session, error) {
	k, err := d.forApp(ctx, s.ApplicationID)
	if err != nil {
		return domain.Session{}, err
	}
	o, err := d.openParts(ctx, k, s.ID, s.Payload)
	if err != nil {
		return domain.Session{}, err
	}
	return o.join(s.Session)
}

// join fills sess.Checks from opened parts.
func (o opened) join(sess domain.Session) (domain.Session, error) {
	var err error
	var rest, bio domain.Checks
	if err := json.Unmarshal(o.checks, &rest); err != nil {
		return domain.Session{}, fmt.Errorf("session %s: opened checks are not a JSON object: %w", sess.ID, err)
	}
	if o.bio != nil {
		if err := json.Unmarshal(o.bio, &bio); err != nil {
			return domain.Session{}, fmt.Errorf("session %s: opened biometrics are not a JSON object: %w", sess.ID, err)
		}
	}
	if sess.Checks, err = domain.JoinBiometrics(rest, bio); err != nil {
		return domain.Session{}, err
	}
	sess.BiometricsUnavailable = o.bioUnavailable
	return sess, nil
}

// reseal opens a payload of one session (of fromKeys' application) and
// seals it for another (an import: the importer's keys, the clone's id),
// without parsing it. It also returns the opened parts. The keys are
// loaded before the caller's transaction begins: loading takes a
// connection of its own, which a transaction must never wait for.
func (d *dataKeys) reseal(ctx context.Context, from store.SealedSession, fromKeys, to *appKeys, toSession uuid.UUID) (store.Payload, opened, error) {
	o, err := d.openParts(ctx, fromKeys, from.ID, from.Payload)
	if err != nil {
		return store.Payload{}, o, err
	}
	if o.bioUnavailable {
		return store.Payload{}, o, errNoBiometricKey
	}
	p, err := to.sealParts(toSession, o.checks, o.bio)
	return p, o, err
}
