package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

// spec is api/openapi.yaml, loaded and validated once per test binary.
// Its servers are dropped so that the router matches the test server's
// random port.
func spec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
		openapi3filter.RegisterBodyDecoder("image/png", openapi3filter.FileBodyDecoder)
		specDoc, specErr = openapi3.NewLoader().LoadFromFile("openapi.yaml")
		if specErr != nil {
			return
		}
		if specErr = specDoc.Validate(context.Background()); specErr != nil {
			return
		}
		specDoc.Servers = nil
		specRouter, specErr = legacy.NewRouter(specDoc)
	})
	if specErr != nil {
		t.Fatalf("api/openapi.yaml: %v", specErr)
	}
	return specDoc, specRouter
}

// The document partners generate clients from must be valid OpenAPI 3.
func TestOpenAPIValid(t *testing.T) {
	doc, _ := spec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Summary == "" {
				t.Errorf("%s %s has no summary", method, path)
			}
			if len(op.Responses.Map()) == 0 {
				t.Errorf("%s %s documents no response", method, path)
			}
		}
	}
}

// documented lists "METHOD /path" for every operation in the document.
func documented(doc *openapi3.T) []string {
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+path)
		}
	}
	sort.Strings(out)
	return out
}

// Every route the server registers is documented, and every documented
// operation is one the server registers.
func TestEveryRouteDocumented(t *testing.T) {
	w := newWorld(t)
	doc, _ := spec(t)
	var served []string
	for _, p := range w.api.Routes() {
		served = append(served, strings.TrimSuffix(p, "{$}"))
	}
	sort.Strings(served)
	docs := documented(doc)
	in := func(list []string, v string) bool {
		i := sort.SearchStrings(list, v)
		return i < len(list) && list[i] == v
	}
	for _, r := range served {
		if !in(docs, r) {
			t.Errorf("served but not in api/openapi.yaml: %s", r)
		}
	}
	for _, d := range docs {
		if !in(served, d) {
			t.Errorf("in api/openapi.yaml but not served: %s", d)
		}
	}
}

// Every documented operation answers over HTTP at its documented path
// (a request without an API key gets the 401 of an authenticated route,
// never the unmatched-path 404 or a 405).
func TestEveryDocumentedPathAnswers(t *testing.T) {
	w := newWorld(t)
	doc, _ := spec(t)
	for _, op := range documented(doc) {
		method, path, _ := strings.Cut(op, " ")
		concrete := path
		for strings.Contains(concrete, "{") {
			i, j := strings.Index(concrete, "{"), strings.Index(concrete, "}")
			concrete = concrete[:i] + "00000000-0000-4000-8000-000000000000" + concrete[j+1:]
		}
		req, _ := http.NewRequest(method, w.url+concrete, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		item := doc.Paths.Value(path).GetOperation(method)
		public := item.Security != nil && len(*item.Security) == 0
		switch {
		case public && res.StatusCode >= 400 && res.StatusCode != 503:
			t.Errorf("%s %s: %d, want a public answer", method, concrete, res.StatusCode)
		case !public && res.StatusCode != 401 && res.StatusCode != 429:
			// 429: past the failed-authentication burst, still an authenticated route.
			t.Errorf("%s %s without a key: %d, want 401", method, concrete, res.StatusCode)
		}
	}
}

// checked serves h and holds every response it writes against the
// document: the status must be documented for that operation and the body
// must match its schema. Requests to undocumented paths or methods (tests
// of the 404 and 405 answers) are not checked here; TestEveryRouteDocumented
// keeps the served routes and the document in step.
func checked(t *testing.T, h http.Handler) http.Handler {
	_, router := spec(t)
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		rw.WriteHeader(rec.Code)
		rw.Write(rec.Body.Bytes())

		if err := validateResponse(router, r, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
			t.Errorf("%s %s answered %d against api/openapi.yaml: %v\nbody: %.400s", r.Method, r.URL.Path, rec.Code, err, rec.Body.Bytes())
		}
	})
}

func validateResponse(router routers.Router, r *http.Request, status int, header http.Header, body []byte) error {
	probe := r.Clone(context.Background())
	probe.Body = http.NoBody
	probe.URL.Scheme, probe.URL.Host = "http", r.Host
	route, params, err := router.FindRoute(probe)
	if err != nil {
		return nil // undocumented path or method: see above
	}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
}

// The checker itself fails on what it must catch.
func TestResponseCheckerCatchesDrift(t *testing.T) {
	_, router := spec(t)
	req := httptest.NewRequest("GET", "http://127.0.0.1/v3/session/00000000-0000-4000-8000-000000000000/decision/", nil)
	h := http.Header{"Content-Type": {"application/json"}}
	if err := validateResponse(router, req, 200, h, []byte(`{"session_id": 7}`)); err == nil {
		t.Error("a session without its required fields passed")
	}
	if err := validateResponse(router, req, 418, h, []byte(`{"detail":"x"}`)); err == nil {
		t.Error("an undocumented status passed")
	}
	if err := validateResponse(router, req, 404, h, []byte(`{"detail":"Not found."}`)); err != nil {
		t.Errorf("a documented 404: %v", err)
	}
}
