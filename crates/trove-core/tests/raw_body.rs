//! Fields a later Trove adds are not lost: `Client::execute_with_body` hands back the body the
//! model was decoded from, so every field the server sent stays reachable.

// Tests fail by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shared;

use bytes::Bytes;
use shared::answering;
use trove_core::request::routes;
use trove_core::Operation;
use trove_types::instance::InstanceEnvelope;

fn fixture() -> &'static [u8] {
    let path = format!(
        "{}/../../tests/fixtures/views/instance-show-unknown-fields.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Box::leak(std::fs::read(path).unwrap().into_boxed_slice())
}

#[tokio::test]
async fn fields_the_model_does_not_know_are_reachable_in_the_body() {
    let body = fixture();
    let client = answering(move |_| Bytes::from_static(body));
    let id = "4b1c0a3e-2f5d-4c7e-9a61-0d2f3b4c5d6e";
    let answer = client
        .execute_with_body(Operation::<InstanceEnvelope>::json(
            &routes::INSTANCE_GET,
            &[id],
        ))
        .await
        .unwrap();
    assert_eq!(answer.value.instance.id, id);
    let raw = answer.json().unwrap();
    assert_eq!(raw["instance"]["a_later_trove_field"]["nested"][1], 2);
    assert_eq!(raw["instance"]["volume"]["a_later_volume_field"], "x");
    // The body is the server's, byte for byte; the model alone has lost the new fields.
    assert_eq!(&answer.body[..], body);
    let typed = serde_json::to_value(&answer.value).unwrap();
    assert_eq!(typed["instance"].get("a_later_trove_field"), None);

    // The plain call decodes the same model.
    let plain = client
        .execute(Operation::<InstanceEnvelope>::json(
            &routes::INSTANCE_GET,
            &[id],
        ))
        .await
        .unwrap();
    assert_eq!(plain, answer.value);
}

#[tokio::test]
async fn an_empty_answer_has_a_body_that_is_not_json() {
    let client = answering(|_| Bytes::new());
    let answer = client
        .execute_with_body(Operation::empty(&routes::INSTANCE_DELETE, &["x"]))
        .await
        .unwrap();
    assert!(answer.body.is_empty());
    assert!(answer.json().is_err());
}
