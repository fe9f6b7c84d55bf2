package index

import "testing"

// SeedPack exposes seedPack to the external tests.
var SeedPack = func(t testing.TB) any { return seedPack(t) }
