//! rust-echo: the tokio echo server of suite `io` (docs/peers.md). Not a
//! line-protocol peer: the io suite's load generator drives it over TCP.
//!
//!   rust-echo [--port N]     N = 0 (default) lets the kernel pick a port
//!
//! Listens on 127.0.0.1, prints "listening <port>" on stdout, then echoes
//! every byte it reads on each connection until the peer closes it
//! (tokio multi_thread runtime, 2 workers, one task per connection).
//! It exits on SIGTERM/SIGINT, and also when its stdin is a pipe or socket
//! that reaches end of input, so a bench that dies does not leave it behind.

use std::io::{Read, Write};
use std::os::unix::fs::FileTypeExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn usage() -> ! {
    eprintln!("usage: rust-echo [--port N]");
    std::process::exit(2);
}

fn parse_port() -> u16 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => 0,
        [flag, n] if flag == "--port" => n.parse().unwrap_or_else(|_| usage()),
        [arg] if arg.starts_with("--port=") => arg[7..].parse().unwrap_or_else(|_| usage()),
        _ => usage(),
    }
}

async fn echo(mut sock: TcpStream) {
    let _ = sock.set_nodelay(true);
    let mut buf = vec![0u8; 16384];
    loop {
        match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if sock.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// True when stdin is a pipe or socket: its end of input means the parent
/// that started us is gone.
fn stdin_is_pipe() -> bool {
    match std::fs::metadata("/proc/self/fd/0") {
        Ok(m) => m.file_type().is_fifo() || m.file_type().is_socket(),
        Err(_) => false,
    }
}

fn main() {
    let port = parse_port();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| {
            eprintln!("rust-echo: cannot build the runtime: {}", e);
            std::process::exit(1);
        });
    let listener = rt.block_on(TcpListener::bind(("127.0.0.1", port))).unwrap_or_else(|e| {
        eprintln!("rust-echo: cannot listen on 127.0.0.1:{}: {}", port, e);
        std::process::exit(1);
    });
    let bound = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    {
        let mut out = std::io::stdout().lock();
        if writeln!(out, "listening {}", bound).and_then(|_| out.flush()).is_err() {
            std::process::exit(1);
        }
    }
    if stdin_is_pipe() {
        std::thread::spawn(|| {
            let mut sink = [0u8; 256];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            std::process::exit(0);
        });
    }
    rt.block_on(async move {
        loop {
            match listener.accept().await {
                Ok((sock, _)) => {
                    tokio::spawn(echo(sock));
                }
                Err(e) => {
                    // EMFILE and the like: wait a little instead of spinning.
                    eprintln!("rust-echo: accept: {}", e);
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            }
        }
    });
}
