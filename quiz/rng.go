package quiz

// rng is a splitmix64 generator. It is ours rather than math/rand's so that a
// seed yields the same question with every Go release: seeds are printed,
// stored with rounds and compared across versions.
type rng struct{ state uint64 }

func newRNG(seed int64) *rng { return &rng{state: uint64(seed) ^ 0x5ec0b07a11ce5eed} }

func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// shuffle permutes n elements with swap (Fisher–Yates).
func (r *rng) shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.intn(i+1))
	}
}
