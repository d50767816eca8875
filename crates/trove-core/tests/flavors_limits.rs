//! Flavors (integer and null ids) and limits (absolute and rate rows) against the emulator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod emulated;

#[tokio::test(start_paused = true)]
async fn flavors_list_and_get() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let flavors = client.flavors().list().await.unwrap();
    assert_eq!(flavors.len(), 13);
    assert_eq!(flavors[0].numeric_id.as_deref(), Some("1"));
    let custom = flavors.iter().find(|f| f.id() == "custom").unwrap();
    assert_eq!(custom.numeric_id, None);
    let one = client.flavors().get("2").await.unwrap();
    assert_eq!((one.name.as_str(), one.ram), ("m1.small", 2048));
    assert!(client
        .flavors()
        .get("9999")
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test(start_paused = true)]
async fn limits_list_absolute_and_rates() {
    let emu = emulated::emulator();
    let client = emulated::client(&emu);
    let limits = client.limits().list().await.unwrap();
    let abs = limits.absolute().unwrap();
    assert_eq!(abs.max_instances, Some(100));
    assert_eq!(abs.max_ram, Some(-1));
    let get = limits.rates().find(|r| r.verb == "GET").unwrap();
    assert_eq!(get.unit.as_deref(), Some("MINUTE"));
    assert!(get.next_available.is_some());
}
