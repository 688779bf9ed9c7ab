use asyncvoter_wire::{MemberSettings, PasswordChange};
use leptos::prelude::*;

use crate::api;
use crate::components::{Checkbox, LoginPrompt, loaded};
use crate::fetch::Fetch;
use crate::session::use_session;
use crate::task::Task;

/// `/account`: the member's own details, what they are told and how, and their password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    view! {
        <section class="narrow">
            <div class="page-head"><h1>"Your account"</h1></div>
            {move || match session.member() {
                Some(member) => view! {
                    <dl class="facts">
                        <div><dt>"Name"</dt><dd>{member.display_name}</dd></div>
                        <div><dt>"Username"</dt><dd>{member.username}</dd></div>
                        <div><dt>"Role"</dt><dd>{member.role.as_str()}</dd></div>
                    </dl>
                    <Notifications />
                    <ChangePassword />
                }
                .into_any(),
                None => view! { <LoginPrompt purpose="to see your account." /> }.into_any(),
            }}
        </section>
    }
}

/// Which messages the member gets, and the address they go to.
#[component]
fn Notifications() -> impl IntoView {
    let settings = Fetch::new(api::my_settings);
    let retry = Callback::new(move |_| settings.refetch());
    loaded(settings, "Loading your notifications…", retry, |answer| {
        answer.map(|settings| view! { <NotificationsForm settings /> }.into_any())
    })
}

#[component]
fn NotificationsForm(settings: MemberSettings) -> impl IntoView {
    let email = RwSignal::new(settings.email.unwrap_or_default());
    let reminders = RwSignal::new(settings.reminders);
    let results = RwSignal::new(settings.results);
    let all_voted = RwSignal::new(settings.all_voted);
    let save = Task::<MemberSettings>::new();
    let no_address = move || email.with(|e| e.trim().is_empty());
    view! {
        <form
            class="form panel"
            on:submit=move |ev| {
                ev.prevent_default();
                let wanted = MemberSettings {
                    email: Some(email.get().trim().to_owned()).filter(|e| !e.is_empty()),
                    reminders: reminders.get(),
                    results: results.get(),
                    all_voted: all_voted.get(),
                };
                save.run(async move { api::save_my_settings(&wanted).await }, |_| {});
            }
        >
            <h2>"Notifications"</h2>
            <label class="field">
                <span class="field__label">"Email address (optional)"</span>
                <input type="email" name="email" autocomplete="email" maxlength="254" placeholder="you@example.com" bind:value=email />
            </label>
            <fieldset class="choices">
                <legend class="field__label">"Email me"</legend>
                <Checkbox name="reminders" checked=reminders label="Reminders before a deadline, for votes waiting on me" />
                <Checkbox name="results" checked=results label="Results of votes I voted in or was expected in" />
                <Checkbox name="all_voted" checked=all_voted label="A word when everyone has voted on a vote I started" />
            </fieldset>
            {move || no_address().then(|| view! { <p class="muted">"Without an address you get no email; every vote is still on the dashboard."</p> })}
            {move || save.value().map(|_| view! { <p class="confirmation" role="status">"Your notifications are saved."</p> })}
            {move || save.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || save.pending()>"Save notifications"</button>
        </form>
    }
}

/// Changing one's own password.
#[component]
fn ChangePassword() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let save = Task::<()>::new();
    view! {
        <form
            class="form panel"
            on:submit=move |ev| {
                ev.prevent_default();
                mismatch.set(new.get() != repeat.get());
                if !mismatch.get_untracked() {
                    let change = PasswordChange { current_password: current.get(), new_password: new.get() };
                    save.run(async move { api::change_password(&change).await }, move |()| {
                        for field in [current, new, repeat] {
                            field.set(String::new());
                        }
                    });
                }
            }
        >
            <h2>"Change your password"</h2>
            <label class="field">
                <span class="field__label">"Current password"</span>
                <input type="password" name="current_password" autocomplete="current-password" required bind:value=current />
            </label>
            <label class="field">
                <span class="field__label">"New password (8 characters or more)"</span>
                <input type="password" name="new_password" autocomplete="new-password" minlength="8" required bind:value=new />
            </label>
            <label class="field">
                <span class="field__label">"New password again"</span>
                <input type="password" name="repeat_password" autocomplete="new-password" required bind:value=repeat />
            </label>
            {move || mismatch.get().then(|| view! { <p class="form-error" role="alert">"The new passwords differ."</p> })}
            {move || save.value().map(|()| view! { <p class="confirmation" role="status">"Your password is changed."</p> })}
            {move || save.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || save.pending()>"Change password"</button>
        </form>
    }
}
