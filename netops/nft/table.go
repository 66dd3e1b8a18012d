package nft

import (
	"fmt"

	"github.com/google/nftables"
)

// checkTable keeps to names Command can print unquoted and nft parses as a
// plain identifier, so the printed commands and the applied table agree.
func checkTable(table string) error {
	ok := table != "" && len(table) <= 64
	for i := 0; ok && i < len(table); i++ {
		b := table[i]
		letter := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
		ok = letter || i > 0 && ('0' <= b && b <= '9' || b == '_' || b == '-')
	}
	if !ok {
		return fmt.Errorf("invalid table name %q: want a letter, then letters, digits, '_' or '-'", table)
	}
	return nil
}

// TableExists reports whether the ip-family table exists in the namespace.
//
// Equivalent to: `nft list table ip cnilab` (which fails when it is missing).
func TableExists(netns, table string) (bool, error) {
	wrap := func(err error) error {
		return fmt.Errorf("look up table ip %q in netns %q: %w", table, netns, err)
	}
	if err := checkTable(table); err != nil {
		return false, wrap(err)
	}
	c, err := dial(netns)
	if err != nil {
		return false, wrap(err)
	}
	defer c.CloseLasting()
	t, err := findTable(c, table)
	if err != nil {
		return false, wrap(err)
	}
	return t != nil, nil
}

// DeleteTable removes the ip-family table with every chain and rule in it.
// A missing table is not an error, so a reset can always call it.
//
// Equivalent to: `nft delete table ip cnilab` (which, unlike this, fails
// when the table is missing).
func DeleteTable(netns, table string) error {
	wrap := func(err error) error {
		return fmt.Errorf("delete table ip %q in netns %q: %w", table, netns, err)
	}
	if err := checkTable(table); err != nil {
		return wrap(err)
	}
	c, err := dial(netns)
	if err != nil {
		return wrap(err)
	}
	defer c.CloseLasting()
	t, err := findTable(c, table)
	if err != nil {
		return wrap(err)
	}
	if t == nil {
		return nil
	}
	c.DelTable(t)
	if err := c.Flush(); err != nil {
		return wrap(err)
	}
	return nil
}

// findTable returns the ip-family table of that name, or nil. Listing and
// searching avoids telling "no such table" apart from other netlink errors.
func findTable(c *nftables.Conn, name string) (*nftables.Table, error) {
	tables, err := c.ListTablesOfFamily(nftables.TableFamilyIPv4)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	for _, t := range tables {
		if t.Name == name {
			return t, nil
		}
	}
	return nil, nil
}
