package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

func (a *app) captureCmd() *cobra.Command {
	var count int
	var timeout time.Duration
	var pcap string
	c := &cobra.Command{
		Use:   "capture NETNS IFACE [--count N] [--timeout D] [--pcap FILE]",
		Short: "Capture packets on a link of a lab namespace, tcpdump-like",
		Long: `Capture on IFACE inside NETNS (a lab namespace: lab-host, client1, or its lesson
name such as host or client1) and print one line a packet, as tcpdump -n does.
--pcap writes the packets to a file that tcpdump -r and Wireshark read.
Stops after --count packets, after --timeout, or on ctrl-c.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			sess, err := a.session("capture", "")
			if err != nil {
				return err
			}
			defer sess.Close()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			req := engine.CaptureRequest{Netns: args[0], Iface: args[1], Count: count, Timeout: timeout}
			pkts, err := sess.Capture(ctx, req,
				func(real string) {
					fmt.Fprintf(os.Stderr, "capturing on %s in netns %s (ctrl-c to stop)\n", args[1], real)
				},
				func(p engine.Packet) {
					// Printed as they arrive, like tcpdump.
					fmt.Printf("%s %s %-3s %s\n", p.Time.Format("15:04:05.000000"), p.Iface, p.Dir, p.Line)
				})
			if pkts == nil && err != nil {
				return err // it never started
			}
			fmt.Fprintf(os.Stderr, "%d packets captured\n", len(pkts))
			if pcap != "" {
				if werr := writePcap(pcap, pkts); werr != nil {
					return werr
				}
			}
			return err
		},
	}
	c.Flags().IntVar(&count, "count", 0, "stop after N packets")
	c.Flags().DurationVar(&timeout, "timeout", 0, "stop after this long")
	c.Flags().StringVar(&pcap, "pcap", "", "write the packets to this pcap file")
	return c
}

// writePcap saves the packets for tcpdump -r and Wireshark.
func writePcap(path string, pkts []engine.Packet) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := engine.WritePcap(f, pkts); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s (tcpdump -n -r %s)\n", path, path)
	return nil
}
