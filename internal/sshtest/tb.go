package sshtest

// TB is the part of testing.TB the package uses. Tests pass their *testing.T
// or *testing.B; the benchmark program under bench/, which is not a test,
// passes its own implementation to start the same servers.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(f func())
	TempDir() string
}
