package catalog

// Keys lists every key of the catalog, for the tests that read all of its text.
func Keys() []string {
	out := make([]string, 0, len(catalog))
	for k := range catalog {
		out = append(out, k)
	}
	return out
}
