package store

import (
	"context"
	"testing"
	"time"
)

// The receipt metadata of an MT survives the queue: enqueue, lease, fail.
func TestMTReceiptMetadataRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	id, err := s.EnqueueMT(ctx, &MT{Dest: "+4915112345678", Source: "alice@example.org", Text: "hi",
		OriginID: "o1", ReplyTo: "alice@example.org/phone", FromIMID: "45678901", WantReceipt: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.LeaseMT(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("lease: %v %v", got, err)
	}
	if got[0].ReplyTo != "alice@example.org/phone" || got[0].FromIMID != "45678901" || !got[0].WantReceipt || got[0].OriginID != "o1" {
		t.Errorf("leased %+v", got[0])
	}
	failed, err := s.FailMT(ctx, id, "gone")
	if err != nil || failed.ReplyTo != "alice@example.org/phone" || failed.FromIMID != "45678901" {
		t.Errorf("failed %+v %v", failed, err)
	}
}
