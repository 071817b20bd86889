package link_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/tandem-harness/tandem/harness/env"
	"github.com/tandem-harness/tandem/harness/link"
	"github.com/tandem-harness/tandem/harness/system"
)

// Payments behind a proxy (x-tandem: {proxy: true} in the Compose file)
// answer three seconds late until the link is restored. (Compiled, not run:
// it needs a Docker engine and the shop's images.)
func ExampleTo() {
	ctx := context.Background()
	sys, err := system.Load(ctx, "fixtures/shop/compose.yaml")
	if err != nil {
		log.Fatal(err)
	}
	e, err := env.Start(ctx, sys)
	defer e.Stop(context.WithoutCancel(ctx))
	if err != nil {
		log.Fatal(err)
	}
	payments, err := link.To(e, "payments")
	if err != nil {
		log.Fatal(err)
	}
	if err := payments.AddLatency(ctx, 3*time.Second); err != nil {
		log.Fatal(err)
	}
	defer payments.Restore(context.WithoutCancel(ctx))
	// ... place an order through the gateway: orders gives up on payments
	// after PAYMENTS_TIMEOUT and cancels it.
	fmt.Println(payments.Proxies)
}
