//! Database users on an instance: list (paged by name), create, bulk password change, show,
//! update attributes, delete, and database access (list, grant, revoke).
//!
//! A user is addressed as `name` or `name@host` in the path; the name is percent-encoded with
//! dots and `@` escaped, as python-troveclient does, and Trove splits on the last `@`.

use std::borrow::Cow;

use trove_types::database::{Database, DatabaseList};
use trove_types::instance::UserSpec;
use trove_types::user::{
    ChangePasswordsEnvelope, CreateUsersEnvelope, GrantAccessEnvelope, PasswordChange, UpdateUser,
    UpdateUserEnvelope, User, UserEnvelope, UserList,
};

use crate::api::list::ListRequest;
use crate::client::Client;
use crate::error::Error;
use crate::request::operation::Operation;
use crate::request::routes;

/// A user's name and, optionally, host: `"jsmith".into()` or `("jsmith", "10.0.0.%").into()`.
///
/// Without a host Trove assumes `%`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserName<'a> {
    /// The user name.
    pub name: &'a str,
    /// The host, when it is not `%`.
    pub host: Option<&'a str>,
}

impl<'a> UserName<'a> {
    /// Returns the path segment before encoding: `name` or `name@host`.
    pub fn raw(&self) -> Cow<'a, str> {
        match self.host {
            Some(host) => Cow::Owned(format!("{}@{host}", self.name)),
            None => Cow::Borrowed(self.name),
        }
    }
}

impl<'a> From<&'a str> for UserName<'a> {
    fn from(name: &'a str) -> Self {
        UserName { name, host: None }
    }
}

impl<'a> From<&'a String> for UserName<'a> {
    fn from(name: &'a String) -> Self {
        UserName { name, host: None }
    }
}

impl<'a> From<(&'a str, &'a str)> for UserName<'a> {
    fn from((name, host): (&'a str, &'a str)) -> Self {
        UserName {
            name,
            host: Some(host),
        }
    }
}

impl<'a> From<&'a User> for UserName<'a> {
    fn from(user: &'a User) -> Self {
        UserName {
            name: &user.name,
            host: user.host.as_deref(),
        }
    }
}

/// Operations on the users of one instance: `client.users(&instance_id)`.
#[derive(Debug, Clone)]
pub struct Users<'c> {
    client: &'c Client,
    instance_id: String,
}

impl<'c> Users<'c> {
    pub(crate) fn new(client: &'c Client, instance_id: &str) -> Self {
        Users {
            client,
            instance_id: instance_id.to_owned(),
        }
    }

    /// Starts a list request: `.await` it for one page (the marker is the last name), or call
    /// `into_stream()` for every user.
    pub fn list(&self) -> ListRequest<'c, UserList> {
        ListRequest::new(self.client, list_operation(&self.instance_id))
    }

    /// Creates users, with their passwords and database access.
    pub async fn create(&self, users: &[UserSpec]) -> Result<(), Error> {
        self.client
            .execute(create_operation(&self.instance_id, users)?)
            .await
    }

    /// Changes the passwords of several users at once.
    pub async fn change_passwords(&self, changes: &[PasswordChange]) -> Result<(), Error> {
        self.client
            .execute(change_passwords_operation(&self.instance_id, changes)?)
            .await
    }

    /// Shows a user.
    pub async fn get<'u>(&self, user: impl Into<UserName<'u>>) -> Result<User, Error> {
        let op = get_operation(&self.instance_id, user.into());
        Ok(self.client.execute(op).await?.user)
    }

    /// Changes a user's name, host or password.
    pub async fn update<'u>(
        &self,
        user: impl Into<UserName<'u>>,
        changes: &UpdateUser,
    ) -> Result<(), Error> {
        let op = update_operation(&self.instance_id, user.into(), changes)?;
        self.client.execute(op).await
    }

    /// Deletes a user.
    pub async fn delete<'u>(&self, user: impl Into<UserName<'u>>) -> Result<(), Error> {
        let op = delete_operation(&self.instance_id, user.into());
        self.client.execute(op).await
    }

    /// Lists the databases a user may use.
    pub async fn access<'u>(&self, user: impl Into<UserName<'u>>) -> Result<Vec<Database>, Error> {
        let op = access_operation(&self.instance_id, user.into());
        Ok(self.client.execute(op).await?.items)
    }

    /// Grants a user access to the databases named in `databases`.
    pub async fn grant<'u, S: AsRef<str>>(
        &self,
        user: impl Into<UserName<'u>>,
        databases: &[S],
    ) -> Result<(), Error> {
        let op = grant_operation(&self.instance_id, user.into(), databases)?;
        self.client.execute(op).await
    }

    /// Revokes a user's access to database `database`.
    pub async fn revoke<'u>(
        &self,
        user: impl Into<UserName<'u>>,
        database: &str,
    ) -> Result<(), Error> {
        let op = revoke_operation(&self.instance_id, user.into(), database);
        self.client.execute(op).await
    }
}

/// `GET /instances/{id}/users` (add `limit` and `marker` for one page).
pub(crate) fn list_operation(instance_id: &str) -> Operation<UserList> {
    Operation::json(&routes::USER_LIST, &[instance_id])
}

/// `POST /instances/{id}/users`. Not idempotent: a replay meets "already exists".
pub(crate) fn create_operation(
    instance_id: &str,
    users: &[UserSpec],
) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::USER_CREATE, &[instance_id]).with_json(&CreateUsersEnvelope { users })
}

/// `PUT /instances/{id}/users`: bulk password change.
pub(crate) fn change_passwords_operation(
    instance_id: &str,
    users: &[PasswordChange],
) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::USER_CHANGE_PASSWORDS, &[instance_id])
        .with_json(&ChangePasswordsEnvelope { users })
}

/// `GET /instances/{id}/users/{user}`.
pub(crate) fn get_operation(instance_id: &str, user: UserName<'_>) -> Operation<UserEnvelope> {
    Operation::json(&routes::USER_GET, &[instance_id, &user.raw()])
}

/// `PUT /instances/{id}/users/{user}`: rename, move to another host, or set the password.
pub(crate) fn update_operation(
    instance_id: &str,
    user: UserName<'_>,
    changes: &UpdateUser,
) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::USER_UPDATE, &[instance_id, &user.raw()])
        .with_json(&UpdateUserEnvelope { user: changes })
}

/// `DELETE /instances/{id}/users/{user}`.
pub(crate) fn delete_operation(instance_id: &str, user: UserName<'_>) -> Operation<()> {
    Operation::empty(&routes::USER_DELETE, &[instance_id, &user.raw()])
}

/// `GET /instances/{id}/users/{user}/databases`.
pub(crate) fn access_operation(instance_id: &str, user: UserName<'_>) -> Operation<DatabaseList> {
    Operation::json(&routes::USER_ACCESS, &[instance_id, &user.raw()])
}

/// `PUT /instances/{id}/users/{user}/databases`: grant access.
pub(crate) fn grant_operation<S: AsRef<str>>(
    instance_id: &str,
    user: UserName<'_>,
    databases: &[S],
) -> Result<Operation<()>, Error> {
    Operation::empty(&routes::USER_GRANT, &[instance_id, &user.raw()])
        .with_json(&GrantAccessEnvelope::new(databases))
}

/// `DELETE /instances/{id}/users/{user}/databases/{db}`: revoke access.
pub(crate) fn revoke_operation(
    instance_id: &str,
    user: UserName<'_>,
    database: &str,
) -> Operation<()> {
    Operation::empty(&routes::USER_REVOKE, &[instance_id, &user.raw(), database])
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn user_names_and_hosts_are_encoded() {
        assert_eq!(
            get_operation("i1", ("jsmith", "%").into()).path(),
            "/instances/i1/users/jsmith%40%25"
        );
        assert_eq!(
            get_operation("i1", "jsmith@%".into()).path(),
            "/instances/i1/users/jsmith%40%25"
        );
        assert_eq!(
            delete_operation("i1", ("a.b", "10.0.0.1").into()).path(),
            "/instances/i1/users/a%2Eb%4010%2E0%2E0%2E1"
        );
        assert_eq!(
            revoke_operation("i1", "alice".into(), "my.db").path(),
            "/instances/i1/users/alice/databases/my%2Edb"
        );
        assert_eq!(
            access_operation("i1", "alice".into()).template(),
            "/instances/{instance_id}/users/{user}/databases"
        );
    }

    #[test]
    fn bodies_match_the_contract() {
        let op =
            create_operation("i1", &[UserSpec::new("u", "pw").host("%").database("d")]).unwrap();
        assert!(!op.is_idempotent());
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"users":[{"name":"u","password":"pw","host":"%","databases":[{"name":"d"}]}]}"#
        );
        let op = change_passwords_operation("i1", &[PasswordChange::new("u", "pw2")]).unwrap();
        assert_eq!(op.method(), Method::PUT);
        assert!(op.is_idempotent());
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"users":[{"name":"u","password":"pw2"}]}"#
        );
        let op = update_operation("i1", "u".into(), &UpdateUser::new().host("10.%")).unwrap();
        assert_eq!(&op.body().unwrap()[..], br#"{"user":{"host":"10.%"}}"#);
        let op = grant_operation("i1", "u".into(), &["a", "b"]).unwrap();
        assert_eq!(
            &op.body().unwrap()[..],
            br#"{"databases":[{"name":"a"},{"name":"b"}]}"#
        );
    }
}
