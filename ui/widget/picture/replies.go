package picture

import (
	"context"
	"io"
	"os"
	"time"
)

// maxReplyGap is how long WithoutReplies holds bytes that may begin a
// reply (down to a lone ESC) for the rest of it. A terminal writes a
// reply at once, so a reply cut between two reads was cut by a buffer's
// end or on the way, and its rest is right behind: already there on a
// local terminal, at most a packet later over SSH. Escape alone sends the
// same lone ESC, and reaches the program this much later; neovim waits
// as long ('ttimeoutlen') to tell Escape from the start of a key's code.
const maxReplyGap = 50 * time.Millisecond

// WithoutReplies returns in with every reply to Query taken out, for as
// long as it is read: a terminal on a slow link may answer after
// ProbeTimeout, and its replies would otherwise reach the program as key
// presses (kitty's reply reads as alt+_, "Gi=31;OK", alt+\). What may be
// the start of a reply is held until its rest comes, for up to
// maxReplyGap, and is input otherwise. A terminal file stays a file (its
// Fd), so that the program can still put it in raw mode and wait on it.
func WithoutReplies(in io.Reader) io.Reader { return withoutReplies(in, maxReplyGap) }

// withoutReplies is WithoutReplies holding an unfinished reply for up to
// gap.
func withoutReplies(in io.Reader, gap time.Duration) io.Reader {
	if f, ok := in.(*os.File); ok {
		return &fileWithoutReplies{File: f, filter: &replyFilter{src: &fileSource{f: f}, gap: gap, whole: true}}
	}
	return &replyFilter{src: readChunks(context.Background(), in), gap: gap}
}

// replyFilter is WithoutReplies' reader.
type replyFilter struct {
	src source
	gap time.Duration // how long held bytes wait for more
	// whole makes each Read return everything read from src so far, with
	// nothing held: a reader that reads again only once src has something
	// new (Bubble Tea, waiting on a file's descriptor) would otherwise
	// leave the rest until the next key.
	whole   bool
	unread  []byte // read from src, not yet scanned
	held    []byte // an unfinished reply
	pending []byte // what is not a reply, not yet returned
	err     error  // src's, returned once pending is empty
}

// source is the input a replyFilter reads.
type source interface {
	// next returns more of the input, at most max bytes if it can, or its
	// error. Given a wait it returns nil, nil once that long has passed
	// with nothing new.
	next(max int, wait time.Duration) ([]byte, error)
}

// Read returns what is not a reply, waiting until there is some rather
// than returning (0, nil) for input that was all replies.
func (r *replyFilter) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for r.err == nil && (len(r.pending) == 0 || r.whole && len(r.held)+len(r.unread) > 0) {
		r.step(len(p) - len(r.pending) - len(r.held))
	}
	if len(r.pending) == 0 {
		return 0, r.err
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// step scans the next bytes, reading up to room of them (all a whole
// filter's Read can return).
func (r *replyFilter) step(room int) {
	c := r.unread
	r.unread = nil
	if len(c) == 0 {
		if r.whole && room <= 0 {
			r.release() // Read can return no more: no room to wait for the rest
			return
		}
		var wait time.Duration
		if len(r.held) > 0 {
			wait = r.gap
		}
		var err error
		if c, err = r.src.next(max(room, 1), wait); len(c) == 0 {
			// The gap passed, or the input ended: nothing is going to
			// finish what is held.
			r.err = err
			r.release()
			return
		}
	}
	b := append(r.held, c...)
	if len(r.held) > 0 {
		if n, more := replyAt(b); n == 0 && !more {
			// What was held is input after all, and goes on as it came,
			// apart from c (Escape then x is not alt+x), unless whole.
			r.release()
			r.unread = c
			return
		}
	}
	_, kept, held, _ := scan(b)
	r.pending = append(r.pending, kept...)
	r.held = append([]byte(nil), held...)
}

// release makes what is held input.
func (r *replyFilter) release() {
	r.pending, r.held = append(r.pending, r.held...), nil
}

// chunkSource reads its input on a goroutine of its own, so that waiting
// for more can give up. The goroutine ends with the input, once what it
// read has been taken or fits in chunks, or when ctx is done: a program
// that stopped reading leaves it no one to hand chunks to.
type chunkSource struct {
	chunks chan []byte
	err    error // the input's, set before chunks closes
}

func readChunks(ctx context.Context, in io.Reader) *chunkSource {
	s := &chunkSource{chunks: make(chan []byte, 16)}
	go func() {
		defer close(s.chunks)
		buf := make([]byte, 4096)
		for {
			n, err := in.Read(buf)
			if n > 0 {
				select {
				case s.chunks <- append([]byte(nil), buf[:n]...):
				case <-ctx.Done():
					s.err = ctx.Err()
					return
				}
			}
			if err != nil {
				s.err = err
				return
			}
		}
	}()
	return s
}

func (s *chunkSource) next(_ int, wait time.Duration) ([]byte, error) {
	var gave <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		gave = t.C
	}
	select {
	case c, ok := <-s.chunks:
		if !ok {
			return nil, s.err
		}
		return c, nil
	case <-gave:
		return nil, nil
	}
}

// fileWithoutReplies is a terminal file read through a replyFilter.
// Bubble Tea reads a file only once its descriptor is readable (epoll,
// through cancelreader): a goroutine of ours reading ahead would empty
// the descriptor it waits on, and it would not read again. So the
// filter reads the file when Bubble Tea does, waits for the rest of a
// reply on the descriptor (readable), and returns all it read (whole):
// Escape and a key within maxReplyGap of it come in one read, alt+key,
// as they would had the terminal sent them together.
type fileWithoutReplies struct {
	*os.File
	filter *replyFilter
}

func (f *fileWithoutReplies) Read(p []byte) (int, error) { return f.filter.Read(p) }

// fileSource is a file read by a replyFilter.
type fileSource struct {
	f   *os.File
	err error // the file's, returned after the bytes that came with it
}

func (s *fileSource) next(max int, wait time.Duration) ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	if wait > 0 && !readable(s.f, wait) {
		return nil, nil
	}
	buf := make([]byte, max)
	n, err := s.f.Read(buf)
	s.err = err
	if n == 0 {
		return nil, err
	}
	return buf[:n], nil
}
