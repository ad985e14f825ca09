// go-chan: the Go channel peer of suite chan (docs/peers.md), impl "go".
//
// Line protocol on stdin/stdout, one reply line per request:
//
//	run <group> <impl> <iters>  ->  ok <elapsed_ns> | err <message>
//	quit (or end of input)      ->  exit 0
//
// Groups, uint64 messages, one iteration = one message (one round trip for
// pingpong):
//
//	spsc-bounded  1 producer goroutine, make(chan uint64, 1024), the
//	              consumer is the request goroutine; the clock stops at
//	              the last receive
//	mpsc-bounded  2 producers: producer 0 sends 0..iters/2, producer 1
//	              iters/2..iters; every message is checked to arrive once
//	              and in order per producer
//	pingpong      two goroutines, two make(chan uint64, 1); the answer to
//	              i must be i+1
//
// Go has no unbounded channel, so the -unbounded groups answer err.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

const capacity = 1024

func produce(ch chan<- uint64, from, to uint64) {
	for v := from; v < to; v++ {
		ch <- v
	}
}

// stream moves iters messages from 1 or 2 producer goroutines to this one.
func stream(iters uint64, producers int) (time.Duration, error) {
	ch := make(chan uint64, capacity)
	n0 := iters
	if producers == 2 {
		n0 = iters / 2
	}
	start := time.Now()
	go produce(ch, 0, n0)
	if producers == 2 {
		go produce(ch, n0, iters)
	}
	next0, next1 := uint64(0), n0
	for i := uint64(0); i < iters; i++ {
		v := <-ch
		switch {
		case v == next0 && next0 < n0:
			next0++
		case v == next1:
			next1++
		default:
			// Take what the producers still send, so they can finish.
			go func(left uint64) {
				for ; left > 0; left-- {
					<-ch
				}
			}(iters - i - 1)
			return 0, fmt.Errorf("message %d out of order (next %d and %d)", v, next0, next1)
		}
	}
	elapsed := time.Since(start)
	if next0 != n0 || next1 != iters {
		return 0, fmt.Errorf("received %d and %d messages, expected %d and %d",
			next0, next1-n0, n0, iters-n0)
	}
	return elapsed, nil
}

// pingpong does iters round trips: this goroutine sends i, the echo
// goroutine answers i+1.
func pingpong(iters uint64) (time.Duration, error) {
	ping := make(chan uint64, 1)
	pong := make(chan uint64, 1)
	start := time.Now()
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	defer close(ping) // ends the echo goroutine
	for i := uint64(0); i < iters; i++ {
		ping <- i
		if v := <-pong; v != i+1 {
			return 0, fmt.Errorf("round trip %d answered %d", i, v)
		}
	}
	return time.Since(start), nil
}

func run(group, impl string, iters uint64) (time.Duration, error) {
	if impl != "go" {
		return 0, fmt.Errorf("go-chan does not serve group '%s' impl '%s'", group, impl)
	}
	switch group {
	case "spsc-bounded":
		return stream(iters, 1)
	case "mpsc-bounded":
		return stream(iters, 2)
	case "pingpong":
		return pingpong(iters)
	case "spsc-unbounded", "mpsc-unbounded":
		return 0, fmt.Errorf("Go channels have no unbounded flavor")
	}
	return 0, fmt.Errorf("go-chan does not serve group '%s' impl '%s'", group, impl)
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		words := strings.Fields(in.Text())
		var reply string
		switch {
		case len(words) == 1 && words[0] == "quit":
			return
		case len(words) == 4 && words[0] == "run":
			iters, err := strconv.ParseUint(words[3], 10, 64)
			if err != nil || iters < 1 {
				reply = fmt.Sprintf("err bad iteration count '%s'", words[3])
				break
			}
			elapsed, err := run(words[1], words[2], iters)
			if err != nil {
				reply = "err " + err.Error()
			} else {
				reply = fmt.Sprintf("ok %d", elapsed.Nanoseconds())
			}
		default:
			reply = fmt.Sprintf("err bad request '%s'", in.Text())
		}
		if _, err := fmt.Fprintln(out, reply); err != nil {
			return
		}
		if err := out.Flush(); err != nil {
			return
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "go-chan: reading stdin: %v\n", err)
		os.Exit(1)
	}
}
