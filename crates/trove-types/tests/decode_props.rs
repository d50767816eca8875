//! Property tests of decoding: arbitrary JSON values and arbitrary bytes never panic any model
//! or the fault parser, decoded instances survive a re-encode unchanged, and well-formed fault
//! bodies keep their name, message and `retryAfter`. The fuzz corpus (`fuzz/corpus/decode`) is
//! replayed through the same entry point, so what `cargo fuzz` found stays fixed on stable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use trove_types::instance::{InstanceEnvelope, InstanceList};
use trove_types::{Fault, Instance};

/// Feeds `bytes` to every decoder a client runs on a response body; returns how many accepted
/// it. The fuzz target `decode` calls the same decoders.
fn decode_all(status: u16, bytes: &[u8]) -> usize {
    let mut ok = 0;
    ok += serde_json::from_slice::<Instance>(bytes).is_ok() as usize;
    ok += serde_json::from_slice::<InstanceEnvelope>(bytes).is_ok() as usize;
    if let Ok(list) = serde_json::from_slice::<InstanceList>(bytes) {
        let _ = trove_types::next_marker(&list.links);
        ok += 1;
    }
    ok += serde_json::from_slice::<trove_types::flavor::FlavorList>(bytes).is_ok() as usize;
    ok += serde_json::from_slice::<trove_types::backup::BackupEnvelope>(bytes).is_ok() as usize;
    ok += serde_json::from_slice::<trove_types::version::VersionsEnvelope>(bytes).is_ok() as usize;
    ok += serde_json::from_slice::<trove_types::user::UserList>(bytes).is_ok() as usize;
    ok += serde_json::from_slice::<trove_types::datastore::DatastoreList>(bytes).is_ok() as usize;
    let fault = Fault::from_body(status, bytes);
    assert!(!fault.name.is_empty());
    ok
}

/// Keys that the models read, so random objects reach deep into them.
const KEYS: &[&str] = &[
    "id",
    "name",
    "status",
    "instance",
    "instances",
    "links",
    "href",
    "rel",
    "flavor",
    "volume",
    "size",
    "used",
    "datastore",
    "type",
    "version",
    "ip",
    "addresses",
    "hostname",
    "created",
    "updated",
    "fault",
    "message",
    "details",
    "code",
    "retryAfter",
    "overLimit",
    "itemNotFound",
    "error",
    "title",
    "region",
    "replicas",
    "replica_of",
    "configuration",
    "access",
    "is_public",
    "flavors",
    "backups",
    "backup",
    "versions",
    "users",
    "datastores",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        prop_oneof![
            Just("ACTIVE".to_owned()),
            Just("BUILD".to_owned()),
            Just("https://h/v1.0/t/instances?marker=x".to_owned()),
            Just("next".to_owned()),
            ".{0,12}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// Wraps a value the way Trove envelopes are shaped, so decoders get past the first key.
fn enveloped() -> impl Strategy<Value = Value> {
    (
        json_value(),
        prop::sample::select(
            &[
                "instance",
                "instances",
                "overLimit",
                "flavors",
                "backup",
                "versions",
            ][..],
        ),
    )
        .prop_map(|(v, key)| match key {
            "instances" | "flavors" | "versions" => json!({ key: [v], "links": [] }),
            _ => json!({ key: v }),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(status in any::<u16>(), bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(status, &bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(status in 100u16..600, value in prop_oneof![json_value(), enveloped()]) {
        decode_all(status, &serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn a_decoded_instance_survives_a_re_encode(value in json_value()) {
        let bytes = serde_json::to_vec(&json!({"instance": value})).unwrap();
        if let Ok(env) = serde_json::from_slice::<InstanceEnvelope>(&bytes) {
            let again: InstanceEnvelope =
                serde_json::from_slice(&serde_json::to_vec(&env).unwrap()).unwrap();
            prop_assert_eq!(again, env);
        }
    }

    #[test]
    fn well_formed_faults_keep_name_message_and_retry_after(
        status in 400u16..600,
        name in "[a-zA-Z]{1,20}",
        message in "[ -~]{0,80}",
        retry in any::<u32>(),
        as_text in any::<bool>(),
    ) {
        prop_assume!(name != "error");
        let retry_value = if as_text { json!(retry.to_string()) } else { json!(retry) };
        let body = json!({ name.clone(): {"code": status, "message": message, "retryAfter": retry_value} });
        let fault = Fault::from_body(status, &serde_json::to_vec(&body).unwrap());
        prop_assert_eq!(&fault.name, &name);
        prop_assert_eq!(fault.message, message.split_whitespace().collect::<Vec<_>>().join(" "));
        prop_assert_eq!(fault.retry_after, Some(u64::from(retry)));
    }

    #[test]
    fn text_bodies_give_a_bounded_message(status in any::<u16>(), text in ".{0,3000}") {
        let fault = Fault::from_body(status, text.as_bytes());
        prop_assert!(!fault.name.is_empty());
        if serde_json::from_str::<Value>(&text).is_err() {
            prop_assert!(fault.message.len() <= 512 + '…'.len_utf8());
        }
    }
}

#[test]
fn the_fuzz_corpus_replays_without_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/decode");
    let mut replayed = 0;
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            // The fuzz target reads the status from the first two bytes.
            let (status, body) = match bytes.as_slice() {
                [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
                _ => (0, &bytes[..]),
            };
            decode_all(status, body);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no corpus at {}", dir.display());
}
