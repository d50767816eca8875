//! Operations: every API call as a value that builds its request without I/O.

use std::borrow::Cow;
use std::marker::PhantomData;

use bytes::Bytes;
use http::{Method, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{BuildError, Error};
use crate::request::routes::Route;

/// Characters kept as they are in a path segment; everything else is percent-encoded. Dots are
/// encoded too (`%2E`), as python-troveclient does (`%2e`; the case does not matter), because routers treat `.` specially and
/// user names like `a.b` must reach Trove intact.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// Percent-encodes one path segment (an id or a name).
pub fn encode_segment(segment: &str) -> Cow<'_, str> {
    // Ids (UUIDs) and most names need no escaping: one pass over the bytes, instead of the
    // encoder's iterator, on every call that names a resource.
    let plain = segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~'));
    if plain {
        return Cow::Borrowed(segment);
    }
    utf8_percent_encode(segment, SEGMENT).into()
}

/// Fills the `{...}` of `template` with `args` in order, each percent-encoded as one path
/// segment, in one allocation of the final size.
pub(crate) fn fill(template: &str, args: &[&str]) -> String {
    debug_assert_eq!(
        template.matches('{').count(),
        args.len(),
        "{template} takes as many arguments as it has placeholders"
    );
    let mut encoded: [Cow<'_, str>; MAX_ARGS] = Default::default();
    for (slot, arg) in encoded.iter_mut().zip(args) {
        *slot = encode_segment(arg);
    }
    let mut literal = template.len();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        literal -= close - open;
        rest = &rest[close..];
    }
    let filled: usize = encoded.iter().map(|e| e.len()).sum();
    let mut path = String::with_capacity(literal + filled);
    let mut rest = template;
    let mut next = encoded.iter();
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        path.push_str(next.next().map_or("", |e| e));
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        rest = &rest[close..];
    }
    path.push_str(rest);
    path
}

/// The most placeholders a template of the table has.
const MAX_ARGS: usize = 4;

/// Returns a type's name without module paths (`Option<InstanceEnvelope>`), as the table of
/// routes writes it.
fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut ident = String::new();
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            ident.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            ident.clear();
        } else {
            out.push_str(&ident);
            ident.clear();
            out.push(c);
        }
    }
    out.push_str(&ident);
    out
}

/// How a response body becomes the operation's output.
type Decoder<R> = fn(StatusCode, &Bytes) -> Result<R, DecodeFailure>;

/// Why a success body could not be decoded.
#[derive(Debug)]
pub struct DecodeFailure {
    /// The JSON path at which decoding failed.
    pub at: String,
    /// The decoder's message.
    pub message: String,
}

/// One API call: method, endpoint-relative path and query, body, idempotency and output type.
///
/// Building an operation performs no I/O; [`Operation::to_request`] turns it into an
/// `http::Request` with an origin-form URI (such as `/instances?limit=5`) that the auth layer
/// resolves against the session endpoint.
#[derive(Debug, Clone)]
pub struct Operation<R> {
    route: &'static Route,
    path: String,
    query: Vec<(&'static str, String)>,
    body: Option<Bytes>,
    idempotent: bool,
    decode: Decoder<R>,
    _out: PhantomData<fn() -> R>,
}

impl<R> Operation<R> {
    /// Returns the HTTP method.
    pub fn method(&self) -> &Method {
        &self.route.method
    }

    /// Returns the path template (`/instances/{id}`), for logs and metrics.
    pub fn template(&self) -> &'static str {
        self.route.template
    }

    /// Returns the route of the table this operation sends.
    pub fn route(&self) -> &'static Route {
        self.route
    }

    /// Returns the endpoint-relative path, percent-encoded.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Returns the JSON body, if any.
    pub fn body(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }

    /// Returns true when sending the operation twice has the effect of sending it once, so a
    /// failed attempt may be retried. Creates and actions are not idempotent.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// Marks the operation as safe to replay (for POSTs whose effect is idempotent).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Adds a query parameter; `None` adds nothing.
    pub fn query(mut self, key: &'static str, value: Option<impl ToString>) -> Self {
        // The table is what the OpenAPI document is generated from: the crate's own tests fail
        // when a builder sends a parameter its route does not declare. Users' own keys pass.
        #[cfg(test)]
        assert!(
            self.route.query.contains(&key),
            "`{key}` is not declared as a query parameter of `{}` in routes.rs",
            self.route.name
        );
        if let Some(v) = value {
            self.query.push((key, v.to_string()));
        }
        self
    }

    /// Takes the method, route and path of `other`, keeping this operation's query and body.
    pub(crate) fn retarget(self, other: Operation<R>) -> Self {
        Operation {
            query: self.query,
            body: self.body,
            ..other
        }
    }

    /// Returns the path with its query string, as sent.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let mut q = form_urlencoded_serializer();
        for (k, v) in &self.query {
            q.append_pair(k, v);
        }
        format!("{}?{}", self.path, q.finish())
    }

    /// Builds the HTTP request. The URI is origin-form unless the path is an absolute URL.
    pub fn to_request(&self) -> Result<http::Request<Bytes>, Error> {
        // The `String` becomes the URI's buffer as it is; `uri(&str)` would copy it.
        let uri = http::Uri::try_from(self.path_and_query()).map_err(|e| self.invalid(e))?;
        let mut builder = http::Request::builder()
            .method(self.route.method.clone())
            .uri(uri);
        if self.body.is_some() {
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
        }
        builder
            .extension(OperationInfo {
                template: self.route.template,
                idempotent: self.idempotent,
            })
            .body(self.body.clone().unwrap_or_default())
            .map_err(|e| self.invalid(e))
    }

    fn invalid(&self, e: impl Into<http::Error>) -> Error {
        Error::from(BuildError::Uri {
            method: self.route.method.clone(),
            path: self.path_and_query(),
            source: e.into(),
        })
    }

    /// Decodes a success response into the output.
    pub fn decode(&self, status: StatusCode, body: &Bytes) -> Result<R, DecodeFailure> {
        (self.decode)(status, body)
    }
}

fn form_urlencoded_serializer() -> url::form_urlencoded::Serializer<'static, String> {
    url::form_urlencoded::Serializer::new(String::new())
}

/// The number of the attempt a request or response belongs to, starting at 1.
///
/// The retry policy stamps it on each replayed request and on the final response of a replayed
/// call; a request or response without it is attempt 1. Layers below retry and the caller can
/// so tell attempts apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt(pub u32);

impl Attempt {
    /// Reads the attempt number of a request or response's extensions (1 when absent).
    pub fn of(extensions: &http::Extensions) -> u32 {
        extensions.get::<Attempt>().map_or(1, |a| a.0)
    }
}

/// What the layers below the client may read about the operation behind a request.
#[derive(Debug, Clone, Copy)]
pub struct OperationInfo {
    /// The path template.
    pub template: &'static str,
    /// Whether the request may be replayed.
    pub idempotent: bool,
}

impl<R: DeserializeOwned> Operation<R> {
    /// An operation of `route` whose success body is JSON decoded into `R`; `args` fill the
    /// template's placeholders in order.
    pub fn json(route: &'static Route, args: &[&str]) -> Self {
        Operation::with_decoder(route, args, decode_json::<R>)
    }
}

impl Operation<()> {
    /// An operation of `route` whose success body is ignored (202 and 204 answers).
    pub fn empty(route: &'static Route, args: &[&str]) -> Self {
        Operation::with_decoder(route, args, |_, _| Ok(()))
    }
}

impl<R: DeserializeOwned> Operation<Option<R>> {
    /// An operation of `route` whose success body is JSON decoded into `R`, or empty
    /// (`None`): for actions whose answer differs between server versions (202 with or
    /// without a body).
    pub fn json_or_empty(route: &'static Route, args: &[&str]) -> Self {
        Operation::with_decoder(route, args, decode_json_or_empty::<R>)
    }
}

impl<R> Operation<R> {
    /// An operation without query or body, whose success body `decode` reads. POST and PATCH
    /// are not idempotent unless declared so.
    fn with_decoder(route: &'static Route, args: &[&str], decode: Decoder<R>) -> Self {
        debug_assert_eq!(
            short_type_name(std::any::type_name::<R>()),
            route.response,
            "the answer type of {}",
            route.name
        );
        let idempotent = route.method != Method::POST && route.method != Method::PATCH;
        Operation {
            route,
            path: fill(route.template, args),
            query: Vec::new(),
            body: None,
            idempotent,
            decode,
            _out: PhantomData,
        }
    }

    /// Sends the operation to `path` instead of its route's filled template: an absolute URL
    /// (version discovery is served above the versioned endpoint), or a raw path outside the
    /// table, percent-encoded by the caller.
    pub fn with_path(mut self, path: String) -> Self {
        self.path = path;
        self
    }

    /// Sets the JSON body.
    pub fn with_json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        debug_assert_eq!(
            // The table names a type without its lifetimes (`CreateBackupEnvelope`,
            // `ModuleBodyEnvelope<CreateModule>`).
            Some(
                short_type_name(std::any::type_name::<B>())
                    .replace("'_, ", "")
                    .replace("<'_>", "")
                    .as_str()
            ),
            self.route.request,
            "the body type of {}",
            self.route.name
        );
        let bytes = serde_json::to_vec(body).map_err(BuildError::Body)?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }
}

fn decode_json<R: DeserializeOwned>(_status: StatusCode, body: &Bytes) -> Result<R, DecodeFailure> {
    // Plain serde_json first: serde_path_to_error allocates a String per map key to track the
    // path. Only a body that fails is decoded again, with the tracker, to name the path of the
    // failure (docs/performance.md, item 2).
    //
    // The body is checked to be UTF-8 once, as a whole, and decoded from the `str`, because
    // `from_slice` checks every string it meets on its own (docs/performance.md, item 17). A
    // body that is not UTF-8 goes to `from_slice` below, whose error says where.
    if let Ok(text) = std::str::from_utf8(body) {
        if let Ok(value) = serde_json::from_str(text) {
            return Ok(value);
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| DecodeFailure {
        at: e.path().to_string(),
        message: e.into_inner().to_string(),
    })
}

fn decode_json_or_empty<R: DeserializeOwned>(
    status: StatusCode,
    body: &Bytes,
) -> Result<Option<R>, DecodeFailure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    decode_json(status, body).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "is not declared as a query parameter")]
    fn a_query_parameter_its_route_does_not_declare_fails_the_tests() {
        let _ = crate::api::flavors::list_operation().query("limit", Some(1));
    }

    /// A route of its own for each shape of operation the tests build.
    fn route(
        method: Method,
        template: &'static str,
        request: Option<&'static str>,
        response: &'static str,
    ) -> &'static Route {
        Box::leak(Box::new(Route {
            name: "test",
            method,
            template,
            request,
            response,
            status: http::StatusCode::OK,
            query: &["limit", "marker"],
            offset_marker: false,
        }))
    }

    #[test]
    fn segments_are_encoded_like_python_troveclient() {
        assert_eq!(
            encode_segment("jsmith@10.0.0.%"),
            "jsmith%4010%2E0%2E0%2E%25"
        );
        assert_eq!(encode_segment("my_db-1"), "my_db-1");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_encodes_exactly_as_the_encoder(segment in "\\PC{0,12}|[a-zA-Z0-9_~.-]{0,12}") {
            let expected: String = utf8_percent_encode(&segment, SEGMENT).to_string();
            proptest::prop_assert_eq!(encode_segment(&segment), expected);
        }

        #[test]
        fn filled_paths_are_what_format_made(segment in "\\PC{0,12}|[a-zA-Z0-9_~.-]{0,12}", other in "\\PC{0,6}") {
            let path = fill("/instances/{id}/action", &[&segment]);
            proptest::prop_assert_eq!(&path, &format!("/instances/{}/action", encode_segment(&segment)));
            proptest::prop_assert_eq!(path.capacity(), path.len());
            let path = fill("/instances/{id}/users/{user}", &[&segment, &other]);
            proptest::prop_assert_eq!(
                &path,
                &format!("/instances/{}/users/{}", encode_segment(&segment), encode_segment(&other))
            );
            proptest::prop_assert_eq!(path.capacity(), path.len());
        }
    }

    #[test]
    fn builds_an_origin_form_request_with_query_and_body() {
        let op = Operation::<serde_json::Value>::json(
            route(Method::POST, "/instances", Some("Value"), "Value"),
            &[],
        )
        .query("limit", Some(5))
        .query("marker", None::<String>)
        .with_json(&serde_json::json!({"instance": {"name": "x"}}))
        .unwrap();
        assert!(!op.is_idempotent());
        let req = op.to_request().unwrap();
        assert_eq!(req.uri(), "/instances?limit=5");
        assert_eq!(req.headers()["content-type"], "application/json");
        assert_eq!(&req.body()[..], br#"{"instance":{"name":"x"}}"#);
        assert!(req.extensions().get::<OperationInfo>().is_some());
    }

    #[test]
    fn decode_failures_name_the_json_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            items: Vec<u32>,
        }
        let op = Operation::<T>::json(route(Method::GET, "/t", None, "T"), &[]);
        let err = op
            .decode(
                StatusCode::OK,
                &Bytes::from_static(br#"{"items": [1, "x"]}"#),
            )
            .unwrap_err();
        assert_eq!(err.at, "items[1]");
        let ok = op
            .decode(StatusCode::OK, &Bytes::from_static(br#"{"items": [1]}"#))
            .unwrap();
        assert_eq!(ok.items, vec![1]);
        assert!(Operation::empty(route(Method::DELETE, "/x", None, "()"), &[]).is_idempotent());
    }

    #[test]
    fn bodies_decode_the_same_whatever_their_characters_and_bad_utf8_is_an_error() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct T {
            names: Vec<String>,
        }
        let op = Operation::<T>::json(route(Method::GET, "/t", None, "T"), &[]);
        let ok = op
            .decode(
                StatusCode::OK,
                &Bytes::from(r#"{"names": ["é", "\u00e9", "日本", "a\"b"]}"#),
            )
            .unwrap();
        assert_eq!(ok.names, ["é", "é", "日本", "a\"b"]);
        let err = op
            .decode(
                StatusCode::OK,
                &Bytes::from_static(b"{\"names\": [\"ok\", \"\xff\xfe\"]}"),
            )
            .unwrap_err();
        assert_eq!(err.at, "names[1]", "{}", err.message);
    }
}
