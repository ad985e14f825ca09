//! The peer side of the benchmark line protocol (docs/peers.md), shared by
//! the rust-chan, rust-pool and rust-exec programs.
//!
//! Requests on stdin, one reply line each on stdout:
//!   run <group> <impl> <iters>  ->  ok <elapsed_ns> [key=value ...] | err <message>
//!   quit (or end of input)      ->  exit 0
//! The program times exactly the work of the request itself; everything it
//! prepares once (thread pools, runtimes, input arrays) stays outside the
//! timing and is kept for later requests.

use std::io::{self, BufRead, Write};
use std::time::Duration;

/// What one `run` request produced: the timed part's elapsed nanoseconds
/// and extra figures printed next to the result (key=value).
pub struct Timed {
    pub ns: u64,
    pub extra: Vec<(&'static str, u64)>,
}

impl Timed {
    pub fn new(elapsed: Duration) -> Timed {
        Timed { ns: elapsed.as_nanos() as u64, extra: Vec::new() }
    }
}

/// The answer to one request: Ok, or Err with the message for `err`.
pub type Reply = Result<Timed, String>;

/// Checks a workload's result; a mismatch becomes an `err` reply, so a
/// broken peer cannot produce a fast number.
pub fn expect_eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{} is {:?}, expected {:?}", what, got, want))
    }
}

/// Serves requests until `quit` or end of input. `run(group, impl, iters)`
/// does one request; iters is at least 1.
pub fn serve<F>(program: &str, mut run: F)
where
    F: FnMut(&str, &str, u64) -> Reply,
{
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut line = String::new();
    let mut input = stdin.lock();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                eprintln!("{}: reading stdin: {}", program, e);
                std::process::exit(1);
            }
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let reply = match words.as_slice() {
            ["quit"] => return,
            ["run", group, imp, iters] => match iters.parse::<u64>() {
                Ok(n) if n >= 1 => run(group, imp, n),
                _ => Err(format!("bad iteration count '{}'", iters)),
            },
            _ => Err(format!("bad request '{}'", line.trim_end())),
        };
        let text = match reply {
            Ok(t) => {
                let mut s = format!("ok {}", t.ns);
                for (k, v) in &t.extra {
                    s.push_str(&format!(" {}={}", k, v));
                }
                s
            }
            // One line: the message must not break the protocol.
            Err(msg) => format!("err {}", msg.replace(['\n', '\r'], " ")),
        };
        if writeln!(out, "{}", text).and_then(|_| out.flush()).is_err() {
            // The harness went away; nothing left to serve.
            return;
        }
    }
}

/// The error for a group or impl this program does not serve.
pub fn unsupported(program: &str, group: &str, imp: &str) -> Reply {
    Err(format!("{} does not serve group '{}' impl '{}'", program, group, imp))
}
