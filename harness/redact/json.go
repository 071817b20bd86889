package redact

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// JSON returns a JSON document with the values of secret fields replaced by
// "[redacted]" (objects and arrays under a secret name too) and secrets in
// other strings redacted as Text does. Formatting is kept. What is not valid
// JSON is redacted as text.
func (r *Redactor) JSON(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	if !json.Valid(b) {
		return []byte(r.Text(string(b)))
	}
	var out bytes.Buffer
	out.Grow(len(b))
	_ = r.CopyJSON(&out, bytes.NewReader(b)) // a bytes.Buffer does not fail
	return out.Bytes()
}

// JSONStrings redacts the text of every string value in a JSON document as
// Text does, and never replaces a value by its key: for documents whose keys
// are a schema rather than data (test reports), so that they still decode
// into their types. What is not valid JSON is redacted as text.
func (r *Redactor) JSONStrings(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	if !json.Valid(b) {
		return []byte(r.Text(string(b)))
	}
	var out bytes.Buffer
	out.Grow(len(b))
	j := jsonCopier{r: r, in: bufio.NewReaderSize(bytes.NewReader(b), 64<<10), out: bufio.NewWriterSize(&out, 64<<10), stringsOnly: true}
	_ = j.run()
	_ = j.out.Flush()
	return out.Bytes()
}

// CopyJSON copies a stream of JSON values (one document, or JSON Lines) from
// src to dst, redacting as JSON does. It holds one string at a time in
// memory, never the document; bytes that are not JSON are copied as they are.
func (r *Redactor) CopyJSON(dst io.Writer, src io.Reader) error {
	j := jsonCopier{r: r, in: bufio.NewReaderSize(src, 64<<10), out: bufio.NewWriterSize(dst, 64<<10)}
	err := j.run()
	if ferr := j.out.Flush(); err == nil {
		err = ferr
	}
	return err
}

type jsonCopier struct {
	r     *Redactor
	in    *bufio.Reader
	out   *bufio.Writer
	stack []byte // '{' or '[' per open container
	// expectKey is set where an object's next string is a key.
	expectKey bool
	// secret is set between a secret key and its value.
	secret bool
	str    []byte
	// stringsOnly redacts string values only, never by key.
	stringsOnly bool
}

func (j *jsonCopier) inObject() bool { return len(j.stack) > 0 && j.stack[len(j.stack)-1] == '{' }

func (j *jsonCopier) run() error {
	for {
		c, err := j.in.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch c {
		case '"':
			s, err := j.readString()
			if j.inObject() && j.expectKey {
				j.out.Write(s)
				j.secret = !j.stringsOnly && j.r.secretKey(s)
				j.expectKey = false
			} else {
				j.out.Write(j.r.jsonString(s, j.stringsOnly))
			}
			if err != nil {
				return nilIfEOF(err)
			}
		case ':':
			j.out.WriteByte(c)
			if j.secret {
				j.secret = false
				if err := j.replaceValue(); err != nil {
					return nilIfEOF(err)
				}
			}
		case '{', '[':
			j.stack = append(j.stack, c)
			j.expectKey = c == '{'
			j.out.WriteByte(c)
		case '}', ']':
			if len(j.stack) > 0 {
				j.stack = j.stack[:len(j.stack)-1]
			}
			j.expectKey = false
			j.out.WriteByte(c)
		case ',':
			j.expectKey = j.inObject()
			j.out.WriteByte(c)
		default:
			j.out.WriteByte(c)
		}
	}
}

// readString reads the rest of a string whose opening quote was read, and
// returns it with both quotes.
func (j *jsonCopier) readString() ([]byte, error) {
	j.str = append(j.str[:0], '"')
	for {
		chunk, err := j.in.ReadSlice('"')
		j.str = append(j.str, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return j.str, err
		}
		backslashes := 0
		for i := len(j.str) - 2; i >= 1 && j.str[i] == '\\'; i-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return j.str, nil
		}
	}
}

// replaceValue copies the white space after a secret key's colon, skips the
// value, and writes the mark instead.
func (j *jsonCopier) replaceValue() error {
	for {
		c, err := j.in.ReadByte()
		if err != nil {
			j.out.WriteString(`"` + Mark + `"`)
			return err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			j.out.WriteByte(c)
			continue
		case '"':
			_, err = j.readString()
		case '{', '[':
			err = j.skipContainer()
		default:
			err = j.skipScalar()
		}
		j.out.WriteString(`"` + Mark + `"`)
		return err
	}
}

// skipContainer skips an object or array whose opening byte was read.
func (j *jsonCopier) skipContainer() error {
	depth := 1
	for depth > 0 {
		c, err := j.in.ReadByte()
		if err != nil {
			return err
		}
		switch c {
		case '"':
			if _, err := j.readString(); err != nil {
				return err
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	return nil
}

// skipScalar skips a number, true, false or null whose first byte was read.
func (j *jsonCopier) skipScalar() error {
	for {
		c, err := j.in.ReadByte()
		if err != nil {
			return err
		}
		switch c {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j.in.UnreadByte()
		}
	}
}

// jsonString redacts a JSON string token (with its quotes) as Text would its
// content, or, when its content is itself a JSON document (a report entry's
// value, a body logged as a string), as JSON (JSONStrings with stringsOnly)
// would, so that the document stays valid. It returns s itself when nothing
// changed.
func (r *Redactor) jsonString(s []byte, stringsOnly bool) []byte {
	if !mayHaveSecret(r, s) {
		return s
	}
	var v string
	if json.Unmarshal(s, &v) != nil {
		return s
	}
	var t string
	switch {
	case !embeddedJSON(v):
		t = r.Text(v)
	case stringsOnly:
		t = string(r.JSONStrings([]byte(v)))
	default:
		t = string(r.JSON([]byte(v)))
	}
	if t == v {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(t) != nil {
		return s
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// embeddedJSON reports whether a string's content is a JSON object, array or
// string.
func embeddedJSON(v string) bool {
	t := strings.TrimSpace(v)
	return len(t) > 1 && strings.ContainsRune(`{["`, rune(t[0])) && json.Valid([]byte(t))
}

func nilIfEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// secretKey is Secret for a JSON string token, decoded only when it has escapes.
func (r *Redactor) secretKey(tok []byte) bool {
	if len(tok) >= 2 && bytes.IndexByte(tok, '\\') < 0 {
		return secret(r, tok[1:len(tok)-1])
	}
	var key string
	if json.Unmarshal(tok, &key) != nil {
		return secret(r, tok)
	}
	return r.Secret(key)
}
