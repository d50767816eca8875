//! What a layer keeps of a request for a possible replay, without copying its extension map.
//!
//! Retry keeps a copy of every request in case it must be sent again, and auth keeps one in
//! case Trove answers 401. Copying a request's `http::Extensions` allocates a map, its table
//! and one box per entry, on every call, for replays that almost never happen. The SDK's own
//! requests carry only [`OperationInfo`] and, on replays, [`Attempt`]: both are small `Copy`
//! values, so they are kept as plain values and put back into a map only when a replay is
//! actually sent. A request that carries anything else (a user layer's extension) has its map
//! copied as before, so a replay always carries exactly the extensions of the original.

use std::sync::Arc;

use bytes::Bytes;
use http::{Extensions, Method};

use crate::request::operation::{Attempt, OperationInfo};

/// A request's extensions, kept for a replay.
#[derive(Clone, Debug)]
pub enum KeptExtensions {
    /// Only the SDK's own values were there.
    Facts {
        /// The operation behind the request, if it said.
        operation: Option<OperationInfo>,
        /// The attempt the request was, if stamped.
        attempt: Option<Attempt>,
    },
    /// Something else was there too: a full copy, shared, because tower's `Retry` clones its
    /// policy (and so this) once per call.
    Copied(Arc<Extensions>),
}

impl KeptExtensions {
    /// Keeps `extensions`: as plain values when they hold only the SDK's own, else as a copy.
    pub fn of(extensions: &Extensions) -> Self {
        let operation = extensions.get::<OperationInfo>().copied();
        let attempt = extensions.get::<Attempt>().copied();
        let known = usize::from(operation.is_some()) + usize::from(attempt.is_some());
        if extensions.len() == known {
            KeptExtensions::Facts { operation, attempt }
        } else {
            KeptExtensions::Copied(Arc::new(extensions.clone()))
        }
    }

    /// The operation behind the request, if it said.
    pub fn operation(&self) -> Option<OperationInfo> {
        match self {
            KeptExtensions::Facts { operation, .. } => *operation,
            KeptExtensions::Copied(extensions) => extensions.get::<OperationInfo>().copied(),
        }
    }

    /// The attempt the request was (1 when not stamped).
    pub fn attempt(&self) -> u32 {
        match self {
            KeptExtensions::Facts { attempt, .. } => attempt.map_or(1, |a| a.0),
            KeptExtensions::Copied(extensions) => Attempt::of(extensions),
        }
    }

    /// Whether the request may be replayed: the operation's declaration, else the method's.
    pub fn is_idempotent(&self, method: &Method) -> bool {
        match self.operation() {
            Some(info) => info.idempotent,
            None => crate::middleware::retry::method_is_idempotent(method),
        }
    }

    /// Returns the extensions as they were.
    pub fn restore(self) -> Extensions {
        match self {
            KeptExtensions::Facts { operation, attempt } => {
                let mut extensions = Extensions::new();
                if let Some(operation) = operation {
                    extensions.insert(operation);
                }
                if let Some(attempt) = attempt {
                    extensions.insert(attempt);
                }
                extensions
            }
            KeptExtensions::Copied(extensions) => {
                Arc::try_unwrap(extensions).unwrap_or_else(|shared| (*shared).clone())
            }
        }
    }
}

/// A copy of `request` for a replay, without its extensions, and the extensions kept aside:
/// put them back with [`KeptExtensions::restore`] when the copy is sent.
pub fn copy_for_replay(request: &http::Request<Bytes>) -> (http::Request<Bytes>, KeptExtensions) {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    (copy, KeptExtensions::of(request.extensions()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: OperationInfo = OperationInfo {
        template: "/instances/{id}",
        idempotent: false,
    };

    #[derive(Clone, Debug, PartialEq)]
    struct Mine(&'static str);

    #[test]
    fn the_sdks_own_extensions_are_kept_as_values_and_come_back_the_same() {
        let mut extensions = Extensions::new();
        extensions.insert(INFO);
        extensions.insert(Attempt(2));
        let kept = KeptExtensions::of(&extensions);
        assert!(matches!(kept, KeptExtensions::Facts { .. }), "{kept:?}");
        assert_eq!(kept.attempt(), 2);
        assert!(!kept.is_idempotent(&Method::GET), "the declaration wins");
        let back = kept.restore();
        assert_eq!(back.len(), 2);
        assert_eq!(
            back.get::<OperationInfo>().map(|i| i.template),
            Some(INFO.template)
        );
        assert_eq!(back.get::<Attempt>(), Some(&Attempt(2)));

        let kept = KeptExtensions::of(&Extensions::new());
        assert_eq!(kept.attempt(), 1);
        assert!(kept.is_idempotent(&Method::GET));
        assert!(!kept.is_idempotent(&Method::POST));
        assert!(kept.restore().is_empty());
    }

    #[test]
    fn anything_else_is_copied_so_a_replay_carries_it_too() {
        let mut extensions = Extensions::new();
        extensions.insert(INFO);
        extensions.insert(Mine("trace-me"));
        let kept = KeptExtensions::of(&extensions);
        assert!(matches!(kept, KeptExtensions::Copied(_)), "{kept:?}");
        assert_eq!(kept.operation().map(|i| i.template), Some(INFO.template));
        assert_eq!(kept.attempt(), 1);
        let back = kept.restore();
        assert_eq!(back.len(), 2);
        assert_eq!(back.get::<Mine>(), Some(&Mine("trace-me")));
    }
}
