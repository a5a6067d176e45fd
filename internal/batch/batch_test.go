package batch

import (
	"slices"
	"testing"
)

func TestRunGathersWhatWaitsUpToMax(t *testing.T) {
	ch := make(chan int, 10)
	for i := range 7 {
		ch <- i
	}
	close(ch)
	var sizes []int
	var all []int
	Run(ch, 3, func(b []int) {
		sizes = append(sizes, len(b))
		all = append(all, b...)
	})
	if !slices.Equal(sizes, []int{3, 3, 1}) {
		t.Fatalf("batch sizes %v, want [3 3 1]", sizes)
	}
	if !slices.Equal(all, []int{0, 1, 2, 3, 4, 5, 6}) {
		t.Fatalf("items %v, want 0..6 in order", all)
	}
}

func TestRunDoesNotWaitForABatchToFill(t *testing.T) {
	ch := make(chan int)
	got := make(chan []int, 1)
	go Run(ch, 100, func(b []int) { got <- slices.Clone(b) })
	ch <- 42
	if b := <-got; !slices.Equal(b, []int{42}) {
		t.Fatalf("lone item handled as %v", b)
	}
	close(ch)
}
