//! Who is logged in, for every component: `provide_session()` in `App`, `use_session()`
//! anywhere below it.

use asyncvoter_wire::pages::BOOT_ELEMENT;
use asyncvoter_wire::{Member, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

/// What the dashboard knows about the visitor.
#[derive(Debug, Clone, PartialEq)]
pub enum Visitor {
    /// Still asking the server.
    Unknown,
    /// Not logged in.
    Anonymous,
    /// Logged in.
    Member(Member),
}

/// The visitor, shared by every component.
#[derive(Debug, Clone, Copy)]
pub struct SessionContext(RwSignal<Visitor>);

/// Whether this server shows its votes to members only; from the page the server wrote.
fn members_only() -> bool {
    boot().is_some_and(|boot| boot.get_attribute("data-members-only").as_deref() == Some("true"))
}

/// The single sign-on provider's name, and whether passwords are off, when the server
/// logs members in through one; from the page the server wrote.
pub fn single_sign_on() -> Option<(String, bool)> {
    let boot = boot()?;
    let name = boot.get_attribute("data-sso")?;
    Some((name, boot.has_attribute("data-sso-only")))
}

/// The newest event when the server wrote the page, if it said.
pub fn boot_event_id() -> Option<String> {
    boot()?.get_attribute("data-event-id")
}

/// The element the server wrote into the page about the visitor, when it wrote one (not
/// under `trunk serve` or in component tests).
fn boot() -> Option<web_sys::Element> {
    document().get_element_by_id(BOOT_ELEMENT)
}

/// The member the server wrote into the page; `None` for nobody.
fn boot_member(boot: &web_sys::Element) -> Option<Member> {
    let json = boot.text_content().filter(|text| !text.is_empty())?;
    api::parse(&json).ok()
}

impl SessionContext {
    /// The logged-in member, if any.
    pub fn member(&self) -> Option<Member> {
        match self.0.get() {
            Visitor::Member(member) => Some(member),
            _ => None,
        }
    }

    /// The logged-in member, if any, without subscribing to changes.
    pub fn member_untracked(&self) -> Option<Member> {
        match self.0.get_untracked() {
            Visitor::Member(member) => Some(member),
            _ => None,
        }
    }

    /// The visitor, tracked.
    pub fn visitor(&self) -> Visitor {
        self.0.get()
    }

    /// True once logged in.
    pub fn is_logged_in(&self) -> bool {
        self.member().is_some()
    }

    /// True for a logged-in admin.
    pub fn is_admin(&self) -> bool {
        self.member().is_some_and(|m| m.role == Role::Admin)
    }

    /// Records a login.
    pub fn logged_in(&self, member: Member) {
        self.set(Visitor::Member(member));
    }

    /// Records a logout.
    pub fn logged_out(&self) {
        self.set(Visitor::Anonymous);
    }

    fn set(&self, visitor: Visitor) {
        // A visitor on a members-only server is told to log in without asking the
        // server first (a refused request is an error in the browser's console).
        api::set_login_needed(visitor == Visitor::Anonymous && members_only());
        self.0.set(visitor);
    }
}

/// Asks the server who is logged in and shares the answer; call once in `App`.
pub fn provide_session() {
    let session = SessionContext(RwSignal::new(Visitor::Unknown));
    provide_context(session);
    let visitor = |member: Option<Member>| member.map_or(Visitor::Anonymous, Visitor::Member);
    if let Some(boot) = boot() {
        session.set(visitor(boot_member(&boot)));
        return;
    }
    spawn_local(async move {
        // An unreachable server shows up where data is loaded; here it means "not known".
        session.set(visitor(api::who_am_i().await.ok().flatten()));
    });
}

/// The session context; a logged-out one where none was provided (component tests).
pub fn use_session() -> SessionContext {
    use_context::<SessionContext>()
        .unwrap_or_else(|| SessionContext(RwSignal::new(Visitor::Anonymous)))
}
