// Command envtest is a tiny HTTP service whose behaviour the environment
// engine's tests choose through environment variables.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"time"
)

func main() {
	// envtest check PATH: exit 0 when PATH exists (an exec readiness probe).
	if len(os.Args) == 3 && os.Args[1] == "check" {
		if _, err := os.Stat(os.Args[2]); err != nil {
			fmt.Println("not ready:", err)
			os.Exit(1)
		}
		fmt.Println("ready")
		return
	}
	// MARK=PATH, MARK_AFTER=DURATION: write PATH after the delay.
	if mark := os.Getenv("MARK"); mark != "" {
		after, _ := time.ParseDuration(os.Getenv("MARK_AFTER"))
		time.AfterFunc(after, func() { os.WriteFile(mark, []byte("marked"), 0o644) })
	}
	// TCP_PORT, TCP_AFTER=DURATION|never: after the delay, write /tcp-open,
	// then listen on TCP_PORT (holding connections open).
	if port := os.Getenv("TCP_PORT"); port != "" && os.Getenv("TCP_AFTER") != "never" {
		after, _ := time.ParseDuration(os.Getenv("TCP_AFTER"))
		time.AfterFunc(after, func() {
			os.WriteFile("/tcp-open", []byte("open"), 0o644)
			l, err := net.Listen("tcp", ":"+port)
			if err != nil {
				fmt.Println(err)
				os.Exit(1)
			}
			fmt.Println("listening on TCP port", port)
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() { defer c.Close(); io.Copy(io.Discard, c) }()
			}
		})
	}
	name := os.Getenv("NAME")
	fmt.Printf("{\"msg\":\"starting\",\"service\":%q}\n", name)
	switch os.Getenv("MODE") {
	case "exit":
		fmt.Println("fatal: cannot read config /etc/envtest.conf")
		os.Exit(3)
	case "oneshot":
		fmt.Println("migration done")
		return
	case "silent": // runs, never listens
		fmt.Println("waiting for a configuration that never comes")
		for { // a sleeping goroutine, not select{}: the runtime would end a process blocked for ever as a deadlock
			time.Sleep(time.Hour)
		}
	case "exitlater": // serves, then exits after EXIT_AFTER
		after, _ := time.ParseDuration(os.Getenv("EXIT_AFTER"))
		time.AfterFunc(after, func() {
			fmt.Println("fatal: lost the connection to the broker")
			os.Exit(4)
		})
	}
	readyAfter, _ := time.ParseDuration(os.Getenv("READY_AFTER"))
	begin := time.Now()
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		if os.Getenv("MODE") == "unhealthy" || time.Since(begin) < readyAfter {
			fmt.Println("health check failed: database connection refused")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"status":"unavailable","reason":"database connection refused"}`)
			return
		}
		io.WriteString(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, os.Getenv(r.URL.Query().Get("name"))) })
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, name) })
	mux.HandleFunc("/started", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strconv.FormatInt(begin.UnixMilli(), 10))
	})
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("path")
		if r.Method == http.MethodPut { // write the body to the file
			b, _ := io.ReadAll(r.Body)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
			return
		}
		b, err := os.ReadFile(p)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		if fi, err := os.Stat(p); err == nil { // the file's mode and owner, as headers
			w.Header().Set("X-Mode", strconv.FormatUint(uint64(fi.Mode().Perm()), 8))
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				w.Header().Set("X-Owner", fmt.Sprintf("%d:%d", st.Uid, st.Gid))
			}
		}
		w.Write(b)
	})
	mux.HandleFunc("/upstream", func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(os.Getenv("UPSTREAM") + "/whoami")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})
	fmt.Println("listening on :8080")
	if err := http.ListenAndServe(":8080", mux); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
