package report

// SetMaxRows makes sheets hold n rows until the returned func is called.
func SetMaxRows(n int) (restore func()) {
	old := maxRows
	maxRows = n
	return func() { maxRows = old }
}
