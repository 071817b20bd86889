// Package junit writes JUnit XML, the test report every CI system reads, with
// secrets redacted (harness/redact) in every name and message it writes.
package junit

import (
	"encoding/xml"
	"fmt"
	"time"

	"github.com/tandem-harness/tandem/harness/redact"
	"github.com/tandem-harness/tandem/internal/atomicfile"
)

// Suite is a JUnit test suite.
type Suite struct {
	Name  string
	Cases []Case
	Time  time.Duration
}

// Case is a JUnit test case. Failure set means failed; Skipped set means
// skipped (Tandem uses it for pending contract interactions).
type Case struct {
	Name      string
	ClassName string
	Time      time.Duration
	Failure   string
	Skipped   string
}

type xmlSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Skipped  int        `xml:"skipped,attr"`
	Suites   []xmlSuite `xml:"testsuite"`
}

type xmlSuite struct {
	Name     string    `xml:"name,attr"`
	Tests    int       `xml:"tests,attr"`
	Failures int       `xml:"failures,attr"`
	Skipped  int       `xml:"skipped,attr"`
	Time     string    `xml:"time,attr"`
	Cases    []xmlCase `xml:"testcase"`
}

type xmlCase struct {
	Name      string      `xml:"name,attr"`
	ClassName string      `xml:"classname,attr"`
	Time      string      `xml:"time,attr"`
	Failure   *xmlMessage `xml:"failure,omitempty"`
	Skipped   *xmlMessage `xml:"skipped,omitempty"`
}

type xmlMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// Write writes suites as JUnit XML to path, through a temporary file so a
// reader never sees half a report. Every name and message is redacted as
// redact.Default().Text does: failures quote responses and logs, and no
// caller has to remember that. When the disk is full, the error says so and
// what to do.
func Write(path string, suites ...Suite) error {
	red := redact.Default()
	var doc xmlSuites
	for _, s := range suites {
		xs := xmlSuite{Name: red.Text(s.Name), Time: seconds(s.Time)}
		for _, c := range s.Cases {
			xc := xmlCase{Name: red.Text(c.Name), ClassName: red.Text(c.ClassName), Time: seconds(c.Time)}
			switch {
			case c.Failure != "":
				text := red.Text(c.Failure)
				xc.Failure = &xmlMessage{Message: firstLine(text), Text: text}
				xs.Failures++
			case c.Skipped != "":
				text := red.Text(c.Skipped)
				xc.Skipped = &xmlMessage{Message: firstLine(text), Text: text}
				xs.Skipped++
			}
			xs.Tests++
			xs.Cases = append(xs.Cases, xc)
		}
		doc.Tests += xs.Tests
		doc.Failures += xs.Failures
		doc.Skipped += xs.Skipped
		doc.Suites = append(doc.Suites, xs)
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append([]byte(xml.Header), append(b, '\n')...))
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
