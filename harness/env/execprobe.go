package env

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	tcexec "github.com/testcontainers/testcontainers-go/exec"
)

// execProbe is ready once a command run in the container exits with 0.
type execProbe struct {
	cmd []string
	s   *Service
}

func (p *execProbe) String() string {
	return fmt.Sprintf("exec %q in %s's container", p.cmd, p.s.Name)
}

// execTimeout bounds one run of the command.
const execTimeout = 10 * time.Second

func (p *execProbe) check(ctx context.Context) (string, bool) {
	ctx, cancel := context.WithTimeout(ctx, execTimeout)
	defer cancel()
	code, out, err := p.s.Container.Exec(ctx, p.cmd, tcexec.Multiplexed())
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Sprintf("did not exit within %s", execTimeout), false
		}
		return err.Error(), false
	}
	answer := fmt.Sprintf("exit code %d", code)
	if out != nil {
		b, _ := io.ReadAll(io.LimitReader(out, 300))
		if text := strings.TrimSpace(string(b)); text != "" {
			answer += ": " + strings.ReplaceAll(text, "\n", " ")
		}
	}
	return answer, code == 0
}
