//! Accounts: roles and the edge newtypes (parse, don't validate).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Candidate,
    Teacher,
    Invigilator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Candidate,
        Role::Teacher,
        Role::Invigilator,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Teacher => "teacher",
            Role::Invigilator => "invigilator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Role, AccountError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| AccountError::UnknownRole(s.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("username must be 3 to 32 characters of a-z, 0-9, '.', '_' or '-' (got {0:?})")]
    BadUsername(String),
    #[error("password must be 8 to 128 characters")]
    BadPassword,
    #[error("unknown role {0:?} (expected candidate, teacher, invigilator or admin)")]
    UnknownRole(String),
    #[error("a start code is 6 characters from A-Z and 2-9 (got {0:?})")]
    BadStartCode(String),
    #[error("{0:?} is not an email address (name@domain, at most 254 characters, no spaces)")]
    BadEmail(String),
    #[error("a candidate number is 1 to 32 letters, digits, '-', '_', '/' or '.' (got {0:?})")]
    BadCandidateNumber(String),
}

/// A candidate number as typed: trimmed; empty means none.
pub fn candidate_number(raw: &str) -> Result<Option<String>, AccountError> {
    let n = raw.trim();
    if n.is_empty() {
        return Ok(None);
    }
    let ok = n.chars().count() <= 32
        && n.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
    if ok {
        Ok(Some(n.to_owned()))
    } else {
        Err(AccountError::BadCandidateNumber(raw.to_owned()))
    }
}

/// An email address as accounts carry it: trimmed, domain lower-cased, one `@`
/// between a local part of 1 to 64 characters and a domain of dot-separated
/// labels, at most 254 characters, no spaces or control characters. Whether it
/// receives mail is not checked (lab candidates often have none at all).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, AccountError> {
        let bad = || AccountError::BadEmail(raw.to_owned());
        let s = raw.trim();
        if s.chars().count() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && !l.contains('@'));
        if local.is_empty() || local.chars().count() > 64 || domain.is_empty() || !labels_ok {
            return Err(bad());
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A login name: lower-cased, 3 to 32 characters of `a-z 0-9 . _ -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Username, AccountError> {
        let s = raw.trim().to_lowercase();
        let ok_len = (3..=32).contains(&s.chars().count());
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if ok_len && ok_chars {
            Ok(Username(s))
        } else {
            Err(AccountError::BadUsername(raw.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password as typed. Never logged, never serialised.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Password, AccountError> {
        if (8..=128).contains(&raw.chars().count()) {
            Ok(Password(raw.to_owned()))
        } else {
            Err(AccountError::BadPassword)
        }
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The code an invigilator reads out to start a sitting. Six characters from an
/// alphabet without look-alikes (no 0/O, 1/I/L); case and separators ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StartCode(String);

impl StartCode {
    pub const ALPHABET: &'static [u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    pub const LEN: usize = 6;

    pub fn parse(raw: &str) -> Result<StartCode, AccountError> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if s.len() == Self::LEN && s.bytes().all(|b| Self::ALPHABET.contains(&b)) {
            Ok(StartCode(s))
        } else {
            Err(AccountError::BadStartCode(raw.to_owned()))
        }
    }

    /// Builds a code from random bytes supplied by the caller (the domain has no RNG).
    pub fn from_random(bytes: [u8; Self::LEN]) -> StartCode {
        let s = bytes
            .iter()
            .map(|b| Self::ALPHABET[*b as usize % Self::ALPHABET.len()] as char)
            .collect();
        StartCode(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(Username::parse("  Alice.B ").unwrap().as_str(), "alice.b");
        for bad in ["ab", "with space", "ünï", &"x".repeat(33), ""] {
            assert!(Username::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("secret-pw").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn start_codes_ignore_case_and_separators_but_reject_lookalikes() {
        assert_eq!(StartCode::parse("abc-def").unwrap().as_str(), "ABCDEF");
        assert_eq!(StartCode::parse(" k7m 2pq ").unwrap().as_str(), "K7M2PQ");
        assert!(
            StartCode::parse("ABCDE0").is_err(),
            "0 is not in the alphabet"
        );
        assert!(StartCode::parse("ABCDE").is_err(), "too short");
        let c = StartCode::from_random([0, 1, 2, 250, 30, 31]);
        assert!(
            StartCode::parse(c.as_str()).is_ok(),
            "generated codes parse"
        );
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
    }
}

#[cfg(test)]
mod email_tests {
    use super::Email;

    #[test]
    fn emails_are_checked_at_the_edge() {
        assert_eq!(
            Email::parse(" Ann.Archer@Lycee.EXAMPLE.fr ")
                .unwrap()
                .as_str(),
            "Ann.Archer@lycee.example.fr"
        );
        for bad in [
            "",
            "ann",
            "@lycee.fr",
            "ann@",
            "ann@@lycee.fr",
            "ann@lycee..fr",
            "ann@-lycee.fr",
            "ann archer@lycee.fr",
            "ann@ly\u{7}cee.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("{}@{}.fr", "a".repeat(64), "b".repeat(185));
        assert!(Email::parse(&long).is_ok());
        assert!(
            Email::parse(&format!("a{long}")).is_err(),
            "local part over 64"
        );
        let too_long = format!("a@{}.fr", "b".repeat(260));
        assert!(Email::parse(&too_long).is_err());
    }
}
