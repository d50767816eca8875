//! Streams every instance of a tenant holding many (default 100,000) from the emulator over
//! TCP, with the emulator's real default page size (20), and reports items/s and the process's
//! peak RSS before and after, to show that streaming holds one page at a time.
//!
//! usage: `trove-stream [N]`. Prints `RESULT op=stream n=.. secs=.. items_per_s=.. pages=..
//! rss_after_seed_kb=.. peak_rss_kb=..`.

// A benchmark measures real elapsed time, which the project's clock rule is not about.
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

use futures::TryStreamExt;
use troveclient::{BoxError, Client};

/// Reads a `VmHWM`/`VmRSS`-style line of `/proc/self/status`, in kB (0 where unavailable).
fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let config = trove_emulator::Config::default();
    let page_size = config.page_size;
    let server = trove_emulator::Emulator::start(config).await?;
    server.emulator().seed_instances("12345", n);
    let seeded_rss = status_kb("VmRSS:");
    let client = Client::builder()
        .token("12345", &format!("{}/v1.0/12345", server.url()))
        .build()?;
    let start = Instant::now();
    let mut stream = std::pin::pin!(client.instances().list().into_stream());
    let mut count = 0usize;
    let mut max_rss_while_streaming = 0;
    while let Some(instance) = stream.try_next().await? {
        std::hint::black_box(&instance);
        count += 1;
        if count.is_multiple_of(10_000) {
            max_rss_while_streaming = max_rss_while_streaming.max(status_kb("VmRSS:"));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    if count != n {
        return Err(format!("streamed {count} instances, expected {n}").into());
    }
    println!(
        "RESULT op=stream n={n} page_size={page_size} pages={} secs={secs:.3} items_per_s={:.0} \
         rss_after_seed_kb={seeded_rss} max_rss_while_streaming_kb={max_rss_while_streaming} \
         peak_rss_kb={}",
        n.div_ceil(page_size),
        n as f64 / secs,
        status_kb("VmHWM:")
    );
    server.shutdown().await;
    Ok(())
}
