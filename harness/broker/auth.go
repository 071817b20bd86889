package broker

import (
	"bufio"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
)

// Auth says who may read and write. Credentials never appear in a log or an
// error: errors name the file or variable they came from.
type Auth struct {
	// WriteToken and ReadToken are bearer tokens (either may be empty).
	WriteToken, ReadToken string
	// Basic holds user:password pairs with write access.
	Basic []string
	// PublicRead lets anonymous requests read.
	PublicRead bool
}

// access is what a request may do.
type access int

const (
	denied access = iota
	readOnly
	readWrite
)

// Check refuses an Auth that lets nobody write.
func (a Auth) Check() error {
	if a.WriteToken == "" && len(a.Basic) == 0 {
		return errors.New("no write credential: give a write token (--token-file, or $TANDEM_BROKER_TOKEN) or basic auth users (--basic-auth-file), or nobody can publish")
	}
	if a.WriteToken != "" && a.WriteToken == a.ReadToken {
		return errors.New("the read-only token equals the write token: give the read-only token a value of its own")
	}
	return nil
}

// access is what r's credentials allow; ok is false when it carries
// credentials that are wrong (401, whatever public reading allows).
func (a Auth) access(r *http.Request) (access, bool) {
	h := r.Header.Get("Authorization")
	switch {
	case h == "":
		if a.PublicRead {
			return readOnly, true
		}
		return denied, true
	case strings.HasPrefix(h, "Bearer "):
		tok := strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
		if a.WriteToken != "" && equal(tok, a.WriteToken) {
			return readWrite, true
		}
		if a.ReadToken != "" && equal(tok, a.ReadToken) {
			return readOnly, true
		}
		return denied, false
	default:
		user, pass, ok := r.BasicAuth()
		if !ok {
			return denied, false
		}
		for _, up := range a.Basic {
			if equal(user+":"+pass, up) {
				return readWrite, true
			}
		}
		return denied, false
	}
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// ReadSecretFile reads a token from a file: its first line, trimmed.
func ReadSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	tok := strings.TrimSpace(line)
	if tok == "" {
		return "", fmt.Errorf("token file %s is empty: write the token on its first line", path)
	}
	return tok, nil
}

// ReadBasicAuthFile reads user:password lines; blank lines and lines starting
// with # are skipped.
func ReadBasicAuthFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read basic auth file: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		user, pass, ok := strings.Cut(line, ":")
		if !ok || user == "" || pass == "" {
			return nil, fmt.Errorf("basic auth file %s line %d: write user:password", path, n)
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read basic auth file: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("basic auth file %s names no user: write user:password lines", path)
	}
	return out, nil
}
