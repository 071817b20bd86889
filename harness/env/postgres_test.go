package env_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// tandem.local/postgres:15 copies the cluster initdb made when the image was
// built (seconds of CPU saved per database) unless POSTGRES_INITDB_ARGS asks
// for another; either way POSTGRES_USER is the superuser, with its password,
// and the seed runs.
func TestPostgresStartsFromTheImagesTemplateUnlessInitdbArgsAreGiven(t *testing.T) {
	for _, tc := range []struct {
		name, initdbArgs string
		wantLog          string
		check            string // a query answering "ok"
	}{
		{name: "template", wantLog: "from the image's template", check: "select 'ok' where current_setting('data_checksums') = 'off'"},
		{name: "initdb args", initdbArgs: "--data-checksums", wantLog: "initializing database cluster in /var/lib/postgresql/data (user", check: "select 'ok' where current_setting('data_checksums') = 'on'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sys := loadSystem(t, `
name: pgtemplate
services:
	db:
		image: tandem.local/postgres:15
		environment: {POSTGRES_USER: shop, POSTGRES_PASSWORD: "s3'cret", POSTGRES_DB: catalog, POSTGRES_INITDB_ARGS: "`+tc.initdbArgs+`"}
		volumes: ["./seed:/docker-entrypoint-initdb.d"]
		ports: ["5432"]
		x-tandem:
			port: 5432
			ready: {sql: "postgres://shop:s3'cret@{host}:{port}/catalog?sslmode=disable", timeout: 60s}
`, map[string]string{"seed/10-rows.sql": "create table seeded (name text); insert into seeded values ('seed');\n"})
			e, err := start(t, sys)
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			db, err := e.Service("db")
			if err != nil {
				t.Fatal(err)
			}
			log, err := os.ReadFile(db.LogFile)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(log), tc.wantLog) {
				t.Errorf("the log does not say %q:\n%s", tc.wantLog, log)
			}
			url := func(password string) string {
				return fmt.Sprintf("postgres://shop:%s@127.0.0.1:%d/catalog?sslmode=disable", password, db.Ports[5432])
			}
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, url("s3'cret"))
			if err != nil {
				t.Fatalf("connect as shop with its password: %v", err)
			}
			defer conn.Close(ctx)
			var superuser, bootstrap, seeded, check string
			if err := conn.QueryRow(ctx, "select rolsuper::text, (select rolname from pg_authid where oid = 10), (select name from seeded) from pg_roles where rolname = current_user").Scan(&superuser, &bootstrap, &seeded); err != nil {
				t.Fatal(err)
			}
			if superuser != "true" || bootstrap != "shop" || seeded != "seed" {
				t.Errorf("superuser %s, bootstrap role %q, seeded %q; want true, shop, seed", superuser, bootstrap, seeded)
			}
			if err := conn.QueryRow(ctx, tc.check).Scan(&check); err != nil {
				t.Errorf("%s: %v", tc.check, err)
			}
			if c, err := pgx.Connect(ctx, url("wrong")); err == nil {
				c.Close(ctx)
				t.Error("a wrong password was accepted")
			}
		})
	}
}
