package domain

// Media is one file captured in a session (a document photo, a selfie, a
// registry extract): biometric and personal material, stored with the
// session, cloned with it by an import and erased with it.
type Media struct {
	Name        string // the path under the session: "id/front.png"
	ContentType string // "image/png"
	Data        []byte
}

// The media a verification produces, by name.
const (
	MediaFront    = "id/front.png"
	MediaBack     = "id/back.png"
	MediaPortrait = "id/portrait.png"
	MediaSelfie   = "liveness/reference.png"
	MediaRegistry = "kyb/registry.png"
)
