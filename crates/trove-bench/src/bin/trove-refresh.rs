//! The cost of a token expiry under load: 1,000 concurrent `get`s with a fresh token, then
//! 1,000 concurrent `get`s right after the token entered its refresh window, against the
//! emulator's Keystone v3 and Trove over TCP. The client reads the time from an injected clock,
//! so the expiry is reached by moving that clock, not by waiting an hour. Each refresh is a real
//! Keystone v3 password authentication; only the token's expiry is restamped from the injected
//! clock (one hour from its "now"), because the emulator stamps it from the real time.
//!
//! usage: `trove-refresh [CALLS] [ROUNDS]` (defaults 1000 and 5). Prints one `RESULT` line with
//! the median burst times and the number of authentications (one per expiry is the target).

// A benchmark measures real elapsed time, which the project's clock rule is not about.
#![allow(clippy::disallowed_methods)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use troveclient::auth::strategy::from_fn;
use troveclient::auth::{AuthStrategy, Clock, Credentials};
use troveclient::{BoxError, Client};

/// The wall clock plus an offset that the program moves forward.
#[derive(Debug)]
struct ShiftedClock {
    start: SystemTime,
    offset_secs: AtomicU64,
}

impl Clock for ShiftedClock {
    fn now(&self) -> SystemTime {
        // The emulator stamps tokens with the real time, so the shift rides on the real clock.
        let real = SystemTime::now();
        let elapsed = real.duration_since(self.start).unwrap_or_default();
        self.start + elapsed + Duration::from_secs(self.offset_secs.load(Ordering::SeqCst))
    }
}

/// Keystone v3, with the token's expiry taken from the injected clock.
fn clocked(keystone: Arc<dyn AuthStrategy>, clock: Arc<ShiftedClock>) -> impl AuthStrategy {
    from_fn("keystone-clocked", move |http, filter| {
        let (keystone, clock) = (keystone.clone(), clock.clone());
        Box::pin(async move {
            let session = keystone.authenticate(http, filter).await?;
            Ok(session.with_expires_at(clock.now() + Duration::from_secs(3600)))
        })
    })
}

async fn burst(client: &Client, id: &str, calls: usize) -> Result<f64, BoxError> {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let (client, id) = (client.clone(), id.to_owned());
        tasks.spawn(async move { client.instances().get(&id).await.map(drop) });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(start.elapsed().as_secs_f64())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let rounds: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5);
    let server = trove_emulator::Emulator::start(trove_emulator::Config::default()).await?;
    server
        .emulator()
        .seed_instances(trove_emulator::DEMO_PROJECT_ID, 1);
    let clock = Arc::new(ShiftedClock {
        start: SystemTime::now(),
        offset_secs: AtomicU64::new(0),
    });
    let credentials = Credentials::new("jsmith", "abcdef", "demo", &format!("{}/v3", server.url()));
    let strategy = clocked(
        troveclient::auth::by_name("keystone", &credentials)?,
        clock.clone(),
    );
    let client = Client::builder()
        .auth(strategy)
        .clock(clock.clone())
        .build()?;
    let id = client.instances().list().await?[0].id.clone();
    // Opens the connections a 1,000-call burst uses, so both measured bursts reuse them.
    burst(&client, &id, calls).await?;
    let (mut fresh, mut expiring) = (Vec::new(), Vec::new());
    let before = client.auth_count();
    for _ in 0..rounds {
        fresh.push(burst(&client, &id, calls).await?);
        // Into the refresh window: the token (1 h) is now within the 5 min margin of expiry.
        clock.offset_secs.fetch_add(3400, Ordering::SeqCst);
        expiring.push(burst(&client, &id, calls).await?);
    }
    let auths = client.auth_count() - before;
    let (fresh, expiring) = (median(fresh), median(expiring));
    println!(
        "RESULT op=refresh calls={calls} rounds={rounds} fresh_ms={:.2} across_expiry_ms={:.2} \
         added_ms={:.2} authentications={auths} (expected {rounds})",
        fresh * 1e3,
        expiring * 1e3,
        (expiring - fresh) * 1e3
    );
    server.shutdown().await;
    Ok(())
}
