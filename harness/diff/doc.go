// Package diff compares HTTP exchanges structurally into field paths and,
// like Twitter's Diffy, tells real differences from noise.
//
// Compare finds the differences between two responses: the status, chosen
// headers, and the body — JSON field by field (numbers exactly, null apart
// from missing, arrays by index or as multisets), text by its first differing
// line, binary by size and hash. Each difference has a stable field path such
// as status, header.Content-Type or body.items[*].price.
//
//	diffs := diff.Compare(primary, candidate, &diff.Options{
//		UnorderedArrays: []string{"body.items"},
//		Ignore:          []diff.Rule{diff.MustParseRule("header:Date"), diff.MustParseRule("pattern:uuid")},
//	})
//
// A parallel run sends every request to three stacks: the primary and the
// secondary run the released version, the candidate the new one. A Collector
// counts per endpoint and field how often the candidate differs from the
// primary (R, raw) and how often the secondary does (N, noise): a field that
// differs as often between two copies of the same version is noise — clocks,
// random ids — and is suppressed with the reason in words; the rest is
// reported with a few examples.
//
//	router, err := diff.NewRouter("GET /products/{id}")
//	...
//	col, err := diff.NewCollector(opts, diff.DefaultThresholds(), router)
//	...
//	col.Add(req, primary, secondary, candidate) // from many goroutines
//	report := col.Report()                       // JSON-ready, sorted
//
// Memory stays bounded over millions of exchanges: the collector keeps counts,
// at most five examples per field with truncated bodies, and caps the numbers
// of endpoints and fields (see Options).
package diff
