package tui

import (
	"fmt"
	"regexp"
	"testing"

	"charm.land/bubbles/v2/list"
)

// startApp opens the App on the picker at 80x24.
func startApp(t *testing.T, f *fakeEngine) (*App, *driver) {
	t.Helper()
	a := NewApp(f, plain, nil, WalkOptions{})
	d := newDriver(t, a).init().size(80, 24)
	return a, d
}

func TestPickerLists(t *testing.T) {
	f := newFakeEngine(t)
	f.done["veth"] = true
	a, d := startApp(t, f)
	if a.walk != nil || a.picker == nil {
		t.Fatal("the App without a lesson does not open on the picker")
	}
	v := d.view()
	wantView(t, v, "cnilab — container networking, for real",
		"✓ veth — Two namespaces and a veth cable", "bridge — A bridge joins many namespaces",
		"route — A default route and masquerade")
	// Each item says how many steps its lesson has (the catalog's count:
	// the lesson files may grow).
	for _, id := range []string{"veth", "bridge", "route"} {
		l := f.lesson(t, id)
		wantView(t, v, fmt.Sprintf("%d steps · %s", len(l.Steps), l.Summary[:20]))
	}
	if n := len(f.lesson(t, "veth").Steps); n != 4 {
		t.Errorf("veth has %d steps; the walkthrough tests count 4", n)
	}
	for _, id := range []string{"bridge", "route"} {
		if regexp.MustCompile(`✓ ` + id + ` —`).MatchString(v) {
			t.Errorf("%s is marked done, but Engine.Done says no:\n%s", id, v)
		}
	}
	wantFits(t, "picker", v, 80, 24)
	if len(f.Calls()) != 0 {
		t.Errorf("the picker called the engine: %v", f.Calls())
	}
}

func TestPickerEnterOpensLesson(t *testing.T) {
	f := newFakeEngine(t)
	a, d := startApp(t, f)
	d.keys("enter")
	if a.walk == nil || a.walk.lesson.ID != "veth" {
		t.Fatalf("enter on the first item: walk %v", a.walk)
	}
	if got := f.Calls(); len(got) != 1 || got[0] != "setup veth" {
		t.Fatalf("calls %v, want [setup veth]", got)
	}
	if a.walk.width != 80 || a.walk.height != 24 {
		t.Errorf("the walkthrough opened at %dx%d, not the terminal's 80x24", a.walk.width, a.walk.height)
	}
	v := d.view()
	wantView(t, v, "cnilab · veth", "Step 1/4", "press n to apply this step")
	wantNotView(t, v, "container networking, for real")
	// Keys now go to the walkthrough.
	d.keys("n")
	if f.count("step veth 0") != 1 {
		t.Errorf("n in the walkthrough: %v", f.Calls())
	}
	d.size(120, 40)
	if a.walk.width != 120 {
		t.Errorf("resize after the picker: walk width %d", a.walk.width)
	}
}

func TestPickerDownEnter(t *testing.T) {
	f := newFakeEngine(t)
	a, d := startApp(t, f)
	d.keys("down", "down", "enter")
	if a.walk == nil || a.walk.lesson.ID != "route" {
		t.Fatalf("down down enter: walk %v", a.walk)
	}
	if f.count("setup route") != 1 {
		t.Errorf("calls %v", f.Calls())
	}
}

func TestPickerQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			f := newFakeEngine(t)
			a, d := startApp(t, f)
			d.keys(k)
			if d.quits != 1 || !a.picker.quit || a.walk != nil {
				t.Errorf("%s: quits %d, quit %v, walk %v", k, d.quits, a.picker.quit, a.walk)
			}
		})
	}
}

func TestPickerFilter(t *testing.T) {
	f := newFakeEngine(t)
	a, d := startApp(t, f)
	d.keys("/")
	if a.picker.list.FilterState() != list.Filtering {
		t.Fatalf("/: filter state %v", a.picker.list.FilterState())
	}
	// While filtering, q is a letter of the filter, not quit.
	d.typeText("bri")
	if d.quits != 0 {
		t.Fatal("typing in the filter quit")
	}
	// The filter is fuzzy over id, title and summary ("via the bridge" is
	// in route's): bridge ranks first and is selected.
	var ids []string
	for _, it := range a.picker.list.VisibleItems() {
		ids = append(ids, it.(lessonItem).l.ID)
	}
	if len(ids) == 0 || ids[0] != "bridge" {
		t.Fatalf("filter bri: visible %v, want bridge first", ids)
	}
	wantView(t, d.view(), "bridge — A bridge joins many namespaces")
	d.keys("enter")
	if a.walk == nil {
		// bubbles' list: enter while filtering accepts the filter; a
		// second enter picks the item.
		if a.picker.list.FilterState() != list.FilterApplied {
			t.Fatalf("enter in the filter: state %v", a.picker.list.FilterState())
		}
		d.keys("enter")
	}
	if a.walk == nil || a.walk.lesson.ID != "bridge" {
		t.Fatalf("filter bri, enter: walk %v", a.walk)
	}
	if f.count("setup bridge") != 1 {
		t.Errorf("calls %v", f.Calls())
	}
}

func TestPickerFilterQ(t *testing.T) {
	f := newFakeEngine(t)
	a, d := startApp(t, f)
	d.keys("/").typeText("q")
	if d.quits != 0 || a.picker.quit {
		t.Fatal("q typed in the filter quit the picker")
	}
	d.keys("esc") // leaves the filter
	if a.picker.list.FilterState() != list.Unfiltered {
		t.Fatalf("esc: filter state %v", a.picker.list.FilterState())
	}
	d.keys("q")
	if d.quits != 1 {
		t.Error("q after the filter does not quit")
	}
}

func TestPickerSizes(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}, {60, 20}} {
		f := newFakeEngine(t)
		_, d := startApp(t, f)
		d.size(sz[0], sz[1])
		wantFits(t, "picker", d.view(), sz[0], sz[1])
	}
}

// The picker's keys are the App's: a letter the list binds to quit must
// not end the program.
func TestPickerListQuitKeyDisabled(t *testing.T) {
	f := newFakeEngine(t)
	a, d := startApp(t, f)
	q := a.picker.list.KeyMap.Quit
	for _, k := range q.Keys() {
		if k == "q" || k == "ctrl+c" {
			continue // the picker's own quit
		}
		d.keys(k)
		if d.quits != 0 {
			t.Fatalf("regression: %q quits the picker: the list's Quit binding (%v, help %q) is enabled again by "+
				"list.updateKeybindings after every update, so lm.KeyMap.Quit.SetEnabled(false) in NewPicker does not hold "+
				"(use lm.DisableQuitKeybindings()); the help line also shows %q", k, q.Keys(), q.Help().Desc, q.Help().Key+" "+q.Help().Desc)
		}
	}
	wantNotView(t, d.view(), q.Help().Key+" "+q.Help().Desc)
}
