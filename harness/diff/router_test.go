package diff

import (
	"strings"
	"testing"
)

func TestRouterGuesses(t *testing.T) {
	tests := []struct {
		method, path, want string
	}{
		{"GET", "/products", "GET /products"},
		{"get", "/products/42", "GET /products/{id}"},
		{"GET", "/products/42?include=stock", "GET /products/{id}"},
		{"GET", "/products/p-123", "GET /products/{id}"},
		{"GET", "/orders/o-8f3a/items/7", "GET /orders/{id}/items/{id}"},
		{"GET", "/orders/ord_7Hq2x9", "GET /orders/{id}"},
		{"GET", "/orders/o-0b3c5d3e-4f6a-4b8c-9d0e-1f2a3b4c5d6e", "GET /orders/{id}"},
		{"GET", "/users/0b3c5d3e-4f6a-4b8c-9d0e-1f2a3b4c5d6e", "GET /users/{id}"},
		{"GET", "/blobs/5f3a9c1d2e4b", "GET /blobs/{id}"},
		{"GET", "/events/01HZX3K5V8QW7RJ2M4N6P8T0YB", "GET /events/{id}"},
		{"GET", "/products/top-sellers", "GET /products/top-sellers"},
		{"GET", "/api/v2/products", "GET /api/v2/products"},
		{"GET", "/api-v2/status", "GET /api-v2/status"},
		{"GET", "/cafe/deadbeef", "GET /cafe/deadbeef"},
		{"POST", "/orders/", "POST /orders/"},
		{"", "", "GET /"},
	}
	r, err := NewRouter()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			if got := r.Route(tc.method, tc.path); got != tc.want {
				t.Errorf("Route(%q, %q) = %q, want %q", tc.method, tc.path, got, tc.want)
			}
		})
	}
	var nilRouter *Router
	if got := nilRouter.Route("GET", "/products/42"); got != "GET /products/{id}" {
		t.Errorf("nil router: %q", got)
	}
}

func TestRouterTemplates(t *testing.T) {
	r, err := NewRouter(
		"GET /products/{sku}",
		"GET /products/featured",
		"/orders/{order}/items/{item}",
		"/static/",
		"GET /reports/{day}/{$}",
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path, want string
	}{
		{"GET", "/products/tea-green", "GET /products/{sku}"},
		{"HEAD", "/products/tea-green", "HEAD /products/{sku}"},
		{"GET", "/products/featured", "GET /products/featured"},
		{"DELETE", "/products/p-1", "DELETE /products/{id}"}, // the template is for GET only: a guess
		{"POST", "/orders/o-1/items/2", "POST /orders/{order}/items/{item}"},
		{"GET", "/static/css/site.css", "GET /static/"},
		{"GET", "/reports/2024-05-01/", "GET /reports/{day}/{$}"},
		{"GET", "/reports/2024-05-01/x", "GET /reports/2024-05-01/x"},
		{"GET", "/products/caf%C3%A9", "GET /products/{sku}"},
		{"GET", "/unknown/123", "GET /unknown/{id}"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			if got := r.Route(tc.method, tc.path); got != tc.want {
				t.Errorf("Route(%q, %q) = %q, want %q", tc.method, tc.path, got, tc.want)
			}
		})
	}
}

func TestRouterIsIDIsConfigurable(t *testing.T) {
	r, err := NewRouter()
	if err != nil {
		t.Fatal(err)
	}
	r.IsID = func(s string) bool { return LooksLikeID(s) || strings.HasPrefix(s, "sku:") }
	if got, want := r.Route("GET", "/items/sku:tea/42"), "GET /items/{id}/{id}"; got != want {
		t.Errorf("Route = %q, want %q", got, want)
	}
}

func TestNewRouterErrors(t *testing.T) {
	tests := []struct {
		templates []string
		want      string
	}{
		{[]string{"products/{id}"}, `route template "products/{id}": the path must start with /`},
		{[]string{"GET /a/{x}", "GET /{y}/b"}, `route template "GET /{y}/b": pattern "GET /{y}/b" conflicts with pattern "GET /a/{x}"`},
		{[]string{"GET /a/{x"}, `route template "GET /a/{x": `},
		{[]string{"GET /a", "GET /a"}, `route template "GET /a": `},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.templates, ", "), func(t *testing.T) {
			_, err := NewRouter(tc.templates...)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("NewRouter(%q) error = %v, want one starting %q", tc.templates, err, tc.want)
			}
			if strings.Contains(err.Error(), "registered at") {
				t.Errorf("error mentions our source location: %v", err)
			}
		})
	}
}
