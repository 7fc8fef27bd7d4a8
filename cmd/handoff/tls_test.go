package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeCert makes a self-signed certificate for 127.0.0.1 with serial,
// writes it and its key to certFile and keyFile, and returns it.
func writeCert(t *testing.T, certFile, keyFile string, serial int64) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "handoff test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	// Write both, then rename into place, as a certificate renewal would.
	for file, block := range map[string]*pem.Block{certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "EC PRIVATE KEY", Bytes: kb}} {
		if err := os.WriteFile(file+".new", pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(file+".new", file); err != nil {
			t.Fatal(err)
		}
	}
	cert, _ := x509.ParseCertificate(der)
	return cert
}

func TestServeHTTPS(t *testing.T) {
	withDB(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first := writeCert(t, certFile, keyFile, 1)
	s := startServe(t, []string{"API"}, "--http", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile)
	base := s.urls["API"]
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serve printed %q", base)
	}
	host := strings.TrimPrefix(base, "https://")

	// A client that trusts either certificate; one kept-alive connection.
	pool := x509.NewCertPool()
	pool.AddCert(first)
	client := func(pool *x509.CertPool) *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: 1}}
	}
	kept := client(pool)
	res, err := kept.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	drain(res)
	if res.StatusCode != 200 || res.TLS.Version != tls.VersionTLS13 || res.TLS.PeerCertificates[0].SerialNumber.Int64() != 1 {
		t.Fatalf("healthz over TLS: %d, version %x", res.StatusCode, res.TLS.Version)
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Fatal("no request id over HTTPS")
	}

	// TLS 1.2 is accepted, TLS 1.1 and plain HTTP are not.
	c12, err := tls.Dial("tcp", host, &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatalf("TLS 1.2 refused: %v", err)
	}
	c12.Close()
	cbc, err := tls.Dial("tcp", host, &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}})
	if err == nil {
		cbc.Close()
		t.Fatal("TLS 1.2 with a CBC suite accepted")
	}
	if c11, err := tls.Dial("tcp", host, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}); err == nil {
		c11.Close()
		t.Fatal("TLS 1.1 accepted")
	} else if !strings.Contains(err.Error(), "protocol version") {
		t.Fatalf("TLS 1.1: %v", err)
	}
	if res, err := http.Get("http://" + host + "/healthz"); err == nil {
		drain(res)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("plain HTTP on the TLS port: %d", res.StatusCode)
		}
	}

	// Renew the certificate and SIGHUP: new connections get it, the open
	// one keeps working.
	second := writeCert(t, certFile, keyFile, 2)
	pool.AddCert(second)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.logs.String(), "TLS certificate reloaded") {
		if time.Now().After(deadline) {
			t.Fatalf("no reload after SIGHUP: %s", s.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	fresh := client(pool)
	res, err = fresh.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	drain(res)
	if got := res.TLS.PeerCertificates[0].SerialNumber.Int64(); got != 2 {
		t.Fatalf("new connection got certificate %d after the reload", got)
	}
	res, err = kept.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("the open connection was dropped by the reload: %v", err)
	}
	drain(res)
	if got := res.TLS.PeerCertificates[0].SerialNumber.Int64(); got != 1 || res.StatusCode != 200 {
		t.Fatalf("kept-alive connection: certificate %d, status %d (want the first, still open)", got, res.StatusCode)
	}

	// A broken renewal keeps the working certificate.
	os.WriteFile(keyFile, []byte("not a key"), 0o600)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	for !strings.Contains(s.logs.String(), "still serving the previous one") {
		if time.Now().After(deadline.Add(5 * time.Second)) {
			t.Fatalf("no complaint about a broken key: %s", s.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	res, err = client(pool).Get(base + "/healthz")
	if err != nil {
		t.Fatalf("after a broken reload: %v", err)
	}
	drain(res)
}

// drain reads the body to its end, so the connection can be used again.
func drain(res *http.Response) {
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
}

func TestServeTLSFlags(t *testing.T) {
	withDB(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--http", "127.0.0.1:0", "--tls-cert", filepath.Join(dir, "c.pem")}, "go together"},
		{[]string{"--ssh", "127.0.0.1:0", "--tls-cert", "c", "--tls-key", "k"}, "give --http"},
		{[]string{"--http", "127.0.0.1:0", "--tls-cert", filepath.Join(dir, "c.pem"), "--tls-key", filepath.Join(dir, "k.pem")}, "loading --tls-cert"},
	} {
		code, _, errs := run(t, append([]string{"serve"}, tc.args...)...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("serve %v: exit %d, %q (want %q)", tc.args, code, errs, tc.want)
		}
	}
}
