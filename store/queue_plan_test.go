package store

import (
	"context"
	"strings"
	"testing"
)

// TestQueuePlans checks that the hot queue statements use the indexes
// meant for them: leasing walks the pending partial index in id order
// without sorting, so its cost does not grow with finished rows.
func TestQueuePlans(t *testing.T) {
	s, _ := openTest(t)
	for i, tc := range []struct {
		name, query string
		want        []string // substrings of the plan
	}{
		{"lease mt", mtQueue.leaseSQL(mtColumns, 4) + " -- ?4", []string{"COVERING INDEX mt_messages_pending"}},
		{"lease mo", moQueue.leaseSQL(moColumns, 64) + " -- ?4", []string{"COVERING INDEX mo_messages_pending"}},
		{"dlr lookup", "SELECT mt_id, seq FROM mt_smsc_ids WHERE candidate = ?", []string{"PRIMARY KEY (candidate=?)"}},
		{"open group", "SELECT id FROM mo_groups WHERE source = ? AND dest = ? AND ref = ? AND total = ? AND done_at IS NULL",
			[]string{"INDEX mo_groups_"}},
		{"expiry", "SELECT id FROM mo_groups WHERE done_at IS NULL AND first_at < ? ORDER BY first_at, id",
			[]string{"INDEX mo_groups_first (first_at<?)"}},
		{"prune mt", "SELECT id FROM mt_messages WHERE state IN ('sent', 'delivered', 'failed') AND updated_at < ? LIMIT ?",
			[]string{"INDEX mt_messages_state (state=? AND updated_at<?)"}},
	} {
		rows, err := s.write.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+tc.query, 1, 2, 3, 4)
		if err != nil {
			t.Fatalf("%d %s: %v", i, tc.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		all := strings.Join(plan, "\n")
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("%d %s: plan lacks %q:\n%s", i, tc.name, w, all)
			}
		}
		for _, line := range plan {
			if strings.Contains(line, "TEMP B-TREE") || strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "INDEX") {
				t.Errorf("%d %s: plan sorts or scans a table:\n%s", i, tc.name, all)
			}
		}
	}
}
