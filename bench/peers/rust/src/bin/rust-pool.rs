//! rust-pool: the rayon peer of suite `pool` (docs/peers.md), impl `rayon`.
//!
//! Two thread pools, of 1 and 2 threads, are built once at start; groups
//! ending in -t1 run on the first, -t2 on the second. One iteration is one
//! whole run:
//!   fib30-t1/t2, fib35-t1/t2  naive fib(n), rayon::join at every call, no cutoff
//!   sum-u32-t1/t2             wrapping sum of (u64)x*x, x_i = (u32)(i * 2654435761)
//!   sum-f64-t2                sum of x*x, x_i = (i % 1000) * 0.001
//!   job-roundtrip             one empty job spawned from outside the 2-thread
//!                             pool, answered over a channel (one iteration = one job)
//!   jobs-1M                   1,000,000 tiny jobs spawned from outside the
//!                             2-thread pool, then wait for all of them
//! The sum arrays (10^8 elements) are filled on first use, outside the
//! timing, with their serial sums; only one array is kept at a time.

use crossbeam_channel as cb;
use curriculum_peers::{expect_eq, serve, unsupported, Reply, Timed};
use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const SUM_N: usize = 100_000_000;
const JOBS: u64 = 1_000_000;

fn fib(n: u32) -> u64 {
    if n < 2 {
        return n as u64;
    }
    let (a, b) = rayon::join(|| fib(n - 1), || fib(n - 2));
    a + b
}

fn fib_serial(n: u32) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        let t = a + b;
        a = b;
        b = t;
    }
    a
}

enum Data {
    None,
    U32(Vec<u32>, u64),
    F64(Vec<f64>, f64),
}

/// Completion count of the jobs-1M batch, shared by every job.
struct Batch {
    done: AtomicU64,
    tx: cb::Sender<()>,
}

struct State {
    t1: ThreadPool,
    t2: ThreadPool,
    data: Data,
}

impl Data {
    fn u32s(&mut self) -> (&[u32], u64) {
        if !matches!(self, Data::U32(..)) {
            *self = Data::None; // free the other array first
            let x: Vec<u32> = (0..SUM_N).map(|i| (i as u32).wrapping_mul(2654435761)).collect();
            let want = x.iter().fold(0u64, |s, &v| s.wrapping_add(v as u64 * v as u64));
            *self = Data::U32(x, want);
        }
        match self {
            Data::U32(x, want) => (x, *want),
            _ => unreachable!(),
        }
    }

    fn f64s(&mut self) -> (&[f64], f64) {
        if !matches!(self, Data::F64(..)) {
            *self = Data::None;
            let x: Vec<f64> = (0..SUM_N).map(|i| (i % 1000) as f64 * 0.001).collect();
            let want = x.iter().map(|v| v * v).sum::<f64>();
            *self = Data::F64(x, want);
        }
        match self {
            Data::F64(x, want) => (x, *want),
            _ => unreachable!(),
        }
    }
}

fn run_fib(pool: &ThreadPool, n: u32, iters: u64) -> Reply {
    let want = fib_serial(n);
    let start = Instant::now();
    for _ in 0..iters {
        let got = pool.install(|| fib(n));
        expect_eq("fib", got, want)?;
    }
    Ok(Timed::new(start.elapsed()))
}

fn run_sum_u32(pool: &ThreadPool, x: &[u32], want: u64, iters: u64) -> Reply {
    let start = Instant::now();
    for _ in 0..iters {
        let got = pool.install(|| {
            x.par_iter()
                .map(|&v| v as u64 * v as u64)
                .reduce(|| 0u64, |a, b| a.wrapping_add(b))
        });
        expect_eq("sum", got, want)?;
    }
    Ok(Timed::new(start.elapsed()))
}

fn run_sum_f64(pool: &ThreadPool, x: &[f64], want: f64, iters: u64) -> Reply {
    let start = Instant::now();
    for _ in 0..iters {
        let got: f64 = pool.install(|| x.par_iter().map(|&v| v * v).sum());
        // The split changes the rounding; anything beyond 1e-9 is a bug.
        if !((got - want).abs() <= 1e-9 * want.abs()) {
            return Err(format!("sum is {}, expected {}", got, want));
        }
    }
    Ok(Timed::new(start.elapsed()))
}

fn run_job_roundtrip(pool: &ThreadPool, iters: u64) -> Reply {
    let (tx, rx) = cb::bounded::<u64>(1);
    let start = Instant::now();
    for i in 0..iters {
        let tx = tx.clone();
        pool.spawn(move || {
            let _ = tx.send(i);
        });
        expect_eq("job answer", rx.recv().ok(), Some(i))?;
    }
    Ok(Timed::new(start.elapsed()))
}

fn run_jobs(pool: &ThreadPool, batch: &'static Batch, rx: &cb::Receiver<()>, iters: u64) -> Reply {
    let start = Instant::now();
    for _ in 0..iters {
        batch.done.store(0, Ordering::Relaxed);
        for _ in 0..JOBS {
            pool.spawn(move || {
                if batch.done.fetch_add(1, Ordering::AcqRel) + 1 == JOBS {
                    let _ = batch.tx.send(());
                }
            });
        }
        expect_eq("batch end", rx.recv().ok(), Some(()))?;
        expect_eq("jobs run", batch.done.load(Ordering::Acquire), JOBS)?;
    }
    Ok(Timed::new(start.elapsed()))
}

fn pool_of(threads: usize) -> ThreadPool {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("rayon-t{}-{}", threads, i))
        .build()
        .unwrap_or_else(|e| {
            eprintln!("rust-pool: cannot build a pool of {} threads: {}", threads, e);
            std::process::exit(1);
        })
}

fn main() {
    let mut st = State { t1: pool_of(1), t2: pool_of(2), data: Data::None };
    let (tx, rx) = cb::bounded(1);
    // One batch record for the life of the process, shared by the jobs.
    let batch: &'static Batch = Box::leak(Box::new(Batch { done: AtomicU64::new(0), tx }));
    serve("rust-pool", |group, imp, iters| {
        if imp != "rayon" {
            return unsupported("rust-pool", group, imp);
        }
        match group {
            "fib30-t1" => run_fib(&st.t1, 30, iters),
            "fib30-t2" => run_fib(&st.t2, 30, iters),
            "fib35-t1" => run_fib(&st.t1, 35, iters),
            "fib35-t2" => run_fib(&st.t2, 35, iters),
            "sum-u32-t1" | "sum-u32-t2" => {
                let pool = if group.ends_with("t1") { &st.t1 } else { &st.t2 };
                let (x, want) = st.data.u32s();
                run_sum_u32(pool, x, want, iters)
            }
            "sum-f64-t2" => {
                let (x, want) = st.data.f64s();
                run_sum_f64(&st.t2, x, want, iters)
            }
            "job-roundtrip" => run_job_roundtrip(&st.t2, iters),
            "jobs-1M" => run_jobs(&st.t2, batch, &rx, iters),
            _ => unsupported("rust-pool", group, imp),
        }
    });
}
