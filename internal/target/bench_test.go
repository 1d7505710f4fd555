package target

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLocalEditFile measures a full edit (the resolution of the path,
// the read, and the atomic replacement, fsyncs included) for a typical
// deployment.toml (25 KB) and a large XML file (10 MB). Each iteration
// changes one byte, so every one really writes (an edit that returns the
// same bytes writes nothing). The fsyncs dominate for the small file, so the
// number mostly reflects the disk the temporary directory is on; run with
// -benchtime=20x on slow disks.
func BenchmarkLocalEditFile(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{
		{"25KB", 25 << 10},
		{"10MB", 10 << 20},
	} {
		b.Run(size.name, func(b *testing.B) {
			dir := b.TempDir()
			file := filepath.Join(dir, "deployment.toml")
			data := bytes.Repeat([]byte("[apim.key_manager]\nenable = true\n"), size.n/33+1)[:size.n]
			if err := os.WriteFile(file, data, 0o644); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			l := NewLocal()
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			flip := func(old []byte) ([]byte, error) {
				out := bytes.Clone(old)
				out[len(out)-1] ^= 1
				return out, nil
			}
			for b.Loop() {
				if _, err := l.EditFile(ctx, file, flip); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
