//! A scripted transport for tests of the stack: it records each request it is sent and answers
//! as the test's script says, without a network.

// Each test file that includes this module uses its own part of it.
#![allow(dead_code, clippy::type_complexity)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use trove_core::transport::TransportError;
use trove_core::SendState;

/// What the scripted server does with one request.
#[derive(Clone)]
pub enum Act {
    /// Answers with a status, headers and body.
    Answer(u16, Vec<(&'static str, String)>, String),
    /// Fails at the transport with this send state.
    Fail(SendState),
    /// Never answers.
    Hang,
}

/// A `200` with `body`.
pub fn ok(body: &str) -> Act {
    Act::Answer(200, vec![], body.to_owned())
}

/// An empty answer with status `code`.
pub fn status(code: u16) -> Act {
    Act::Answer(code, vec![], String::new())
}

/// An answer with status `code` and `body`.
pub fn answer(code: u16, body: impl Into<String>) -> Act {
    Act::Answer(code, vec![], body.into())
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The full URI.
    pub uri: String,
    /// The `X-Auth-Token` header, if any.
    pub token: Option<String>,
}

/// Records requests and answers the n-th one (0-based, all methods) with `script(request, n)`.
/// Every answer carries `x-openstack-request-id: req-<n>`.
#[derive(Clone, Default)]
pub struct Server {
    seen: Arc<Mutex<Vec<Seen>>>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
    latency: Option<Duration>,
}

impl Server {
    /// A server whose every answer takes `latency` (on the tokio clock, so paused-time tests
    /// do not wait), so concurrent calls overlap.
    pub fn with_latency(latency: Duration) -> Self {
        Server {
            latency: Some(latency),
            ..Server::default()
        }
    }

    /// The requests seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests with `method` were seen.
    pub fn count(&self, method: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.method == method)
            .count()
    }

    /// The most requests that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    /// The transport to give a client.
    pub fn transport<F>(
        &self,
        script: F,
    ) -> impl tower::Service<
        http::Request<Full<Bytes>>,
        Response = http::Response<Full<Bytes>>,
        Error = TransportError,
        Future = BoxFuture<'static, Result<http::Response<Full<Bytes>>, TransportError>>,
    > + Clone
           + Send
           + Sync
           + 'static
    where
        F: Fn(&http::Request<Bytes>, usize) -> Act + Clone + Send + Sync + 'static,
    {
        let this = self.clone();
        tower::service_fn(move |req: http::Request<Full<Bytes>>| {
            let this = this.clone();
            let script = script.clone();
            Box::pin(async move {
                let (parts, body) = req.into_parts();
                let body = body
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                let req = http::Request::from_parts(parts, body);
                let n = {
                    let mut seen = this.seen.lock().unwrap();
                    seen.push(Seen {
                        method: req.method().to_string(),
                        uri: req.uri().to_string(),
                        token: req
                            .headers()
                            .get("x-auth-token")
                            .map(|v| v.to_str().unwrap().to_owned()),
                    });
                    seen.len() - 1
                };
                let now = this.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                this.max_in_flight.fetch_max(now, Ordering::SeqCst);
                let act = script(&req, n);
                if let Some(latency) = this.latency {
                    tokio::time::sleep(latency).await;
                }
                this.in_flight.fetch_sub(1, Ordering::SeqCst);
                match act {
                    Act::Answer(code, headers, body) => {
                        let mut b = http::Response::builder()
                            .status(code)
                            .header("x-openstack-request-id", format!("req-{n}"));
                        for (k, v) in headers {
                            b = b.header(k, v);
                        }
                        Ok(b.body(Full::new(Bytes::from(body))).unwrap())
                    }
                    Act::Fail(state) => Err(TransportError {
                        state,
                        source: "connection reset by peer".into(),
                    }),
                    Act::Hang => futures::future::pending().await,
                }
            }) as BoxFuture<'static, _>
        })
    }
}

/// A layer's service that counts the requests passing through it into its counter.
#[derive(Clone)]
pub struct Count<S>(pub S, pub Arc<AtomicUsize>);

impl<B, S: tower::Service<http::Request<B>>> tower::Service<http::Request<B>> for Count<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> S::Future {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.call(req)
    }
}
