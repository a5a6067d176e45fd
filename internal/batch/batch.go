// Package batch gathers work that queued up while the previous batch was
// handled, so that one commit (or one round trip) serves many callers:
// the store's group commit and the SMS flow's MO settler.
package batch

// Run calls handle with batches from ch until ch is closed: each batch
// is the first item received plus whatever else was already waiting, at
// most max items. An idle channel gives a batch of one at once; nothing
// waits for a batch to fill. The slice passed to handle is reused.
func Run[T any](ch <-chan T, max int, handle func([]T)) {
	b := make([]T, 0, max)
	for first := range ch {
		b = append(b[:0], first)
	gather:
		for len(b) < max {
			select {
			case v, ok := <-ch:
				if !ok {
					break gather
				}
				b = append(b, v)
			default:
				break gather
			}
		}
		handle(b)
	}
}
