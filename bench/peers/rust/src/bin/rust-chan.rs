//! rust-chan: the channel peers of suite `chan` (docs/peers.md).
//!
//! impls: `crossbeam` (crossbeam-channel 0.5) and `std-mpsc`
//! (std::sync::mpsc). groups, u64 messages, ns per message:
//!   spsc-bounded, mpsc-bounded      capacity 1024
//!   spsc-unbounded, mpsc-unbounded
//!   pingpong                        two channels of capacity 1, ns per round trip
//! One iteration is one message (one round trip for pingpong). Producers
//! are spawned inside the timing and the consumer is this thread; the clock
//! stops at the last receive. Producer 0 sends 0..iters/2 and producer 1
//! iters/2..iters, so the consumer checks that every message arrives once
//! and in order per producer.

use crossbeam_channel as cb;
use curriculum_peers::{expect_eq, serve, unsupported, Reply, Timed};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

const CAPACITY: usize = 1024;

/// Moves iters messages from `producers` (1 or 2) threads to this one.
fn stream<S, R>(
    iters: u64,
    producers: u64,
    chan: (S, R),
    send: fn(&S, u64) -> bool,
    recv: fn(&R) -> Option<u64>,
) -> Reply
where
    S: Clone + Send,
{
    let (tx, rx) = chan;
    let n0 = if producers == 1 { iters } else { iters / 2 };
    let start = Instant::now();
    thread::scope(|s| {
        // Owned by this closure: dropped on return, so a producer blocked
        // on a full channel after an early error sees it closed.
        let rx = rx;
        let tx1 = tx.clone();
        s.spawn(move || {
            for v in 0..n0 {
                if !send(&tx, v) {
                    return;
                }
            }
        });
        if producers == 2 {
            s.spawn(move || {
                for v in n0..iters {
                    if !send(&tx1, v) {
                        return;
                    }
                }
            });
        } else {
            drop(tx1);
        }
        let (mut next0, mut next1) = (0u64, n0);
        for _ in 0..iters {
            match recv(&rx) {
                Some(v) if v == next0 && next0 < n0 => next0 += 1,
                Some(v) if v == next1 => next1 += 1,
                Some(v) => {
                    return Err(format!("message {} out of order (next {} and {})", v, next0, next1))
                }
                None => return Err("channel closed early".to_string()),
            }
        }
        let elapsed = start.elapsed();
        expect_eq("messages from producer 0", next0, n0)?;
        expect_eq("messages from producer 1", next1 - n0, iters - n0)?;
        Ok(Timed::new(elapsed))
    })
}

/// iters round trips: this thread sends i, the echo thread answers i + 1.
fn pingpong<S, R>(
    iters: u64,
    ping: (S, R),
    pong: (S, R),
    send: fn(&S, u64) -> bool,
    recv: fn(&R) -> Option<u64>,
) -> Reply
where
    S: Send,
    R: Send,
{
    let (ping_tx, ping_rx) = ping;
    let (pong_tx, pong_rx) = pong;
    let start = Instant::now();
    thread::scope(|s| {
        s.spawn(move || {
            while let Some(v) = recv(&ping_rx) {
                if !send(&pong_tx, v + 1) {
                    return;
                }
            }
        });
        let result = (|| {
            for i in 0..iters {
                if !send(&ping_tx, i) {
                    return Err("ping channel closed".to_string());
                }
                match recv(&pong_rx) {
                    Some(v) if v == i + 1 => {}
                    Some(v) => return Err(format!("round trip {} answered {}", i, v)),
                    None => return Err("pong channel closed".to_string()),
                }
            }
            Ok(Timed::new(start.elapsed()))
        })();
        drop(ping_tx); // ends the echo thread
        result
    })
}

fn cb_send(tx: &cb::Sender<u64>, v: u64) -> bool {
    tx.send(v).is_ok()
}
fn cb_recv(rx: &cb::Receiver<u64>) -> Option<u64> {
    rx.recv().ok()
}
fn std_send(tx: &mpsc::Sender<u64>, v: u64) -> bool {
    tx.send(v).is_ok()
}
fn std_sync_send(tx: &mpsc::SyncSender<u64>, v: u64) -> bool {
    tx.send(v).is_ok()
}
fn std_recv(rx: &mpsc::Receiver<u64>) -> Option<u64> {
    rx.recv().ok()
}

fn run(group: &str, imp: &str, iters: u64) -> Reply {
    match (imp, group) {
        ("crossbeam", "spsc-bounded") => stream(iters, 1, cb::bounded(CAPACITY), cb_send, cb_recv),
        ("crossbeam", "mpsc-bounded") => stream(iters, 2, cb::bounded(CAPACITY), cb_send, cb_recv),
        ("crossbeam", "spsc-unbounded") => stream(iters, 1, cb::unbounded(), cb_send, cb_recv),
        ("crossbeam", "mpsc-unbounded") => stream(iters, 2, cb::unbounded(), cb_send, cb_recv),
        ("crossbeam", "pingpong") => pingpong(iters, cb::bounded(1), cb::bounded(1), cb_send, cb_recv),
        ("std-mpsc", "spsc-bounded") => {
            stream(iters, 1, mpsc::sync_channel(CAPACITY), std_sync_send, std_recv)
        }
        ("std-mpsc", "mpsc-bounded") => {
            stream(iters, 2, mpsc::sync_channel(CAPACITY), std_sync_send, std_recv)
        }
        ("std-mpsc", "spsc-unbounded") => stream(iters, 1, mpsc::channel(), std_send, std_recv),
        ("std-mpsc", "mpsc-unbounded") => stream(iters, 2, mpsc::channel(), std_send, std_recv),
        ("std-mpsc", "pingpong") => pingpong(
            iters,
            mpsc::sync_channel(1),
            mpsc::sync_channel(1),
            std_sync_send,
            std_recv,
        ),
        _ => unsupported("rust-chan", group, imp),
    }
}

fn main() {
    serve("rust-chan", run);
}
