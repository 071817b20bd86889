// Command echo is a tiny service whose answers and logs carry credentials, for
// the test that no file Tandem writes holds them (cmd/tandem/secrets_test.go):
// every answer has an Authorization header, a "password" field and a bearer
// session, and echoes the request's body; every request is logged with its
// Authorization header and as JSON with the password. It also logs an
// ordinary line that names a secret file, which must be kept as it is.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
)

// version is set at build time (-ldflags -X main.version=1.1); the candidate
// answers with another password and version, so a parallel run reports both.
var version = "1.0"

// The secrets; cmd/tandem/secrets_test.go greps every written file for them.
const (
	token    = "tk-7f3a9c2e5d"
	password = "pw-hunter2-9b41"
)

func main() {
	fmt.Println("open /run/secrets/db-password: no such file or directory")
	fmt.Printf(`{"level":"info","msg":"started","version":%q,"password":%q}`+"\n", version, password)
	http.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	http.HandleFunc("/", answer)
	if err := http.ListenAndServe(":8080", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func answer(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fmt.Printf("%s %s Authorization: %s session=Bearer %s\n", r.Method, r.URL, r.Header.Get("Authorization"), token)
	line, _ := json.Marshal(map[string]string{"level": "info", "msg": "request", "path": r.URL.Path, "password": password, "body": string(body)})
	fmt.Println(string(line))
	pw := password
	if version != "1.0" {
		pw += "-v" + version
	}
	echo := json.RawMessage(`null`)
	if json.Valid(body) {
		echo = body
	}
	w.Header().Set("Authorization", "Bearer "+token)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"user": "bob", "password": pw, "session": "Bearer " + token, "version": version, "echo": echo,
	})
}
