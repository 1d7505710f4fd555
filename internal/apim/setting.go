package apim

import "encoding/json"

// Setting is one value the provider manages in one file of a home: the
// offset, a WebSocket endpoint's port, a hard-coded URL's port. Every one
// goes through the same lifecycle, written once in the provider: record
// the original the first time the file is seen, set, read back, and on
// destroy restore the original bytes. What differs between generations
// and formats is which Setting a home has, never the lifecycle.
type Setting interface {
	// Name is a short name of the setting, unique among a resource's
	// settings and stable across releases: the provider keeps the
	// setting's original under it between runs.
	Name() string
	// File is the file that holds the setting, relative to the APIM home.
	File() string
	// Original records the setting as it stands in doc, as JSON for
	// Restore.
	Original(doc []byte) (json.RawMessage, error)
	// Restore puts the setting back as Original recorded it.
	Restore(doc []byte, original json.RawMessage) ([]byte, error)
}

// OptionalSetting is a Setting a file may lack (2.1.0's api-manager.xml
// has no <GatewayWSEndpoint>), whose original then records nothing.
type OptionalSetting interface {
	Setting
	// Restores reports whether Restore of original may change a
	// document: false for an original that recorded nothing, so that
	// destroy need not open the file.
	Restores(original json.RawMessage) bool
}

// originalJSON is an original recorded by originalOf, as JSON.
func originalJSON[T any](doc []byte, originalOf func([]byte) (T, error)) (json.RawMessage, error) {
	orig, err := originalOf(doc)
	if err != nil {
		return nil, err
	}
	return json.Marshal(orig)
}

// restoreJSON decodes an original recorded by originalJSON and has restore
// put it back.
func restoreJSON[T any](doc []byte, original json.RawMessage, restore func([]byte, T) ([]byte, error)) ([]byte, error) {
	var orig T
	if err := json.Unmarshal(original, &orig); err != nil {
		return nil, err
	}
	return restore(doc, orig)
}

// restoresJSON reports whether original, recorded by originalJSON, holds
// something to put back by has; an original that does not decode does
// (Restore then reports it).
func restoresJSON[T any](original json.RawMessage, has func(T) bool) bool {
	var orig T
	if err := json.Unmarshal(original, &orig); err != nil {
		return true
	}
	return has(orig)
}
