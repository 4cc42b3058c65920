package mysql

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gonnect/gonnect/connectors/mysql/mysqltest"
)

// TestStreamBatchesAheadCancelWhileServerBlocks: a snapshot SELECT that waits on the
// server (here for a table lock another session holds, as long as lock_wait_timeout:
// a day by default) must end once its context is cancelled (a task stopping, a
// rebalance), not keep the read-ahead goroutine, the connection and its open
// transaction until the server answers.
func TestStreamBatchesAheadCancelWhileServerBlocks(t *testing.T) {
	srv := mysqltest.Start(t)
	db := srv.NewDatabase(t, "textcancel")
	srv.Exec(t, "SET sql_log_bin = 0", "CREATE TABLE "+db+".t (id INT PRIMARY KEY)", "INSERT INTO "+db+".t VALUES (1), (2)")
	locker := textConn(t, srv)
	if _, err := locker.Execute("LOCK TABLES " + db + ".t WRITE"); err != nil {
		t.Fatal(err)
	}
	unlocked := false
	unlock := func() {
		if !unlocked {
			unlocked = true
			_, _ = locker.Execute("UNLOCK TABLES")
		}
	}
	t.Cleanup(unlock)
	c := textConn(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- streamBatchesAhead(ctx, c, "SELECT * FROM "+db+".t", nil, func([][]any) error { return ctx.Err() })
	}()
	// wait until the server has the SELECT waiting for the lock
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows := srv.Query(t, fmt.Sprintf("SELECT COUNT(*) FROM information_schema.processlist WHERE id = %d AND state LIKE '%%lock%%'", c.GetConnectionID()))
		if rows[0][0] == "1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the SELECT never waited for the table lock")
		}
		select {
		case err := <-done:
			t.Fatalf("the read ended before waiting for the lock: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("read ended with %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		unlock() // let the stuck read finish
		<-done
		t.Fatal("the read did not end within 5s of its context's cancellation")
	}
}
