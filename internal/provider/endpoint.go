package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// endpointRead is what a home says about one WebSocket endpoint: where it
// keeps the port (apim.EndpointPortOf), and, when asked for, the content of
// that file and what the instance's offset is.
type endpointRead struct {
	port apim.EndpointPort
	// file is the absolute path of port.File().
	file string
	// generation3 says the home has deployment.toml: 3.x or later.
	generation3 bool
	// editable is why file must not be edited (apim.Home.CheckEditable),
	// nil when it may.
	editable error
	// doc is the content of file, when read; nil when it does not exist.
	doc []byte
	// offsetFile and offsetDoc are the file holding the instance's offset
	// (deployment.toml on 3.x and later, else carbon.xml) and its content,
	// nil when it does not exist; offsetErr is why it could not be read,
	// readOffset how to read it.
	offsetFile string
	offsetDoc  []byte
	offsetErr  error
	readOffset func([]byte) (int64, error)
}

// detectEndpoint reads, on t and all at once, what tells where the home
// keeps e's port (deployment.toml and e's template) and, withContent, the
// endpoint file and carbon.xml as well, so that Read costs one round trip.
// A missing file is not an error: a home without deployment.toml is 2.x,
// one without the template keeps the port in the static file.
func detectEndpoint(ctx context.Context, t target.Target, home string, e apim.Endpoint, withContent bool) (endpointRead, error) {
	names := []string{apim.DeploymentTOML, e.Template(), apim.DeploymentBackup}
	if withContent {
		names = append(names, e.File, apim.CarbonXML)
	}
	docs, errs := readFiles(ctx, t, home, names...)
	hasBackup, err := backupExists(errs[2])
	if err != nil {
		return endpointRead{file: filePath(home, apim.DeploymentBackup)}, err
	}
	for i := range 2 {
		if errs[i] != nil && !errors.Is(errs[i], fs.ErrNotExist) {
			return endpointRead{file: filePath(home, names[i])}, errs[i]
		}
	}
	toml := docs[0]
	port, err := apim.EndpointPortOf(e, toml != nil, docs[1])
	if err != nil {
		return endpointRead{file: filePath(home, e.Template())}, err
	}
	r := endpointRead{port: port, file: filePath(home, port.File()), generation3: toml != nil}
	if port.File() == apim.DeploymentTOML {
		r.editable = apim.Home{ProfileOptimized: hasBackup}.CheckEditable()
	}
	if !withContent {
		return r, nil
	}
	r.offsetFile, r.offsetDoc, r.offsetErr, r.readOffset = filePath(home, apim.CarbonXML), docs[4], errs[4], apim.ReadOffset
	if toml != nil {
		r.offsetFile, r.offsetDoc, r.offsetErr, r.readOffset = filePath(home, apim.DeploymentTOML), toml, nil, apim.ReadTOMLOffset
	}
	if port.File() == apim.DeploymentTOML {
		r.doc = toml
		return r, nil
	}
	if errs[3] != nil && !errors.Is(errs[3], fs.ErrNotExist) {
		return r, errs[3]
	}
	r.doc = docs[3]
	return r, nil
}

// instanceOffset is the offset the instance runs at, for a static endpoint
// whose file lets the runtime add it: 0 where the file holding it does not
// exist, as the runtime reads it.
func (r endpointRead) instanceOffset() (int64, error) {
	if r.offsetErr != nil && !errors.Is(r.offsetErr, fs.ErrNotExist) {
		return 0, fmt.Errorf("the instance's offset, in %s: %w", r.offsetFile, r.offsetErr)
	}
	if r.offsetDoc == nil {
		return 0, nil
	}
	n, err := r.readOffset(r.offsetDoc)
	if err != nil {
		return 0, fmt.Errorf("the instance's offset, in %s: %w", r.offsetFile, err)
	}
	return n, nil
}
