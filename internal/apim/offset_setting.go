package apim

import (
	"encoding/json"

	"github.com/portoffset/terraform-provider-apim/internal/tomledit"
)

// OffsetSetting is where a generation keeps the instance's port offset.
type OffsetSetting interface {
	Setting
	// Read returns the offset doc sets: 0 where it is absent, as the
	// runtime reads it.
	Read(doc []byte) (int64, error)
	// Set returns doc with the offset set, doc itself when it already is.
	Set(doc []byte, offset int64) ([]byte, error)
}

// Offset is the setting that holds the offset in a home of generation g:
// <Offset> of carbon.xml on 2.x, [server] offset of deployment.toml on 3.x
// and later.
func (g Generation) Offset() OffsetSetting {
	if g == Deployment3 {
		return tomlOffset{}
	}
	return carbonOffset{}
}

// carbonOffset is <Server><Ports><Offset> of carbon.xml.
type carbonOffset struct{}

func (carbonOffset) Name() string                                 { return "offset_original" }
func (carbonOffset) File() string                                 { return CarbonXML }
func (carbonOffset) Read(doc []byte) (int64, error)               { return ReadOffset(doc) }
func (carbonOffset) Set(doc []byte, offset int64) ([]byte, error) { return SetOffset(doc, offset) }
func (carbonOffset) Original(doc []byte) (json.RawMessage, error) {
	return originalJSON(doc, OffsetOriginal)
}
func (carbonOffset) Restore(doc []byte, original json.RawMessage) ([]byte, error) {
	return restoreJSON(doc, original, RestoreOffset)
}

// tomlOffset is [server] offset of deployment.toml.
type tomlOffset struct{}

func (tomlOffset) Name() string                                 { return "toml_offset_original" }
func (tomlOffset) File() string                                 { return DeploymentTOML }
func (tomlOffset) Read(doc []byte) (int64, error)               { return ReadTOMLOffset(doc) }
func (tomlOffset) Set(doc []byte, offset int64) ([]byte, error) { return SetTOMLOffset(doc, offset) }
func (tomlOffset) Original(doc []byte) (json.RawMessage, error) {
	return originalJSON(doc, TOMLOffsetOriginal)
}
func (tomlOffset) Restore(doc []byte, original json.RawMessage) ([]byte, error) {
	return restoreJSON(doc, original, func(doc []byte, o tomledit.Original) ([]byte, error) { return RestoreTOMLOffset(doc, o) })
}
