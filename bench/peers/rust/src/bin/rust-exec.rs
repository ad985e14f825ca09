//! rust-exec: the tokio peer of suite `exec` (docs/peers.md).
//!
//! impls: `tokio-ct` (current_thread runtime) and `tokio-mt` (multi_thread,
//! 2 workers); both runtimes are built once at start. Every request runs as
//! one driver task spawned on the runtime (for tokio-mt it runs on a worker,
//! so its spawns take tokio's local fast path), which times itself:
//!   spawn-batch   1,000,000 tasks returning their index, in batches of 1024,
//!                 each batch's handles awaited before the next (one iteration
//!                 = one whole run)
//!   spawn-all     1,000,000 tasks, all handles kept, then all awaited
//!   pingpong      two tasks, two tokio::sync::mpsc channels of capacity 1;
//!                 one iteration = one round trip
//!   timers-100k   100,000 tasks, each sleeping for a delay from xorshift64
//!                 (seed 0x9E3779B97F4A7C15) % 100 ms from its first poll (its
//!                 deadline = that instant + delay); the reply's
//!                 elapsed_ns is process CPU time (getrusage), with the
//!                 lateness percentiles late_p50_ns and late_p99_ns.
//! Results are checked (task values summed, round trips answered, every
//! timer fired and none early).

use curriculum_peers::{expect_eq, serve, unsupported, Reply, Timed};
use std::time::Duration;
use tokio::runtime::{Builder, Runtime};
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

const TASKS: u64 = 1_000_000;
const BATCH: u64 = 1024;
const TIMERS: u64 = 100_000;
const MAX_DELAY_NS: u64 = 100_000_000;
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;

fn task_sum() -> u64 {
    TASKS * (TASKS - 1) / 2
}

async fn spawn_batch(iters: u64) -> Reply {
    let start = std::time::Instant::now();
    let mut handles = Vec::with_capacity(BATCH as usize);
    for _ in 0..iters {
        let mut sum = 0u64;
        let mut i = 0;
        while i < TASKS {
            let end = (i + BATCH).min(TASKS);
            for k in i..end {
                handles.push(tokio::spawn(async move { k }));
            }
            for h in handles.drain(..) {
                sum += h.await.map_err(|e| format!("task failed: {}", e))?;
            }
            i = end;
        }
        expect_eq("sum of task results", sum, task_sum())?;
    }
    Ok(Timed::new(start.elapsed()))
}

async fn spawn_all(iters: u64) -> Reply {
    let start = std::time::Instant::now();
    for _ in 0..iters {
        let mut handles = Vec::with_capacity(TASKS as usize);
        for k in 0..TASKS {
            handles.push(tokio::spawn(async move { k }));
        }
        let mut sum = 0u64;
        for h in handles {
            sum += h.await.map_err(|e| format!("task failed: {}", e))?;
        }
        expect_eq("sum of task results", sum, task_sum())?;
    }
    Ok(Timed::new(start.elapsed()))
}

async fn pingpong(iters: u64) -> Reply {
    let start = std::time::Instant::now();
    let (ping_tx, mut ping_rx) = mpsc::channel::<u64>(1);
    let (pong_tx, mut pong_rx) = mpsc::channel::<u64>(1);
    let echo = tokio::spawn(async move {
        while let Some(v) = ping_rx.recv().await {
            if pong_tx.send(v + 1).await.is_err() {
                return;
            }
        }
    });
    for i in 0..iters {
        ping_tx.send(i).await.map_err(|_| "ping channel closed".to_string())?;
        match pong_rx.recv().await {
            Some(v) if v == i + 1 => {}
            Some(v) => return Err(format!("round trip {} answered {}", i, v)),
            None => return Err("pong channel closed".to_string()),
        }
    }
    let elapsed = start.elapsed();
    drop(ping_tx);
    echo.await.map_err(|e| format!("echo task failed: {}", e))?;
    Ok(Timed::new(elapsed))
}

fn xorshift64(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// User plus system CPU time of this process, in ns.
fn cpu_ns() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return 0;
    }
    let tv = |t: libc::timeval| t.tv_sec as u64 * 1_000_000_000 + t.tv_usec as u64 * 1000;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// The value of rank ceil(p * n) in sorted xs (nearest-rank percentile).
fn percentile(sorted: &[u64], p: f64) -> u64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

async fn timers(iters: u64) -> Reply {
    let mut late: Vec<u64> = Vec::with_capacity((TIMERS * iters) as usize);
    let cpu0 = cpu_ns();
    for _ in 0..iters {
        let mut rng = SEED;
        let mut handles = Vec::with_capacity(TIMERS as usize);
        for _ in 0..TIMERS {
            let delay = Duration::from_nanos(xorshift64(&mut rng) % MAX_DELAY_NS);
            handles.push(tokio::spawn(async move {
                // sleep(delay), with the deadline kept to measure lateness
                let deadline = Instant::now() + delay;
                sleep_until(deadline).await;
                Instant::now().checked_duration_since(deadline)
            }));
        }
        for h in handles {
            match h.await.map_err(|e| format!("timer task failed: {}", e))? {
                Some(d) => late.push(d.as_nanos() as u64),
                None => return Err("a timer fired before its deadline".to_string()),
            }
        }
    }
    let cpu = cpu_ns() - cpu0;
    expect_eq("timers fired", late.len() as u64, TIMERS * iters)?;
    late.sort_unstable();
    Ok(Timed {
        ns: cpu,
        extra: vec![("late_p50_ns", percentile(&late, 0.50)), ("late_p99_ns", percentile(&late, 0.99))],
    })
}

fn run(rt: &Runtime, group: &str, iters: u64) -> Option<Reply> {
    let driver = match group {
        "spawn-batch" => rt.spawn(spawn_batch(iters)),
        "spawn-all" => rt.spawn(spawn_all(iters)),
        "pingpong" => rt.spawn(pingpong(iters)),
        "timers-100k" => rt.spawn(timers(iters)),
        _ => return None,
    };
    Some(rt.block_on(driver).unwrap_or_else(|e| Err(format!("driver task failed: {}", e))))
}

fn build(builder: &mut Builder, what: &str) -> Runtime {
    builder.enable_all().build().unwrap_or_else(|e| {
        eprintln!("rust-exec: cannot build the {} runtime: {}", what, e);
        std::process::exit(1);
    })
}

fn main() {
    let ct = build(&mut Builder::new_current_thread(), "current_thread");
    let mt = build(Builder::new_multi_thread().worker_threads(2), "multi_thread");
    serve("rust-exec", |group, imp, iters| {
        let rt = match imp {
            "tokio-ct" => &ct,
            "tokio-mt" => &mt,
            _ => return unsupported("rust-exec", group, imp),
        };
        run(rt, group, iters).unwrap_or_else(|| unsupported("rust-exec", group, imp))
    });
}
