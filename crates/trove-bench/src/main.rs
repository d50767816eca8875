//! The SDK's program for the shared benchmark harness (`/work/shared/bench/run_all.sh`).
//!
//! usage: `trove-bench <get|list1000|get-c64|get-c64-raw> <N>`, with `TROVE_ENDPOINT` (tenant-scoped base
//! URL), `TROVE_TOKEN` and `TROVE_ID` in the environment. It uses only the public `troveclient`
//! API with a static token, one persistent client, a warm-up outside the timing, and decodes into
//! the full [`troveclient::Instance`] model. It prints one line:
//! `RESULT client=rust-trove op=<op> n=<N> secs=<loop seconds> rps=<N/secs>`.
//!
//! Sequential ops run on a current-thread runtime and `get-c64` on a multi-thread runtime with
//! one worker per core, exactly as the raw-hyper floor does, so the ratio measures the SDK.
//!
//! `get-c64-raw` is not one of the harness's ops: the same concurrent gets through the whole
//! stack (auth, retry, timeouts, tracing) with the body left undecoded, which is what the
//! floor's `get-c64` does. It separates the stack's cost from the model's.

// A benchmark measures real elapsed time, which the project's clock rule is not about.
#![allow(clippy::disallowed_methods)]

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use troveclient::stack::routes;
use troveclient::{BoxError, Client, Operation};

/// Warm-up gets before a sequential `get` loop.
const WARMUP_GETS: usize = 50;
/// Warm-up pages before the `list1000` loop.
const WARMUP_PAGES: usize = 5;
/// Requests in flight for `get-c64`.
const IN_FLIGHT: usize = 64;

fn main() -> ExitCode {
    match run() {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("trove-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn env(name: &str) -> Result<String, BoxError> {
    std::env::var(name).map_err(|_| format!("{name} is not set").into())
}

fn run() -> Result<String, BoxError> {
    let args: Vec<String> = std::env::args().collect();
    let (op, n) = match args.as_slice() {
        [_, op, n] => (op.clone(), n.parse::<usize>()?),
        _ => return Err("usage: trove-bench <get|list1000|get-c64> <N>".into()),
    };
    let endpoint = env("TROVE_ENDPOINT")?;
    let token = env("TROVE_TOKEN")?;
    let id = std::env::var("TROVE_ID").unwrap_or_default();
    let runtime = if op.starts_with("get-c64") {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    };
    let secs = runtime.block_on(async {
        let client = Client::builder().token(token, &endpoint).build()?;
        match op.as_str() {
            "get" => get(&client, &id, n).await,
            "list1000" => list1000(&client, n).await,
            "get-c64" => get_c64(&client, &id, n, Decode::Model).await,
            "get-c64-raw" => get_c64(&client, &id, n, Decode::Nothing).await,
            other => Err(format!("unknown op {other}").into()),
        }
    })?;
    Ok(format!(
        "RESULT client=rust-trove op={op} n={n} secs={secs:.4} rps={:.1}",
        n as f64 / secs
    ))
}

async fn get(client: &Client, id: &str, n: usize) -> Result<f64, BoxError> {
    for _ in 0..WARMUP_GETS {
        client.instances().get(id).await?;
    }
    let start = Instant::now();
    for _ in 0..n {
        let instance = client.instances().get(id).await?;
        if instance.id.len() != 36 {
            return Err(format!("unexpected instance id {}", instance.id).into());
        }
        std::hint::black_box(&instance);
    }
    Ok(start.elapsed().as_secs_f64())
}

async fn list1000(client: &Client, n: usize) -> Result<f64, BoxError> {
    for _ in 0..WARMUP_PAGES {
        client.instances().list().await?;
    }
    let start = Instant::now();
    for _ in 0..n {
        let page = client.instances().list().await?;
        if page.len() != 1000 || page.next.is_none() {
            return Err(
                format!("expected 1000 items and a next marker, got {}", page.len()).into(),
            );
        }
        std::hint::black_box(&page);
    }
    Ok(start.elapsed().as_secs_f64())
}

/// What `get-c64` does with each answer.
#[derive(Clone, Copy)]
enum Decode {
    /// Decodes the full instance model, as the harness asks.
    Model,
    /// Leaves the body as bytes, as the floor does.
    Nothing,
}

async fn get_one(client: &Client, id: &str, decode: Decode) -> Result<(), troveclient::Error> {
    match decode {
        Decode::Model => {
            std::hint::black_box(client.instances().get(id).await?);
        }
        Decode::Nothing => {
            // The instance route with the answer left as bytes, as the floor leaves it.
            let op = Operation::empty(&routes::INSTANCE_GET, &[id]);
            client.execute(op).await?;
        }
    }
    Ok(())
}

async fn get_c64(client: &Client, id: &str, n: usize, decode: Decode) -> Result<f64, BoxError> {
    // Warm the pool: open IN_FLIGHT connections before the timing starts.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let (client, id) = (client.clone(), id.to_owned());
        tasks.spawn(async move { get_one(&client, &id, decode).await });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let left = Arc::new(AtomicUsize::new(n));
    let start = Instant::now();
    for _ in 0..IN_FLIGHT {
        let (client, id, left) = (client.clone(), id.to_owned(), left.clone());
        tasks.spawn(async move {
            // Each task claims one request at a time until the shared budget is spent.
            while left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| v.checked_sub(1))
                .is_ok()
            {
                get_one(&client, &id, decode).await?;
            }
            Ok::<(), troveclient::Error>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(start.elapsed().as_secs_f64())
}
