//! Database users on an instance: the user model and the create, password-change, update and
//! access-grant bodies.

use serde::{Deserialize, Serialize};

use crate::instance::{NameRef, UserSpec};
use crate::secret::Secret;

/// A database user, as listed by `GET /instances/{id}/users` or shown by
/// `GET /instances/{id}/users/{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct User {
    /// The user name.
    pub name: String,
    /// The host the user may connect from (`%` means any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The databases the user may use.
    #[serde(default)]
    pub databases: Vec<NameRef>,
}

crate::list_envelope!(
    /// `{"users": [...], "links": [...]}`, one page of users (name markers).
    UserList,
    User,
    "users"
);

/// `{"user": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct UserEnvelope {
    /// The user.
    pub user: User,
}

/// `{"users": [...]}`, the body of `POST /instances/{id}/users`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreateUsersEnvelope<'a> {
    /// The users to create.
    pub users: &'a [UserSpec],
}

/// One entry of a bulk password change (`PUT /instances/{id}/users`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct PasswordChange {
    /// The user name.
    // Trove's users:update_all items (apischema `users_list`): non-empty.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: String,
    /// The new password; never printed by `Debug`.
    // Trove's users:update_all items: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub password: Secret,
    /// The user's host (`%` when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's `host_string` (apischema).
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1), pattern(crate::schema::HOST))
    )]
    pub host: Option<String>,
}

impl PasswordChange {
    /// Sets the password of user `name` (host `%`) to `password`.
    pub fn new(name: impl Into<String>, password: impl Into<Secret>) -> Self {
        PasswordChange {
            name: name.into(),
            password: password.into(),
            host: None,
        }
    }

    /// Addresses the user `name@host` instead of `name@%`.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }
}

/// `{"users": [...]}`, the body of a bulk password change.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ChangePasswordsEnvelope<'a> {
    /// The changes.
    pub users: &'a [PasswordChange],
}

/// The body of `PUT /instances/{id}/users/{user}`: new name, host or password; absent fields
/// are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
// Trove's user:update (apischema `user['update']`) asks for at least one field.
#[cfg_attr(feature = "schemars", schemars(extend("minProperties" = 1)))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::no_nulls))]
pub struct UpdateUser {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's user:update (apischema `user['update']`): non-empty.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1), pattern(crate::schema::NON_EMPTY))
    )]
    pub name: Option<String>,
    /// A new host.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's user:update `host_string`.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1), pattern(crate::schema::HOST))
    )]
    pub host: Option<String>,
    /// A new password; never printed by `Debug`.
    #[serde(skip_serializing_if = "Option::is_none")]
    // Trove's user:update: non-empty, at most 255.
    #[cfg_attr(
        feature = "schemars",
        schemars(length(min = 1, max = 255), pattern(crate::schema::NON_EMPTY))
    )]
    pub password: Option<Secret>,
}

impl UpdateUser {
    /// Starts an update that changes nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the user.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Moves the user to another host.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// Changes the password.
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }
}

/// `{"user": {...}}`, the envelope of an attribute update.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UpdateUserEnvelope<'a> {
    /// The update.
    pub user: &'a UpdateUser,
}

/// `{"databases": [{"name": ...}]}`, the body of a grant (`PUT .../users/{user}/databases`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct GrantAccessEnvelope {
    /// The databases to grant.
    pub databases: Vec<NameRef>,
}

impl GrantAccessEnvelope {
    /// Grants access to the databases named in `names`.
    pub fn new<S: AsRef<str>>(names: &[S]) -> Self {
        GrantAccessEnvelope {
            databases: names
                .iter()
                .map(|n| NameRef {
                    name: n.as_ref().to_owned(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_decodes_with_and_without_host() {
        let u: UserEnvelope = serde_json::from_str(
            r#"{"user": {"name": "alice", "host": "%", "databases": [{"name": "db2"}]}}"#,
        )
        .unwrap();
        assert_eq!(u.user.host.as_deref(), Some("%"));
        assert_eq!(u.user.databases[0].name, "db2");
        let u: User = serde_json::from_str(r#"{"name": "bob"}"#).unwrap();
        assert!(u.host.is_none() && u.databases.is_empty());
    }

    #[test]
    fn bodies_match_the_contract() {
        let changes = [PasswordChange::new("alice", "pw").host("10.0.0.1")];
        assert_eq!(
            serde_json::to_value(ChangePasswordsEnvelope { users: &changes }).unwrap(),
            json!({"users": [{"name": "alice", "password": "pw", "host": "10.0.0.1"}]})
        );
        let update = UpdateUser::new().name("bob").password("pw2");
        assert_eq!(
            serde_json::to_value(UpdateUserEnvelope { user: &update }).unwrap(),
            json!({"user": {"name": "bob", "password": "pw2"}})
        );
        assert!(!format!("{update:?}").contains("pw2"));
        assert_eq!(
            serde_json::to_value(GrantAccessEnvelope::new(&["a", "b"])).unwrap(),
            json!({"databases": [{"name": "a"}, {"name": "b"}]})
        );
    }
}
