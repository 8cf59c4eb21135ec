package catalog

import "testing"

func TestAddRefusesDuplicateKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a key added twice did not panic")
		}
	}()
	add(map[string][2]string{"nav.skip": {"x", "x"}})
}

func TestEveryTextHasBothLanguages(t *testing.T) {
	for k, v := range catalog {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: a language is empty: %q", k, v)
		}
	}
}
