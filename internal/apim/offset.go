package apim

import "fmt"

// MaxPort is the largest TCP port number.
const MaxPort = 65535

// CheckOffset reports why offset cannot be used for an instance whose highest
// moved port is highest (name and base), or nil when it can.
func CheckOffset(offset int64, highestName string, highestBase int64) error {
	if offset < 0 {
		return fmt.Errorf("the offset must not be negative, got %d", offset)
	}
	if highestBase+offset > MaxPort {
		return fmt.Errorf("offset %d moves the highest port, %s (%d), to %d, above %d; the largest offset allowed is %d",
			offset, highestName, highestBase, highestBase+offset, MaxPort, MaxPort-highestBase)
	}
	return nil
}
