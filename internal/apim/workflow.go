package apim

import (
	"encoding/json"
	"errors"

	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// workflowShapes are where a WorkflowCallbackService.xml keeps its
// callback URL: <address uri> (2.x), <http uri-template> (3.0 to 4.1).
var workflowShapes = []struct {
	path xmledit.Path
	attr string
}{
	{WorkflowAddressPath, WorkflowAddressAttr},
	{WorkflowHTTPPath, WorkflowHTTPAttr},
}

// findWorkflowURL locates the callback URL in whichever shape doc has. A
// document of neither shape is xmledit.ErrNotFound: a file the provider
// does not manage, never an error to its callers.
func findWorkflowURL(doc []byte) (xmledit.Value, error) {
	var err error
	for _, shape := range workflowShapes {
		var v xmledit.Value
		v, err = xmledit.FindAttr(doc, shape.path, shape.attr)
		if !errors.Is(err, xmledit.ErrNotFound) {
			return v, err
		}
	}
	return xmledit.Value{}, err
}

// ReadWorkflowCallback returns the callback URL of WorkflowCallbackService.xml.
func ReadWorkflowCallback(doc []byte) (string, error) {
	v, err := findWorkflowURL(doc)
	return v.Text, err
}

// SetWorkflowCallback returns WorkflowCallbackService.xml with the callback
// URL's port set to port, and the URL; managed is false, and doc is returned
// as it is, when the URL names another host than the instance itself.
func SetWorkflowCallback(doc []byte, port int64) (out []byte, url string, managed bool, err error) {
	v, err := findWorkflowURL(doc)
	if err != nil {
		return nil, "", false, err
	}
	url, managed = LocalURL(v.Text, port)
	if !managed || url == v.Text {
		return doc, url, managed, nil
	}
	return xmledit.Replace(doc, v, xmledit.EscapeAttr(url, doc[v.Start-1])), url, true, nil
}

// WorkflowCallbackOriginal records the callback URL as it stands in doc.
func WorkflowCallbackOriginal(doc []byte) (Original, error) {
	v, err := findWorkflowURL(doc)
	return Original{Raw: v.Raw}, err
}

// RestoreWorkflowCallback puts the callback URL back as orig records it.
func RestoreWorkflowCallback(doc []byte, orig Original) ([]byte, error) {
	v, err := findWorkflowURL(doc)
	if err != nil || v.Raw == orig.Raw {
		return doc, err
	}
	return xmledit.Replace(doc, v, orig.Raw), nil
}

// WorkflowCallback is the callback URL of WorkflowCallbackService.xml as a
// Setting, for its original and its restore.
var WorkflowCallback Setting = workflowCallback{}

type workflowCallback struct{}

func (workflowCallback) Name() string { return "workflow_callback_original" }
func (workflowCallback) File() string { return WorkflowCallbackService }
func (workflowCallback) Original(doc []byte) (json.RawMessage, error) {
	return originalJSON(doc, WorkflowCallbackOriginal)
}
func (workflowCallback) Restore(doc []byte, original json.RawMessage) ([]byte, error) {
	return restoreJSON(doc, original, RestoreWorkflowCallback)
}
