//! Response decoding: the first two bytes are the status, the rest the body; every model a
//! client decodes and the fault parser must accept or reject it without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trove_types::instance::{InstanceEnvelope, InstanceList};
use trove_types::{Fault, Instance};

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
        _ => (0, data),
    };
    let _ = serde_json::from_slice::<Instance>(body);
    if let Ok(env) = serde_json::from_slice::<InstanceEnvelope>(body) {
        // What decodes must survive a re-encode unchanged.
        let again: InstanceEnvelope =
            serde_json::from_slice(&serde_json::to_vec(&env).unwrap()).unwrap();
        assert_eq!(again, env);
    }
    if let Ok(list) = serde_json::from_slice::<InstanceList>(body) {
        let _ = trove_types::next_marker(&list.links);
    }
    let _ = serde_json::from_slice::<trove_types::flavor::FlavorList>(body);
    let _ = serde_json::from_slice::<trove_types::backup::BackupEnvelope>(body);
    let _ = serde_json::from_slice::<trove_types::version::VersionsEnvelope>(body);
    let _ = serde_json::from_slice::<trove_types::user::UserList>(body);
    let _ = serde_json::from_slice::<trove_types::datastore::DatastoreList>(body);
    let fault = Fault::from_body(status, body);
    assert!(!fault.name.is_empty());
});
