//! The public handles: [`Emulator`] (shared state), [`EmulatorService`] (in-process tower
//! service) and [`RunningEmulator`] (a TCP server task).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::config::Config;
use crate::fault;
use crate::faults::{self, FaultAction, FaultPlan};
use crate::request::Ctx;
use crate::response::Resp;
use crate::router;
use crate::state::Shared;

/// Largest request body accepted; bigger ones get 413 `overLimit`.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// An in-memory Trove + Keystone. Clones share one world.
#[derive(Debug, Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
}

impl Emulator {
    /// Creates an emulator with an empty world.
    pub fn new(config: Config) -> Self {
        Self {
            shared: Arc::new(Shared::new(config)),
        }
    }

    /// Returns the configuration in force.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Returns an in-process tower service over this emulator (no sockets).
    pub fn service(&self) -> EmulatorService {
        EmulatorService {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Starts a server on `127.0.0.1:0` (a free port).
    pub async fn start(config: Config) -> std::io::Result<RunningEmulator> {
        Self::bind(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a server on `addr`.
    pub async fn bind(config: Config, addr: SocketAddr) -> std::io::Result<RunningEmulator> {
        Self::new(config).serve(addr).await
    }

    /// Serves this emulator (and its current state) on `addr`.
    pub async fn serve(&self, addr: SocketAddr) -> std::io::Result<RunningEmulator> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, self.service(), stop_rx));
        Ok(RunningEmulator {
            addr,
            emulator: self.clone(),
            stop: stop_tx,
            task: Some(task),
        })
    }

    /// Counts a tenant's live instances (deleted ones stop counting once they are gone).
    pub fn instance_count(&self, tenant: &str) -> usize {
        self.shared
            .lock()
            .instances
            .values()
            .filter(|i| i.tenant == tenant)
            .count()
    }

    /// Counts the requests served so far.
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// Replaces the fault injection plan (see [`crate::faults`]); an empty plan stops injecting.
    pub fn set_faults(&self, plan: FaultPlan) {
        self.shared.faults.set(plan);
    }

    /// Counts the faults injected so far.
    pub fn faults_fired(&self) -> u64 {
        self.shared.faults.fired()
    }

    /// Revokes every Keystone token, so the next Trove call with one answers 401.
    pub fn revoke_tokens(&self) {
        self.shared.lock().tokens.clear();
    }

    /// Adds `n` ready (`ACTIVE`, flavor 1, 1 GB) instances to `tenant` directly, without the
    /// create API, so load and pagination benchmarks can start from 100,000 instances at once.
    pub fn seed_instances(&self, tenant: &str, n: usize) {
        crate::control::seed_instances(&self.shared, tenant, "seed", n);
    }

    /// Empties the Trove world, the fault plan and the request log, as `POST /_emulator/reset`
    /// does; issued Keystone tokens stay valid.
    pub fn reset(&self) {
        self.shared.lock().reset(&self.shared.config);
        self.shared.faults.set(FaultPlan::default());
        self.shared.control.clear();
    }

    /// Finishes every pending task now (BUILD to ACTIVE, backups to COMPLETED, deletes gone), as
    /// `POST /_emulator/settle` does; returns how many finished.
    pub fn settle_all(&self) -> usize {
        self.shared.lock().settle_all()
    }

    /// Saves the instances and backups to `path` (owner-only, by atomic rename), finishing
    /// pending tasks first; `--state FILE` calls this at shutdown.
    pub fn save_state(&self, path: &std::path::Path) -> std::io::Result<()> {
        let bytes =
            crate::persist::snapshot(&mut self.shared.lock()).map_err(std::io::Error::other)?;
        crate::persist::write_file(path, &bytes)
    }

    /// Replaces the instances and backups with those saved in `path`; a file that does not
    /// parse is an `InvalidData` error and leaves the world unchanged.
    pub fn load_state(&self, path: &std::path::Path) -> std::io::Result<()> {
        let bytes = std::fs::read(path)?;
        crate::persist::restore(&mut self.shared.lock(), &bytes).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {e}", path.display()),
            )
        })
    }

    /// Moves the emulator's clock forward by `by`, as `POST /_emulator/clock?advance=` does:
    /// tasks fall due and tokens expire as if the time had passed.
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.shared.lock().clock.advance(by);
    }
}

/// The emulator as a `tower::Service<http::Request<B>>`, for in-process use.
///
/// The host used in links comes from `Config::advertised_host`, else the `Host` header, else the
/// URI authority (absolute URIs such as `http://localhost:8779/v1.0/...` work), else `localhost`.
#[derive(Debug, Clone)]
pub struct EmulatorService {
    shared: Arc<Shared>,
}

impl EmulatorService {
    /// Answers one request whose body is already buffered.
    pub fn call_bytes(&self, req: http::Request<Bytes>) -> http::Response<Full<Bytes>> {
        let (method, uri) = (req.method().clone(), req.uri().clone());
        let resp = self.route(req);
        self.record(&method, &uri, Some(&resp), None);
        resp
    }

    /// Answers one buffered request without logging it.
    fn route(&self, req: http::Request<Bytes>) -> Resp {
        let (parts, body) = req.into_parts();
        let ctx = Ctx::new(&parts, body, self.shared.config.advertised_host.as_deref());
        router::handle(&self.shared, &ctx)
    }
}

impl<B> tower::Service<http::Request<B>> for EmulatorService
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let this = self.clone();
        // In process, reset faults never fire, so the fallback is never used.
        Box::pin(async move {
            Ok(this
                .answer(req, false)
                .await
                .unwrap_or_else(|_| fault::internal_error()))
        })
    }
}

impl EmulatorService {
    /// Answers one request, applying the fault plan; `Err` asks the server to drop the
    /// connection without answering.
    async fn answer<B>(
        &self,
        req: http::Request<B>,
        over_tcp: bool,
    ) -> Result<Resp, faults::ConnectionReset>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (method, uri) = (req.method().clone(), req.uri().clone());
        // Control requests are never faulted, so a test can always clear the faults it set.
        let action = if crate::control::is_control(uri.path()) {
            None
        } else {
            self.shared.faults.pick(&method, uri.path(), over_tcp)
        };
        match action {
            Some(FaultAction::ResetBeforeRead) => {
                self.record(&method, &uri, None, action.as_ref());
                return Err(faults::ConnectionReset);
            }
            // A zero delay answers at once; tokio's timer would round it up to a millisecond.
            Some(FaultAction::Delay(d)) if !d.is_zero() => tokio::time::sleep(d).await,
            _ => {}
        }
        let (parts, body) = req.into_parts();
        let bytes = match Limited::new(body, MAX_BODY_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) => {
                let resp = body_error(self, &*e);
                self.record(&method, &uri, Some(&resp), action.as_ref());
                return Ok(resp);
            }
        };
        let resp = match action {
            Some(FaultAction::Status {
                status,
                retry_after,
            }) => {
                self.shared.requests.fetch_add(1, Ordering::Relaxed);
                let resp = faults::status_answer(status, retry_after);
                self.record(&method, &uri, Some(&resp), action.as_ref());
                return Ok(resp);
            }
            Some(FaultAction::Unauthorized) => {
                self.shared.requests.fetch_add(1, Ordering::Relaxed);
                let resp = fault::unauthorized("http://localhost/identity");
                self.record(&method, &uri, Some(&resp), action.as_ref());
                return Ok(resp);
            }
            _ => self.route(http::Request::from_parts(parts, bytes)),
        };
        let status = resp.status().as_u16();
        let request_id = resp
            .headers()
            .get("x-openstack-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let out = faults::spoil(resp, action.clone()).await;
        self.shared.control.record(
            &method,
            &uri,
            out.is_ok().then_some(status),
            request_id.as_deref(),
            action.as_ref(),
        );
        out
    }

    /// Adds an exchange to the control API's request log.
    fn record(
        &self,
        method: &http::Method,
        uri: &http::Uri,
        resp: Option<&Resp>,
        action: Option<&FaultAction>,
    ) {
        let request_id = resp
            .and_then(|r| r.headers().get("x-openstack-request-id"))
            .and_then(|v| v.to_str().ok());
        self.shared.control.record(
            method,
            uri,
            resp.map(|r| r.status().as_u16()),
            request_id,
            action,
        );
    }
}

/// Answers a body that could not be read: too large gives 413, anything else 400.
fn body_error(this: &EmulatorService, e: &(dyn std::error::Error + Send + Sync + 'static)) -> Resp {
    this.shared.requests.fetch_add(1, Ordering::Relaxed);
    if e.is::<http_body_util::LengthLimitError>() {
        fault::body_too_large()
    } else {
        fault::malformed_body()
    }
}

/// A running TCP server; dropping it stops the server task.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    emulator: Emulator,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// Returns the base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Returns the bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Returns the emulator behind the server, to inspect or share its state.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Stops accepting, lets open connections finish their current request, and waits.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    service: EmulatorService,
    mut stop: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else { continue };
                conns.spawn(serve_connection(stream, service.clone(), stop.clone()));
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    while conns.join_next().await.is_some() {}
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    service: EmulatorService,
    mut stop: watch::Receiver<bool>,
) {
    let hyper_service =
        hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
            let svc = service.clone();
            async move { svc.answer(req, true).await }
        });
    let conn = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), hyper_service);
    tokio::pin!(conn);
    tokio::select! {
        res = conn.as_mut() => {
            if let Err(e) = res {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
