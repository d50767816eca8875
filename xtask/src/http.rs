//! A minimal blocking HTTP/1.1 GET over `TcpStream`, used only for readiness checks on loopback.
//!
//! Readiness needs one status code from a local server; a raw request keeps xtask free of an HTTP
//! client dependency.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use anyhow::{bail, Context, Result};

/// Sends `GET path` to `addr` and returns the response status code.
pub fn get_status(addr: SocketAddr, path: &str, timeout: Duration) -> Result<u16> {
    let mut stream =
        TcpStream::connect_timeout(&addr, timeout).with_context(|| format!("connect to {addr}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    // The status line fits in the first read in practice; read until it is complete or EOF.
    let mut head = Vec::new();
    let mut buf = [0u8; 512];
    while !head.windows(2).any(|w| w == b"\r\n") {
        let n = stream.read(&mut buf).context("read response")?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let status_line = text.lines().next().unwrap_or_default();
    // "HTTP/1.1 200 OK"
    match status_line.split_whitespace().nth(1).map(str::parse::<u16>) {
        Some(Ok(code)) => Ok(code),
        _ => bail!("not an HTTP response from {addr}: {status_line:?}"),
    }
}

/// True when something accepts TCP connections on `addr`.
pub fn port_in_use(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_ok()
}
