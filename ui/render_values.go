package ui

import (
	"encoding/json"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Helpers reading decoded JSON values (json.Number for numbers).

func humanize(k string) string { return clean(strings.ReplaceAll(k, "_", " ")) }

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func num(v any) float64 {
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		return f
	}
	return 0
}

func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case string:
		if v == "" {
			return "—"
		}
		return clean(ansi.Strip(v))
	case json.Number:
		return v.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		out = append(out, scalar(e))
	}
	return out
}

func allScalars(list []any) bool {
	for _, e := range list {
		switch e.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

func contains(v any, s string) bool {
	for _, e := range strs(v) {
		if e == s {
			return true
		}
	}
	return false
}
