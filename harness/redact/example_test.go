package redact_test

import (
	"fmt"
	"net/http"

	"github.com/tandem-harness/tandem/harness/redact"
)

func Example() {
	r := redact.New(redact.WithFields("ssn"))
	fmt.Println(r.Header(http.Header{"Authorization": {"Bearer s3cr3t"}}).Get("Authorization"))
	fmt.Println(string(r.JSON([]byte(`{"user":"bob","password":"hunter2","customer_ssn":"078-05-1120"}`))))
	fmt.Println(r.Query("id=7&access_token=abc"))
	fmt.Println(r.Text("retrying with api_key=k-123 after 401"))
	// Output:
	// [redacted]
	// {"user":"bob","password":"[redacted]","customer_ssn":"[redacted]"}
	// id=7&access_token=[redacted]
	// retrying with api_key=[redacted] after 401
}
