// Package traffic reads recorded HTTP traffic — HAR 1.2 files, Tandem's JSON
// Lines format, and the requests of published pacts — into requests that a
// parallel run or a canary replays.
//
// Tandem's JSON Lines format is one request per line:
//
//	{"method":"GET","path":"/products/p-1","query":"currency=EUR","headers":{"Accept":["application/json"]}}
//	{"method":"POST","path":"/orders","headers":{"Content-Type":["application/json"]},"body":"{\"items\":[]}"}
//
// A body that is not text is given as "bodyBase64" instead of "body".
package traffic
