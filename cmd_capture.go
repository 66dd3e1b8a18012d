package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cnilab/lab/netops/capture"
	"github.com/cnilab/lab/netops/ns"
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
			if err := requirePrivileges("capture"); err != nil {
				return err
			}
			s, err := a.scopeOf()
			if err != nil {
				return err
			}
			real := args[0]
			if !ns.Exists(real) {
				real = s.Netns(args[0])
			}
			if !ns.Exists(real) {
				return &exitError{code: 2, msg: fmt.Sprintf("netns %q does not exist (is the lab set up? lab task LESSON)", args[0])}
			}
			if timeout <= 0 {
				timeout = 24 * time.Hour
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			var pkts []capture.Packet
			sess, err := capture.StartStream(capture.Options{Netns: real, Iface: args[1], Count: count, Timeout: timeout},
				func(p capture.Packet) {
					// Printed as they arrive, like tcpdump; kept for --pcap.
					fmt.Printf("%s %s %-3s %s\n", p.Time.Format("15:04:05.000000"), p.Iface, p.Dir, p.Line)
					pkts = append(pkts, p)
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "capturing on %s in netns %s (ctrl-c to stop)\n", args[1], real)
			done := make(chan struct{})
			go func() { sess.Wait(); close(done) }()
			select {
			case <-done:
			case <-ctx.Done():
				sess.Stop()
				<-done
			}
			fmt.Fprintf(os.Stderr, "%d packets captured\n", len(pkts))
			if pcap != "" {
				f, err := os.Create(pcap)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := capture.WritePcap(f, pkts); err != nil {
					return fmt.Errorf("write %s: %w", pcap, err)
				}
				fmt.Fprintf(os.Stderr, "wrote %s (tcpdump -n -r %s)\n", pcap, pcap)
			}
			return nil
		},
	}
	c.Flags().IntVar(&count, "count", 0, "stop after N packets")
	c.Flags().DurationVar(&timeout, "timeout", 0, "stop after this long")
	c.Flags().StringVar(&pcap, "pcap", "", "write the packets to this pcap file")
	return c
}
