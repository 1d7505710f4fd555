// Package fileformat is the vocabulary the format editors (xmledit for XML,
// tomledit for TOML) share, so that the code above them can handle any
// managed value without importing a format package: a located value (its
// byte span and raw bytes), the splice that replaces it, and the kinds of
// error a diagnostic advises on.
//
// It knows no format and does no I/O.
package fileformat
