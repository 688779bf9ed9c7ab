use asyncvoter_wire::{Member, MemberPatch, NewMember, PasswordReset, Role};
use leptos::prelude::*;

use crate::api;
use crate::components::{Checkbox, LoginPrompt, NavLink, loaded};
use crate::fetch::Fetch;
use crate::routes;
use crate::session::use_session;
use crate::task::Task;

/// `/admin`: admins add members, edit their names and addresses, reset passwords, and
/// disable those who left (enable them again).
#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>"Members"</h1>
            <p class="lede">"Who can log in to vote, and who runs votes for everyone."</p>
        </div>
        <AdminNav />
        {admins_only("manage members", || view! { <Members /> }.into_any())}
    }
}

/// The admin pages, one link each.
#[component]
pub fn AdminNav() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Admin">
            <NavLink href=routes::ADMIN exact=true>"Members"</NavLink>
            <NavLink href=routes::NOTIFICATIONS>"Notifications"</NavLink>
            <NavLink href=routes::TOKENS>"Tokens"</NavLink>
        </nav>
    }
}

/// `page` for admins; for anyone else, why not (and a way to log in).
pub fn admins_only(
    what: &'static str,
    page: impl Fn() -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    move || {
        if session.is_admin() {
            page()
        } else if session.is_logged_in() {
            view! { <p class="notice">{format!("Only admins {what}.")}</p> }.into_any()
        } else {
            let purpose = format!("as an admin to {what}.");
            view! { <LoginPrompt purpose /> }.into_any()
        }
    }
}

#[component]
fn Members() -> impl IntoView {
    let members = Fetch::new(api::members);
    let reload = Callback::new(move |_| members.refetch());
    view! {
        <AddMember on_added=reload />
        {loaded(members, "Loading members…", reload, move |result| {
                    result.map(|members| view! {
                        <div class="table-scroll">
                        <table class="ballots members">
                            <caption>{match members.len() { 1 => "1 member".to_owned(), n => format!("{n} members") }}</caption>

                            <thead>
                                <tr><th scope="col">"Name"</th><th scope="col">"Username"</th><th scope="col">"Role"</th><th scope="col">"Email"</th><th scope="col">"Password"</th><th scope="col">"Account"</th></tr>
                            </thead>
                            <tbody>
                                {members.into_iter().map(|member| view! { <MemberRow member on_changed=reload /> }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any())
        })}
    }
}

/// One member: their name (editable with their address), role, password reset, and
/// whether they may log in.
#[component]
fn MemberRow(member: Member, on_changed: Callback<()>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let username = StoredValue::new(member.username.clone());
    let reset = Task::<()>::new();
    let change = Task::<Member>::new();
    let patch = move |patch: MemberPatch| {
        change.run(
            async move { api::change_member(&username.get_value(), &patch).await },
            move |_| on_changed.run(()),
        )
    };
    let name = RwSignal::new(member.display_name.clone());
    let email = RwSignal::new(member.email.clone().unwrap_or_default());
    let disabled = member.disabled;
    let label = format!("New password for {}", member.username);
    view! {
        <tr class:member--disabled=disabled>
            <th scope="row">{member.display_name.clone()}</th>
            <td>{member.username.clone()}</td>
            <td>{member.role.as_str()}{disabled.then_some(" · disabled")}</td>
            <td>{member.email.clone().unwrap_or_default()}</td>
            <td>
                <form class="inline-form" on:submit=move |ev| {
                    ev.prevent_default();
                    let body = PasswordReset { password: password.get() };
                    reset.run(async move { api::reset_password(&username.get_value(), &body).await }, move |()| password.set(String::new()));
                }>
                    <input type="password" autocomplete="new-password" minlength="8" required aria-label=label bind:value=password />
                    <button type="submit" class="button button--small" disabled=move || reset.pending()>"Reset"</button>
                </form>
                {move || reset.value().map(|()| view! { <span class="confirmation" role="status">"Password reset."</span> })}
                {move || reset.error().map(|message| view! { <span class="form-error" role="alert">{message}</span> })}
            </td>
            <td>
                <button type="button" class="button button--small button--quiet" class:button--danger=!disabled disabled=move || change.pending()
                    on:click=move |_| patch(MemberPatch { disabled: Some(!disabled), ..Default::default() })>
                    {if disabled { "Enable" } else { "Disable" }}
                </button>
                <details class="member-edit">
                    <summary>"Edit"</summary>
                    <form class="inline-form" on:submit=move |ev| {
                        ev.prevent_default();
                        patch(MemberPatch { display_name: Some(name.get()), email: Some(email.get()), ..Default::default() });
                    }>
                        <input name="member_name" required maxlength="60" aria-label=format!("Name of {}", member.username) bind:value=name />
                        <input type="email" name="member_email" placeholder="email" aria-label=format!("Email of {}", member.username) bind:value=email />
                        <button type="submit" class="button button--small" disabled=move || change.pending()>"Save"</button>
                    </form>
                </details>
                {move || change.error().map(|message| view! { <span class="form-error" role="alert">{message}</span> })}
            </td>
        </tr>
    }
}

#[component]
fn AddMember(on_added: Callback<()>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let add = Task::<Member>::new();
    view! {
        <form
            class="form panel"
            on:submit=move |ev| {
                ev.prevent_default();
                let member = NewMember {
                    username: username.get(),
                    display_name: Some(display_name.get()).filter(|d| !d.trim().is_empty()),
                    password: password.get(),
                    role: Some(if admin.get() { Role::Admin } else { Role::Member }),
                };
                add.run(async move { api::add_member(&member).await }, move |_| {
                    for field in [username, display_name, password] {
                        field.set(String::new());
                    }
                    admin.set(false);
                    on_added.run(());
                });
            }
        >
            <h2>"Add a member"</h2>
            <div class="form__row">
                <label class="field">
                    <span class="field__label">"Username"</span>
                    <input name="username" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{1,31}"
                        title="2 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit" bind:value=username />
                </label>
                <label class="field">
                    <span class="field__label">"Display name"</span>
                    <input name="display_name" maxlength="60" bind:value=display_name />
                </label>
                <label class="field">
                    <span class="field__label">"First password (8+ characters)"</span>
                    <input type="password" name="password" autocomplete="new-password" minlength="8" required bind:value=password />
                </label>
            </div>
            <Checkbox name="admin" checked=admin label="Admin: may run every vote and manage members" />
            {move || add.value().map(|member| view! { <p class="confirmation" role="status">{format!("Added {}.", member.username)}</p> })}
            {move || add.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || add.pending()>"Add member"</button>
        </form>
    }
}
