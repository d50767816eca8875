//! A tower layer that records every exchange a client makes, for the differential check.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use serde_json::Value;
use tower::{Layer, Service};
use troveclient::BoxError;

/// One request and its answer, as seen above the auth layer (origin-form paths, no host).
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The HTTP method.
    pub method: String,
    /// The path and query as the client built them.
    pub path: String,
    /// The answer's status.
    pub status: u16,
    /// The answer's body as JSON (`Null` when empty, a string when not JSON).
    pub body: Value,
}

/// Collects the exchanges of the clients it is layered into.
#[derive(Clone, Default)]
pub struct Recorder {
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

impl Recorder {
    /// Returns the layer to add with `ClientBuilder::layer`.
    pub fn layer(&self) -> RecorderLayer {
        RecorderLayer {
            exchanges: self.exchanges.clone(),
        }
    }

    /// Returns what was recorded so far.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.lock().map(|g| g.clone()).unwrap_or_default()
    }
}

/// See [`Recorder`].
#[derive(Clone)]
pub struct RecorderLayer {
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

impl<S> Layer<S> for RecorderLayer {
    type Service = RecorderService<S>;
    fn layer(&self, inner: S) -> RecorderService<S> {
        RecorderService {
            inner,
            exchanges: self.exchanges.clone(),
        }
    }
}

/// See [`Recorder`].
#[derive(Clone)]
pub struct RecorderService<S> {
    inner: S,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

impl<S> Service<http::Request<Full<Bytes>>> for RecorderService<S>
where
    S: Service<
            http::Request<Full<Bytes>>,
            Response = http::Response<Full<Bytes>>,
            Error = BoxError,
        > + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = http::Response<Full<Bytes>>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<http::Response<Full<Bytes>>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Full<Bytes>>) -> Self::Future {
        let method = request.method().to_string();
        let path = request
            .uri()
            .path_and_query()
            .map_or_else(String::new, |p| p.to_string());
        let exchanges = self.exchanges.clone();
        let fut = self.inner.call(request);
        Box::pin(async move {
            let (parts, bytes) = fut.await?.into_parts();
            let bytes = bytes.collect().await?.to_bytes();
            let response = http::Response::from_parts(parts, Full::new(bytes.clone()));
            let body = if bytes.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&bytes)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
            };
            if let Ok(mut list) = exchanges.lock() {
                list.push(Exchange {
                    method,
                    path,
                    status: response.status().as_u16(),
                    body,
                });
            }
            Ok(response)
        })
    }
}
