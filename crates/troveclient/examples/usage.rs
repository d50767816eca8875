//! The usage guide's walkthrough ("Using the Client Programmatically"), end to end, against the
//! embedded emulator listening on 127.0.0.1:8779. Prints what the Python guide prints.
//!
//! Run it with `cargo run -p troveclient --example usage`. Set `TROVE_URL` to run it against a
//! Trove server you already have in fake mode instead (for example the real one started by
//! `cargo xtask real-servers up --trove`).

use std::net::SocketAddr;
use std::time::Duration;

use troveclient::{DatabaseSpec, Dbaas, InstanceExt, InstanceStatus, UserSpec};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (base, _emulator) = match std::env::var("TROVE_URL") {
        Ok(url) => (url.trim_end_matches('/').to_owned(), None),
        Err(_) => {
            let addr: SocketAddr = ([127, 0, 0, 1], 8779).into();
            let running = trove_emulator::Emulator::bind(trove_emulator::Config::default(), addr)
                .await
                .map_err(|e| {
                    format!("cannot start the emulator on {addr} ({e}); is port 8779 taken?")
                })?;
            ("http://localhost:8779".to_owned(), Some(running))
        }
    };
    let auth_url = format!("{base}/v1.0/auth");

    // testsetup: the guide's fake auth, no instances left over, then 30 instances.
    let client = Dbaas::new("jsmith", "abcdef", "12345", &auth_url)
        .auth_strategy("fake")
        .build()?;
    client.authenticate().await?;
    remove_all_instances(&client).await?;
    for i in 0..30 {
        client
            .instances()
            .create(format!("Instance #{i}"), "1")
            .volume(1)
            .await?;
    }

    // Authentication
    let client = Dbaas::new("jsmith", "abcdef", "12345", &auth_url)
        .auth_strategy("fake")
        .build()?;
    client.authenticate().await?;

    // Versions
    let versions = client.versions().index(&base).await?;
    for version in &versions {
        println!("{}", version.id);
        for link in &version.links {
            if link.rel == "self" {
                println!("    {}", link.href);
            }
        }
    }

    // Instances
    client.authenticate().await?;
    let flavor_id = "1";
    let mut instance = client
        .instances()
        .create("My Instance", flavor_id)
        .volume(1)
        .database(
            DatabaseSpec::new("my_db")
                .character_set("latin2")
                .collate("latin2_general_ci"),
        )
        .user(UserSpec::new("jsmith", "12345").database("my_db"))
        .await?;

    let updated_instance = client.instances().get(&instance.id).await?;
    println!("{}", updated_instance.name);
    println!(
        "   Status={} Flavor={}",
        updated_instance.status,
        updated_instance.flavor_id().unwrap_or("?")
    );

    while instance.status == InstanceStatus::Build {
        instance.refresh(&client).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    println!("Ready in an {} state.", instance.status);
    instance.delete(&client).await?;
    loop {
        match client.instances().get(&instance.id).await {
            Ok(i) => assert_eq!(i.status, InstanceStatus::Shutdown),
            Err(e) if e.is_not_found() => break,
            Err(e) => return Err(e.into()),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Listing instances and Pagination
    let instances = client.instances().list().await?;
    println!("{}", instances.len());
    println!("{}", py_bool(instances.next.is_none()));
    let instances2 = client
        .instances()
        .list()
        .marker(instances.next.as_deref())
        .await?;
    println!("{}", instances2.len());
    println!("{}", py_bool(instances2.next.is_none()));
    Ok(())
}

/// Prints a boolean as Python does, so the output matches the guide's.
fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Deletes every instance, waiting for those still building, as the guide's testsetup does.
async fn remove_all_instances(client: &troveclient::Client) -> Result<(), troveclient::Error> {
    use futures::TryStreamExt;
    let options = troveclient::WaitOptions::default()
        .fixed(Duration::from_millis(500))
        .timeout(Duration::from_secs(120));
    let all: Vec<_> = client
        .instances()
        .list()
        .into_stream()
        .try_collect()
        .await?;
    for instance in all {
        if instance.status == InstanceStatus::Shutdown {
            continue;
        }
        client.instances().wait_ready(&instance.id, options).await?;
        client.instances().delete(&instance.id).await?;
    }
    for instance in client
        .instances()
        .list()
        .into_stream()
        .try_collect::<Vec<_>>()
        .await?
    {
        client
            .instances()
            .wait_deleted(&instance.id, options)
            .await?;
    }
    Ok(())
}
