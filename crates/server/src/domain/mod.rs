//! What AsyncVoter is, apart from how it is stored or served: the records, the checks on
//! what callers send, the life of a vote, and what each caller may see of it.

pub mod error;
pub mod lifecycle;
pub mod notices;
pub mod records;
pub mod reminders;
pub mod rules;
pub mod views;

pub use error::{Checked, DomainError};
