// Package apim is what WSO2 API Manager is, as far as port offsets go: the
// ports an instance opens and how the offset moves them, the largest offset
// that keeps every port valid, where each managed file lives under an APIM
// home, and which element or attribute in it holds a managed value.
//
// It does no I/O: it reads and edits the content of the files it is given
// through the format editors (xmledit, tomledit, propedit).
package apim
