//! Databases (schemas) on an instance: the list item and the create body.

use serde::{Deserialize, Serialize};

use crate::instance::DatabaseSpec;

/// A database on an instance, as listed by `GET /instances/{id}/databases`.
///
/// Trove's schema view emits only `name`; the other fields are kept when a server sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Database {
    /// The database name.
    pub name: String,
    /// The character set, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character_set: Option<String>,
    /// The collation, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collate: Option<String>,
}

crate::list_envelope!(
    /// `{"databases": [...], "links": [...]}`: one page of databases (name markers), and also
    /// the answer of a user's access list.
    DatabaseList,
    Database,
    "databases"
);

/// `{"databases": [...]}`, the body of `POST /instances/{id}/databases`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateDatabasesEnvelope<'a> {
    /// The databases to create.
    pub databases: &'a [DatabaseSpec],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Paged;

    #[test]
    fn list_decodes_with_a_name_marker() {
        let body = r#"{"databases": [{"name": "db2"}], "links": [{"rel": "next",
            "href": "https://h/v1.0/t/instances/i/databases?limit=1&marker=db2"}]}"#;
        let (items, links) = serde_json::from_str::<DatabaseList>(body)
            .unwrap()
            .into_parts();
        assert_eq!(items[0].name, "db2");
        assert_eq!(crate::next_marker(&links).as_deref(), Some("db2"));
    }

    #[test]
    fn create_body_has_the_databases_key() {
        let dbs = [
            DatabaseSpec::new("a").character_set("utf8"),
            DatabaseSpec::new("b"),
        ];
        let v = serde_json::to_value(CreateDatabasesEnvelope { databases: &dbs }).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"databases": [{"name": "a", "character_set": "utf8"}, {"name": "b"}]})
        );
    }
}
