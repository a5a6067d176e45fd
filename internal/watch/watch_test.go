package watch

import (
	"sync"
	"testing"
)

func TestBox(t *testing.T) {
	b := New(1)
	ch := b.Changed()
	b.Update(func(v *int) {}) // no change: nobody is woken
	select {
	case <-ch:
		t.Fatal("woken without a change")
	default:
	}
	b.Update(func(v *int) { *v = 2 })
	select {
	case <-ch:
	default:
		t.Fatal("not woken by a change")
	}
	if b.Get() != 2 {
		t.Fatalf("Get = %d", b.Get())
	}
}

func TestBoxConcurrentWaiters(t *testing.T) {
	b := New(0)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ch := b.Changed()
				if b.Get() >= 100 {
					return
				}
				<-ch
			}
		}()
	}
	for i := 0; i < 100; i++ {
		b.Update(func(v *int) { *v++ })
	}
	wg.Wait()
}
