package widget

import (
	"reflect"
	"testing"
)

// A narrow table drops empty columns first, then the lowest Keep (the
// rightmost of equals), and gives what is left to the flexible column.
func TestTableNarrowDropsEmptyThenByKeep(t *testing.T) {
	cols := []Column{
		{Title: "#", Width: 4, Keep: 3},
		{Title: "name", Width: 8, Flex: 1, Keep: 3},
		{Title: "claim", Width: 10, Keep: 1},
		{Title: "when", Width: 10},
		{Title: "status", Width: 8},
	}
	row := func(claim string) Row {
		return Row{Cells: []string{"1", "harbor-user-0101", claim, "09:30", "Approved"}}
	}
	for _, tc := range []struct {
		name  string
		width int
		rows  []Row
		want  []int
	}{
		{"all fit, name takes the rest", 60, []Row{row("")}, []int{4, 22, 10, 10, 8}},
		{"empty claim goes first", 40, []Row{row(""), row("")}, []int{4, 13, 0, 10, 8}},
		{"claimed: the lowest Keep, rightmost first", 40, []Row{row("alice"), row("")}, []int{4, 11, 10, 10, 0}},
		{"no rows: nothing counts as empty", 40, nil, []int{4, 11, 10, 10, 0}},
		{"very narrow: number and name stay", 16, []Row{row("alice")}, []int{4, 9, 0, 0, 0}},
	} {
		tb := NewTable(cols, TableStyles{})
		tb.SetSize(tc.width, 5)
		tb.SetRows(tc.rows)
		if got := tb.widths(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: widths %v, want %v", tc.name, got, tc.want)
		}
	}
}
