package xmledit

// Step selects the child elements with the namespace URI Space and the local
// name Local. When AttrName is set, only elements whose attribute AttrName
// (no namespace) equals AttrValue are selected.
type Step struct {
	Space     string
	Local     string
	AttrName  string
	AttrValue string
}

// Path is a chain of steps from the document's root element (the first step
// matches the root itself) down to the element of interest.
type Path []Step
